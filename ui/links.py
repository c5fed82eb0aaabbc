"""The app's scenario links: :mod:`estimator.links`, shared with the notebook app's ``.link()``. Its old name: importing it warns
(:data:`estimator.deprecations.DEPRECATED`).
"""

from estimator.deprecations import warn_module
from estimator.links import (
    DEFAULT_PRESET,
    IGNORED_QUERY_KEYS,
    LANGUAGE_QUERY,
    VIEWS,
    WORKSPACE_QUERY,
    LinkProblem,
    LinkScenario,
    encode_value,
    reason_code,
    scenario_from_query,
    scenario_to_query,
)

__all__ = [
    "DEFAULT_PRESET",
    "IGNORED_QUERY_KEYS",
    "LANGUAGE_QUERY",
    "VIEWS",
    "WORKSPACE_QUERY",
    "LinkProblem",
    "LinkScenario",
    "encode_value",
    "reason_code",
    "scenario_from_query",
    "scenario_to_query",
]

warn_module(__name__)
