"""One registry of deliverable formats, its writers imported only when a file is made."""

import subprocess
import sys

import pytest

from estimator import Parameters
from estimator.core.parameters import InputError
from estimator.reports import FORMATS, REPORT_FORMATS, build_content, report_bytes

MAGIC = {"pptx": b"PK", "xlsx": b"PK", "html": b"<!DOCTYPE html>"}


def test_importing_the_reports_package_loads_no_writer_library():
    code = "import sys, estimator.reports; print(sorted(m for m in ('pptx', 'xlsxwriter', 'openpyxl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_every_registered_format_makes_its_file_and_the_app_and_cli_list_the_same():
    content = build_content(Parameters(), draws=200)
    for kind, report_format in REPORT_FORMATS.items():
        assert report_bytes(content, kind).startswith(MAGIC[kind])
        assert report_format.kind == kind and report_format.mime and report_format.label_key.startswith("exports.")
    assert FORMATS == tuple(REPORT_FORMATS) == ("pptx", "xlsx", "html")
    from ui.exports import ICONS

    assert set(ICONS) == set(REPORT_FORMATS)


def test_an_unknown_format_is_named_with_the_allowed_ones():
    with pytest.raises(InputError, match=r"'pdf' is not supported; allowed: \.pptx, \.xlsx, \.html"):
        report_bytes(build_content(Parameters(), draws=200), "pdf")
