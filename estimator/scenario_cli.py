"""The ``scenarios`` command: the scenario library from the command line.

``python -m estimator scenarios list|show|save|export|import|rename|duplicate|delete``; the
library is the file ``--db`` names, else ``$CHURN_ESTIMATOR_DB``, else the per-user default.
Wired into :mod:`estimator.cli`, which passes its scenario builder and report formatter in.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from estimator.parameters import InputError, Parameters
from estimator.result import Estimate, estimate
from estimator.scenarios import DATABASE_ENV, ScenarioStore, export_scenario, read_scenario_path

__all__ = ["add_scenarios_parser", "scenarios_command"]


def add_scenarios_parser(
    commands: argparse._SubParsersAction, scenario_options: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add ``scenarios`` and its actions to the command line's sub-commands.

    Parameters
    ----------
    commands : argparse sub-parsers
        The command line's sub-commands (their ``parser_class`` reports errors in one line).
    scenario_options : callable
        Adds ``--preset``, ``--params`` and ``--set`` to a parser (for ``scenarios save``).
    """
    library = commands.add_parser("scenarios", help="the scenario library: save, list, show, export, import, delete")
    library.add_argument("--db", metavar="FILE", help=f"the library file (default: ${DATABASE_ENV}, else a per-user file)")
    actions = library.add_subparsers(dest="action", required=True, parser_class=type(library))

    listing = actions.add_parser("list", help="the saved scenarios with their yearly loss")
    listing.add_argument("--format", choices=("json", "table"), default="table")

    show = actions.add_parser("show", help="one saved scenario's estimate, notes, ranges and sources")
    show.add_argument("name")
    show.add_argument("--format", choices=("json", "table"), default="table")

    save = actions.add_parser("save", help="save a scenario built as for 'estimate'")
    save.add_argument("name")
    scenario_options(save)
    save.add_argument("--notes", default="", help="free text kept with the scenario")
    save.add_argument("--overwrite", action="store_true", help="replace a saved scenario of the same name")

    export = actions.add_parser("export", help="write one scenario as JSON or TOML (the format --params reads)")
    export.add_argument("name")
    export.add_argument("--out", metavar="FILE", help="a .json or .toml file; standard output when omitted")
    export.add_argument("--format", choices=("json", "toml"), help="for standard output (default json)")

    importing = actions.add_parser("import", help="save a JSON or TOML scenario file into the library")
    importing.add_argument("file")
    importing.add_argument("--name", help="save under this name (default: the file's name field, else its stem)")
    importing.add_argument("--overwrite", action="store_true", help="replace a saved scenario of the same name")

    rename = actions.add_parser("rename", help="give a saved scenario another name")
    rename.add_argument("name")
    rename.add_argument("new_name")

    duplicate = actions.add_parser("duplicate", help="save a copy of a saved scenario")
    duplicate.add_argument("name")
    duplicate.add_argument("new_name")

    delete = actions.add_parser("delete", help="delete a saved scenario")
    delete.add_argument("name")


def _list_output(store: ScenarioStore, fmt: str) -> str:
    rows = []
    for info in store.list():
        try:
            total: float | None = estimate(store.load(info.name).parameters).total
        except InputError:
            total = None  # a damaged row: listed, so it can be fixed or deleted
        rows.append(
            {
                "name": info.name,
                "currency": info.currency,
                "yearly_loss": total,
                "notes": info.notes,
                "updated_at": info.updated_at.isoformat(),
            }
        )
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if not rows:
        return f"No saved scenarios in {store.path}."
    frame = pd.DataFrame(rows)
    frame["yearly_loss"] = frame["yearly_loss"].map(lambda v: "invalid" if v is None or pd.isna(v) else f"{v:,.0f}")
    frame["notes"] = frame["notes"].map(lambda s: s.replace("\n", " ")[:40])
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        return frame.to_string(index=False)


def scenarios_command(
    args: argparse.Namespace,
    build: Callable[[argparse.Namespace], tuple[Parameters, dict[str, tuple[float, float]]]],
    describe: Callable[[Estimate], str],
) -> str:
    """Run one ``scenarios`` action and return what it prints.

    Parameters
    ----------
    args : argparse.Namespace
        As parsed by the parser :func:`add_scenarios_parser` built.
    build : callable
        Builds a scenario and its uncertainty ranges from ``--preset``/``--params``/``--set``/``--range``
        (the ``estimate`` and ``sensitivity`` commands' rules).
    describe : callable
        The plain-text report of an estimate.

    Raises
    ------
    InputError
        For any bad name, value or file (a :class:`~estimator.scenarios.ScenarioError` names the field and value).
    """
    store = ScenarioStore(args.db)
    action = args.action
    if action == "list":
        return _list_output(store, args.format)
    if action == "show":
        scenario = store.load(args.name)
        if args.format == "json":
            return json.dumps(
                {**scenario.to_dict(), "estimate": estimate(scenario.parameters).to_dict()}, indent=2, ensure_ascii=False
            )
        lines = [describe(estimate(scenario.parameters))]
        if scenario.ranges:
            lines += [
                "",
                "Uncertainty ranges set:",
                *(f"  {k}: {low:g} to {high:g}" for k, (low, high) in scenario.ranges.items()),
            ]
        if scenario.provenance:
            lines += ["", "Sources of values:", *(f"  {k}: {source}" for k, source in scenario.provenance.items())]
        if scenario.notes:
            lines += ["", "Notes:", scenario.notes]
        lines += ["", f"Saved {scenario.created_at:%Y-%m-%d %H:%M} UTC, last changed {scenario.updated_at:%Y-%m-%d %H:%M} UTC"]
        return "\n".join(lines)
    if action == "save":
        parameters, ranges = build(args)
        provenance = getattr(args, "provenance", None) or None  # from a calibration's JSON given as --params
        saved = store.save(
            args.name, parameters, ranges=ranges, notes=args.notes, provenance=provenance, overwrite=args.overwrite
        )
        return f"saved {saved.name!r} in {store.path}"
    if action == "export":
        scenario = store.load(args.name)
        if args.out is None:
            return export_scenario(scenario, args.format or "json").rstrip("\n")
        out = Path(args.out)
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("json", "toml"):
            raise InputError(f"--out: {args.out!r} has an unknown format {out.suffix!r}; use .json or .toml")
        try:
            out.write_text(export_scenario(scenario, fmt), encoding="utf-8")
        except OSError as error:
            raise InputError(f"--out: {args.out!r} cannot be written ({error.strerror or error})") from None
        return f"wrote {scenario.name!r} to {out}"
    if action == "import":
        saved = store.save_draft(read_scenario_path(args.file, name=args.name), overwrite=args.overwrite)
        return f"imported {saved.name!r} into {store.path}"
    if action == "rename":
        store.rename(args.name, args.new_name)
        return f"renamed {args.name!r} to {args.new_name.strip()!r}"
    if action == "duplicate":
        copy = store.duplicate(args.name, args.new_name)
        return f"saved a copy of {args.name!r} as {copy.name!r}"
    store.delete(args.name)
    return f"deleted {args.name!r}"
