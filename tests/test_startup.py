"""What keeps the app's start light (issue 14): the first screen's modules import no pandas,
DuckDB or SQLAlchemy, and the tooltips' citations read without pandas are the evidence table's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from estimator.library import SourceRef, load_evidence

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "duckdb", "sqlalchemy", "alembic", "scipy", "pptx", "openpyxl", "SALib", "statsmodels")


def test_citations_and_grades_are_those_of_the_evidence_table():
    evidence = load_evidence()
    for evidence_id, row in evidence.iterrows():
        ref = SourceRef(evidence_id)
        # The table's own wording of a citation, as it was written before the light reader.
        where = ", ".join(str(part) for part in (row.country, row.year) if part is not pd.NA and str(part))
        assert ref.citation == (f"{row.source} ({where})" if where else row.source)
        assert ref.grade == (f"{row.grade} (proxy)" if row.proxy else row.grade)
    assert SourceRef("assumption").citation == "Assumption"


def test_first_screen_modules_import_none_of_the_heavy_libraries():
    # A fresh interpreter: importing the app's page and drawing a sidebar tooltip's text.
    code = (
        "import sys, json\n"
        "import ui.main, ui.sidebar\n"
        "from estimator import estimate, load_preset\n"
        "from estimator.text.sentences import parameter_help\n"
        "preset = load_preset('generic_b2c')\n"
        "estimate(preset.parameters)\n"
        "parameter_help('customers', preset, preset.parameters, locale='en')\n"
        f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
