"""``python -m estimator presets``: the presets, with their yearly loss (table) or their inputs (JSON)."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from estimator.cli.common import format_option
from estimator.core.result import estimate
from estimator.library import list_presets

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("presets", help="list the presets")
    format_option(parser)
    return parser


def run(args: argparse.Namespace) -> str:
    """Every preset: name, currency, title and yearly loss, or in JSON its inputs and their sources."""
    presets = list_presets()
    if args.format == "json":
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
