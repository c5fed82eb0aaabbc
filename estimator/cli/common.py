"""What the commands share: the parser class, the scenario options and the scenario they build,
the plain-text estimate, and the one-line report of bad input.

Bad input (a bad value, an unknown key or preset, an unreadable file, a malformed option)
ends with exit status 2 and one line on standard error naming the problem; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import pandas as pd

from estimator.core.parameters import InputError, ParameterError, Parameters, parse_value, shown_value
from estimator.core.result import Estimate
from estimator.library import load_preset, read_scenario
from estimator.text.i18n import available_languages
from estimator.text.user_text import terminal_text

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "CliParser",
    "check_language",
    "format_estimate",
    "format_option",
    "from_data_lines",
    "language_option",
    "print_or_report",
    "repeated_option",
    "scenario_and_ranges",
    "scenario_from_args",
    "scenario_options",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class CliParser(argparse.ArgumentParser):
    """argparse prints the usage and exits; we want one line naming the problem."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see '{self.prog} --help')")


def repeated_option(parser: argparse.ArgumentParser, flag: str, metavar: str, help: str, dest: str | None = None) -> None:
    """An option that may be given several times, collected in a list (empty when never given)."""
    parser.add_argument(flag, metavar=metavar, action="append", default=[], dest=dest, help=help)


def scenario_options(parser: argparse.ArgumentParser) -> None:
    """``--preset``, ``--params`` and ``--set``: what :func:`scenario_and_ranges` builds a scenario from."""
    parser.add_argument("--preset", metavar="NAME", help="start from a preset (see 'presets'); default: MODEL.md's defaults")
    repeated_option(
        parser, "--params", "FILE", "a JSON or TOML scenario file; may be repeated, later files override earlier ones"
    )
    repeated_option(
        parser,
        "--set",
        "KEY=VALUE",
        "set one parameter, e.g. --set churn_rate=0.2; overrides preset and files",
        dest="assignments",
    )


def format_option(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("json", "table")) -> None:
    """``--format``: machine-readable JSON or a table for people (the default)."""
    parser.add_argument("--format", choices=choices, default="table")


def language_option(parser: argparse.ArgumentParser, of: str) -> None:
    """``--lang``, the language ``of`` what the command writes; check it with :func:`check_language`."""
    parser.add_argument("--lang", default="en", help=f"language of {of} (default en)")


def check_language(language: str) -> str:
    """``language`` if the catalogues have it.

    Raises
    ------
    InputError
        Naming the value and the languages available.
    """
    if language not in available_languages():
        raise InputError(f"--lang: {language!r} is not available; allowed: {', '.join(available_languages())}")
    return language


def scenario_from_args(args: argparse.Namespace) -> Parameters:
    """Combine preset, scenario files and ``--set`` values, in that order of precedence."""
    return scenario_and_ranges(args)[0]


def scenario_and_ranges(args: argparse.Namespace) -> tuple[Parameters, dict[str, tuple[float, float]]]:
    """The scenario, and the uncertainty ranges its files and ``--range`` options set."""
    values: dict[str, Any] = load_preset(args.preset).parameters.to_dict() if args.preset else {}
    ranges: dict[str, tuple[float, float]] = {}
    provenance: dict[str, str] = {}
    for path in args.params:
        scenario = read_scenario(path)  # the one reader (estimator.library), shared with the store
        ranges.update(scenario.ranges)
        found = scenario.provenance or {}
        if not isinstance(found, dict) or not all(isinstance(text, str) for text in found.values()):
            raise InputError(
                f"{scenario.source}: provenance: {shown_value(found)} is not a table of text; "
                "allowed: parameter = description of where its value came from"
            )
        provenance.update(found)
        values.update(scenario.values)
    for text in getattr(args, "ranges", []):
        key, sep, bounds = text.partition("=")
        low, colon, high = bounds.partition(":")
        try:
            ranges[key.strip()] = (float(low), float(high))
        except ValueError:
            raise InputError(f"--range: expected KEY=LOW:HIGH with numbers, got {text!r}") from None
        if not sep or not colon:
            raise InputError(f"--range: expected KEY=LOW:HIGH, got {text!r}")
    problems = []
    for assignment in args.assignments:
        key, sep, text = assignment.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set: expected KEY=VALUE, got {assignment!r}")
        try:
            values[key.strip()] = parse_value(key.strip(), text)
        except ParameterError as error:
            problems += error.problems
    try:
        parameters = Parameters(values)
    except ParameterError as error:
        problems += error.problems
    if problems:  # report every bad value at once, not one per run
        raise ParameterError(problems)
    # Where calibrated values came from (a calibration's JSON as --params); a later --set wins over it.
    set_by_hand = {a.partition("=")[0].strip() for a in args.assignments}
    args.provenance = {key: text for key, text in provenance.items() if key not in set_by_hand}
    return parameters, ranges


def _money(value: float) -> str:
    return f"{value:,.0f}"


def format_estimate(result: Estimate) -> str:
    """A plain-text report of one estimate."""
    p = result.parameters
    frame = result.to_frame()
    table = pd.DataFrame(
        {
            "revenue lost": frame["revenue_lost"].map(_money),
            "share": frame["share_of_total"].map(lambda v: "" if pd.isna(v) else f"{v:.1%}"),
            "customers lost": frame["customers_lost"].map(lambda v: f"{v:,.0f}"),
        }
    )
    share = result.share_of_revenue
    lines = [
        f"{p.name or 'Scenario'}: {p.customers:,.0f} customers × {p.annual_value:,.2f} {p.currency} a year; method {p.method}",
        "",
        f"Revenue lost to poor service per year ({p.currency}):",
        table.to_string(),
        "",
        f"Share of revenue        {'undefined' if pd.isna(share) else f'{share:.1%}'}",
        f"Profit lost             {_money(result.profit_lost)}",
        f"Value at risk ({p.horizon_years} y)     {_money(result.value_at_risk)}",
        f"Replacement cost        {_money(result.replacement_cost)}",
        "",
        "Cross-check of customers lost a year:",
        f"  top-down  (customers × churn × service share)  {result.top_down_customers:,.0f}",
        f"  bottom-up (excess churn of dissatisfied)       {result.bottom_up_customers:,.0f}",
        "  service share implied by bottom-up            "
        + ("undefined" if pd.isna(result.implied_service_share) else f"{result.implied_service_share:.1%}")
        + f" (entered {p.service_share:.1%})",
    ]
    if result.warnings:
        lines += ["", "Warnings:", *(f"  - {w.message}" for w in result.warnings)]
    return "\n".join(lines)


def from_data_lines(result: Estimate | None, provenance: dict[str, str]) -> str:
    """Which inputs came from client data, and for each warning that mixes them with others, which clash."""
    if not provenance:
        return ""
    from estimator.calibration.params import clashing_inputs

    lines = ["", "Inputs from client data (the rest from the preset or defaults):"]
    lines += [f"  {key}: {source}" for key, source in provenance.items()]
    for warning in result.warnings if result is not None else ():
        clash = clashing_inputs(warning.code, provenance)
        if clash:
            lines.append(
                f"  ! {warning.code}: the inputs that clash are {', '.join(clash[0])} (from the data) "
                f"and {', '.join(clash[1])} (not from the data)"
            )
    return "\n" + "\n".join(lines)


def print_or_report(produce: Callable[[], str]) -> int:
    """Print what ``produce`` returns and give exit status 0, or print bad input's one line and give 2."""
    # Names, notes and file contents reach the terminal: control and format characters (an ANSI
    # escape, a direction override) are shown escaped, never run by the terminal.
    try:
        print(terminal_text(produce(), multiline=True))
    except InputError as error:
        print(f"error: {terminal_text(str(error), multiline=True)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK
