"""Where the package finds its data files (parameter specs, evidence, presets)."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the scenario library: a SQLite path or a ``postgresql://`` URL.
DATABASE_ENV = "CHURN_ESTIMATOR_DB"
#: Environment variable listing the databases the app's Calibration tab may read (``host[:port]/database``
#: or ``host[:port]/*``, separated by commas or spaces); unset, the app has no database source.
APP_DATABASES_ENV = "CHURN_ESTIMATOR_APP_DATABASES"
#: The repository's ``data/`` folder; ``ESTIMATOR_DATA_DIR`` points elsewhere (e.g. a client's own presets).
_DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The folder holding ``parameters.toml``, ``evidence.csv`` and ``presets/``."""
    return Path(os.environ.get("ESTIMATOR_DATA_DIR", _DEFAULT_DATA_DIR))
