"""Where the package finds its data files (parameter specs, evidence, presets), and how it writes files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from estimator.core.errors import InputError

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


def write_file(path: str | Path, data: bytes | str, *, option: str = "--out") -> Path:
    """Write ``data`` to ``path`` all at once: into a temporary file beside it, then renamed over it.

    A full disk or a killed process leaves the previous file as it was, never a truncated one
    (the rename is atomic on one file system). Every file the command line writes goes through here.

    Parameters
    ----------
    path : str or Path
        The file to (re)place.
    data : bytes or str
        The whole content; text is written as UTF-8.
    option : str, default "--out"
        How the error names the file's option.

    Raises
    ------
    InputError
        When the folder cannot be written (the message names ``option``, the path and why).
    """
    target = Path(path)
    content = data.encode("utf-8") if isinstance(data, str) else data
    temporary: Path | None = None
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        temporary = Path(name)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise InputError(f"{option}: {str(target)!r} cannot be written ({error.strerror or error})") from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return target


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
