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
    result = estimate(scenario_from_args(args))
    if args.format == "json":
        content = result.to_dict()
        if args.provenance:
            content["provenance"] = dict(args.provenance)
        return json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False)
    return format_estimate(result) + from_data_lines(result, args.provenance)
