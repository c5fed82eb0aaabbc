"""Uncertainty ranges: the plausible low and high of each numeric parameter of one scenario.

They sit in the core beside :mod:`~estimator.core.parameters` because a scenario carries them
(:class:`~estimator.core.scenario.Scenario`): the store, the files and both apps check them
without importing the analyses that use them (:mod:`estimator.analysis.sensitivity`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from estimator.core.parameters import NUMERIC_KEYS, PARAMETER_SPECS, InputError, ParameterError, Parameters, Problem
from estimator.deprecations import renamed_method
from estimator.paths import data_dir

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["UncertainRange", "UncertaintyRanges", "read_ranges"]


@dataclass(frozen=True)
class UncertainRange:
    """The plausible values of one parameter: low, most likely and high, with the reason."""

    parameter: str
    low: float
    most_likely: float
    high: float
    reason: str = ""

    @property
    def is_fixed(self) -> bool:
        return self.low == self.high

    def pert_shape(self, weight: float = 4.0) -> tuple[float, float]:
        """Beta-PERT's shape parameters (alpha, beta); the mode gets ``weight`` (classic 4)."""
        width = self.high - self.low
        return 1 + weight * (self.most_likely - self.low) / width, 1 + weight * (self.high - self.most_likely) / width


@cache
def _default_spreads() -> dict[str, dict[str, Any]]:
    with open(data_dir() / "uncertainty.toml", "rb") as handle:
        return tomllib.load(handle)


class UncertaintyRanges(Mapping[str, UncertainRange]):
    """Validated uncertainty ranges for every numeric parameter of one scenario.

    Build them with :meth:`around`, which centres the default spreads of
    ``data/uncertainty.toml`` on the scenario's values; ``custom`` ranges replace them.

    Raises
    ------
    ParameterError
        When a low is above its high, a bound is outside the parameter's valid range, or
        the scenario's value (the most likely one) lies outside its range.
    """

    def __init__(self, ranges: Mapping[str, UncertainRange]):
        problems = []
        for key, item in ranges.items():
            spec = PARAMETER_SPECS.get(key)
            bounds = (item.low, item.most_likely, item.high)
            if spec is None or spec.kind == "choice":
                problems.append(
                    Problem(key, (item.low, item.high), "a numeric parameter", "not a parameter with an uncertainty range")
                )
            elif not all(math.isfinite(b) for b in bounds):
                problems.append(Problem(key, (item.low, item.high), "finite numbers", "not a finite range"))
            elif item.low > item.high:
                problems.append(Problem(key, (item.low, item.high), "low <= high", "a range whose low is above its high"))
            elif item.low < spec.min or item.high > spec.max:
                problems.append(Problem(key, (item.low, item.high), f"bounds within {spec.allowed}", "outside the valid range"))
            elif not item.low <= item.most_likely <= item.high:
                problems.append(
                    Problem(
                        key,
                        (item.low, item.high),
                        f"a range containing the scenario's value {item.most_likely:g}",
                        "a range that misses the value",
                    )
                )
        if problems:
            raise ParameterError(problems)
        self._ranges = dict(ranges)

    @classmethod
    def around(
        cls,
        params: Parameters,
        custom: Mapping[str, tuple[float, float]] | None = None,
        reasons: Mapping[str, str] | None = None,
    ) -> UncertaintyRanges:
        """Default ranges around ``params`` (clipped to valid values), with ``custom`` (low, high) overrides.

        ``reasons`` says where a custom range came from (a calibration's 95 % interval, a saved
        scenario); a custom range without one is "set by the user".
        """
        spreads = _default_spreads()
        unknown = [key for key in (custom or {}) if key not in NUMERIC_KEYS]
        if unknown:
            raise ParameterError(
                [Problem(key, custom[key], "a numeric parameter", "not a parameter with an uncertainty range") for key in unknown]
            )
        ranges = {}
        for key in NUMERIC_KEYS:
            spec, value, spread = PARAMETER_SPECS[key], float(params[key]), spreads[key]
            if key in (custom or {}):
                low, high = (float(b) for b in custom[key])
                reason = (reasons or {}).get(key, "set by the user")
            else:
                if spread["spread"] == "relative":
                    low, high = value * spread["low"], value * spread["high"]
                else:
                    low, high = value + spread["low"], value + spread["high"]
                low, high = max(low, spec.min), min(high, spec.max)
                if spec.kind == "integer":
                    low, high = math.ceil(low), math.floor(high)
                reason = spread["reason"]
            ranges[key] = UncertainRange(key, low, value, high, reason)
        return cls(ranges)

    def __getitem__(self, key: str) -> UncertainRange:
        return self._ranges[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ranges)

    def __len__(self) -> int:
        return len(self._ranges)

    @property
    def uncertain(self) -> list[str]:
        """The parameters whose range is not a single value."""
        return [key for key, item in self._ranges.items() if not item.is_fixed]

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd  # only for a table: the first screen checks ranges without pandas

        return pd.DataFrame([vars(item) for item in self._ranges.values()]).set_index("parameter")

    #: The name the first releases used (warns; :data:`estimator.deprecations.DEPRECATED`).
    to_df = renamed_method("estimator.core.ranges.UncertaintyRanges.to_df")

    def to_dict(self) -> dict[str, dict[str, float]]:
        """``{parameter: {"low": ..., "high": ...}}``, the form scenario files use."""
        return {key: {"low": item.low, "high": item.high} for key, item in self._ranges.items()}


def read_ranges(table: Any, where: str = "ranges") -> dict[str, tuple[float, float]]:
    """Read ``{parameter: {"low": .., "high": ..}}`` (or ``[low, high]``) from a scenario file.

    Raises
    ------
    InputError
        Naming ``where`` and the entry when it is not a pair of numbers.
    """
    if not isinstance(table, Mapping):
        raise InputError(f"{where}: 'ranges' must be a table of parameter = {{low = .., high = ..}}")
    ranges = {}
    for key, entry in table.items():
        pair = (entry.get("low"), entry.get("high")) if isinstance(entry, Mapping) else entry
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair)
        ):
            raise InputError(f"{where}: range of {key!r} must have a numeric low and high, got {entry!r}")
        ranges[key] = (float(pair[0]), float(pair[1]))
    return ranges
