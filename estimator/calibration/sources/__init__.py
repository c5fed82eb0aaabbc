"""The file formats of calibration under their first name: they now live in :mod:`estimator.calibration.formats`.

"Source" meant a data source elsewhere; here it was a file format. Kept so that old imports still work, with a
DeprecationWarning naming the day it goes (:data:`estimator.deprecations.DEPRECATED`); ``Source`` is now
:class:`~estimator.calibration.formats.FileView`, ``open_source`` :func:`~estimator.calibration.formats.open_file`.
"""

from typing import Any

from estimator.calibration.formats import FORMATS, FileView, detect_format, first_line, open_file
from estimator.deprecations import moved_name, warn_module

__all__ = ["FORMATS", "FileView", "detect_format", "first_line", "open_file"]

warn_module(__name__)


def __getattr__(name: str) -> Any:
    """``Source`` and ``open_source``, the old names of :class:`FileView` and :func:`open_file`, with a warning."""
    return moved_name(__name__, name)
