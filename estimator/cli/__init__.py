"""Command line: ``python -m estimator COMMAND [OPTIONS]``.

One module per command, each with ``add_parser(commands)`` (its sub-parser and options) and
``run(args)`` (what it prints); :data:`COMMANDS` lists them, in the order ``--help`` shows them.
What several commands share (the scenario options, the scenario they build, ``--format``,
``--lang``, the one-line report of bad input) is in :mod:`estimator.cli.common`. A new command
is a module and one line in :data:`COMMANDS`; a new option of a command is a change to its module.

Bad input ends with exit status 2 and one line on standard error naming the problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from estimator.cli import benchmarks, calibrate, estimate, presets, published, report, scenarios, sensitivity
from estimator.cli.common import EXIT_BAD_INPUT, CliParser, format_estimate, print_or_report, scenario_from_args
from estimator.core.parameters import InputError

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "build_parser", "format_estimate", "main", "run", "scenario_from_args"]

#: The commands by name, in the order of ``python -m estimator --help``.
COMMANDS: dict[str, ModuleType] = {
    "estimate": estimate,
    "presets": presets,
    "sensitivity": sensitivity,
    "calibrate": calibrate,
    "report": report,
    "benchmarks": benchmarks,
    "scenarios": scenarios,
    "published": published,
}


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command in :data:`COMMANDS`; a bad option raises :class:`InputError`."""
    parser = CliParser(prog="python -m estimator", description="Estimate the yearly revenue lost to poor customer service.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=CliParser)
    for command in COMMANDS.values():
        command.add_parser(commands)
    return parser


def run(argv: Sequence[str] | None = None) -> str:
    """Run one command and return what it prints; raises :class:`InputError` on bad input."""
    argv = sys.argv[1:] if argv is None else list(argv)
    for number, argument in enumerate(argv, start=1):
        # Bytes that are not UTF-8 reach Python as lone surrogates; nothing downstream can store or print them.
        if any("\ud800" <= char <= "\udfff" for char in argument):
            shown = os.fsencode(argument).decode("utf-8", "backslashreplace")
            allowed = "text in UTF-8 (check the terminal's encoding)"
            raise InputError(f"argument {number}: '{shown}' is not UTF-8 text; allowed: {allowed}")
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command].run(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command, print what it returns; the exit status: 0, or 2 for bad input (one line on stderr)."""
    return print_or_report(lambda: run(argv))
