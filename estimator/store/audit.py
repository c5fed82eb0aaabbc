"""The team library's audit trail: who did what, when, in which workspace, to which scenario and version.

One table, ``audit_log`` (migration 0003), appended to and never changed: on PostgreSQL the app's role is
granted only ``INSERT`` and ``SELECT`` on it (``deploy/grants.sql``), so even the app cannot rewrite the
past. Owners read their workspace's rows in the app and download them as CSV, every cell made safe for a
spreadsheet (:func:`estimator.reports.safety.neutralise_formula`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from estimator.store.rows import table, text_columns
from estimator.text.user_text import neutralise_formula

__all__ = ["ACTIONS", "AUDIT", "AuditEntry", "audit_csv", "read_audit", "record"]

#: What the trail records (the ``action`` column).
ACTIONS = (
    "sign_in",
    "open",
    "save",
    "restore",
    "import",
    "export",
    "rename",
    "move",
    "delete",
    "restore_deleted",
    "purge",
    "member_add",
    "member_role",
    "member_remove",
    "denied",
)

AUDIT = table(
    "audit_log",
    *text_columns("at", "email", "subject", "action", "workspace", "scenario"),
    sa.Column("version", sa.Integer),
    *text_columns("detail"),
)


@dataclass(frozen=True)
class AuditEntry:
    """One row of the trail."""

    at: datetime
    email: str
    subject: str
    action: str
    workspace: str
    scenario: str
    version: int | None
    detail: str


def record(
    connection: Connection,
    *,
    email: str,
    subject: str,
    action: str,
    workspace: str = "",
    scenario: str = "",
    version: int | None = None,
    detail: str = "",
) -> None:
    """Append one row (inside the caller's transaction, so an action and its record commit together)."""
    if action not in ACTIONS:
        raise ValueError(f"action: {action!r} is not recorded; allowed: {', '.join(ACTIONS)}")
    row = {"email": email, "subject": subject, "action": action, "workspace": workspace, "scenario": scenario}
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    connection.execute(AUDIT.insert().values(**row, at=at, version=version, detail=detail[:500]))


def read_audit(
    connection: Connection, workspace: str, *, sign_ins_of: tuple[str, ...] = (), limit: int = 5000
) -> list[AuditEntry]:
    """The workspace's rows, and the sign-ins of ``sign_ins_of`` (its members), newest first (at most ``limit``)."""
    mine = AUDIT.c.workspace == workspace
    if sign_ins_of:
        mine = sa.or_(mine, sa.and_(AUDIT.c.action == "sign_in", AUDIT.c.email.in_(sign_ins_of)))
    rows = connection.execute(sa.select(AUDIT).where(mine).order_by(AUDIT.c.id.desc()).limit(limit)).all()
    return [
        AuditEntry(
            datetime.fromisoformat(row.at),
            row.email,
            row.subject or "",
            row.action,
            row.workspace,
            row.scenario or "",
            None if row.version is None else int(row.version),
            row.detail or "",
        )
        for row in rows
    ]


def audit_csv(entries: list[AuditEntry]) -> str:
    """The rows as CSV; a cell a spreadsheet would run (``=``, ``+``, ``-``, ``@`` ...) gets its apostrophe.

    >>> entry = AuditEntry(datetime(2026, 1, 2, tzinfo=UTC), "a@x.org", "s1", "save", "A", "=HYPERLINK(1)", 2, "")
    >>> audit_csv([entry]).splitlines()[1]
    "2026-01-02T00:00:00+00:00,a@x.org,s1,save,A,'=HYPERLINK(1),2,"
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["at", "email", "subject", "action", "workspace", "scenario", "version", "detail"])
    for entry in entries:
        cells = [entry.at.isoformat(), entry.email, entry.subject, entry.action, entry.workspace, entry.scenario]
        writer.writerow(
            [neutralise_formula(str(cell)) for cell in cells]
            + ["" if entry.version is None else entry.version, neutralise_formula(entry.detail)]
        )
    return out.getvalue()
