"""Old names that still work for a while: each warns, naming its new name and the day it goes.

:data:`DEPRECATED` is the one list of them with their removal dates; ``tests/test_deprecations.py`` fails once
a date has passed (remove the shim and its line then) and checks the package itself uses none of them.
A shim is one of three kinds: a module kept under its old name (it calls :func:`warn_module` when imported),
a name moved to another module (the old module's ``__getattr__`` calls :func:`moved_name`), a method's old
name (:func:`renamed_method`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Any

__all__ = ["DEPRECATED", "Deprecated", "moved_name", "renamed_method", "warn_module"]

#: The day every shim of issue 25 goes.
_ISSUE_25_REMOVAL = date(2027, 6, 30)


@dataclass(frozen=True)
class Deprecated:
    """One old name: the dotted name that replaces it and the day the old one is removed."""

    new: str
    removal: date

    def message(self, old: str) -> str:
        return f"{old} is deprecated and will be removed on {self.removal.isoformat()}; use {self.new}"


#: Old dotted name -> its replacement. Module names, ``module.name`` for a moved name, ``module.Class.method``.
DEPRECATED: dict[str, Deprecated] = {
    "estimator.scenarios": Deprecated("estimator.store", _ISSUE_25_REMOVAL),
    "ui.i18n": Deprecated("estimator.text.i18n", _ISSUE_25_REMOVAL),
    "ui.controls": Deprecated("estimator.controls", _ISSUE_25_REMOVAL),
    "ui.links": Deprecated("estimator.links", _ISSUE_25_REMOVAL),
    "estimator.core.sources": Deprecated("estimator.core.provenance", _ISSUE_25_REMOVAL),
    "estimator.core.sources.INPUT_SOURCES": Deprecated("estimator.core.provenance.PROVENANCE_LABELS", _ISSUE_25_REMOVAL),
    "estimator.core.sources.scenario_sources": Deprecated("estimator.core.provenance.scenario_provenance", _ISSUE_25_REMOVAL),
    "estimator.core.sources.infer_sources": Deprecated("estimator.core.provenance.infer_provenance", _ISSUE_25_REMOVAL),
    "estimator.core.sources.currency_label": Deprecated("estimator.text.formatting.currency_label", _ISSUE_25_REMOVAL),
    "estimator.calibration.sources": Deprecated("estimator.calibration.formats", _ISSUE_25_REMOVAL),
    "estimator.calibration.sources.Source": Deprecated("estimator.calibration.formats.FileView", _ISSUE_25_REMOVAL),
    "estimator.calibration.sources.open_source": Deprecated("estimator.calibration.formats.open_file", _ISSUE_25_REMOVAL),
    "estimator.calibration.engines.add_source_arguments": Deprecated(
        "estimator.calibration.engines.add_engine_arguments", _ISSUE_25_REMOVAL
    ),
    "estimator.calibration.engines.source_options": Deprecated("estimator.calibration.engines.engine_options", _ISSUE_25_REMOVAL),
    "estimator.calibration.message_text": Deprecated("estimator.calibration.messages.calibration_text", _ISSUE_25_REMOVAL),
    "estimator.calibration.messages.message_text": Deprecated(
        "estimator.calibration.messages.calibration_text", _ISSUE_25_REMOVAL
    ),
    "estimator.text.messages.allowed_in_link": Deprecated("estimator.links.allowed_in_link", _ISSUE_25_REMOVAL),
    "estimator.text.messages.link_problem_text": Deprecated("estimator.links.link_problem_text", _ISSUE_25_REMOVAL),
    "estimator.text.messages.entry_problem_text": Deprecated("estimator.controls.entry_problem_text", _ISSUE_25_REMOVAL),
    "estimator.text.messages.calibration_text": Deprecated("estimator.calibration.messages.calibration_text", _ISSUE_25_REMOVAL),
    "estimator.core.ranges.UncertaintyRanges.to_df": Deprecated(
        "estimator.core.ranges.UncertaintyRanges.to_frame", _ISSUE_25_REMOVAL
    ),
    **{
        f"estimator.analysis.sensitivity.{name}.to_df": Deprecated(
            f"estimator.analysis.sensitivity.{name}.to_frame", _ISSUE_25_REMOVAL
        )
        for name in ("Tornado", "Heatmap", "MonteCarloResult")
    },
}


def _warn(old: str, stacklevel: int) -> Deprecated:
    entry = DEPRECATED[old]
    warnings.warn(entry.message(old), DeprecationWarning, stacklevel=stacklevel + 1)
    return entry


def warn_module(old: str) -> None:
    """Warn that the module ``old`` (being imported) is an old name; call it at the module's top."""
    _warn(old, stacklevel=3)


def moved_name(module: str, name: str) -> Any:
    """The object the old ``module.name`` now is, with a warning; for the old module's ``__getattr__``.

    Raises
    ------
    AttributeError
        When ``module.name`` is no old name (what ``__getattr__`` must raise for a name that does not exist).
    """
    old = f"{module}.{name}"
    if old not in DEPRECATED:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    where, _, new_name = _warn(old, stacklevel=3).new.rpartition(".")
    return getattr(import_module(where), new_name)


def renamed_method(old: str) -> Callable[..., Any]:
    """A method under its old name ``module.Class.method``: warns, then calls the new one on the same object."""
    new_name = DEPRECATED[old].new.rpartition(".")[2]

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        _warn(old, stacklevel=2)
        return getattr(self, new_name)(*args, **kwargs)

    method.__name__ = old.rpartition(".")[2]
    method.__doc__ = DEPRECATED[old].message(old)
    return method
