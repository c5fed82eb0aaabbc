"""The one registry of deliverable formats: what the CLI's ``--out`` extensions and the app's
download buttons iterate over.

A format is a file extension, the module and function that make its bytes, its MIME type and
the catalogue key of its label. Writers are imported when a file is first made, so neither
the app's first screen nor ``python -m estimator estimate`` pays for python-pptx or xlsxwriter.
A new format is one writer module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from estimator.reports.content import ReportContent

__all__ = ["REPORT_FORMATS", "ReportFormat"]


@dataclass(frozen=True)
class ReportFormat:
    """One deliverable format: ``kind`` is the file extension without its dot."""

    kind: str
    module: str
    function: str
    mime: str
    label_key: str

    @property
    def writer(self) -> Callable[[ReportContent], bytes]:
        """The function that turns a report's content into this format's bytes."""
        return getattr(import_module(self.module), self.function)


#: The deliverables, in the order the app shows them.
REPORT_FORMATS: dict[str, ReportFormat] = {
    item.kind: item
    for item in (
        ReportFormat(
            "pptx",
            "estimator.reports.pptx_report",
            "pptx_bytes",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "exports.pptx",
        ),
        ReportFormat(
            "xlsx",
            "estimator.reports.xlsx_report",
            "xlsx_bytes",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "exports.xlsx",
        ),
        ReportFormat("html", "estimator.reports.html_report", "html_bytes", "text/html", "exports.html"),
    )
}
