"""``python -m estimator sensitivity --kind KIND``: which assumptions matter, how sure the estimate
is, what fixing is worth (tornado, spider, heatmap, Monte Carlo, Sobol, levers)."""

from __future__ import annotations

import argparse

from estimator.analysis.registry import ANALYSES, run_analysis
from estimator.analysis.sensitivity import (
    DEFAULT_DRAWS,
    HEATMAP_POINTS,
    MAX_DRAWS,
    MAX_HEATMAP_POINTS,
    MAX_SOBOL_SAMPLES,
    SOBOL_BASE_SAMPLES,
    UncertaintyRanges,
)
from estimator.cli.common import BuiltScenario, build_scenario, format_option, from_data_lines, repeated_option, scenario_options
from estimator.core.parameters import InputError

__all__ = ["SENSITIVITY_KINDS", "add_parser", "run"]

#: The analyses ``--kind`` offers: the registry's (estimator.analysis.registry.ANALYSES).
SENSITIVITY_KINDS = tuple(ANALYSES)


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


def _analysis(args: argparse.Namespace, built: BuiltScenario) -> str:
    """Run the analysis ``--kind`` names (a look-up in the registry) with the options it reads."""
    analysis = ANALYSES[args.kind]
    params = built.parameters
    ranges = UncertaintyRanges.around(params, built.ranges)
    if not all(getattr(args, option) for option in analysis.requires):
        needed = " and ".join(f"--{option}" for option in analysis.requires)
        raise InputError(f"--kind {analysis.name} needs {needed}, {analysis.requires_why}")
    result = run_analysis(analysis.name, params, ranges, vars(args))
    return analysis.to_json(result) if args.format == "json" else analysis.to_text(result)


def run(args: argparse.Namespace) -> str:
    """The analysis ``--kind`` names; in a table, which inputs came from client data."""
    built = build_scenario(args)
    text = _analysis(args, built)
    if args.format == "json":
        return text
    if ANALYSES[args.kind].uses_ranges and built.ranges_from_file:
        # MODEL.md v3: the client's own uncertainty drives these analyses; say where the ranges came from.
        text += (
            "\n\nUncertainty ranges from the client's file (95 % intervals, after the churn window and the adjustment): "
            + ", ".join(built.ranges_from_file)
        )
    return text if not built.provenance else text + from_data_lines(None, built.provenance)
