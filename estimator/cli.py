"""Command line: ``python -m estimator estimate|presets|benchmarks``.

Bad input (a bad value, an unknown key or preset, an unreadable file, a malformed option)
ends with exit status 2 and one line on standard error naming the problem; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import pandas as pd

from estimator.analysis.sensitivity import (
    UncertaintyRanges,
    heatmap,
    levers,
    monte_carlo,
    sobol_indices,
    spider,
    tornado,
)
from estimator.core.parameters import InputError, ParameterError, Parameters, parse_value
from estimator.core.result import Estimate, estimate
from estimator.library import list_presets, load_evidence, load_preset, read_scenario

SENSITIVITY_KINDS = ("tornado", "spider", "heatmap", "montecarlo", "sobol", "levers")

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse prints the usage and exits; we want one line naming the problem."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see '{self.prog} --help')")


def _scenario_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", metavar="NAME", help="start from a preset (see 'presets'); default: MODEL.md's defaults")
    parser.add_argument(
        "--params",
        metavar="FILE",
        action="append",
        default=[],
        help="a JSON or TOML scenario file; may be repeated, later files override earlier ones",
    )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="assignments",
        help="set one parameter, e.g. --set churn_rate=0.2; overrides preset and files",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m estimator", description="Estimate the yearly revenue lost to poor customer service.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("estimate", help="estimate one scenario")
    _scenario_options(run)
    run.add_argument("--format", choices=("json", "table"), default="table")

    presets = commands.add_parser("presets", help="list the presets")
    presets.add_argument("--format", choices=("json", "table"), default="table")

    sensitivity = commands.add_parser(
        "sensitivity", help="which assumptions matter, how sure the estimate is, what fixing is worth"
    )
    _scenario_options(sensitivity)
    sensitivity.add_argument("--kind", required=True, choices=SENSITIVITY_KINDS)
    sensitivity.add_argument("--output", default="total", help="the model output to analyse (default: the yearly total)")
    sensitivity.add_argument(
        "--range",
        metavar="KEY=LOW:HIGH",
        action="append",
        default=[],
        dest="ranges",
        help="an uncertainty range replacing the default one, e.g. --range churn_rate=0.1:0.3",
    )
    sensitivity.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (up to 1,000,000)")
    sensitivity.add_argument("--seed", type=int, help="random seed; Monte Carlo reports the one used")
    sensitivity.add_argument("--sampling", choices=("random", "lhs"), default="random", help="Monte Carlo sampling")
    sensitivity.add_argument("--threshold", type=float, help="Monte Carlo: report the probability of exceeding it")
    sensitivity.add_argument("--top", type=int, help="tornado: keep the largest swings only")
    sensitivity.add_argument("--x", help="heatmap: parameter across the columns")
    sensitivity.add_argument("--y", help="heatmap: parameter down the rows")
    sensitivity.add_argument("--points", type=int, default=21, help="heatmap: grid points per side")
    sensitivity.add_argument("--n", type=int, default=1024, help="Sobol: base sample size (a power of two)")
    sensitivity.add_argument("--format", choices=("json", "table"), default="table")

    calibration = commands.add_parser("calibrate", help="estimate the parameters, with 95% intervals, from customer data")
    calibration.add_argument("file", metavar="FILE", help="customer-level CSV (',' or ';'), XLSX or Parquet")
    calibration.add_argument(
        "--map",
        metavar="COLUMN=FIELD",
        action="append",
        default=[],
        dest="mapping",
        help="use COLUMN for FIELD (customer_id, churned, complained, resolved, annual_value, segment, had_problem, "
        "churn_reason, or 'ignore'); may be repeated",
    )
    calibration.add_argument("--encoding", help="the CSV's text encoding (default: detected)")
    calibration.add_argument(
        "--reason",
        metavar="TEXT=CLASS",
        action="append",
        default=[],
        dest="reasons",
        help='class a churn reason by hand: service, other or unknown (e.g. --reason "Network reliability=other"); '
        "may be repeated",
    )
    calibration.add_argument(
        "--value-period",
        choices=("yearly", "monthly"),
        help="the period of the value column (default: from its name; monthly values are annualised x12)",
    )
    calibration.add_argument("--format", choices=("json", "table"), default="table")
    calibration.add_argument(
        "--write-params",
        metavar="OUT.toml",
        help="also write the estimates as a scenario file for --params (intervals as uncertainty ranges)",
    )

    report = commands.add_parser("report", help="write the deliverable: a deck (.pptx), a workbook (.xlsx) or a page (.html)")
    _scenario_options(report)
    report.add_argument("--out", required=True, metavar="FILE", help="FILE.pptx, FILE.xlsx or FILE.html")
    report.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (default 10,000)")
    report.add_argument("--seed", type=int, default=2026, help="Monte Carlo seed (default 2026, as in the app)")
    report.add_argument("--lang", default="en", help="language of the document (default en)")
    report.add_argument("--published", action="store_true", help="add the slide comparing the scenario with published estimates")

    evidence = commands.add_parser("benchmarks", help="list the evidence library behind the defaults")
    evidence.add_argument("--parameter", metavar="KEY", help="only the figures informing this parameter")
    evidence.add_argument("--format", choices=("json", "table"), default="table")

    from estimator.scenario_cli import add_scenarios_parser

    add_scenarios_parser(commands, _scenario_options)
    from estimator.published_cli import add_published_parser

    add_published_parser(commands)
    return parser


def scenario_from_args(args: argparse.Namespace) -> Parameters:
    """Combine preset, scenario files and ``--set`` values, in that order of precedence."""
    return _scenario_and_ranges(args)[0]


def _scenario_and_ranges(args: argparse.Namespace) -> tuple[Parameters, dict[str, tuple[float, float]]]:
    """The scenario, and the uncertainty ranges its files and ``--range`` options set."""
    values: dict[str, Any] = load_preset(args.preset).parameters.to_dict() if args.preset else {}
    ranges: dict[str, tuple[float, float]] = {}
    provenance: dict[str, str] = {}
    for path in args.params:
        scenario = read_scenario(path)  # the one reader (estimator.library), shared with the store
        ranges.update(scenario.ranges)
        provenance.update(scenario.provenance or {})
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


def _from_data_lines(result: Estimate | None, provenance: dict[str, str]) -> str:
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


def _presets_output(fmt: str) -> str:
    presets = list_presets()
    if fmt == "json":
        return json.dumps(
            [
                {
                    "name": p.name,
                    "title": p.title,
                    "description": p.description,
                    "currency": p.parameters.currency,
                    "parameters": p.parameters.model_inputs(),
                    "sources": {k: ref.evidence_id for k, ref in p.sources.items()},
                }
                for p in presets
            ],
            indent=2,
            ensure_ascii=False,
        )
    rows = [
        {
            "name": p.name,
            "currency": p.parameters.currency,
            "title": p.title,
            "yearly loss": f"{estimate(p.parameters).total:,.0f}",
        }
        for p in presets
    ]
    return pd.DataFrame(rows).to_string(index=False)


def _benchmarks_output(fmt: str, parameter: str | None) -> str:
    evidence = load_evidence()
    if parameter:
        evidence = evidence[evidence["parameter"] == parameter]
        if evidence.empty:
            raise InputError(f"--parameter: no evidence row informs {parameter!r}")
    if fmt == "json":
        return evidence.reset_index().to_json(orient="records", indent=2, force_ascii=False)
    columns = ["value", "measures", "country", "year", "source", "parameter", "grade"]
    with pd.option_context("display.max_colwidth", 40, "display.width", 200):
        return evidence[columns].to_string()


def _readable(value: float) -> str:
    """Money and counts with thousands separators; shares and indices with four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _frame_output(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        return frame.reset_index().to_json(orient="records", indent=2, force_ascii=False)
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", _readable):
        return frame.to_string()


def _sensitivity_output(args: argparse.Namespace) -> str:
    params, custom = _scenario_and_ranges(args)
    ranges = UncertaintyRanges.around(params, custom)
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


def run(argv: Sequence[str] | None = None) -> str:
    """Run one command and return what it prints; raises :class:`InputError` on bad input."""
    args = build_parser().parse_args(argv)
    if args.command == "estimate":
        result = estimate(scenario_from_args(args))
        if args.format == "json":
            content = result.to_dict()
            if args.provenance:
                content["provenance"] = dict(args.provenance)
            return json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False)
        return format_estimate(result) + _from_data_lines(result, args.provenance)
    if args.command == "presets":
        return _presets_output(args.format)
    if args.command == "sensitivity":
        text = _sensitivity_output(args)
        return text if args.format == "json" or not args.provenance else text + _from_data_lines(None, args.provenance)
    if args.command == "calibrate":
        from estimator.calibration import calibrate, format_calibration, parse_mapping, parse_reasons

        result = calibrate(
            args.file,
            parse_mapping(args.mapping),
            encoding=args.encoding,
            value_period=args.value_period,
            reasons=parse_reasons(args.reasons),
        )
        written = ""
        if args.write_params:
            from estimator.calibration.params import write_params

            written = f"wrote {write_params(result.to_dict(), args.write_params)} (use it with --params)"
        if args.format == "json":
            if written:
                print(written, file=sys.stderr)
            return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        return format_calibration(result) + (f"\n\n{written}" if written else "")
    if args.command == "report":
        return _report_output(args)
    if args.command == "published":
        from estimator.published_cli import published_command

        return published_command(args)
    if args.command == "scenarios":
        from estimator.scenario_cli import scenarios_command

        return scenarios_command(args, _scenario_and_ranges, format_estimate)
    return _benchmarks_output(args.format, args.parameter)


def _report_output(args: argparse.Namespace) -> str:
    """Write the deliverable named by ``--out``; the preset's sources back the values it sets."""
    from pathlib import Path

    from estimator.reports import FORMATS, build_content, write_report
    from estimator.text.i18n import available_languages

    kind = Path(args.out).suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise InputError(f"--out: {args.out!r} has no supported extension; allowed: {', '.join('.' + k for k in FORMATS)}")
    if args.lang not in available_languages():
        raise InputError(f"--lang: {args.lang!r} is not available; allowed: {', '.join(available_languages())}")
    params, ranges = _scenario_and_ranges(args)
    preset = load_preset(args.preset) if args.preset else None
    content = build_content(
        params,
        sources=preset.sources if preset else None,
        base=preset.parameters if preset else Parameters.defaults(),
        custom_ranges=ranges,
        draws=args.draws,
        seed=args.seed,
        language=args.lang,
        data_sources=args.provenance or None,  # a calibration's JSON as --params: its values cite the data
        published=args.published,
    )
    path = write_report(content, args.out)
    return f"wrote {path} ({path.stat().st_size:,} bytes)"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        print(run(argv))
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


__all__ = ["build_parser", "format_estimate", "main", "run", "scenario_from_args"]
