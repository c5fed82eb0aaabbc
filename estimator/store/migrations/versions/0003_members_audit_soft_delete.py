"""Team mode: workspace members and roles, an append-only audit trail, soft delete, claimed import fields.

Each existing workspace gets an owner: the email in ``config.attributes["initial_owner"]`` (the CLI's
``scenarios upgrade --owner``) or ``$CHURN_ESTIMATOR_INITIAL_OWNER``, else the first author seen in its
history (the oldest version with an author). A workspace whose history names nobody gets no owner; the
CLI (``scenarios members add ... --role owner``) names one later. Nothing else changes for a
single-user library: the new columns are empty and the new tables unused until team mode is on.

Revision ID: 0003
Revises: 0002
"""

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"

#: Where the upgrade's owner comes from when no option names one.
INITIAL_OWNER_ENV = "CHURN_ESTIMATOR_INITIAL_OWNER"


def _initial_owner() -> str:
    try:
        named = context.config.attributes.get("initial_owner")
    except AttributeError:
        named = None
    return (named or os.environ.get(INITIAL_OWNER_ENV, "")).strip().lower()


def upgrade() -> None:
    op.create_table(
        "workspace_members",
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("email", sa.Text, nullable=False),  # the identity provider's email claim, lower case
        sa.Column("role", sa.Text, nullable=False),  # owner, editor or viewer
        sa.Column("added_at", sa.Text, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("workspace_id", "email", name="pk_workspace_members"),
        sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="ck_workspace_members_role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Text, nullable=False),  # ISO 8601, UTC
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("workspace", sa.Text, nullable=False, server_default=""),
        sa.Column("scenario", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_audit_log_workspace_at", "audit_log", ["workspace", "at"])
    with op.batch_alter_table("scenarios") as batch:  # batch: SQLite rebuilds, PostgreSQL alters
        batch.add_column(sa.Column("deleted_at", sa.Text, nullable=True))
        batch.add_column(sa.Column("deleted_by", sa.Text, nullable=True))
    with op.batch_alter_table("scenario_versions") as batch:
        batch.add_column(sa.Column("claimed_author", sa.Text, nullable=True))  # an imported version's author, as its file said
        batch.add_column(sa.Column("claimed_at", sa.Text, nullable=True))  # ... and its date
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    owner = _initial_owner()
    bind = op.get_bind()
    workspaces = bind.execute(sa.text("SELECT id FROM workspaces ORDER BY id")).scalars().all()
    for workspace_id in workspaces:
        chosen = owner
        if not chosen:
            chosen = (
                (
                    bind.execute(
                        sa.text(
                            "SELECT v.author FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id "
                            "WHERE s.workspace_id = :ws AND v.author <> '' ORDER BY v.saved_at, v.id LIMIT 1"
                        ),
                        {"ws": workspace_id},
                    ).scalar()
                    or ""
                )
                .strip()
                .lower()
            )
        if chosen:
            bind.execute(
                sa.text(
                    "INSERT INTO workspace_members (workspace_id, email, role, added_at, added_by) "
                    "VALUES (:ws, :email, 'owner', :now, 'upgrade')"
                ),
                {"ws": workspace_id, "email": chosen, "now": now},
            )
