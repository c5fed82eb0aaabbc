"""How each parameter is entered: a slider an executive can move, and a box for the exact value.

Pure logic, no widgets: the groups of inputs, the scale of each slider, the conversions between
model values (shares from 0 to 1, as in MODEL.md and the URL) and what the widgets show
(percentages), and how a typed exact value is read. The Streamlit app (``ui``) and the notebook
app (:mod:`estimator.notebook`) both draw their inputs from here.

Three kinds of slider:

- ``percent``: shares from 0 to 1, shown as 0 % to 100 %.
- ``log``: amounts and counts up to billions (customers, revenue per customer ...): a slider
  over a 1-1.2-1.5-2-2.5-3-4-5-6-8 grid of round numbers, each step about 20 % more, so 2,000
  and 500,000 customers are both easy to set. The exact box takes any value in range.
- ``linear``: the rest, over a practical range (0 to 20 silent customers per complainer),
  widened when a value beyond it is entered; the box again takes the full valid range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.numbers import format_decimal

from estimator.core.parameters import NUMERIC_KEYS, PARAMETER_SPECS
from estimator.links import reason_code
from estimator.text.formatting import NumberEntryError, is_share_parameter, parse_number
from estimator.text.i18n import param_label, t
from estimator.text.messages import allowed_range, reason_text, render

__all__ = [
    "GROUP_ORDER",
    "Control",
    "EntryProblem",
    "control_for",
    "entry_problem_text",
    "group_parameters",
    "nice_ceiling",
    "read_entry",
]

#: The order of the input groups on screen: what the business is, how it loses money, then the horizon.
GROUP_ORDER = ("business", "resignations", "complaints", "spending", "prospects", "word_of_mouth", "incidents", "horizon")


@cache
def group_parameters(group: str) -> tuple[str, ...]:
    """The numeric parameters of input group ``group``, in the order of ``data/parameters.toml``.

    >>> group_parameters("business")[:2]
    ('customers', 'annual_value')
    """
    return tuple(key for key, spec in PARAMETER_SPECS.items() if spec.group == group and key in NUMERIC_KEYS)


#: Round numbers per decade of the logarithmic sliders: no step above a fifth, so an arrow key moves
#: a value by 4-20% (with 1-1.2-1.5-2-2.5 three presses took €1,250 to €2,500).
LOG_STEPS = (1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0, 2.2, 2.5, 2.8, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 9.0)
#: Parameters whose valid range spans more decades than a linear slider can show.
LOG_FROM_MAX = 1e6
#: Practical slider ranges (low, high, step) where the valid range is far wider than real cases.
PRACTICAL_RANGES: dict[str, tuple[float, float, float]] = {
    "silent_ratio": (0.0, 20.0, 0.1),
    "wom_reach": (0.0, 50.0, 1.0),
    "incidents_per_year": (0.0, 52.0, 1.0),
    "incident_hours": (0.0, 168.0, 1.0),
}
#: Shares below this default get a finer slider step (0.1 point instead of 0.5).
FINE_SHARE_BELOW = 0.05


def nice_ceiling(value: float) -> float:
    """The smallest 1-2-5 round number at or above ``value`` (for widening a slider).

    >>> nice_ceiling(23), nice_ceiling(50), nice_ceiling(0.3)
    (50.0, 50.0, 0.5)
    """
    if value <= 0:
        return 0.0
    exponent = math.floor(math.log10(value))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        candidate = mantissa * 10.0**exponent
        if candidate >= value * (1 - 1e-12):
            return float(candidate)
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


@cache
def _log_grid(maximum: float) -> tuple[float, ...]:
    grid = [0.0]
    exponent = 0
    while True:
        for mantissa in LOG_STEPS:
            value = mantissa * 10.0**exponent
            if value > maximum * (1 + 1e-12):
                return tuple(grid)
            grid.append(float(round(value, 6)))
        exponent += 1


@dataclass(frozen=True)
class Control:
    """The widgets of one numeric parameter.

    Attributes
    ----------
    key : str
        The MODEL.md parameter key.
    kind : {"percent", "log", "linear"}
        The slider's scale.
    integer : bool
        Whole numbers only (``horizon_years``).
    slider_min, slider_max, slider_step : float
        The slider's own range and step, in display units (percent for shares). For ``log``
        sliders these are unused; see :attr:`options`.
    scale : float
        Display value = model value × ``scale`` (100 for shares).
    """

    key: str
    kind: str
    integer: bool
    slider_min: float
    slider_max: float
    slider_step: float
    scale: float = 1.0

    @property
    def valid_min(self) -> float:
        """The smallest valid value, in display units."""
        return PARAMETER_SPECS[self.key].min * self.scale

    @property
    def valid_max(self) -> float:
        """The largest valid value, in display units."""
        return PARAMETER_SPECS[self.key].max * self.scale

    @property
    def options(self) -> tuple[float, ...]:
        """The round-number stops of a ``log`` slider (model units); empty for the other kinds."""
        return _log_grid(PARAMETER_SPECS[self.key].max) if self.kind == "log" else ()

    def options_for(self, value: float) -> tuple[float, ...]:
        """The stops of a ``log`` slider showing ``value``: the round numbers plus ``value`` itself.

        An exact value typed in the box (480) then shows on the slider as it is, not as the
        nearest round number (500).

        >>> [stop for stop in control_for("annual_value").options_for(480.0) if 300 <= stop <= 500]
        [300.0, 350.0, 400.0, 450.0, 480.0, 500.0]
        """
        grid = self.options
        return grid if float(value) in grid else tuple(sorted((*grid, float(value))))

    def to_display(self, value: float) -> float | int:
        """Model value → what the exact-value box shows (18.0 for a churn rate of 0.18).

        >>> control_for("churn_rate").to_display(0.07)
        7.0
        """
        if self.integer:
            return int(value)
        # Rounding drops binary noise such as 7.000000000000001 from 0.07 × 100.
        return float(round(value * self.scale, 10))

    def from_display(self, shown: float) -> float | int:
        """What the exact-value box or a linear/percent slider holds → model value.

        >>> control_for("churn_rate").from_display(18.25)
        0.1825
        """
        if self.integer and float(shown).is_integer():
            return int(shown)
        return float(round(shown / self.scale, 12)) if self.scale != 1 else float(shown)

    def slider_position(self, value: float) -> float | int:
        """What the slider holds for a model value: the value itself on a log slider, else its display value.

        >>> control_for("customers").slider_position(123_456), control_for("churn_rate").slider_position(0.18)
        (123456.0, 18.0)
        """
        return float(value) if self.kind == "log" else self.to_display(value)

    def slider_bounds(self, value: float) -> tuple[float, float]:
        """The (min, max) of a linear or percent slider, widened to include ``value`` when needed."""
        shown = self.to_display(value)
        high = self.slider_max
        if shown > high:
            high = min(nice_ceiling(shown), self.valid_max)
        return self.slider_min, high


@cache
def control_for(key: str) -> Control:
    """The widget configuration of numeric parameter ``key``.

    >>> control_for("churn_rate").kind, control_for("customers").kind, control_for("silent_ratio").kind
    ('percent', 'log', 'linear')
    """
    spec = PARAMETER_SPECS[key]
    if spec.kind == "choice":
        raise ValueError(f"{key!r} is a choice, not a number")
    if is_share_parameter(key):
        fine = float(spec.default) < FINE_SHARE_BELOW
        return Control(key, "percent", False, 0.0, 100.0, 0.1 if fine else 0.5, scale=100.0)
    if spec.max >= LOG_FROM_MAX:
        return Control(key, "log", False, 0.0, spec.max, 1.0)
    if spec.kind == "integer":
        return Control(key, "linear", True, spec.min, spec.max, 1)
    low, high, step = PRACTICAL_RANGES.get(key, (spec.min, spec.max, (spec.max - spec.min) / 100))
    return Control(key, "linear", False, low, high, step)


@dataclass(frozen=True)
class EntryProblem:
    """A typed value that was not used: the text as typed (display units) and the reason code."""

    key: str
    shown: Any
    reason: str


def read_entry(key: str, shown: str | None, locale: str = "en") -> tuple[float | int | None, EntryProblem | None]:
    """Read what was typed in parameter ``key``'s exact-value box (display units, ``locale``'s marks).

    Returns
    -------
    (value, problem)
        The model value and ``None`` when the text is a valid value; else ``None`` and the
        :class:`EntryProblem` (reason ``empty``, ``unreadable_number`` or a :func:`reason_code`).

    Examples
    --------
    >>> read_entry("churn_rate", "37,5", locale="pl_PL")
    (0.375, None)
    >>> read_entry("churn_rate", "abc")[1].reason, read_entry("churn_rate", "120")[1].reason
    ('unreadable_number', 'out_of_range')
    """
    if shown is None or not shown.strip():
        return None, EntryProblem(key, None, "empty")
    try:
        number = parse_number(shown, locale=locale)
    except NumberEntryError:
        return None, EntryProblem(key, shown, "unreadable_number")
    value, reason = PARAMETER_SPECS[key].check(control_for(key).from_display(number))
    if reason:
        return None, EntryProblem(key, shown, reason_code(reason))
    return value, None


def entry_problem_text(problem: EntryProblem, current: float, *, locale: str) -> str:
    """A typed value that is not used, in the units of the box (percent for shares): the field, the
    text as typed, why, what is allowed and the value used meanwhile (``current``, model units)."""
    key = problem.key
    control = control_for(key)
    suffix = "%" if control.kind == "percent" else ""
    if problem.shown is None:
        shown = t("input.empty")
    else:  # exactly as typed, with the box's unit
        shown = str(problem.shown).strip()
        shown += "" if shown.endswith(suffix) else suffix
    used = format_decimal(control.to_display(current), locale=locale) + suffix
    allowed = allowed_range(key, control.valid_min, control.valid_max, suffix) if key in NUMERIC_KEYS else ""
    values = {"label": param_label(key), "value": shown, "reason": reason_text(problem.reason), "allowed": allowed, "used": used}
    return render("input.problem", values, labels=False)
