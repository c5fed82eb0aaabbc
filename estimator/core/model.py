"""The churn-cost model of MODEL.md as one vectorised function.

:func:`evaluate` computes every output for one scenario or for arrays of millions of
scenarios at once (numpy broadcasting). Sensitivity analysis, Monte Carlo and calibration
call it; nothing else implements the formulas.
"""

from __future__ import annotations

import math
import operator
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from functools import cache, reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import numpy as np

from estimator.core.parameters import (
    NUMERIC_KEYS,
    PARAMETER_SPECS,
    TEXT_KEYS,
    ParameterError,
    Parameters,
    Problem,
    unknown_parameter,
)
from estimator.paths import data_dir

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CHANNELS",
    "CHANNEL_SPECS",
    "HOURS_PER_YEAR",
    "Channel",
    "ChannelRegistryError",
    "Outputs",
    "evaluate",
    "evaluate_drawn",
    "map_in_threads",
    "read_channels",
]

HOURS_PER_YEAR = 8760.0
#: Scenarios evaluated at a time in large batches, so temporaries fit in the CPU cache.
BLOCK_SIZE = 32_768


@dataclass(frozen=True)
class Outputs:
    """Every output of the model, each an array of the scenarios' broadcast shape.

    Revenue figures are yearly and in the scenario's currency; customer figures are counts
    per year. Undefined values (``share_of_revenue`` with no revenue,
    ``implied_service_share`` with no churn) are NaN.
    """

    # Yearly revenue lost, by channel, and their sum.
    total: np.ndarray
    retention: np.ndarray
    spend_reduction: np.ndarray
    missed_contacts: np.ndarray
    word_of_mouth: np.ndarray
    incidents: np.ndarray
    # Customers lost a year, by channel (spending cuts lose no customers).
    customers_lost_retention: np.ndarray
    customers_lost_missed_contacts: np.ndarray
    customers_lost_word_of_mouth: np.ndarray
    customers_lost_incidents: np.ndarray
    customers_lost_total: np.ndarray
    # Derived outputs.
    share_of_revenue: np.ndarray
    profit_lost: np.ndarray
    value_at_risk: np.ndarray
    replacement_cost: np.ndarray
    # Cross-check of the two methods.
    top_down_customers: np.ndarray
    bottom_up_customers: np.ndarray
    implied_service_share: np.ndarray
    # Details behind the figures, for explanations and warnings.
    complainers: np.ndarray
    silent_customers: np.ndarray
    bottom_up_resolved: np.ndarray
    bottom_up_unresolved: np.ndarray
    bottom_up_silent: np.ndarray
    downtime_revenue: np.ndarray
    horizon_factor: np.ndarray
    silent_cap_binds: np.ndarray
    downtime_capped: np.ndarray

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every output's name, e.g. for choosing what a sensitivity analysis reports."""
        return tuple(f.name for f in fields(cls))

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.names():
            raise KeyError(f"unknown output {name!r}; known outputs: {', '.join(self.names())}")
        return getattr(self, name)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.total.shape

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario, one column per output (a 0-d result gives one row)."""
        import pandas as pd  # imported when a table is made: it takes about a second

        return pd.DataFrame({name: np.ravel(getattr(self, name)) for name in self.names()})


@dataclass(frozen=True)
class Channel:
    """One channel through which revenue is lost: declared once, everything else iterates over it.

    The channels are declared in ``data/channels.toml`` (:data:`CHANNEL_SPECS` is built from it).

    Attributes
    ----------
    name : str
        The output of :func:`evaluate` with the yearly revenue lost through it; also its key in
        ``Estimate.to_dict()`` and ``to_frame()``, and its workbook name.
    customers : str or None
        The output counting the customers it loses a year (``Estimate.to_dict()["customers_lost"]``),
        or ``None`` when it loses none (customers who spend less stay).
    one_off : str or None
        The output with the part of its revenue lost that does not recur (MODEL.md's Rdown, sales
        lost while the service is down), or ``None``. Value at risk sums the registry: a customer
        lost is ``annual_value`` a year over the horizon, a channel that loses no customers recurs
        as it is, and ``one_off`` counts once; so a channel's revenue lost must be its customers ×
        ``annual_value`` plus ``one_off`` (``tests/test_channels.py`` checks it).
    inputs : mapping of str to tuple of str
        Method (``top_down``, ``bottom_up``) → the inputs that size the channel relative to revenue
        (the plausibility warning ``one_channel_dominates_from_default`` reads them).
    formulas : tuple of (str, str)
        The workbook formulas of its outputs, ``(output, formula)`` in evaluation order
        (:data:`estimator.reports.xlsx_report.MODEL_FORMULAS` lays them out in the registry's order).
    """

    name: str
    customers: str | None
    one_off: str | None = None
    # A dict (a channel pickles, e.g. into a cache), so left out of the hash; equality still compares it.
    inputs: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    formulas: tuple[tuple[str, str], ...] = ()

    @property
    def label_key(self) -> str:
        """Its name in the i18n catalogues (``data/i18n/<language>/channels.toml``, ``[channel]``)."""
        return f"channel.{self.name}"


class ChannelRegistryError(ValueError):
    """``data/channels.toml`` is not a valid channel registry; the message names the channel and the key."""


#: The keys of a channel's entry in ``data/channels.toml``, and the ones it must have.
_CHANNEL_KEYS = ("name", "customers", "one_off", "inputs", "formulas")
_REQUIRED_CHANNEL_KEYS = ("name", "inputs", "formulas")


def read_channels(path: Path) -> tuple[Channel, ...]:
    """The channel registry in ``path`` (a file like ``data/channels.toml``), checked entry by entry.

    Parameters
    ----------
    path : Path
        The TOML file: an array ``[[channel]]`` of entries (its header comment says what each key holds).

    Returns
    -------
    tuple of Channel
        In the file's order.

    Raises
    ------
    ChannelRegistryError
        For anything the model could not use, naming the file, the channel and the key: a missing or
        unknown key, an output :class:`Outputs` lacks, an unknown input, a method missing, an output
        of the channel without its workbook formula, a name or a formula given twice.
    """
    with open(path, "rb") as handle:
        entries = tomllib.load(handle).get("channel")
    if not isinstance(entries, list) or not entries:
        raise ChannelRegistryError(f"{path.name}: no [[channel]] entries")
    channels: list[Channel] = []
    claimed: dict[str, str] = {}  # output -> the channel whose formula gives it
    for number, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"{path.name}: channel {name!r}" if isinstance(name, str) else f"{path.name}: channel #{number}"
        if any(channel.name == name for channel in channels):
            raise ChannelRegistryError(f"{where}, key 'name': given twice")
        channels.append(_channel(entry, where, claimed))
    return tuple(channels)


def _channel(entry: Mapping[str, Any], where: str, claimed: dict[str, str]) -> Channel:
    """One entry of the registry as a :class:`Channel`; ``claimed`` (output -> channel) gains its formulas."""

    def fail(key: str, problem: str) -> NoReturn:
        raise ChannelRegistryError(f"{where}, key {key!r}: {problem}")

    if not isinstance(entry, dict):
        raise ChannelRegistryError(f"{where}: needs a table of {', '.join(_CHANNEL_KEYS)}")
    outputs = set(Outputs.names())
    methods = PARAMETER_SPECS["method"].choices
    for key in _REQUIRED_CHANNEL_KEYS:
        if key not in entry:
            fail(key, "missing")
    for key in entry:
        if key not in _CHANNEL_KEYS:
            fail(key, f"unknown key (known: {', '.join(_CHANNEL_KEYS)})")
    for key in ("name", "customers", "one_off"):
        if key in entry and (not isinstance(entry[key], str) or entry[key] not in outputs):
            fail(key, f"{entry[key]!r} is not an output of the model (a field of estimator.core.model.Outputs)")

    inputs = entry["inputs"]
    by_method = inputs if isinstance(inputs, dict) else dict.fromkeys(methods, inputs)
    if set(by_method) != set(methods):
        fail("inputs", f"needs one list per method ({', '.join(methods)}), has {', '.join(by_method) or 'none'}")
    for keys in by_method.values():
        if not isinstance(keys, list) or not keys or not all(isinstance(key, str) for key in keys):
            fail("inputs", "needs a non-empty list of parameter keys")
        unknown = [key for key in keys if key not in PARAMETER_SPECS]
        if unknown:
            fail("inputs", f"{', '.join(map(repr, unknown))} is not a parameter (data/parameters.toml)")

    formulas = entry["formulas"]
    pairs = isinstance(formulas, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) and part for part in pair) for pair in formulas
    )
    if not pairs:
        fail("formulas", "needs a list of [output, formula] pairs of text")
    for output, _ in formulas:
        if output not in outputs:
            fail("formulas", f"{output!r} is not an output of the model (a field of estimator.core.model.Outputs)")
        if output in claimed:
            fail("formulas", f"{output!r} already has its formula in channel {claimed[output]!r}")
        claimed[output] = entry["name"]
    given = [output for output, _ in formulas]
    for key in ("name", "customers", "one_off"):
        if key in entry and entry[key] not in given:
            fail("formulas", f"no formula for its {key} output {entry[key]!r}")
    return Channel(
        entry["name"],
        entry.get("customers"),
        one_off=entry.get("one_off"),
        inputs={method: tuple(by_method[method]) for method in methods},
        formulas=tuple((output, formula) for output, formula in formulas),
    )


@cache
def _load_channels() -> tuple[Channel, ...]:
    return read_channels(data_dir() / "channels.toml")


#: The channels through which revenue is lost, in MODEL.md's order, from ``data/channels.toml`` (read
#: once, at import). A new channel: its entry there, its formula in :func:`_compute` and its
#: :class:`Outputs` fields, its words (``data/i18n/<language>/channels.toml``) and
#: ``tests/reference_model.py`` (ARCHITECTURE.md).
CHANNEL_SPECS: tuple[Channel, ...] = _load_channels()
#: The channels' names (the outputs of revenue lost), in the same order.
CHANNELS: tuple[str, ...] = tuple(channel.name for channel in CHANNEL_SPECS)


def _as_array(key: str, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        sample = array.flat[0].item() if array.size else value
        raise ParameterError([Problem(key, sample, PARAMETER_SPECS[key].allowed, f"wrong type ({array.dtype})")])
    return array.astype(float, copy=False)


def _first(array: np.ndarray, mask: np.ndarray) -> Any:
    """The first value of ``array`` where ``mask`` holds, as a plain Python value for messages."""
    return np.broadcast_to(array, mask.shape)[mask].flat[0].item()


def _check_arrays(inputs: Mapping[str, np.ndarray], method: np.ndarray, use_bottom_up: np.ndarray) -> None:
    """Reject any scenario with a NaN, infinite or out-of-range value, naming the first one."""
    problems = []
    for key in NUMERIC_KEYS:
        spec = PARAMETER_SPECS[key]
        array = inputs[key]
        # Two reductions settle the common case; NaN propagates through min and max and
        # compares False, so it fails here too. Only a failing array is scanned element-wise.
        in_range = array.size == 0 or (spec.min <= array.min() and array.max() <= spec.max)
        if in_range and (spec.kind != "integer" or (array == np.round(array)).all()):
            continue
        bad = ~((array >= spec.min) & (array <= spec.max))
        if spec.kind == "integer":
            bad |= array != np.round(array)
        if bad.any():
            value = _first(array, bad)
            reason = "not a number (NaN)" if np.isnan(value) else "infinite" if np.isinf(value) else "out of range"
            if reason == "out of range" and spec.kind == "integer" and spec.min <= value <= spec.max:
                reason = "not a whole number"
            problems.append(Problem(key, float(value), spec.allowed, reason))
    # Two comparisons are cheaper than np.isin on an array of strings, and the first is reused.
    valid_method = (method == "top_down") | use_bottom_up
    if not valid_method.all():
        problems.append(Problem("method", _first(method, ~valid_method), PARAMETER_SPECS["method"].allowed, "not a valid choice"))
    if problems:
        raise ParameterError(problems)


def _horizon_factor(c: np.ndarray, d: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """F = sum_{j<H} q^j with q = (1-c)/(1+d), in closed form without cancellation.

    1 - q = (c+d)/(1+d) exactly, and log q = log1p(-c) - log1p(d), so the geometric sum
    (1 - q^H)/(1 - q) stays accurate when q is close to 1; when c = d = 0, q = 1 and F = H.
    """
    one_minus_q = (c + d) / (1.0 + d)
    geometric = -np.expm1(horizon * (np.log1p(-c) - np.log1p(d))) / one_minus_q
    return np.where(one_minus_q > 0, geometric, horizon)


#: Where an intervention's top-down count travels with the parameters through the blocks.
_TOP_DOWN_OVERRIDE = "top_down_customers"


@cache
def _default_inputs() -> dict[str, Any]:
    return Parameters.defaults().model_inputs()


def evaluate(
    params: Mapping[str, Any] | None = None,
    /,
    *,
    validate: bool = True,
    top_down_customers: Any = None,
    **overrides: Any,
) -> Outputs:
    """Compute every output of MODEL.md for one scenario or many at once.

    Parameters
    ----------
    params : Parameters or mapping, optional
        The base scenario; missing keys take their defaults. ``currency`` and ``name`` are
        ignored here (they do not enter the formulas).
    validate : bool, default True
        Check every value against its valid range (vectorised; cheap). Turn off only for
        inputs already validated, such as draws from validated ranges.
    top_down_customers : float or array_like, optional
        The top-down count of customers lost to use instead of Ltd = N·c·s. Only
        interventions pass it (MODEL.md v2: under top-down, an intervention on complaint
        handling moves Ltd in proportion to the bottom-up count); see
        :func:`estimator.analysis.sensitivity.evaluate_intervention`. It may be negative.
    **overrides : float or array_like
        Values or arrays for any parameter; arrays broadcast against each other, so
        ``evaluate(p, churn_rate=np.linspace(0, 1, 101))`` evaluates 101 scenarios.
        ``method`` may be a string or an array of strings.

    Returns
    -------
    Outputs
        Arrays of the broadcast shape of all inputs (0-d for a single scenario).

    Raises
    ------
    ParameterError
        For an unknown key, a value of the wrong type, NaN, infinity or a value out of range.
    """
    base = params.model_inputs() if isinstance(params, Parameters) else dict(params or {})
    supplied = {**_default_inputs(), **base, **overrides}
    unknown = [unknown_parameter(k, v) for k, v in supplied.items() if k not in PARAMETER_SPECS and k not in TEXT_KEYS]
    if unknown:
        raise ParameterError(unknown)
    values = {k: _as_array(k, supplied[k]) for k in NUMERIC_KEYS}
    if top_down_customers is not None:
        # Not a parameter: it is not range-checked, only required to be numeric and finite.
        count = np.asarray(top_down_customers, dtype=float)
        if not np.isfinite(count).all():
            raise ParameterError([Problem("top_down_customers", float(count.flat[0]), "finite numbers", "not finite")])
        values[_TOP_DOWN_OVERRIDE] = count
    method = np.asarray(supplied["method"])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _compute_in_blocks(values, method, validate)


def evaluate_drawn(
    params: Mapping[str, Any] | None,
    size: int,
    draw: Callable[[int, int], Mapping[str, np.ndarray]],
    output: str,
) -> np.ndarray:
    """One output of ``size`` scenarios whose inputs ``draw(start, stop)`` makes block by block.

    Monte Carlo's way into the model: each block's draws are made, evaluated and dropped while
    they are in the CPU cache, on every core (``draw`` runs in the blocks' threads, so the
    drawing is parallel too), and only ``output`` is kept. The formulas are :func:`evaluate`'s.

    Parameters
    ----------
    params : Parameters or mapping, optional
        The scenario, for every parameter ``draw`` does not give; validated here.
    size : int
        How many scenarios.
    draw : callable
        ``draw(start, stop)`` gives arrays of ``stop - start`` values for some parameters. They
        are not validated (they must come from validated ranges). It is called from several
        threads at once and must give a block the same values whichever thread asks.
    output : str
        The output to keep (see :meth:`Outputs.names`).

    Returns
    -------
    numpy.ndarray
        ``output`` of each scenario, in order.
    """
    base = params.model_inputs() if isinstance(params, Parameters) else dict(params or {})
    supplied = {**_default_inputs(), **base}
    unknown = [unknown_parameter(k, v) for k, v in supplied.items() if k not in PARAMETER_SPECS and k not in TEXT_KEYS]
    if unknown:
        raise ParameterError(unknown)
    values = {k: _as_array(k, supplied[k]) for k in NUMERIC_KEYS}
    method = np.asarray(supplied["method"])
    use_bottom_up = method == "bottom_up"
    _check_arrays(values, method, use_bottom_up)
    blocks = [slice(start, min(start + BLOCK_SIZE, size)) for start in range(0, size, BLOCK_SIZE)]

    def compute_block(block: slice) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _compute({**values, **draw(block.start, block.stop)}, use_bottom_up)[output]

    first = compute_block(blocks[0])
    result = np.empty(size, dtype=np.asarray(first).dtype)
    result[blocks[0]] = first

    def store(block: slice) -> None:
        result[block] = compute_block(block)

    map_in_threads(store, blocks[1:])
    return result


_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def map_in_threads(function: Callable[[_Item], _Result], items: Iterable[_Item]) -> list[_Result]:
    """``[function(item) for item in items]``, run on the model's threads (one per core).

    For numpy work that releases the GIL, such as blocks of scenarios or a shuffle.
    """
    return list(_pool().map(function, items))


def _checked_compute(values: Mapping[str, np.ndarray], method: np.ndarray, validate: bool) -> dict[str, np.ndarray]:
    use_bottom_up = method == "bottom_up"
    if validate:
        _check_arrays(values, method, use_bottom_up)
    return _compute(values, use_bottom_up)


def _as_outputs(outputs: Mapping[str, np.ndarray]) -> Outputs:
    """Every output in the scenarios' common shape, even one that depends on scalars only."""
    shape = np.broadcast_shapes(*(np.shape(value) for value in outputs.values()))
    return Outputs(**{name: np.broadcast_to(value, shape) for name, value in outputs.items()})


def _compute_in_blocks(values: Mapping[str, np.ndarray], method: np.ndarray, validate: bool) -> Outputs:
    """Validate and evaluate large batches block by block, on every core.

    The formulas make dozens of temporary arrays; in blocks of BLOCK_SIZE scenarios they
    stay in the CPU cache instead of streaming through main memory, and numpy releases
    the GIL, so blocks run in parallel threads (see bench/bench_model.py for the figures).
    A block with an invalid value raises; blocks are reported in order, so the error names
    a value of the first invalid scenario's block.
    """
    shape = np.broadcast_shapes(method.shape, *(v.shape for v in values.values()))
    size = math.prod(shape)
    if size <= BLOCK_SIZE:
        return _as_outputs(_checked_compute(values, method, validate))
    # Inputs of size one stay scalars; the others are flattened to the common shape.
    flat = {k: v.reshape(()) if v.size == 1 else np.broadcast_to(v, shape).reshape(-1) for k, v in values.items()}
    methods = method.reshape(()) if method.size == 1 else np.broadcast_to(method, shape).reshape(-1)

    def compute_block(block: slice) -> dict[str, np.ndarray]:
        return _checked_compute(
            {k: v if v.ndim == 0 else v[block] for k, v in flat.items()},
            methods if methods.ndim == 0 else methods[block],
            validate,
        )

    blocks = [slice(start, start + BLOCK_SIZE) for start in range(0, size, BLOCK_SIZE)]
    first = compute_block(blocks[0])
    results = {name: np.empty(size, dtype=np.asarray(first[name]).dtype) for name in Outputs.names()}

    def store(block: slice, part: Mapping[str, np.ndarray]) -> None:
        for name, array in results.items():
            array[block] = part[name]  # broadcasts an output that depends on scalars only

    store(blocks[0], first)
    list(_pool().map(_quietly(lambda block: store(block, compute_block(block))), blocks[1:]))
    return Outputs(**{name: array.reshape(shape) for name, array in results.items()})


def _quietly(function: Callable[[slice], None]) -> Callable[[slice], None]:
    """Run ``function`` under the same floating-point settings as the caller (errstate is per thread)."""

    def run(argument: slice) -> None:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            function(argument)

    return run


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 8), thread_name_prefix="estimator-model")


def _ratio_or_nan(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """A ratio that is undefined (NaN) when the denominator is zero or so small it overflows."""
    ratio = numerator / denominator
    return np.where(np.isfinite(ratio), ratio, np.nan)


def _compute(p: Mapping[str, np.ndarray], use_bottom_up: np.ndarray) -> dict[str, np.ndarray]:
    """Every output by name; each of its inputs' broadcast shape, not yet of the common shape."""
    N, V = p["customers"], p["annual_value"]
    r, k, h = p["complaint_rate"], p["silent_ratio"], p["resolved_share"]
    c, s = p["churn_rate"], p["service_share"]
    c0, cr, cu, cs = p["baseline_churn"], p["churn_resolved"], p["churn_unresolved"], p["churn_silent"]
    x, y = p["spend_cut_share"], p["spend_cut_depth"]
    M, a, v = p["prospect_contacts"], p["abandon_rate"], p["conversion_rate"]
    w, i = p["wom_reach"], p["wom_influence"]
    e, t = p["incidents_per_year"], p["incident_hours"]
    f, g, u = p["incident_reach"], p["incident_churn"], p["unrecovered_sales"]

    # Pools of customers: complainers, split by outcome, and the silent dissatisfied,
    # capped because only those who did not complain can be silent.
    complainers = N * r
    resolved = complainers * h
    unresolved = complainers * (1.0 - h)
    silent_cap_binds = r * k > 1.0 - r
    silent = N * np.minimum(r * k, 1.0 - r)

    # Customers lost to poor service, both ways. A group may contribute a negative number
    # (a well-handled complaint can make customers more loyal than the baseline).
    bottom_up_resolved = resolved * (cr - c0)
    bottom_up_unresolved = unresolved * (cu - c0)
    bottom_up_silent = silent * (cs - c0)
    bottom_up = bottom_up_resolved + bottom_up_unresolved + bottom_up_silent
    top_down = p[_TOP_DOWN_OVERRIDE] if _TOP_DOWN_OVERRIDE in p else N * c * s
    lost_retention = np.where(use_bottom_up, bottom_up, top_down)
    lost_retention_positive = np.maximum(lost_retention, 0.0)

    # The five channels.
    retention = lost_retention * V
    spend_reduction = (unresolved * (1.0 - cu) + silent * (1.0 - cs)) * x * y * V
    lost_missed = M * a * v
    missed_contacts = lost_missed * V
    lost_wom = lost_retention_positive * w * i
    word_of_mouth = lost_wom * V
    # 1 - (1 - f*g)^e, written with expm1/log1p so a small f*g does not cancel to zero.
    lost_incidents = np.where(e > 0, N * -np.expm1(e * np.log1p(-(f * g))), 0.0)
    downtime_share = e * t / HOURS_PER_YEAR
    downtime_capped = downtime_share > 1.0
    downtime_revenue = N * V * np.minimum(downtime_share, 1.0) * u
    incidents = lost_incidents * V + downtime_revenue

    revenue = N * V
    churners = N * c
    horizon_factor = _horizon_factor(c, p["discount_rate"], p["horizon_years"])

    by_channel = {
        "retention": retention,
        "spend_reduction": spend_reduction,
        "missed_contacts": missed_contacts,
        "word_of_mouth": word_of_mouth,
        "incidents": incidents,
        "customers_lost_retention": lost_retention,
        "customers_lost_missed_contacts": lost_missed,
        "customers_lost_word_of_mouth": lost_wom,
        "customers_lost_incidents": lost_incidents,
    }
    # The totals add up the registry's channels, in its order (so a new channel cannot be left out).
    total = reduce(operator.add, (by_channel[channel.name] for channel in CHANNEL_SPECS))
    lost_total = reduce(operator.add, (by_channel[channel.customers] for channel in CHANNEL_SPECS if channel.customers))
    # MODEL.md: (Lret + Lmiss + Lwom + Linc)·V·F + spend_reduction·F + Rdown, summed over the registry:
    # customers lost for the horizon, channels that lose no customers recurring, one-off parts once.
    one_off = {"downtime_revenue": downtime_revenue}
    value_at_risk = reduce(
        operator.add,
        (
            lost_total * V * horizon_factor,
            *(by_channel[channel.name] * horizon_factor for channel in CHANNEL_SPECS if not channel.customers),
            *(one_off[channel.one_off] for channel in CHANNEL_SPECS if channel.one_off),
        ),
    )
    outputs = {
        "total": total,
        **by_channel,
        "customers_lost_total": lost_total,
        "share_of_revenue": _ratio_or_nan(total, revenue),
        "profit_lost": total * p["gross_margin"],
        "value_at_risk": value_at_risk,
        "replacement_cost": (lost_retention_positive + lost_incidents) * p["acquisition_cost"],
        "top_down_customers": top_down,
        "bottom_up_customers": bottom_up,
        "implied_service_share": _ratio_or_nan(bottom_up, churners),
        "complainers": complainers,
        "silent_customers": silent,
        "bottom_up_resolved": bottom_up_resolved,
        "bottom_up_unresolved": bottom_up_unresolved,
        "bottom_up_silent": bottom_up_silent,
        "downtime_revenue": downtime_revenue,
        "horizon_factor": horizon_factor,
        "silent_cap_binds": silent_cap_binds,
        "downtime_capped": downtime_capped,
    }
    return outputs
