"""What the commands share: the parser class, the scenario options and the scenario they build,
the plain-text estimate, and the one-line report of bad input.

Bad input (a bad value, an unknown key or preset, an unreadable file, a malformed option)
ends with exit status 2 and one line on standard error naming the problem; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import pandas as pd

from estimator.core.outputs import HEADLINE_OUTPUTS
from estimator.core.parameters import PARAMETER_SPECS, InputError, ParameterError, Parameters, parse_value, shown_value
from estimator.core.result import PLAUSIBILITY_CODES, Estimate
from estimator.core.scenario import Scenario
from estimator.library import load_preset
from estimator.text.i18n import available_languages
from estimator.text.user_text import terminal_text

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "BuiltScenario",
    "CliParser",
    "build_scenario",
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
    """``--preset``, ``--params`` and ``--set``: what :func:`build_scenario` builds a scenario from."""
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


@dataclass(frozen=True)
class BuiltScenario:
    """What ``--preset``, ``--params``, ``--set`` and ``--range`` build: the values, and what the output says of them.

    Attributes
    ----------
    parameters : Parameters
    ranges : dict
        The uncertainty ranges the files and ``--range`` set, parameter → (low, high) (not yet checked
        against the values: only the commands that use ranges check them, through :attr:`scenario`).
    provenance : dict
        Parameter → where its value came from (a calibration's JSON given as ``--params``); a later
        ``--set`` wins over it.
    input_sources : dict
        Every input's ``file``/``entered``/``preset``/``default`` (MODEL.md v3 §7).
    scaled : tuple
        Volumes scaled with the customers (MODEL.md v3).
    applied_notes : tuple
        Calibration notes raised when applying it (``complainer_churn_conflict``).
    calibration : dict or None
        The last calibration's JSON read.
    ranges_from_file : list of str
        The inputs whose uncertainty ranges are a calibration's intervals.
    """

    parameters: Parameters
    ranges: dict[str, tuple[float, float]]
    provenance: dict[str, str]
    input_sources: dict[str, str]
    scaled: tuple[Any, ...]
    applied_notes: tuple[Any, ...]
    calibration: dict[str, Any] | None
    ranges_from_file: list[str]

    @property
    def scenario(self) -> Scenario:
        """The :class:`~estimator.core.scenario.Scenario` (its ranges checked against its values)."""
        known = {key: text for key, text in self.provenance.items() if key in PARAMETER_SPECS or key == "currency"}
        return Scenario("", self.parameters, self.ranges, provenance=known)


def scenario_from_args(args: argparse.Namespace) -> Parameters:
    """Combine preset, scenario files and ``--set`` values, in that order of precedence."""
    return build_scenario(args).parameters


def scenario_and_ranges(args: argparse.Namespace) -> tuple[Parameters, dict[str, tuple[float, float]]]:
    """The scenario's values and ranges (:func:`build_scenario` says where each came from)."""
    built = build_scenario(args)
    return built.parameters, built.ranges


def build_scenario(args: argparse.Namespace) -> BuiltScenario:
    """The scenario the options build: preset, then scenario files, then ``--set`` (and ``--range``), and its sources."""
    from estimator.calibration.params import calibration_sources, is_calibration
    from estimator.core.provenance import PROVENANCE_LABELS, scale_with_customers, scenario_provenance

    preset = load_preset(args.preset) if args.preset else None
    values: dict[str, Any] = preset.parameters.to_dict() if preset else {}
    ranges: dict[str, tuple[float, float]] = {}
    provenance: dict[str, str] = {}
    # Every input's source, set by each layer in turn: preset/default, files, --set (MODEL.md v3 §7).
    sources = scenario_provenance(preset)
    calibration: dict[str, Any] | None = None
    ranges_from_file: set[str] = set()
    given: set[str] = set()  # keys a file or --set gave a value: never scaled, whatever their label
    for path in args.params:
        # Imported here: a command without --params never loads the scenario library's package.
        from estimator.store.codec import read_scenario

        scenario = read_scenario(path)  # the one reader (estimator.store.codec), shared with the store
        ranges.update(scenario.ranges)
        found = scenario.provenance or {}
        if not isinstance(found, dict) or not all(isinstance(text, str) for text in found.values()):
            raise InputError(
                f"{scenario.source}: provenance: {shown_value(found)} is not a table of text; "
                "allowed: parameter = description of where its value came from"
            )
        provenance.update(found)
        values.update(scenario.values)
        keys = {key for key in scenario.values if key in PARAMETER_SPECS}
        given |= keys
        if is_calibration(scenario.top):
            calibration = dict(scenario.top)
            sources.update(calibration_sources(calibration, keys))
            ranges_from_file |= set(scenario.ranges)
        else:
            # A file may say where its values came from (estimate's JSON read back); else they are entered.
            stated = scenario.top.get("input_sources")
            stated = stated if isinstance(stated, dict) else {}
            sources.update({key: stated[key] if stated.get(key) in PROVENANCE_LABELS else "entered" for key in keys})
            ranges_from_file -= set(scenario.ranges)
    for text in getattr(args, "ranges", []):
        key, sep, bounds = text.partition("=")
        low, colon, high = bounds.partition(":")
        try:
            ranges[key.strip()] = (float(low), float(high))
        except ValueError:
            raise InputError(f"--range: expected KEY=LOW:HIGH with numbers, got {text!r}") from None
        if not sep or not colon:
            raise InputError(f"--range: expected KEY=LOW:HIGH, got {text!r}")
        ranges_from_file.discard(key.strip())
    problems = []
    for assignment in args.assignments:
        key, sep, text = assignment.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set: expected KEY=VALUE, got {assignment!r}")
        try:
            values[key.strip()] = parse_value(key.strip(), text)
        except ParameterError as error:
            problems += error.problems
        if key.strip() in sources:
            sources[key.strip()] = "entered"
            given.add(key.strip())
    notes = _complainer_churn(values, sources, calibration)
    values, scaled = scale_with_customers(values, {**sources, **dict.fromkeys(given, "entered")}, preset)
    try:
        parameters = Parameters(values)
    except ParameterError as error:
        problems += error.problems
    if problems:  # report every bad value at once, not one per run
        raise ParameterError(problems)
    # Where calibrated values came from (a calibration's JSON as --params); a later --set wins over it.
    set_by_hand = {a.partition("=")[0].strip() for a in args.assignments}
    for note in notes:  # cr and cu rescaled to the complainers' churn the file measured
        for key in ("churn_resolved", "churn_unresolved"):
            provenance[key] = (
                f"rescaled to the complainers' churn measured in {calibration.get('file') or 'client data'} "
                f"({note.values['measured']:.1%}), keeping resolved_share and the benchmark's ratio of the two"
            )
    return BuiltScenario(
        parameters,
        ranges,
        {key: text for key, text in provenance.items() if key not in set_by_hand},
        sources,
        tuple(scaled),
        tuple(notes),
        calibration,
        sorted(ranges_from_file - set_by_hand),
    )


def _complainer_churn(values: dict[str, Any], sources: dict[str, str], calibration: dict[str, Any] | None) -> list[Any]:
    """MODEL.md v3 §6: a calibration that measured complainers' churn (and not cr, cu) rescales the scenario's cr, cu."""
    if calibration is None:
        return []
    estimates = calibration.get("estimates") or {}
    measured = (calibration.get("figures") or {}).get("churn_complainers")
    keys = ("churn_resolved", "churn_unresolved")
    if "churn_resolved" in estimates or not isinstance(measured, dict) or any(sources[k] in ("entered", "file") for k in keys):
        return []
    from estimator.calibration.adjustment import reconcile_complainer_churn

    try:
        current = {key: float(values[key]) for key in ("resolved_share", *keys)}
    except (KeyError, TypeError, ValueError, OverflowError):  # a bad value: Parameters names it later
        current = {key: float(Parameters.defaults()[key]) for key in ("resolved_share", *keys)}
    changed, note = reconcile_complainer_churn(current, measured)
    values.update(changed)
    # The level is now the file's (the benchmark's ratio of cr to cu is kept): labelled as the file's.
    sources.update(dict.fromkeys(changed, "file"))
    return [note] if note is not None else []


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _figure(kind: str, value: float) -> str:
    """A headline figure of ``kind`` (data/outputs.toml) on the command line."""
    if kind == "share":
        return "undefined" if pd.isna(value) else f"{value:.1%}"
    return _money(value)


def format_estimate(result: Estimate, notes: Sequence[Any] = ()) -> str:
    """A plain-text report of one estimate: where each input came from, the plausibility warnings first.

    ``notes`` are calibration notes raised when the scenario was built (``complainer_churn_conflict``).
    """
    from estimator.text.formatting import currency_label

    p = result.parameters
    frame = result.to_frame()
    sources = result.input_sources
    table = pd.DataFrame(
        {
            "revenue lost": frame["revenue_lost"].map(_money),
            "share": frame["share_of_total"].map(lambda v: "" if pd.isna(v) else f"{v:.1%}"),
            "customers lost": frame["customers_lost"].map(lambda v: f"{v:,.0f}"),
        }
    )
    currency = currency_label(p.currency, "en")
    scaled = {item.key: item for item in result.scaled}
    lines = [
        f"{p.name or 'Scenario'}: {p.customers:,.0f} customers ({sources.get('customers', '?')}) × "
        f"{p.annual_value:,.2f} {currency} a year ({sources.get('annual_value', '?')}); method {p.method}",
    ]
    if result.warnings or notes:  # what to check comes before the figures: plausibility, then the applied notes
        first = [w for w in result.warnings if w.code in PLAUSIBILITY_CODES]
        rest = [w for w in result.warnings if w.code not in PLAUSIBILITY_CODES]
        lines += ["", "Warnings:", *(f"  - {w.message}" for w in (*first, *notes, *rest))]
    lines += [
        "",
        f"Revenue lost to poor service per year ({currency}):",
        table.to_string(),
        "",
        *(
            f"{item.cli.format(**item.label_arguments(p)):<19}     {_figure(item.kind, getattr(result, item.output))}"
            for item in HEADLINE_OUTPUTS
            if not item.channel_total  # the total and the customers lost are the table's last row
        ),
        "",
        "Cross-check of customers lost a year:",
        f"  top-down  (customers × churn × service share)  {result.top_down_customers:,.0f}",
        f"  bottom-up (excess churn of dissatisfied)       {result.bottom_up_customers:,.0f}",
        "  service share implied by bottom-up            "
        + ("undefined" if pd.isna(result.implied_service_share) else f"{result.implied_service_share:.1%}")
        + f" (service_share {p.service_share:.1%}, {(sources or {}).get('service_share', 'default')})",
    ]
    if sources:
        from estimator.text.formatting import format_parameter

        lines += ["", "Inputs (source: file = client's extract, entered, preset, default):"]
        for key, source in sources.items():
            shown = format_parameter(key, p[key], currency) if key != "method" else p.method
            note = f"  [{scaled[key].describe()}]" if key in scaled else ""
            lines.append(f"  {key:<20} {shown:>16}  {source}{note}")
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
    except BrokenPipeError:
        # The reader stopped reading (`| head`): not an error. Python's flush at exit must not fail again
        # on the closed pipe, so standard output goes to /dev/null (the recipe of Python's signal docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
