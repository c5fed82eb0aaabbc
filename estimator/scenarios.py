"""The scenario library under its first name: everything now lives in :mod:`estimator.store`.

Kept so that ``from estimator.scenarios import ScenarioStore`` (notebooks, scripts) still works.
"""

from estimator.store import *  # noqa: F403
from estimator.store import __all__  # noqa: F401


def __getattr__(name: str):
    # Names estimator.store keeps for old code without listing them (ScenarioDraft): they warn there.
    import estimator.store

    return getattr(estimator.store, name)
