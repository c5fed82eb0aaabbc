"""Which assumptions matter, how sure the estimate is, and what fixing service is worth.

Every analysis here evaluates the one vectorised model (:func:`estimator.core.model.evaluate`);
none re-implements a formula. Results are small objects with ``to_frame()`` and ``to_dict()``.
"""

from __future__ import annotations

import math
import threading
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from estimator.core.model import BLOCK_SIZE, Outputs, evaluate, evaluate_drawn, map_in_threads
from estimator.core.parameters import NUMERIC_KEYS, PARAMETER_SPECS, ParameterError, Parameters, Problem
from estimator.core.ranges import UncertainRange, UncertaintyRanges
from estimator.deprecations import renamed_method
from estimator.paths import data_dir

__all__ = [
    "BOTTOM_UP_KEYS",
    "DEFAULT_DRAWS",
    "DEFAULT_INITIATIVE_ONE_OFF",
    "DEFAULT_INITIATIVE_YEARLY",
    "DEFAULT_SEED",
    "HEATMAP_POINTS",
    "MAX_HEATMAP_POINTS",
    "MAX_SOBOL_SAMPLES",
    "SOBOL_BASE_SAMPLES",
    "Initiative",
    "Intervention",
    "MonteCarloResult",
    "UncertainRange",
    "UncertaintyRanges",
    "default_initiative_changes",
    "evaluate_intervention",
    "heatmap",
    "initiative_roi",
    "intervention_rule",
    "levers",
    "monte_carlo",
    "sobol_indices",
    "spider",
    "tornado",
    "variance_contributions",
]

MAX_DRAWS = 1_000_000
#: The seed the app's uncertainty tab and the deliverables use unless told otherwise, so the
#: percentiles in a deck are the ones the consultant saw on screen.
DEFAULT_SEED = 2026
#: Monte Carlo draws unless told otherwise (the app's first choice, the deliverables, the CLI):
#: enough for stable P5/P95, quick enough to compute on a click.
DEFAULT_DRAWS = 10_000
#: Grid points per side of a two-way heatmap unless told otherwise.
HEATMAP_POINTS = 21
#: Sobol base sample size unless told otherwise (a power of two; Saltelli's scheme evaluates n·(k+2)).
SOBOL_BASE_SAMPLES = 1024
#: Most grid points per side of a heatmap: 201 × 201 cells in well under a second (100,000 per
#: side would need 75 GB).
MAX_HEATMAP_POINTS = 201
#: Largest Sobol base sample: 2^14 evaluates some 460,000 scenarios (2^24 would need 6.5 GB for its sample alone).
MAX_SOBOL_SAMPLES = 2**14
#: The initiative priced unless told otherwise (the app's initiative panel, the deliverables):
#: ten points more complaints resolved, for 100,000 once and 20,000 a year in the scenario's currency.
DEFAULT_INITIATIVE_PARAMETER = "resolved_share"
DEFAULT_INITIATIVE_STEP = 0.10
DEFAULT_INITIATIVE_ONE_OFF = 100_000.0
DEFAULT_INITIATIVE_YEARLY = 20_000.0
PERCENTILES = (5, 10, 50, 90, 95)
#: Points of the tabulated PERT distribution used to turn uniform numbers into draws (LHS, Sobol).
_PERT_GRID = 4097
#: Cells of the PERT quantile table the Monte Carlo sampler reads by index: equal steps in the
#: uniform number, so a draw costs an index and one linear interpolation instead of a search.
_QUANTILE_CELLS = 16_384
#: Cells at each end that are drawn through the CDF table instead: the quantile function is
#: steep there (its slope is infinite at 0 or 1 whenever the mode is off the range's end).
_QUANTILE_TAIL_CELLS = 64


def _check_output(output: str) -> str:
    if output not in Outputs.names():
        raise ParameterError([Problem("output", output, "one of " + ", ".join(Outputs.names()), "not a model output")])
    return output


def _ranges_for(params: Parameters, ranges: UncertaintyRanges | None) -> UncertaintyRanges:
    return ranges if ranges is not None else UncertaintyRanges.around(params)


# --- One parameter at a time -------------------------------------------------------------


@dataclass(frozen=True)
class Tornado:
    """Each parameter at its low and high value with the others at base, sorted by swing."""

    output: str
    base: float
    rows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    #: The name the first releases used (warns; :data:`estimator.deprecations.DEPRECATED`).
    to_df = renamed_method("estimator.analysis.sensitivity.Tornado.to_df")

    def to_dict(self) -> list[dict[str, Any]]:
        return self.rows.reset_index().to_dict(orient="records")


def tornado(
    params: Parameters, ranges: UncertaintyRanges | None = None, output: str = "total", top: int | None = None
) -> Tornado:
    """Swing of ``output`` when each uncertain parameter moves to its low and high value.

    Parameters
    ----------
    params : Parameters
        The base scenario.
    ranges : UncertaintyRanges, optional
        Defaults to :meth:`UncertaintyRanges.around` ``params``.
    output : str, default "total"
        Any model output (see :meth:`Outputs.names`).
    top : int, optional
        Keep only the ``top`` largest swings.

    Returns
    -------
    Tornado
        Rows ``parameter, low, high, total_at_low, total_at_high, swing`` (the two ``total_``
        columns hold the chosen output), largest swing first.
    """
    _check_output(output)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ParameterError([Problem("top", top, "a whole number of at least 1", "not allowed")])
    ranges = _ranges_for(params, ranges)
    keys = ranges.uncertain
    count = len(keys)
    # One call: scenario 2i is parameter i at its low value, 2i+1 at its high value.
    columns = {}
    for i, key in enumerate(keys):
        column = np.full(2 * count, float(params[key]))
        column[2 * i], column[2 * i + 1] = ranges[key].low, ranges[key].high
        columns[key] = column
    results = evaluate(params, **columns)[output] if count else np.empty(0)
    base = float(evaluate(params)[output])
    rows = pd.DataFrame(
        {
            "parameter": keys,
            "low": [ranges[k].low for k in keys],
            "high": [ranges[k].high for k in keys],
            "total_at_low": results[0::2],
            "total_at_high": results[1::2],
        }
    )
    rows["swing"] = (rows["total_at_high"] - rows["total_at_low"]).abs()
    rows = rows.sort_values("swing", ascending=False, kind="stable").set_index("parameter")
    return Tornado(output, base, rows.head(top) if top else rows)


def spider(
    params: Parameters,
    output: str = "total",
    changes: Sequence[float] = tuple(np.linspace(-0.5, 0.5, 11)),
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``output`` as each parameter changes by -50 % ... +50 % of its value (clipped to its valid range).

    Returns
    -------
    pandas.DataFrame
        Long format: ``parameter, change, value, <output>``. A parameter whose value is 0
        has a flat line (a relative change of zero is zero).
    """
    _check_output(output)
    keys = list(keys or [k for k in NUMERIC_KEYS if PARAMETER_SPECS[k].kind == "number"])
    steps = np.asarray(changes, dtype=float)
    columns, labels = {}, []
    total_rows = len(keys) * len(steps)
    for i, key in enumerate(keys):
        spec = PARAMETER_SPECS[key]
        column = np.full(total_rows, float(params[key]))
        moved = np.clip(float(params[key]) * (1 + steps), spec.min, spec.max)
        column[i * len(steps) : (i + 1) * len(steps)] = moved
        columns[key] = column
        labels.append(moved)
    results = evaluate(params, **columns)[output]
    return pd.DataFrame(
        {
            "parameter": np.repeat(keys, len(steps)),
            "change": np.tile(steps, len(keys)),
            "value": np.concatenate(labels),
            output: results,
        }
    )


@dataclass(frozen=True)
class Heatmap:
    """``output`` over a grid of two parameters."""

    x: str
    y: str
    output: str
    x_values: np.ndarray
    y_values: np.ndarray
    values: np.ndarray  # shape (len(y_values), len(x_values))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, index=pd.Index(self.y_values, name=self.y), columns=pd.Index(self.x_values, name=self.x))

    #: The name the first releases used (warns; :data:`estimator.deprecations.DEPRECATED`).
    to_df = renamed_method("estimator.analysis.sensitivity.Heatmap.to_df")

    def to_dict(self) -> dict[str, Any]:
        return {
            "x": self.x,
            "y": self.y,
            "output": self.output,
            "x_values": self.x_values.tolist(),
            "y_values": self.y_values.tolist(),
            "values": self.values.tolist(),
        }


def heatmap(
    params: Parameters,
    x: str,
    y: str,
    output: str = "total",
    ranges: UncertaintyRanges | None = None,
    points: int = HEATMAP_POINTS,
) -> Heatmap:
    """``output`` over a ``points`` × ``points`` grid of two parameters, each across its uncertainty range."""
    _check_output(output)
    if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= MAX_HEATMAP_POINTS:
        raise ParameterError([Problem("points", points, f"a whole number from 2 to {MAX_HEATMAP_POINTS}", "not allowed")])
    ranges = _ranges_for(params, ranges)
    for key in (x, y):
        if key not in ranges:
            raise ParameterError([Problem("heatmap", key, "a numeric parameter", "not a parameter with a range")])
    x_values = np.linspace(ranges[x].low, ranges[x].high, points)
    y_values = np.linspace(ranges[y].low, ranges[y].high, points)
    if x == y:
        raise ParameterError([Problem("heatmap", y, "two different parameters", "the same parameter twice")])
    grid = evaluate(params, **{x: x_values[None, :], y: y_values[:, None]})[output]
    return Heatmap(x, y, output, x_values, y_values, np.asarray(grid))


# --- Monte Carlo and variance contribution ---------------------------------------------------


def _pert_inverse_cdf(item: UncertainRange, uniforms: np.ndarray) -> np.ndarray:
    """Turn uniform numbers into Beta-PERT values through a finely tabulated CDF.

    scipy's exact inverse costs about a microsecond per value; interpolating the CDF on
    4,097 points is a hundred times faster and within 0.03 % of the range.
    """
    alpha, beta = item.pert_shape()
    return item.low + (item.high - item.low) * np.interp(uniforms, _pert_cdf_table(alpha, beta), _pert_grid())


@cache
def _pert_grid() -> np.ndarray:
    return np.linspace(0.0, 1.0, _PERT_GRID)


@cache
def _pert_cdf_table(alpha: float, beta: float) -> np.ndarray:
    """The Beta(alpha, beta) CDF at the ``_PERT_GRID`` points of :func:`_pert_grid`."""
    from scipy import special  # imported on first use: 0.4 s the app's first screen does not need

    return special.betainc(alpha, beta, _pert_grid())


@cache
def _pert_quantile_table(alpha: float, beta: float) -> np.ndarray:
    """Beta(alpha, beta) quantiles, exact, at ``_QUANTILE_CELLS + 1`` equally spaced probabilities."""
    from scipy import special

    return special.betaincinv(alpha, beta, np.linspace(0.0, 1.0, _QUANTILE_CELLS + 1))


class _PertSampler:
    """One range's Beta-PERT quantile function, as tables in the parameter's own units.

    Between the table's exact points the quantile function is interpolated linearly (an error
    far below 1e-6 of the range in the body); the steep ends go through the CDF table of
    :func:`_pert_inverse_cdf`. A draw costs an index, two table look-ups and a multiply-add.
    """

    def __init__(self, item: UncertainRange, whole_numbers: bool = False):
        alpha, beta = item.pert_shape()
        width = item.high - item.low
        quantiles = item.low + width * _pert_quantile_table(alpha, beta)
        self._values = quantiles
        # The step to the next point; u = 1 reads the last point with no step, so needs no clip.
        self._steps = np.append(np.diff(quantiles), 0.0)
        self._tail_cdf = _pert_cdf_table(alpha, beta)
        self._tail_values = item.low + width * _pert_grid()
        self._whole_numbers = whole_numbers

    def __call__(self, uniforms: np.ndarray) -> np.ndarray:
        """Values for ``uniforms`` in [0, 1] (left unchanged), rounded for a whole-number parameter."""
        position = uniforms * _QUANTILE_CELLS  # exact: the cell count is a power of two
        cell = position.astype(np.intp)
        position -= cell  # now the fraction within the cell
        values = np.take(self._values, cell)
        position *= np.take(self._steps, cell)
        values += position
        # Cells in the tails, as one unsigned comparison: cell - tail wraps round when below 0.
        cell -= _QUANTILE_TAIL_CELLS
        tails = np.flatnonzero(cell.view(np.uintp) >= _QUANTILE_CELLS - 2 * _QUANTILE_TAIL_CELLS)
        if tails.size:
            values[tails] = np.interp(uniforms[tails], self._tail_cdf, self._tail_values)
        if self._whole_numbers:
            np.rint(values, out=values)
        return values


def _pert_from_uniforms(item: UncertainRange, uniforms: np.ndarray) -> np.ndarray:
    """Beta-PERT values of ``item`` for uniform numbers in [0, 1], through the quantile table."""
    return _PertSampler(item)(uniforms)


def _seed_sequence(entropy: int | Sequence[int], key: str, purpose: int) -> np.random.SeedSequence:
    """The seed of one parameter's own random numbers: ``purpose`` 0 for its uniform numbers,
    1 for its Latin hypercube permutation. Keyed by the parameter's name, so a parameter's draws
    do not change when another parameter gains or loses a range."""
    return np.random.SeedSequence(entropy, spawn_key=(purpose, *key.encode()))


#: Buckets of the Latin hypercube's shuffle (:func:`_strata`): about 4,000 draws each at a million
#: draws, so each bucket's shuffle runs in the CPU cache.
_SHUFFLE_BUCKETS = 256


def _strata(entropy: int | Sequence[int], key: str, draws: int) -> np.ndarray:
    """A Latin hypercube column's strata in random order: a uniformly random permutation of ``range(draws)``.

    Made by the Rao-Sandelius shuffle, exact like Fisher-Yates but a third cheaper here: each
    stratum gets a random bucket (``integers(0, 256, draws, dtype=uint8)``), the strata are sorted
    by bucket (stably, a radix sort), then each bucket is shuffled in place by the same generator,
    in bucket order. Fisher-Yates over a million strata waits on memory at every swap; a bucket
    fits in the cache.
    """
    rng = np.random.default_rng(_seed_sequence(entropy, key, 1))
    buckets = rng.integers(0, _SHUFFLE_BUCKETS, draws, dtype=np.uint8)
    strata = np.argsort(buckets, kind="stable")
    start = 0
    for end in np.cumsum(np.bincount(buckets, minlength=_SHUFFLE_BUCKETS)).tolist():
        if end - start > 1:
            rng.shuffle(strata[start:end])  # a 1-d array: numpy shuffles it without the GIL
        start = end
    return strata


class _ScenarioSampler:
    """Beta-PERT draws of every parameter with a range, made block by block, with the same numbers
    whatever the blocks and however many threads ask for them.

    Parameter ``key`` gets the uniform numbers ``default_rng(SeedSequence(seed, spawn_key=(0, *key
    encoded as UTF-8))).random(draws)``; a block starting at draw ``start`` reads them from a copy of
    that generator advanced by ``start`` (``random`` takes one 64-bit output per number). For a Latin
    hypercube, draw i of ``key`` is ``(strata[i] + u[i]) / draws`` with ``strata`` the permutation of
    ``range(draws)`` that :func:`_strata` draws with a second generator, ``spawn_key=(1, ...)``, made
    whole up front (a thread per parameter: a permutation cannot be made in blocks).
    """

    def __init__(self, ranges: UncertaintyRanges, draws: int, seed: int | None, sampling: str):
        if sampling not in ("random", "lhs"):
            raise ParameterError([Problem("sampling", sampling, "'random' or 'lhs'", "not a sampling method")])
        if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_DRAWS:
            raise ParameterError([Problem("draws", draws, f"a whole number from 1 to {MAX_DRAWS:,}", "not allowed")])
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
            raise ParameterError([Problem("seed", seed, "a whole number of at least 0", "not allowed")])
        entropy = np.random.SeedSequence(seed).entropy  # without a seed: fresh entropy, shared by all
        self.draws = draws
        self.keys = ranges.uncertain
        self._samplers = {key: _PertSampler(ranges[key], PARAMETER_SPECS[key].kind == "integer") for key in self.keys}
        self._states = {key: np.random.PCG64(_seed_sequence(entropy, key, 0)).state for key in self.keys}
        self._strata = None
        if sampling == "lhs":
            self._strata = dict(zip(self.keys, map_in_threads(lambda key: _strata(entropy, key, draws), self.keys), strict=True))
        self._local = threading.local()

    def uniforms(self, key: str, start: int, stop: int) -> np.ndarray:
        """Draws ``start`` to ``stop`` of ``key``'s uniform numbers (Latin hypercube or independent)."""
        generator = getattr(self._local, "generator", None)
        if generator is None:  # one per thread: a generator is not to be shared between threads
            generator = self._local.generator = np.random.Generator(np.random.PCG64())
        generator.bit_generator.state = self._states[key]
        generator.bit_generator.advance(start)
        uniforms = generator.random(stop - start)
        if self._strata is not None:
            uniforms += self._strata[key][start:stop]
            uniforms /= self.draws
        return uniforms

    def block(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """Every uncertain parameter's draws ``start`` to ``stop``."""
        return {key: sampler(self.uniforms(key, start, stop)) for key, sampler in self._samplers.items()}


def draw_scenarios(
    ranges: UncertaintyRanges, draws: int, seed: int | None = None, sampling: str = "random"
) -> dict[str, np.ndarray]:
    """Beta-PERT draws for every uncertain parameter (``sampling`` "random" or "lhs").

    Parameters without a range are not drawn. Each parameter has its own random numbers,
    seeded by ``seed`` and its name (see README, "the seed contract", and :class:`_ScenarioSampler`),
    turned into PERT values by the quantile table; the same seed gives the same draws, which
    are the ones :func:`monte_carlo` evaluates.
    """
    sampler = _ScenarioSampler(ranges, draws, seed, sampling)
    samples = {key: np.empty(draws) for key in sampler.keys}

    def fill(block: slice) -> None:
        for key, values in sampler.block(block.start, block.stop).items():
            samples[key][block] = values

    map_in_threads(fill, [slice(start, min(start + BLOCK_SIZE, draws)) for start in range(0, draws, BLOCK_SIZE)])
    return samples


@dataclass(frozen=True)
class MonteCarloResult:
    """The distribution of an output under uncertainty (binned; raw draws are not kept)."""

    output: str
    draws: int
    seed: int | None
    sampling: str
    point_estimate: float
    mean: float
    std_error: float
    percentiles: dict[str, float]
    histogram_edges: np.ndarray
    histogram_counts: np.ndarray
    threshold: float | None = None
    probability_above: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "draws": self.draws,
            "seed": self.seed,
            "sampling": self.sampling,
            "point_estimate": self.point_estimate,
            "mean": self.mean,
            "std_error": self.std_error,
            "percentiles": self.percentiles,
            "histogram": {"edges": self.histogram_edges.tolist(), "counts": self.histogram_counts.tolist()},
            "threshold": self.threshold,
            "probability_above": self.probability_above,
        }

    def to_frame(self) -> pd.DataFrame:
        """The histogram: one row per bin."""
        edges = self.histogram_edges
        return pd.DataFrame({"bin_low": edges[:-1], "bin_high": edges[1:], "count": self.histogram_counts})

    #: The name the first releases used (warns; :data:`estimator.deprecations.DEPRECATED`).
    to_df = renamed_method("estimator.analysis.sensitivity.MonteCarloResult.to_df")


def monte_carlo(
    params: Parameters,
    ranges: UncertaintyRanges | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    output: str = "total",
    sampling: str = "random",
    threshold: float | None = None,
    bins: int = 50,
) -> MonteCarloResult:
    """Propagate the uncertainty ranges through the model.

    Parameters
    ----------
    params : Parameters
        The scenario; its values are the most likely ones.
    ranges : UncertaintyRanges, optional
        Defaults to :meth:`UncertaintyRanges.around` ``params``.
    draws : int, default 10,000
        Up to 1,000,000.
    seed : int, optional
        The same seed gives the same result; without one a seed is drawn and reported.
    sampling : {"random", "lhs"}
        Independent Beta-PERT draws, or a Latin hypercube.
    threshold : float, optional
        Report the probability that the output exceeds it.
    bins : int, default 50
        Histogram bins (computed here, so no raw draws need to travel).

    Returns
    -------
    MonteCarloResult
    """
    _check_output(output)
    if threshold is not None and (isinstance(threshold, bool) or not math.isfinite(threshold)):
        # NaN would be written into the JSON (not JSON), and "above NaN" means nothing.
        raise ParameterError([Problem("threshold", threshold, "a finite number", "not allowed")])
    ranges = _ranges_for(params, ranges)
    if seed is None:  # draw one, and report it, so that any run can be repeated
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    sampler = _ScenarioSampler(ranges, draws, seed, sampling)
    if sampler.keys:  # drawn and evaluated block by block; the draws lie in validated ranges
        values = evaluate_drawn(params, draws, sampler.block, output)
    else:
        values = np.full(draws, float(evaluate(params)[output]))
    finite = values[np.isfinite(values)]
    quantiles = np.percentile(finite, PERCENTILES) if finite.size else np.full(len(PERCENTILES), np.nan)
    counts, edges = np.histogram(finite, bins=bins)
    return MonteCarloResult(
        output=output,
        draws=draws,
        seed=seed,
        sampling=sampling,
        point_estimate=float(evaluate(params)[output]),
        mean=float(finite.mean()) if finite.size else math.nan,
        std_error=float(finite.std(ddof=1) / math.sqrt(finite.size)) if finite.size > 1 else 0.0,
        percentiles={f"p{p}": float(q) for p, q in zip(PERCENTILES, quantiles, strict=True)},
        histogram_edges=edges,
        histogram_counts=counts,
        threshold=threshold,
        probability_above=None if threshold is None else float(np.mean(finite > threshold)),
    )


def variance_contributions(
    names: Sequence[str],
    model: Callable[[np.ndarray], np.ndarray],
    n: int = SOBOL_BASE_SAMPLES,
    seed: int | None = 0,
    num_resamples: int = 100,
) -> pd.DataFrame:
    """Sobol first- and total-order indices of ``model`` over independent uniform inputs (SALib).

    ``model`` takes an array of shape (samples, len(names)) of numbers in [0, 1] and returns
    one value per sample; map the uniforms to each input's own distribution inside it.

    Returns
    -------
    pandas.DataFrame
        Indexed by input: ``S1, S1_conf, ST, ST_conf`` (95 % intervals), largest total order first.
    """
    from SALib.analyze import sobol as sobol_analyze  # imported here: SALib is slow to import
    from SALib.sample import sobol as sobol_sample

    if isinstance(n, bool) or not isinstance(n, int) or n < 2 or n & (n - 1) or n > MAX_SOBOL_SAMPLES:
        allowed = f"a power of two from 2 to {MAX_SOBOL_SAMPLES:,} (e.g. 1024)"
        raise ParameterError([Problem("n", n, allowed, "not allowed")])
    if len(names) < 2:
        raise ParameterError(
            [Problem("ranges", list(names), "at least two uncertain parameters", "too few to apportion variance")]
        )
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    uniforms = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    values = np.asarray(model(uniforms), dtype=float)
    columns = ("S1", "S1_conf", "ST", "ST_conf")
    if np.ptp(values) == 0:  # nothing varies: no variance to apportion
        return pd.DataFrame(0.0, index=pd.Index(names, name="parameter"), columns=list(columns))
    # SALib (1.6) seeds its bootstrap only `if seed:`, so 0 drew fresh intervals at every run; a SeedSequence
    # is always true and gives numpy's default_rng the same stream as the integer seed it holds.
    bootstrap_seed = None if seed is None else np.random.SeedSequence(seed)
    indices = sobol_analyze.analyze(problem, values, calc_second_order=False, num_resamples=num_resamples, seed=bootstrap_seed)
    frame = pd.DataFrame({name: indices[name] for name in columns}, index=pd.Index(names, name="parameter"))
    return frame.sort_values("ST", ascending=False, kind="stable")


def sobol_indices(
    params: Parameters,
    ranges: UncertaintyRanges | None = None,
    n: int = SOBOL_BASE_SAMPLES,
    seed: int | None = 0,
    output: str = "total",
    num_resamples: int = 100,
) -> pd.DataFrame:
    """Which assumptions' uncertainty drives the spread of ``output``: Sobol indices (SALib).

    Inputs follow the same Beta-PERT distributions as :func:`monte_carlo`: SALib's uniform
    numbers are mapped through each parameter's PERT inverse CDF; the indices do not
    change under such a one-to-one mapping of each input.

    Returns
    -------
    pandas.DataFrame
        Indexed by parameter: ``S1, S1_conf, ST, ST_conf``, largest total order first; the
        parameters at the top are "what to research next".
    """
    _check_output(output)
    ranges = _ranges_for(params, ranges)
    keys = ranges.uncertain

    def model(uniforms: np.ndarray) -> np.ndarray:
        samples = {key: _pert_inverse_cdf(ranges[key], uniforms[:, j]) for j, key in enumerate(keys)}
        for key in keys:
            if PARAMETER_SPECS[key].kind == "integer":
                samples[key] = np.rint(samples[key])
        return np.asarray(evaluate(params, validate=False, **samples)[output])

    return variance_contributions(keys, model, n=n, seed=seed, num_resamples=num_resamples)


# --- Levers and return on investment ----------------------------------------------------------


@cache
def _lever_specs() -> dict[str, dict[str, Any]]:
    with open(data_dir() / "levers.toml", "rb") as handle:
        return tomllib.load(handle)


def improved_value(params: Parameters, key: str, step: float, kind: str) -> float:
    """The value of ``key`` after an improvement: ``kind`` "points" adds ``step``, "relative" scales by 1+step."""
    spec = PARAMETER_SPECS[key]
    value = float(params[key])
    moved = value + step if kind == "points" else value * (1 + step)
    return float(np.clip(moved, spec.min, spec.max))


#: The parameters of the bottom-up count Lbu. Under top-down, an intervention on any of them
#: moves the top-down count in proportion to Lbu (MODEL.md v2, "Interventions").
BOTTOM_UP_KEYS = (
    "resolved_share",
    "churn_resolved",
    "churn_unresolved",
    "churn_silent",
    "baseline_churn",
    "complaint_rate",
    "silent_ratio",
)
#: How an intervention's value was computed (the ``rule`` of levers, initiatives and the CLI).
RULE_SCALED = "top_down_scaled"  # top-down, Lbu > 0: Ltd' = Ltd · Lbu'/Lbu
RULE_SHIFTED = "top_down_shifted"  # top-down, Lbu <= 0: Ltd' = Ltd + (Lbu' - Lbu)
RULE_DIFFERENCE = "bottom_up_difference"  # bottom-up: the difference of two evaluations
RULES = (RULE_SCALED, RULE_SHIFTED, RULE_DIFFERENCE)


def intervention_rule(params: Parameters) -> str:
    """Which rule values an intervention on ``params``: one of :data:`RULES`."""
    if params.method == "bottom_up":
        return RULE_DIFFERENCE
    return RULE_SCALED if float(evaluate(params).bottom_up_customers) > 0 else RULE_SHIFTED


@dataclass(frozen=True)
class Intervention:
    """A scenario before and after an intervention, valued as MODEL.md v2 says."""

    base: Outputs
    improved: Outputs

    def recovered(self, output: str = "total") -> np.ndarray:
        """How much of ``output`` the intervention recovers: before minus after."""
        _check_output(output)
        return np.asarray(self.base[output]) - np.asarray(self.improved[output])


def evaluate_intervention(params: Parameters, changes: Mapping[str, Any], *, method: Any = None) -> Intervention:
    """Evaluate ``params`` before and after ``changes``, with the top-down count following complaint handling.

    This is the one place where an intervention is valued; levers, initiatives and every
    "what is it worth fixing" figure call it. Under ``bottom_up`` the improved scenario is
    a plain evaluation. Under ``top_down`` the measured count Ltd = N·c·s does not contain
    any complaint-handling parameter, so the improved scenario's top-down count is moved
    with the bottom-up count Lbu (MODEL.md v2):

    - Ltd' = Ltd · Lbu'/Lbu when Lbu > 0,
    - Ltd' = Ltd + (Lbu' − Lbu) when Lbu ≤ 0,

    where Ltd already holds any change of ``churn_rate`` or ``service_share`` (those change
    it directly). Every channel using Lret (retention, word of mouth, value at risk,
    replacement cost) then uses Ltd': :func:`estimator.core.model.evaluate` is called with it, so
    no formula is written twice. Uncertainty analyses do not use this.

    Parameters
    ----------
    params : Parameters
        The scenario before.
    changes : mapping
        New values (or arrays of values, which broadcast) of any parameters.
    method : str or array_like, optional
        Evaluate under this method (or several, broadcast) instead of the scenario's.

    Returns
    -------
    Intervention
        ``base`` and ``improved`` outputs; ``recovered(output)`` is their difference.
    """
    unknown = [key for key in changes if key not in NUMERIC_KEYS]
    if unknown:
        raise ParameterError([Problem(key, changes[key], "a numeric parameter", "not a parameter to change") for key in unknown])
    chosen = {} if method is None else {"method": method}
    base = evaluate(params, **chosen)
    plain = evaluate(params, **chosen, **changes)
    before, after = np.asarray(base.bottom_up_customers), np.asarray(plain.bottom_up_customers)
    measured = np.asarray(plain.top_down_customers)  # N·c'·s': a change of c or s counts directly
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = measured * (after / np.where(before > 0, before, 1.0))
    follows = np.where(before > 0, scaled, measured + (after - before))
    return Intervention(base, evaluate(params, top_down_customers=follows, **chosen, **changes))


def levers(params: Parameters, output: str = "total", scale: float = 1.0) -> pd.DataFrame:
    """Revenue recovered by a standard improvement of each controllable parameter.

    The levers and their steps (10 points for shares, 10 % for counts and durations) are in
    ``data/levers.toml``; ``scale`` multiplies every step (2.0 = twice the improvement).
    Each row is valued by :func:`evaluate_intervention`: under top-down, the customers lost
    follow complaint handling in proportion to the bottom-up count (MODEL.md v2).

    Returns
    -------
    pandas.DataFrame
        Indexed by parameter: ``lever`` (what changes), ``from``, ``to``, ``recovered``
        (of ``output``, under the scenario's method with the v2 rule), ``recovered_bottom_up``
        (the same under the bottom-up method), ``recovered_profit`` (``recovered`` × gross
        margin) and ``rule`` (see :data:`RULES`), largest first.
    """
    _check_output(output)
    specs = _lever_specs()
    keys = list(specs)
    targets = [improved_value(params, key, specs[key]["step"] * scale, specs[key]["kind"]) for key in keys]
    columns = {}
    for i, key in enumerate(keys):
        column = np.full(len(keys), float(params[key]))
        column[i] = targets[i]
        columns[key] = column
    # Each lever under the scenario's method and under bottom-up, in one batch.
    methods = np.array(["top_down", "bottom_up"])[:, None] if params.method == "top_down" else params.method
    recovered = np.atleast_2d(evaluate_intervention(params, columns, method=methods).recovered(output))
    frame = pd.DataFrame(
        {
            "lever": [specs[k]["label"] for k in keys],
            "from": [float(params[k]) for k in keys],
            "to": targets,
            "recovered": recovered[0],
            "recovered_bottom_up": recovered[-1],
        },
        index=pd.Index(keys, name="parameter"),
    )
    frame["recovered_profit"] = frame["recovered"] * params.gross_margin
    frame["rule"] = intervention_rule(params)
    return frame.sort_values("recovered", ascending=False, kind="stable")


@dataclass(frozen=True)
class Initiative:
    """What an initiative is expected to pay back."""

    changes: dict[str, float]
    one_off_cost: float
    yearly_cost: float
    revenue_recovered: float  # a year
    profit_recovered: float  # a year: revenue recovered × gross margin
    net_yearly_benefit: float  # profit recovered minus the yearly cost
    payback_months: float | None  # None when it never pays back
    net_present_value: float  # over the horizon, discounted
    roi: float | None  # NPV / discounted costs; None when there are no costs
    revenue_recovered_bottom_up: float = math.nan  # a year, under the bottom-up method
    rule: str = RULE_DIFFERENCE  # how revenue_recovered was valued (see RULES)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def default_initiative_changes(params: Parameters) -> dict[str, float]:
    """The default initiative's change: ``resolved_share`` ten points up, at most 1.

    >>> default_initiative_changes(Parameters(resolved_share=0.95))
    {'resolved_share': 1.0}
    """
    key = DEFAULT_INITIATIVE_PARAMETER
    return {key: min(PARAMETER_SPECS[key].max, float(params[key]) + DEFAULT_INITIATIVE_STEP)}


def initiative_roi(params: Parameters, changes: Mapping[str, float], one_off_cost: float, yearly_cost: float = 0.0) -> Initiative:
    """Yearly gain, payback and return over the horizon of an initiative that changes some parameters.

    The gain is the drop in yearly revenue lost, valued by :func:`evaluate_intervention`
    (under top-down the customers lost follow complaint handling, MODEL.md v2), at the
    gross margin; ``revenue_recovered_bottom_up`` is the same under the bottom-up method.
    Over ``horizon_years`` H at ``discount_rate`` d, with the benefit and yearly cost
    arriving at the end of each year:
    NPV = -one_off + sum_{j=1..H} (profit_recovered - yearly_cost) / (1+d)^j, and
    ROI = NPV / (one_off + sum_{j=1..H} yearly_cost / (1+d)^j).
    Payback in months = 12 × one_off / (profit_recovered - yearly_cost), undiscounted.
    """
    problems = [
        Problem(name, value, "a number of at least 0", "not allowed")
        for name, value in (("one_off_cost", one_off_cost), ("yearly_cost", yearly_cost))
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0
    ]
    if problems:
        raise ParameterError(problems)
    improved = params.replace(**changes)  # validates the new values, naming any bad one
    changed = {key: improved[key] for key in changes}
    revenue_recovered = float(evaluate_intervention(params, changed).recovered())
    bottom_up = float(evaluate_intervention(params, changed, method="bottom_up").recovered())
    profit_recovered = revenue_recovered * params.gross_margin
    net = profit_recovered - yearly_cost
    annuity = sum((1 + params.discount_rate) ** -j for j in range(1, params.horizon_years + 1))
    npv = -one_off_cost + net * annuity
    costs = one_off_cost + yearly_cost * annuity
    payback = 12 * one_off_cost / net if net > 0 else None
    return Initiative(
        changes=dict(changes),
        one_off_cost=float(one_off_cost),
        yearly_cost=float(yearly_cost),
        revenue_recovered=revenue_recovered,
        profit_recovered=profit_recovered,
        net_yearly_benefit=net,
        payback_months=payback,
        net_present_value=npv,
        roi=npv / costs if costs > 0 else None,
        revenue_recovered_bottom_up=bottom_up,
        rule=intervention_rule(params),
    )
