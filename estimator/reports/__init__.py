"""Consultant deliverables of one scenario: a PowerPoint deck, an Excel workbook and an HTML page.

Typical use::

    from estimator import load_preset
    from estimator.reports import build_content, write_report

    preset = load_preset("telecom_cable")
    content = build_content(preset.parameters, sources=preset.sources, base=preset.parameters)
    write_report(content, "telecom.pptx")   # or .xlsx / .html, chosen by the extension

:func:`build_content` computes everything once (estimate, tornado, Monte Carlo, levers, an
initiative's pay-back, the assumptions with their sources); the writers only lay it out,
in the language of ``build_content(..., language=...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from estimator.core.parameters import InputError
from estimator.paths import write_file
from estimator.reports.content import DEFAULT_DRAWS, DEFAULT_SEED, InitiativePlan, ReportContent, build_content, report_name
from estimator.reports.formats import REPORT_FORMATS, ReportFormat
from estimator.reports.safety import escape_html, neutralise_formula, safe_filename

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "FORMATS",
    "REPORT_FORMATS",
    "InitiativePlan",
    "ReportContent",
    "ReportFormat",
    "build_content",
    "escape_html",
    "html_bytes",
    "neutralise_formula",
    "pptx_bytes",
    "report_bytes",
    "report_name",
    "safe_filename",
    "write_report",
    "xlsx_bytes",
]

#: The deliverables' file extensions (the registry itself is :data:`REPORT_FORMATS`).
FORMATS: tuple[str, ...] = tuple(REPORT_FORMATS)


def __getattr__(name: str) -> Any:
    """``pptx_bytes``, ``xlsx_bytes`` and ``html_bytes``, imported with their writer on first use."""
    for item in REPORT_FORMATS.values():
        if item.function == name:
            return item.writer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def report_bytes(content: ReportContent, kind: str) -> bytes:
    """The deliverable ``kind`` ("pptx", "xlsx" or "html") of ``content`` as bytes.

    Raises
    ------
    InputError
        For any other kind.
    """
    if kind not in REPORT_FORMATS:
        raise InputError(f"report format: {kind!r} is not supported; allowed: {', '.join('.' + k for k in FORMATS)}")
    return REPORT_FORMATS[kind].writer(content)


def write_report(content: ReportContent, path: str | Path) -> Path:
    """Write the deliverable chosen by ``path``'s extension (.pptx, .xlsx or .html).

    The bytes are made first and written beside the file, then renamed over it, so a failure
    (a full disk) leaves no half-written file behind and the previous one as it was.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        For an unsupported extension or a folder that cannot be written.
    """
    path = Path(path)
    data = report_bytes(content, path.suffix.lower().lstrip("."))
    return write_file(path, data)  # beside it, then renamed: a full disk keeps the previous file
