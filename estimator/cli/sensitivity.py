"""``python -m estimator sensitivity --kind KIND``: which assumptions matter, how sure the estimate
is, what fixing is worth (tornado, spider, heatmap, Monte Carlo, Sobol, levers)."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from estimator.analysis.sensitivity import (
    DEFAULT_DRAWS,
    HEATMAP_POINTS,
    MAX_DRAWS,
    MAX_HEATMAP_POINTS,
    MAX_SOBOL_SAMPLES,
    SOBOL_BASE_SAMPLES,
    UncertaintyRanges,
    heatmap,
    levers,
    monte_carlo,
    sobol_indices,
    spider,
    tornado,
)
from estimator.cli.common import BuiltScenario, build_scenario, format_option, from_data_lines, repeated_option, scenario_options
from estimator.core.parameters import InputError

__all__ = ["SENSITIVITY_KINDS", "add_parser", "run"]

SENSITIVITY_KINDS = ("tornado", "spider", "heatmap", "montecarlo", "sobol", "levers")


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("sensitivity", help="which assumptions matter, how sure the estimate is, what fixing is worth")
    scenario_options(parser)
    parser.add_argument("--kind", required=True, choices=SENSITIVITY_KINDS)
    parser.add_argument("--output", default="total", help="the model output to analyse (default: the yearly total)")
    repeated_option(
        parser,
        "--range",
        "KEY=LOW:HIGH",
        "an uncertainty range replacing the default one, e.g. --range churn_rate=0.1:0.3",
        dest="ranges",
    )
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS, help=f"Monte Carlo draws (up to {MAX_DRAWS:,})")
    parser.add_argument("--seed", type=int, help="random seed; Monte Carlo reports the one used")
    parser.add_argument("--sampling", choices=("random", "lhs"), default="random", help="Monte Carlo sampling")
    parser.add_argument("--threshold", type=float, help="Monte Carlo: report the probability of exceeding it (a finite number)")
    parser.add_argument("--top", type=int, help="tornado: keep the largest swings only (at least 1)")
    parser.add_argument("--x", help="heatmap: parameter across the columns")
    parser.add_argument("--y", help="heatmap: parameter down the rows")
    parser.add_argument(
        "--points",
        type=int,
        default=HEATMAP_POINTS,
        help=f"heatmap: grid points per side (2 to {MAX_HEATMAP_POINTS}, default {HEATMAP_POINTS})",
    )
    parser.add_argument(
        "--n",
        type=int,
        default=SOBOL_BASE_SAMPLES,
        help=f"Sobol: base sample size (a power of two up to {MAX_SOBOL_SAMPLES:,}, default {SOBOL_BASE_SAMPLES})",
    )
    format_option(parser)
    return parser


def _readable(value: float) -> str:
    """Money and counts with thousands separators; shares and indices with four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _frame_output(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        return frame.reset_index().to_json(orient="records", indent=2, force_ascii=False)
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", _readable):
        return frame.to_string()


def _analysis(args: argparse.Namespace, built: BuiltScenario) -> str:
    params = built.parameters
    ranges = UncertaintyRanges.around(params, built.ranges)
    kind, fmt = args.kind, args.format
    if kind == "tornado":
        result = tornado(params, ranges, output=args.output, top=args.top)
        if fmt == "json":
            return json.dumps(result.to_dict(), indent=2)
        return f"{args.output} at base: {result.base:,.0f}\n" + _frame_output(result.to_df(), fmt)
    if kind == "spider":
        return _frame_output(spider(params, output=args.output).set_index("parameter"), fmt)
    if kind == "heatmap":
        if not args.x or not args.y:
            raise InputError("--kind heatmap needs --x and --y, two parameters to put on the grid")
        result = heatmap(params, args.x, args.y, output=args.output, ranges=ranges, points=args.points)
        return json.dumps(result.to_dict(), indent=2) if fmt == "json" else _frame_output(result.to_df(), fmt)
    if kind == "montecarlo":
        result = monte_carlo(
            params, ranges, draws=args.draws, seed=args.seed, output=args.output, sampling=args.sampling, threshold=args.threshold
        )
        if fmt == "json":
            return json.dumps(result.to_dict(), indent=2)
        lines = [
            f"{args.output}: {result.draws:,} draws ({result.sampling}, seed {result.seed})",
            f"point estimate {result.point_estimate:,.0f}; mean {result.mean:,.0f} (standard error {result.std_error:,.0f})",
            *(f"  {name.upper():>4} {value:,.0f}" for name, value in result.percentiles.items()),
        ]
        if result.threshold is not None:
            lines.append(f"probability above {result.threshold:,.0f}: {result.probability_above:.1%}")
        return "\n".join(lines)
    if kind == "sobol":
        return _frame_output(
            sobol_indices(params, ranges, n=args.n, seed=args.seed if args.seed is not None else 0, output=args.output), fmt
        )
    return _frame_output(levers(params, output=args.output), fmt)


def run(args: argparse.Namespace) -> str:
    """The analysis ``--kind`` names; in a table, which inputs came from client data."""
    built = build_scenario(args)
    text = _analysis(args, built)
    if args.format == "json":
        return text
    if args.kind in ("tornado", "montecarlo", "sobol", "heatmap") and built.ranges_from_file:
        # MODEL.md v3: the client's own uncertainty drives these analyses; say where the ranges came from.
        text += (
            "\n\nUncertainty ranges from the client's file (95 % intervals, after the churn window and the adjustment): "
            + ", ".join(built.ranges_from_file)
        )
    return text if not built.provenance else text + from_data_lines(None, built.provenance)
