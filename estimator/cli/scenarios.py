"""The ``scenarios`` command: the scenario library from the command line.

``python -m estimator scenarios [--db FILE|URL] [--workspace NAME] ACTION``; the library is the
file or ``postgresql://`` URL ``--db`` names, else ``$CHURN_ESTIMATOR_DB``, else the per-user
default file, and the workspace is ``--workspace`` (``default`` otherwise). Actions: list, show,
save, export, import, rename, duplicate, delete, versions, compare, restore, move, workspaces,
export-workspace, import-workspace. ``save`` builds its scenario as ``estimate`` does.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from estimator.cli.common import build_scenario, format_estimate, format_option, scenario_options
from estimator.core.parameters import InputError, Parameters
from estimator.core.result import estimate
from estimator.paths import DATABASE_ENV, write_file

if TYPE_CHECKING:  # the store brings SQLAlchemy (about 0.4 s): imported when a scenarios action runs
    from estimator.store import SavedScenario, ScenarioConflictError, ScenarioStore

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``scenarios`` and its actions to the command line's sub-commands.

    Parameters
    ----------
    commands : argparse sub-parsers
        The command line's sub-commands (their ``parser_class`` reports errors in one line).
    """
    library = commands.add_parser("scenarios", help="the scenario library: save, list, show, history, workspaces")
    library.add_argument(
        "--db",
        metavar="FILE|URL",
        help=f"a library file or postgresql://user:password@host:port/dbname (default: ${DATABASE_ENV}, else a per-user file)",
    )
    library.add_argument("--workspace", metavar="NAME", help="the workspace (client engagement) to use (default: 'default')")
    actions = library.add_subparsers(dest="action", required=True, parser_class=type(library))

    def author(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--author", help="who saves (default: your login name)")
        parser.add_argument("--message", "-m", default="", help="a note kept with this version: what changed and why")

    listing = actions.add_parser("list", help="the workspace's scenarios with their yearly loss and version")
    format_option(listing)

    show = actions.add_parser("show", help="one saved scenario's estimate, notes, ranges and sources")
    show.add_argument("name")
    show.add_argument("--version", type=int, help="an earlier version (see 'versions')")
    format_option(show)

    save = actions.add_parser("save", help="save a scenario built as for 'estimate' (a new version if it exists)")
    save.add_argument("name")
    scenario_options(save)
    save.add_argument("--notes", default="", help="free text kept with the scenario")
    save.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="the version your change starts from: refused, saying who saved, if someone saved after it",
    )
    save.add_argument(
        "--force", "--overwrite", dest="overwrite", action="store_true", help="save over whatever version is saved now"
    )
    author(save)

    export = actions.add_parser("export", help="write one scenario as JSON or TOML (the format --params reads)")
    export.add_argument("name")
    export.add_argument("--version", type=int, help="an earlier version")
    export.add_argument("--out", metavar="FILE", help="a .json or .toml file; standard output when omitted")
    export.add_argument("--format", choices=("json", "toml"), help="for standard output (default json)")

    importing = actions.add_parser("import", help="save a JSON or TOML scenario file into the workspace")
    importing.add_argument("file")
    importing.add_argument("--name", help="save under this name (default: the file's name field, else its stem)")
    importing.add_argument("--overwrite", "--force", dest="overwrite", action="store_true", help="a new version of a saved one")
    author(importing)

    rename = actions.add_parser("rename", help="give a saved scenario another name")
    rename.add_argument("name")
    rename.add_argument("new_name")

    duplicate = actions.add_parser("duplicate", help="save a copy of a saved scenario")
    duplicate.add_argument("name")
    duplicate.add_argument("new_name")

    delete = actions.add_parser("delete", help="delete a saved scenario and its history")
    delete.add_argument("name")

    versions = actions.add_parser("versions", help="every version of a scenario: who saved it, when, and their note")
    versions.add_argument("name")
    format_option(versions)

    compare = actions.add_parser("compare", help="up to four scenarios or versions side by side (NAME or NAME@VERSION)")
    compare.add_argument("names", nargs="+", metavar="NAME[@VERSION]")
    format_option(compare)

    restore = actions.add_parser("restore", help="make an earlier version current again (as a new version)")
    restore.add_argument("name")
    restore.add_argument("version", type=int)
    restore.add_argument("--expect-version", type=int, metavar="N", help="refused if someone saved after version N")
    restore.add_argument("--author", help="who restores (default: your login name)")

    move = actions.add_parser("move", help="move a scenario, with its history, to another workspace")
    move.add_argument("name")
    move.add_argument("to_workspace", metavar="WORKSPACE")
    move.add_argument("--new-name", help="its name there (default: the same)")

    actions.add_parser("workspaces", help="the workspaces and how many scenarios each holds")

    export_ws = actions.add_parser("export-workspace", help="write the whole workspace, with every history, as one JSON file")
    export_ws.add_argument("--out", metavar="FILE", help="a .json file; standard output when omitted")

    import_ws = actions.add_parser("import-workspace", help="read a workspace file into --workspace (default: its own name)")
    import_ws.add_argument("file")
    import_ws.add_argument("--overwrite", action="store_true", help="add its versions after those of scenarios already saved")
    _add_team_actions(actions)  # team hook (issue 26): members, upgrade
    return library


def _count(n: int) -> str:
    return f"{n} scenario" if n == 1 else f"{n} scenarios"


def _where(store: ScenarioStore) -> str:
    return f"workspace {store.workspace!r} of {store.location}"


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
                "version": info.version,
                "author": info.author,
                "notes": info.notes,
                "updated_at": info.updated_at.isoformat(),
            }
        )
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if not rows:
        return (
            f"No saved scenarios in {store.location}."
            if store.workspace == "default"
            else f"No saved scenarios in {_where(store)}."
        )
    frame = pd.DataFrame(rows)
    frame["yearly_loss"] = frame["yearly_loss"].map(lambda v: "invalid" if v is None or pd.isna(v) else f"{v:,.0f}")
    frame["notes"] = frame["notes"].map(lambda s: s.replace("\n", " ")[:40])
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        return frame.to_string(index=False)


def _conflict_message(error: ScenarioConflictError, mine: Parameters) -> str:
    """The refusal, who saved in between, and what differs between their version and this save."""
    lines = [str(error), "", f"Saved since version {error.expected_version}:"]
    for info in error.saved_between:
        lines.append(f"  version {info.version} by {info.author or 'unknown'} at {info.saved_at:%Y-%m-%d %H:%M} UTC  {info.note}")
    from estimator.store import changed_inputs, compare_scenarios

    comparison = compare_scenarios([(f"version {error.current.version}", error.current.parameters), ("this save", mine)])
    changed = changed_inputs(comparison)
    lines += ["", f"What this save changes against version {error.current.version}:"]
    lines += [f"  {key}: {theirs} -> {yours}" for key, theirs, yours in changed] or ["  nothing: the values are the same"]
    outputs = comparison.outputs().loc["total"]
    lines.append(f"  yearly loss: {outputs.iloc[0]:,.0f} -> {outputs.iloc[1]:,.0f}")
    lines += [
        "",
        "Save it as a new scenario (another name), or overwrite having seen the difference: add --force.",
    ]
    return "\n".join(lines)


def _parse_reference(text: str) -> tuple[str, int | None]:
    name, at, version = text.rpartition("@")
    if at and version.isdigit():
        return name, int(version)
    return text, None


def _load(store: ScenarioStore, name: str, version: int | None) -> SavedScenario:
    return store.load(name) if version is None else store.load_version(name, version)


def _describe_saved(scenario: SavedScenario) -> str:
    lines = [format_estimate(estimate(scenario.parameters))]
    if scenario.ranges:
        lines += ["", "Uncertainty ranges set:", *(f"  {k}: {low:g} to {high:g}" for k, (low, high) in scenario.ranges.items())]
    if scenario.provenance:
        lines += ["", "Sources of values:", *(f"  {k}: {source}" for k, source in scenario.descriptions.items())]
    if scenario.notes:
        lines += ["", "Notes:", "  " + scenario.notes.replace("\n", "\n  ")]  # indented: a note cannot pose as output
    by = f" by {scenario.author}" if scenario.author else ""
    lines += [
        "",
        f"Saved {scenario.created_at:%Y-%m-%d %H:%M} UTC, version {scenario.version}{by} saved "
        f"{scenario.updated_at:%Y-%m-%d %H:%M} UTC" + (f": {scenario.note}" if scenario.note else ""),
    ]
    return "\n".join(lines)


def _write_out(out: str, text: str) -> None:
    write_file(out, text)


def run(args: argparse.Namespace) -> str:
    """Run one ``scenarios`` action and return what it prints.

    Parameters
    ----------
    args : argparse.Namespace
        As parsed by the parser :func:`add_parser` built; ``save`` builds its scenario and ranges from
        ``--preset``/``--params``/``--set`` as ``estimate`` does.

    Raises
    ------
    InputError
        For any bad name, value or file (a :class:`~estimator.store.ScenarioError` names the field and
        value); a refused save says who saved in between and what differs.
    """
    from estimator.store import (
        ScenarioConflictError,
        ScenarioError,
        ScenarioStore,
        compare_scenarios,
        default_author,
        export_scenario,
        read_scenario_path,
        read_workspace_path,
    )

    store = ScenarioStore(args.db, workspace=args.workspace)
    action = args.action
    who = getattr(args, "author", None)
    who = default_author() if who is None else who
    if action == "list":
        return _list_output(store, args.format)
    if action == "show":
        scenario = _load(store, args.name, args.version)
        if args.format == "json":
            from estimator.store.codec import file_content

            return json.dumps(
                {**file_content(scenario), "estimate": estimate(scenario.parameters).to_dict()}, indent=2, ensure_ascii=False
            )
        return _describe_saved(scenario)
    if action in ("save", "import"):
        if action == "save":
            built = build_scenario(args)
            parameters, ranges = built.parameters, built.ranges
            # provenance: from a calibration's JSON given as --params
            draft_name, notes, provenance = args.name, args.notes, built.provenance or None
            expect = args.expect_version
        else:
            draft = read_scenario_path(args.file, name=args.name)
            parameters, ranges, draft_name, notes, provenance = (
                draft.parameters,
                draft.ranges,
                draft.name,
                draft.notes,
                draft.descriptions,
            )
            expect = None
        new_workspace = not store.workspace_exists()
        try:
            saved = store.save(
                draft_name,
                parameters,
                ranges=ranges,
                notes=notes,
                provenance=provenance,
                overwrite=args.overwrite,
                expect_version=expect,
                author=who,
                note=args.message,
            )
        except ScenarioConflictError as error:
            raise InputError(_conflict_message(error, parameters)) from None
        created = f"created workspace {store.workspace!r}; " if new_workspace else ""
        verb = "saved" if action == "save" else "imported"
        return f"{created}{verb} {saved.name!r} (version {saved.version}) in {_where(store)}"
    if action == "export":
        scenario = _load(store, args.name, args.version)
        if args.out is None:
            return export_scenario(scenario, args.format or "json").rstrip("\n")
        out = Path(args.out)
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("json", "toml"):
            raise InputError(f"--out: {args.out!r} has an unknown format {out.suffix!r}; use .json or .toml")
        _write_out(args.out, export_scenario(scenario, fmt))
        return f"wrote {scenario.name!r} to {out}"
    if action == "rename":
        store.rename(args.name, args.new_name)
        return f"renamed {args.name!r} to {args.new_name.strip()!r}"
    if action == "duplicate":
        copy = store.duplicate(args.name, args.new_name, author=who)
        return f"saved a copy of {args.name!r} as {copy.name!r}"
    if action == "delete":
        store.delete(args.name)
        return f"deleted {args.name!r} and its history"
    if action == "versions":
        rows = [
            {"version": v.version, "author": v.author, "saved_at": v.saved_at.isoformat(), "note": v.note, "currency": v.currency}
            for v in store.versions(args.name)
        ]
        if args.format == "json":
            return json.dumps(rows, indent=2, ensure_ascii=False)
        with pd.option_context("display.width", 200, "display.max_colwidth", 60):
            return pd.DataFrame(rows).to_string(index=False)
    if action == "compare":
        references = [_parse_reference(text) for text in args.names]
        loaded = [(text, _load(store, name, version)) for text, (name, version) in zip(args.names, references, strict=True)]
        comparison = compare_scenarios(loaded)
        if args.format == "json":
            frame = comparison.to_frame()
            frame.index = [f"{section}.{key}" for section, key in frame.index]
            return frame.to_json(orient="columns", indent=2, force_ascii=False)
        lines = [comparison.display_frame().to_string()]
        if len(loaded) >= 2:
            change = comparison.change(0, len(loaded) - 1)
            lines += ["", f"What moves the yearly loss from {args.names[0]} to {args.names[-1]}:"]
            lines += [f"  {key}: {value:+,.0f}" for key, value in change.items()] or ["  nothing"]
        return "\n".join(lines)
    if action == "restore":
        try:
            restored = store.restore(args.name, args.version, author=who, expect_version=args.expect_version)
        except ScenarioConflictError as error:
            raise InputError(_conflict_message(error, store.load_version(args.name, args.version).parameters)) from None
        return f"restored version {args.version} of {restored.name!r} as version {restored.version}"
    if action == "move":
        created = store.move(args.name, args.to_workspace, new_name=args.new_name)
        new = f"created workspace {args.to_workspace.strip()!r}; " if created else ""
        return f"{new}moved {args.name!r} with its history to workspace {args.to_workspace.strip()!r}"
    if action in TEAM_ACTIONS:  # team hook (issue 26)
        return _run_team_action(store, args)
    if action == "workspaces":
        infos = store.workspaces()
        if not infos:
            return f"No workspaces yet in {store.location}."
        return "\n".join(f"{info.name}\t{_count(info.scenarios)}" for info in infos)
    if action == "export-workspace":
        if not store.workspace_exists():
            raise ScenarioError(
                f"workspace: {store.workspace!r} does not exist; allowed: one of those 'scenarios workspaces' lists",
                code="unknown",
                field="workspace",
                value=store.workspace,
            )
        text = store.export_workspace()
        if args.out is None:
            return text.rstrip("\n")
        _write_out(args.out, text)
        return f"wrote workspace {store.workspace!r} ({_count(len(store))}) to {args.out}"
    workspace_file = read_workspace_path(args.file)
    target = store if args.workspace else store.in_workspace(workspace_file.workspace)
    new_workspace = not target.workspace_exists()
    names = target.import_workspace(workspace_file, overwrite=args.overwrite)
    created = f"created workspace {target.workspace!r}; " if new_workspace else ""
    return f"{created}imported {_count(len(names))} with their history into {_where(target)}"


# --- team mode: members and the schema upgrade -------------------------------------------------

#: Team mode's administration (issue 26): the command line talks to the database with its own credentials
#: (``--db`` or ``$CHURN_ESTIMATOR_DB``), not through the app's sign-in; each change is audited as ``(database)``.
TEAM_ACTIONS = ("members", "upgrade")


def _add_team_actions(actions: argparse._SubParsersAction) -> None:
    """Add ``members`` (list, add, remove, set-role) and ``upgrade`` to the ``scenarios`` actions."""
    members = actions.add_parser("members", help="team mode: who may use --workspace, with which role")
    what = members.add_subparsers(dest="member_action", required=True, parser_class=type(members))
    what.add_parser("list", help="the workspace's members and their roles")
    for verb, text in (("add", "give someone a role in the workspace"), ("set-role", "change a member's role")):
        parser = what.add_parser(verb, help=text)
        parser.add_argument("email", help="the email the identity provider sends for them")
        parser.add_argument("--role", required=True, choices=("owner", "editor", "viewer"))
    remove = what.add_parser("remove", help="take someone out of the workspace")
    remove.add_argument("email")
    upgrade = actions.add_parser("upgrade", help="bring the library's schema up to date (team mode's tables)")
    upgrade.add_argument(
        "--owner",
        metavar="EMAIL",
        help="the owner given to every existing workspace (default: the first author seen in each one's history)",
    )


def _run_team_action(store, args: argparse.Namespace) -> str:
    """Run ``members`` or ``upgrade`` on ``store`` (its workspace is ``--workspace``); returns what to print."""
    from estimator.store.access import add_member, list_members, remove_member

    if args.action == "upgrade":
        store.initial_owner = (args.owner or "").strip().lower() or None  # read by migration 0003
        with store._writing():  # a write transaction runs every pending migration, and nothing else
            pass
        owners = {
            workspace.name: [m.email for m in list_members(store.in_workspace(workspace.name)) if m.role == "owner"]
            for workspace in store.workspaces()
        }
        lines = [
            f"{name}\t{', '.join(emails) or '(no owner: scenarios members add EMAIL --role owner)'}"
            for name, emails in owners.items()
        ]
        return "\n".join([f"{store.location} is up to date. Owners:", *lines])
    action = args.member_action
    if action == "list":
        found = list_members(store)
        if not found:
            return f"Workspace {store.workspace!r} has no members."
        return "\n".join(f"{m.email}\t{m.role}\tadded {m.added_at[:19]} by {m.added_by or '(database)'}" for m in found)
    if action == "remove":
        remove_member(store, args.email)
        return f"Removed {args.email.strip().lower()} from workspace {store.workspace!r}."
    add_member(store, args.email, args.role)
    return f"{args.email.strip().lower()} is {args.role} of workspace {store.workspace!r}."
