"""``scenarios members ...`` and ``scenarios upgrade``: team mode's administration from the command line.

The command line talks to the database with its own credentials (``--db`` or ``$CHURN_ESTIMATOR_DB``),
not through the app's sign-in: whoever can reach the database manages members. Each change is written
to the audit trail as made by ``(database)``.
"""

from __future__ import annotations

import argparse

__all__ = ["add_actions", "run_action"]

ACTIONS = ("members", "upgrade")


def add_actions(actions: argparse._SubParsersAction) -> None:
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


def run_action(store, args: argparse.Namespace) -> str:
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
