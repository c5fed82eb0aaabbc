"""The app's slider scales: :mod:`estimator.controls`, shared with the notebook app. Its old name: importing it warns
(:data:`estimator.deprecations.DEPRECATED`).
"""

from estimator.controls import GROUP_ORDER, Control, control_for, group_parameters, nice_ceiling
from estimator.deprecations import warn_module

__all__ = ["GROUP_ORDER", "Control", "control_for", "group_parameters", "nice_ceiling"]

warn_module(__name__)
