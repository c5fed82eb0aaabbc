"""``python -m estimator estimate``: one scenario's yearly loss, as a report or JSON."""

from __future__ import annotations

import argparse
import json

from estimator.cli.common import build_scenario, format_estimate, format_option, from_data_lines, scenario_options
from estimator.core.result import estimate

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("estimate", help="estimate one scenario")
    scenario_options(parser)
    format_option(parser)
    return parser


def run(args: argparse.Namespace) -> str:
    """The estimate of the scenario ``--preset``/``--params``/``--set`` build, and where its data came from."""
    built = build_scenario(args)
    result = estimate(built.parameters, input_sources=built.input_sources, scaled=built.scaled)
    if args.format == "json":
        content = result.to_dict()
        if built.provenance:
            content["provenance"] = dict(built.provenance)
        if built.applied_notes:  # calibration notes raised when applying it (complainer_churn_conflict)
            content["notes"] = [note.to_dict() for note in built.applied_notes]
        return json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False)
    return format_estimate(result, built.applied_notes) + from_data_lines(result, built.provenance)
