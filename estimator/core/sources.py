"""Where each input came from, under the module's first name: it now lives in :mod:`estimator.core.provenance`.

"Source" means a data source elsewhere; here it meant provenance (file, entered, preset, default). Kept so that old
imports still work, with a DeprecationWarning naming the day it goes (:data:`estimator.deprecations.DEPRECATED`);
``INPUT_SOURCES`` is now :data:`~estimator.core.provenance.PROVENANCE_LABELS`, ``scenario_sources``
:func:`~estimator.core.provenance.scenario_provenance`, ``infer_sources``
:func:`~estimator.core.provenance.infer_provenance`, ``currency_label`` is in :mod:`estimator.text.formatting`.
"""

from typing import Any

from estimator.core.provenance import NO_CURRENCY, SCALED_INPUTS, Scaling, base_of, scale_with_customers
from estimator.deprecations import moved_name, warn_module

__all__ = ["NO_CURRENCY", "SCALED_INPUTS", "Scaling", "base_of", "scale_with_customers"]

warn_module(__name__)


def __getattr__(name: str) -> Any:
    """The renamed names (``INPUT_SOURCES``, ``scenario_sources``, ``infer_sources``, ``currency_label``), with a warning."""
    return moved_name(__name__, name)
