"""What every panel of a script run needs: the scenario, its estimate, the preset and the baseline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from estimator import PARAMETER_SPECS, Estimate, ModelWarning, Parameters, Preset
from estimator.text.messages import warning_text
from estimator.text.sentences import channel_labels

__all__ = ["Context", "channel_labels", "model_warning_markdown"]


@dataclass(frozen=True)
class Context:
    """One script run's view of the scenario.

    Attributes
    ----------
    parameters : Parameters
        The current (valid) scenario.
    estimate : Estimate
        Its figures, from :func:`estimator.estimate`.
    preset : Preset
        The preset it started from (for sources and resets).
    baseline : Parameters or None
        The pinned baseline, if any, with its estimate and the time it was pinned.
    locale : str
        Babel locale for numbers.
    """

    parameters: Parameters
    estimate: Estimate
    preset: Preset
    baseline: Parameters | None
    baseline_estimate: Estimate | None
    baseline_time: datetime | None
    locale: str

    @property
    def currency(self) -> str:
        return self.parameters.currency

    @cached_property
    def changed_from_preset(self) -> frozenset[str]:
        """Parameters whose value is not the preset's."""
        return frozenset(key for key in PARAMETER_SPECS if self.parameters[key] != self.preset.parameters[key])


def model_warning_markdown(warning: ModelWarning) -> str:
    """A model warning in the app's Markdown (:func:`estimator.text.messages.warning_text`, labels in italics)."""
    return warning_text(warning, emphasis="*")
