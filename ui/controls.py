"""The app's slider scales: :mod:`estimator.controls`, shared with the notebook app."""

from estimator.controls import GROUP_ORDER, Control, control_for, group_parameters, nice_ceiling

__all__ = ["GROUP_ORDER", "Control", "control_for", "group_parameters", "nice_ceiling"]
