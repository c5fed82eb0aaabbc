"""The scenario library under its first name: everything now lives in :mod:`estimator.store`.

Kept so that ``from estimator.scenarios import ScenarioStore`` (notebooks, scripts) still works, with a
DeprecationWarning naming the day it goes (:data:`estimator.deprecations.DEPRECATED`).
"""

from estimator.deprecations import warn_module
from estimator.store import *  # noqa: F403
from estimator.store import __all__  # noqa: F401

warn_module(__name__)


def __getattr__(name: str):
    # Names estimator.store keeps for old code without listing them (ScenarioDraft): they warn there.
    import estimator.store

    return getattr(estimator.store, name)
