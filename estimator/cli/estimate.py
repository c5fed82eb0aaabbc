"""``python -m estimator estimate``: one scenario's yearly loss, as a report or JSON."""

from __future__ import annotations

import argparse
import json

from estimator.cli.common import format_estimate, format_option, from_data_lines, scenario_from_args, scenario_options
from estimator.core.result import estimate

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("estimate", help="estimate one scenario")
    scenario_options(parser)
    format_option(parser)
    return parser


def run(args: argparse.Namespace) -> str:
    """The estimate of the scenario ``--preset``/``--params``/``--set`` build, and where its data came from."""
    params = scenario_from_args(args)
    result = estimate(params, input_sources=args.input_sources, scaled=args.scaled)
    if args.format == "json":
        content = result.to_dict()
        if args.provenance:
            content["provenance"] = dict(args.provenance)
        if args.applied_notes:  # calibration notes raised when applying it (complainer_churn_conflict)
            content["notes"] = [note.to_dict() for note in args.applied_notes]
        return json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False)
    return format_estimate(result, args.applied_notes) + from_data_lines(result, args.provenance)
