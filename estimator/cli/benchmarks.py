"""``python -m estimator benchmarks``: the evidence library behind the defaults."""

from __future__ import annotations

import argparse

import pandas as pd

from estimator.cli.common import format_option
from estimator.core.parameters import InputError
from estimator.library import load_evidence

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("benchmarks", help="list the evidence library behind the defaults")
    parser.add_argument("--parameter", metavar="KEY", help="only the figures informing this parameter")
    format_option(parser)
    return parser


def run(args: argparse.Namespace) -> str:
    """The evidence rows, all of them or those informing ``--parameter``."""
    evidence = load_evidence()
    if args.parameter:
        evidence = evidence[evidence["parameter"] == args.parameter]
        if evidence.empty:
            raise InputError(f"--parameter: no evidence row informs {args.parameter!r}")
    if args.format == "json":
        return evidence.reset_index().to_json(orient="records", indent=2, force_ascii=False)
    columns = ["value", "measures", "country", "year", "source", "parameter", "grade"]
    with pd.option_context("display.max_colwidth", 40, "display.width", 200):
        return evidence[columns].to_string()
