"""``python -m estimator published``: the published estimates reproduced, as JSON or a table."""

from __future__ import annotations

import argparse
import json

from estimator.analysis.published import published_records
from estimator.cli.common import check_language, format_option, language_option
from estimator.figures.published import published_figure_text
from estimator.text.formatting import format_parameter
from estimator.text.i18n import language_scope, param_label, t

__all__ = ["JSON_KEYS", "add_parser", "run"]

#: The keys of each JSON record (MODEL.md v2 and issue 12), in this order.
JSON_KEYS = ("id", "source", "year", "published", "unit", "reproduced", "relative_error", "inputs", "whole_model", "note")


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("published", help="published estimates reproduced through the model")
    format_option(parser)
    language_option(parser, "the notes")
    return parser


def run(args: argparse.Namespace) -> str:
    """Every published estimate, reproduced and through the whole model, in ``args.lang``."""
    check_language(args.lang)
    with language_scope(args.lang):
        records = published_records()
        if args.format == "json":
            return json.dumps([{key: record[key] for key in JSON_KEYS} for record in records], indent=2, ensure_ascii=False)
        lines = []
        for record in records:
            shown = lambda value, unit=record["unit"]: published_figure_text(value, unit, locale=args.lang)  # noqa: E731
            year = f" ({record['year']})" if record["year"] else ""
            lines.append(f"{record['source']}{year}")
            lines.append(
                f"  {t('published.column_published')}: {shown(record['published'])}   "
                f"{t('published.column_reproduced')}: {shown(record['reproduced'])} ({record['relative_error']:+.2%})   "
                f"{t('published.column_whole_model')}: {shown(record['whole_model'])}"
            )
            currency = "EUR" if record["unit"] == "share" else record["unit"]
            inputs = "; ".join(
                t(
                    "published.input",
                    parameter=param_label(key),
                    value=format_parameter(key, item["value"], currency, locale=args.lang),
                    status=t("published." + item["status"]),
                )
                for key, item in record["inputs"].items()
            )
            lines.append(f"  {t('published.column_inputs')}: {inputs}")
            lines.append(f"  {record['note']}")
        return "\n".join(lines)
