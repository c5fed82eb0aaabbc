"""The deliverables opened by real LibreOffice: the workbook recomputes, every slide renders.

The workbook test changes inputs in the file (openpyxl, which keeps formulas and drops every
cached value), lets LibreOffice headless recalculate (a profile set to always recalculate on
load) and compares every output of the Model sheet with :func:`estimator.evaluate`.
Skipped only where ``soffice`` is missing; CI installs it.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PIL import Image, ImageStat
from pptx import Presentation

from estimator import Outputs, Parameters, evaluate, load_preset
from estimator.core.parameters import PARAMETER_SPECS
from estimator.reports import build_content, write_report
from estimator.reports.xlsx_report import MODEL_FORMULAS

pytestmark = [
    pytest.mark.office,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"),
]

#: LibreOffice setting "recalculate Excel 2007+ files on load: always" (0), so no cached value survives.
_ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_convert(files: list[Path], target: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert ``files`` with LibreOffice headless, in a profile of this test's own (parallel runs do not clash)."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_ALWAYS_RECALCULATE)
    command = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=240)
    converted = [outdir / f"{file.stem}.{target.split(':')[0]}" for file in files]
    missing = [str(path) for path in converted if not path.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return converted


#: Scenarios for the workbook: both methods and the edge cases of MODEL.md.
SCENARIOS = {
    "defaults_changed": {"churn_rate": 0.25, "annual_value": 720.0},
    "bottom_up": {"method": "bottom_up", "complaint_rate": 0.14, "resolved_share": 0.55},
    "silent_cap_binds": {"method": "bottom_up", "complaint_rate": 0.3, "silent_ratio": 5.0},
    "negative_bottom_up": {"method": "bottom_up", "churn_resolved": 0.05, "churn_silent": 0.10, "baseline_churn": 0.2},
    "downtime_capped": {"incidents_per_year": 365, "incident_hours": 48.0, "incident_reach": 1.0, "incident_churn": 1.0},
    "no_incidents": {"incidents_per_year": 0, "wom_reach": 0.0},
    "no_customers": {"customers": 0, "prospect_contacts": 5000},
    "no_churn_no_discount": {"churn_rate": 0.0, "discount_rate": 0.0, "horizon_years": 50, "method": "bottom_up"},
    "everyone_leaves": {"churn_rate": 1.0, "service_share": 1.0, "horizon_years": 1},
    "large_pln": {"customers": 2.5e7, "annual_value": 1234.56, "acquisition_cost": 900.0, "gross_margin": 1.0},
}


def _set_inputs(source: Path, target: Path, values: dict) -> None:
    workbook = openpyxl.load_workbook(source)
    sheet = workbook["Inputs"]
    rows = {row[0].value: row[2] for row in sheet.iter_rows(min_row=1, max_col=3) if row[0].value in PARAMETER_SPECS}
    for key, value in values.items():
        rows[key].value = value
    workbook.save(target)


def test_the_recalculated_workbook_equals_the_estimator_in_every_scenario(tmp_path):
    exported = tmp_path / "exported.xlsx"
    write_report(build_content(Parameters(name="Workbook test")), exported)
    names = openpyxl.load_workbook(exported).defined_names
    assert all(key in names for key in PARAMETER_SPECS), "every MODEL.md key names its input cell"

    files = []
    for name, values in SCENARIOS.items():
        path = tmp_path / f"{name}.xlsx"
        _set_inputs(exported, path, values)
        files.append(path)
    converted = soffice_convert(files, "xlsx", tmp_path / "out", tmp_path / "profile")

    checked = 0
    for (name, values), path in zip(SCENARIOS.items(), converted, strict=True):
        expected = evaluate(Parameters(values))
        sheet = openpyxl.load_workbook(path, data_only=True)["Model"]
        got = {row[0]: row[2] for row in sheet.iter_rows(min_row=5, max_col=3, values_only=True) if row[0]}
        assert set(got) == {formula_name for formula_name, _ in MODEL_FORMULAS}
        for output in Outputs.names():
            value, want = got[output], expected[output].item()
            if isinstance(want, bool | np.bool_):
                assert value is bool(want), f"{name}: {output} = {value!r}, expected {want}"
            elif math.isnan(want):
                assert value in (None, ""), f"{name}: {output} = {value!r}, expected undefined"
            else:
                assert isinstance(value, int | float), f"{name}: {output} = {value!r} (not recalculated?)"
                np.testing.assert_allclose(value, want, rtol=1e-9, atol=1e-9, err_msg=f"{name}: {output}")
            checked += 1
    assert checked == len(SCENARIOS) * len(Outputs.names())


def test_every_slide_renders(tmp_path):
    preset = load_preset("poland_consumer_services")
    params = preset.parameters.replace(name="Zażółć gęślą jaźń: a long scenario name to check the title fits")
    deck = tmp_path / "deck.pptx"
    write_report(build_content(params, sources=preset.sources, base=preset.parameters, notes="=1+1"), deck)
    slides = len(Presentation(str(deck)).slides)
    (pdf,) = soffice_convert([deck], "pdf", tmp_path / "out", tmp_path / "profile")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == slides
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "slide")], check=True, timeout=120)
    images = sorted(tmp_path.glob("slide-*.png"))
    assert len(images) == slides
    for image in images:
        with Image.open(image) as picture:
            spread = ImageStat.Stat(picture.convert("L")).stddev[0]
        assert spread > 10, f"{image.name} looks blank (grey-level spread {spread:.1f})"
