"""What every panel of a script run needs: the scenario, its estimate, the preset and the baseline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from estimator import CHANNELS, PARAMETER_SPECS, Estimate, ModelWarning, Parameters, Preset
from estimator.formatting import format_count, format_share
from ui.i18n import current_locale, param_label, t

__all__ = ["Context", "channel_labels", "warning_text"]


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


def channel_labels() -> dict[str, str]:
    """The name of each channel, and of the total, in the current language."""
    return {name: t(f"channel.{name}") for name in (*CHANNELS, "total")}


#: Values of model warnings that are shares (the others count customers or hours).
_SHARE_VALUES = frozenset({"requested", "used"})


def _formatted_values(warning: ModelWarning) -> dict[str, str]:
    """The figures a warning quotes, written for the current language ("12,5%", "1 575")."""
    locale = current_locale()
    return {
        name: format_share(value, locale=locale) if name in _SHARE_VALUES else format_count(value, locale=locale)
        for name, value in warning.values.items()
    }


# Parameter keys with an underscore never occur in ordinary words, so they can be swapped for labels.
_KEY_PATTERN = re.compile(r"\b(" + "|".join(k for k in PARAMETER_SPECS if "_" in k) + r")\b")


def warning_text(warning: ModelWarning) -> str:
    """A model warning in plain words: translated if the catalogue has it, parameter keys shown as labels."""
    text = t(f"warning.{warning.code}", default=warning.message, **_formatted_values(warning))
    return _KEY_PATTERN.sub(lambda match: f"*{param_label(match.group(1)).lower()}*", text)
