"""Command line: ``python -m estimator COMMAND``."""

from estimator.cli.common import build_parser, format_estimate, main, run, scenario_from_args

__all__ = ["build_parser", "format_estimate", "main", "run", "scenario_from_args"]
