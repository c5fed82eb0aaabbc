"""``python -m estimator report --out FILE``: the deliverable, a deck, a workbook or a page.

The file types are those of the one registry of formats, :data:`estimator.reports.REPORT_FORMATS`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from estimator.analysis.sensitivity import DEFAULT_DRAWS, DEFAULT_SEED
from estimator.cli.common import build_scenario, check_language, language_option, scenario_options
from estimator.core.parameters import InputError, Parameters
from estimator.library import load_preset

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("report", help="write the deliverable: a deck (.pptx), a workbook (.xlsx) or a page (.html)")
    scenario_options(parser)
    parser.add_argument("--out", required=True, metavar="FILE", help="FILE.pptx, FILE.xlsx or FILE.html")
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS, help=f"Monte Carlo draws (default {DEFAULT_DRAWS:,})")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"Monte Carlo seed (default {DEFAULT_SEED}, as in the app)"
    )
    language_option(parser, "the document")
    parser.add_argument("--published", action="store_true", help="add the slide comparing the scenario with published estimates")
    return parser


def run(args: argparse.Namespace) -> str:
    """Write the deliverable named by ``--out``; the preset's sources back the values it sets."""
    from estimator.calibration.sentence import cfo_sentence
    from estimator.reports import FORMATS, build_content, write_report

    kind = Path(args.out).suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise InputError(f"--out: {args.out!r} has no supported extension; allowed: {', '.join('.' + k for k in FORMATS)}")
    check_language(args.lang)
    built = build_scenario(args)
    preset = load_preset(args.preset) if args.preset else None
    content = build_content(
        built.scenario,  # its ranges, and its provenance (a calibration's JSON as --params: its values cite the data)
        sources=preset.sources if preset else None,
        base=preset.parameters if preset else Parameters.defaults(),
        draws=args.draws,
        seed=args.seed,
        language=args.lang,
        published=args.published,
        input_sources=built.input_sources,
        scaled=built.scaled,
        method_sentence=cfo_sentence(built.calibration, args.lang) if built.calibration else "",
    )
    path = write_report(content, args.out)
    return f"wrote {path} ({path.stat().st_size:,} bytes)"
