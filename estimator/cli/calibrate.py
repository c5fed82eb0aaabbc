"""``python -m estimator calibrate FILE``: the parameters, with 95% intervals, from customer data.

A new option is one ``add_argument`` in :func:`add_parser` and its use in :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import sys

from estimator.cli.common import format_option, repeated_option

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("calibrate", help="estimate the parameters, with 95%% intervals, from customer data")
    parser.add_argument(
        "file",
        metavar="SOURCE",
        nargs="?",
        help="customer-level CSV (',' or ';'), XLSX or Parquet; with --engine spark also a directory or a lake URI; "
        "a postgresql://user@host/db URL with --table or --query; omitted for a Spark --table or --query",
    )
    repeated_option(
        parser,
        "--map",
        "COLUMN=FIELD",
        "use COLUMN for FIELD (customer_id, churned, complained, resolved, annual_value, segment, had_problem, "
        "churn_reason, or 'ignore'); may be repeated",
        dest="mapping",
    )
    parser.add_argument("--encoding", help="the CSV's text encoding (default: detected)")
    repeated_option(
        parser,
        "--reason",
        "TEXT=CLASS",
        'class a churn reason by hand: service, other or unknown (e.g. --reason "Network reliability=other"); may be repeated',
        dest="reasons",
    )
    parser.add_argument(
        "--value-period",
        choices=("yearly", "monthly"),
        help="the period of the value column (default: from its name; monthly values are annualised x12)",
    )
    parser.add_argument(
        "--drop-invalid",
        action="store_true",
        help="leave out rows with an invalid value in a column used (a negative amount, a word that is no yes or no...), "
        "counted per column with an example; without it such rows stop the run",
    )
    parser.add_argument(
        "--complaint-threshold",
        metavar="N",
        type=int,
        help="when the complaint column is a count (complaints, contacts, calls, tickets), N or more is a complaint "
        "(default 1; 1 to 1000); churn by count (0, 1, 2, 3, 4+) is shown",
    )
    parser.add_argument(
        "--churn-window",
        metavar="MONTHS",
        help="months the churn flag covers (3 for a quarter); rates are annualised, c = 1 - (1 - p)^(12/w); "
        "default: 12, with a note",
    )
    parser.add_argument(
        "--customers",
        metavar="N",
        help="how many customers the extract stands for (a sample's whole base); default: the customers at risk in the file",
    )
    parser.add_argument(
        "--currency", metavar="CODE", help="ISO 4217 code of the file's values (e.g. USD); default: 'currency not stated'"
    )
    parser.add_argument(
        "--tenure",
        metavar="COLUMN",
        help="a column of tenure in months: adds a Kaplan-Meier 12-month churn beside the window-based rate",
    )
    from estimator.calibration.engines import add_engine_arguments

    add_engine_arguments(parser)
    format_option(parser)
    parser.add_argument(
        "--write-params",
        metavar="OUT.toml",
        help="also write the estimates as a scenario file for --params (intervals as uncertainty ranges)",
    )
    return parser


def run(args: argparse.Namespace) -> str:
    """The calibration of ``args.file``; with ``--write-params``, also the scenario file written."""
    from estimator.calibration import CalibrationError, calibrate, format_calibration, parse_mapping, parse_reasons
    from estimator.calibration.engines import engine_options
    from estimator.calibration.progress import TextProgress

    if args.file is None and not (args.table or args.query):
        raise CalibrationError("no_file", value="(no SOURCE given)")
    # Long scans show how far they are, on stderr only (standard output is the report or the JSON).
    bar = None if args.no_progress or not sys.stderr.isatty() else TextProgress(sys.stderr)
    try:
        result = calibrate(
            args.file,
            parse_mapping(args.mapping),
            encoding=args.encoding,
            value_period=args.value_period,
            reasons=parse_reasons(args.reasons),
            progress=bar,
            churn_window=args.churn_window,
            customers=args.customers,
            currency=args.currency,
            tenure=args.tenure,
            drop_invalid=args.drop_invalid,
            # Not given: calibrate()'s own default (argparse would import the calibration package at every start).
            **({} if args.complaint_threshold is None else {"complaint_threshold": args.complaint_threshold}),
            **engine_options(args),
        )
    finally:
        if bar is not None:
            bar.close()
    written = ""
    if args.write_params:
        from estimator.store.codec import write_params

        written = f"wrote {write_params(result.to_dict(), args.write_params)} (use it with --params)"
    if args.format == "json":
        if written:
            print(written, file=sys.stderr)  # standard output is the JSON alone
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
    return format_calibration(result) + (f"\n\n{written}" if written else "")
