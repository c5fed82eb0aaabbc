"""The one registry of analyses: what the command line's ``sensitivity --kind``, the app's Uncertainty
tab and the deliverables iterate over.

An analysis declares its name, the shared options it reads (SALib-style: the command line defines each
option once, ``cli/sensitivity.py``, and an analysis names the ones its ``run`` takes), how it runs
(a function of :mod:`estimator.analysis.sensitivity`, each evaluating the one vectorised model), its
result as a table, its JSON and text, where the app shows it and whether the deliverables carry it.
A new analysis is its function, one entry in :data:`ANALYSES`, a place in the app's tab
(``ui/uncertainty.SECTIONS``) and, for the deliverables, a field of
:class:`~estimator.reports.content.ReportContent`; ``tests/test_analyses.py`` checks every piece.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from estimator.analysis.sensitivity import (
    DEFAULT_DRAWS,
    HEATMAP_POINTS,
    SOBOL_BASE_SAMPLES,
    Heatmap,
    MonteCarloResult,
    Tornado,
    UncertaintyRanges,
    heatmap,
    levers,
    monte_carlo,
    sobol_indices,
    spider,
    tornado,
)
from estimator.core.parameters import Parameters

__all__ = ["ANALYSES", "Analysis", "run_analysis", "table_json", "table_text"]


def _readable(value: float) -> str:
    """Money and counts with thousands separators; shares and indices with four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def table_text(frame: pd.DataFrame) -> str:
    """A result table as the command line prints it."""
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", _readable):
        return frame.to_string()


def table_json(frame: pd.DataFrame) -> str:
    """A result table as the command line's JSON: a list of rows, the index as the first field."""
    return frame.reset_index().to_json(orient="records", indent=2, force_ascii=False)


def _as_json(result: Any) -> str:
    return json.dumps(result.to_dict(), indent=2)


@dataclass(frozen=True)
class Analysis:
    """One analysis: how it runs, what its result looks like and where it is shown.

    Attributes
    ----------
    name : str
        Its name: the command line's ``--kind``.
    options : tuple of str
        The shared options ``run`` takes as keywords (the command line's option names, e.g.
        ``draws``); each has a default in ``run``, the command line's.
    run : callable
        ``run(params, ranges, **options)``: the result, from the one vectorised model.
    to_frame : callable
        The result as a :class:`pandas.DataFrame`.
    to_json : callable
        The result as the command line's JSON text.
    to_text : callable
        The result as the command line's text.
    uses_ranges : bool
        The uncertainty ranges drive it (so the command line says when they are the client's).
    app_section : str
        The part of the app's Uncertainty tab that shows it (a key of ``ui/uncertainty.SECTIONS``).
    report_field : str
        The :class:`~estimator.reports.content.ReportContent` field holding it in the deliverables
        (the deck, the workbook, the page); empty when they do not carry it.
    requires : tuple of str
        Options without a default that must be given, and ``requires_why`` what they are.
    """

    name: str
    options: tuple[str, ...]
    run: Callable[..., Any]
    to_frame: Callable[[Any], pd.DataFrame]
    to_json: Callable[[Any], str]
    to_text: Callable[[Any], str]
    uses_ranges: bool
    app_section: str
    report_field: str = ""
    requires: tuple[str, ...] = ()
    requires_why: str = ""


# --- How each analysis runs: its function with the shared options it reads -------------------------


def _tornado(params: Parameters, ranges: UncertaintyRanges, output: str = "total", top: int | None = None) -> Tornado:
    return tornado(params, ranges, output=output, top=top)


def _tornado_text(result: Tornado) -> str:
    return f"{result.output} at base: {result.base:,.0f}\n" + table_text(result.to_frame())


def _spider(
    params: Parameters, ranges: UncertaintyRanges, output: str = "total", keys: Sequence[str] | None = None
) -> pd.DataFrame:
    return spider(params, output=output, keys=keys)


def _spider_frame(result: pd.DataFrame) -> pd.DataFrame:
    return result.set_index("parameter")


def _heatmap(
    params: Parameters,
    ranges: UncertaintyRanges,
    output: str = "total",
    x: str | None = None,
    y: str | None = None,
    points: int = HEATMAP_POINTS,
) -> Heatmap:
    return heatmap(params, x, y, output=output, ranges=ranges, points=points)


def _monte_carlo(
    params: Parameters,
    ranges: UncertaintyRanges,
    output: str = "total",
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    sampling: str = "random",
    threshold: float | None = None,
) -> MonteCarloResult:
    return monte_carlo(params, ranges, draws=draws, seed=seed, output=output, sampling=sampling, threshold=threshold)


def _monte_carlo_text(result: MonteCarloResult) -> str:
    lines = [
        f"{result.output}: {result.draws:,} draws ({result.sampling}, seed {result.seed})",
        f"point estimate {result.point_estimate:,.0f}; mean {result.mean:,.0f} (standard error {result.std_error:,.0f})",
        *(f"  {name.upper():>4} {value:,.0f}" for name, value in result.percentiles.items()),
    ]
    if result.threshold is not None:
        lines.append(f"probability above {result.threshold:,.0f}: {result.probability_above:.1%}")
    return "\n".join(lines)


def _sobol(
    params: Parameters, ranges: UncertaintyRanges, output: str = "total", n: int = SOBOL_BASE_SAMPLES, seed: int | None = None
) -> pd.DataFrame:
    # Sobol's sample is reproducible by default: without a seed it uses 0 (Monte Carlo draws one).
    return sobol_indices(params, ranges, n=n, seed=seed if seed is not None else 0, output=output)


def _levers(params: Parameters, ranges: UncertaintyRanges, output: str = "total") -> pd.DataFrame:
    return levers(params, output=output)


def _same(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def _frame_of(result: Any) -> pd.DataFrame:
    return result.to_frame()


#: The analyses, in the order the command line offers them.
ANALYSES: dict[str, Analysis] = {
    item.name: item
    for item in (
        Analysis(
            "tornado",
            ("output", "top"),
            _tornado,
            _frame_of,
            _as_json,
            _tornado_text,
            uses_ranges=True,
            app_section="drivers",
            report_field="tornado",
        ),
        Analysis(
            "spider",
            ("output",),
            _spider,
            _spider_frame,
            lambda result: table_json(_spider_frame(result)),
            lambda result: table_text(_spider_frame(result)),
            uses_ranges=False,
            app_section="more",
        ),
        Analysis(
            "heatmap",
            ("output", "x", "y", "points"),
            _heatmap,
            _frame_of,
            _as_json,
            lambda result: table_text(result.to_frame()),
            uses_ranges=True,
            app_section="more",
            requires=("x", "y"),
            requires_why="two parameters to put on the grid",
        ),
        Analysis(
            "montecarlo",
            ("output", "draws", "seed", "sampling", "threshold"),
            _monte_carlo,
            _frame_of,
            _as_json,
            _monte_carlo_text,
            uses_ranges=True,
            app_section="distribution",
            report_field="monte_carlo",
        ),
        Analysis(
            "sobol",
            ("output", "n", "seed"),
            _sobol,
            _same,
            table_json,
            table_text,
            uses_ranges=True,
            app_section="drivers",
        ),
        Analysis(
            "levers",
            ("output",),
            _levers,
            _same,
            table_json,
            table_text,
            uses_ranges=False,
            app_section="levers",
            report_field="levers",
        ),
    )
}


def run_analysis(name: str, params: Parameters, ranges: UncertaintyRanges, options: Mapping[str, Any]) -> Any:
    """Run analysis ``name`` with the options it reads from ``options`` (others are left out)."""
    analysis = ANALYSES[name]
    return analysis.run(params, ranges, **{key: options[key] for key in analysis.options if key in options})
