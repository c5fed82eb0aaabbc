"""Workspaces and history: every scenario in a workspace, every save a version, a version number to save against.

Existing scenarios move to the workspace ``default`` and become version 1 of themselves (author
unknown). The scenarios table is rebuilt (not altered) so that names are unique per workspace
on SQLite too.

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

_CONTENT = ("currency", "parameters", "ranges", "notes", "provenance")


def _content_columns() -> list[sa.Column]:
    return [
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("ranges", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("provenance", sa.Text, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    op.execute(sa.text("INSERT INTO workspaces (name, created_at) VALUES ('default', :now)").bindparams(now=now))
    op.create_table(
        "scenarios_v2",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        *_content_columns(),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),  # when the current version was saved
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),  # the current version's number
        sa.Column("author", sa.Text, nullable=False, server_default=""),  # who saved the current version
        sa.UniqueConstraint("workspace_id", "name", name="uq_scenarios_workspace_name"),
    )
    content = ", ".join(_CONTENT)
    op.execute(
        f"INSERT INTO scenarios_v2 (workspace_id, name, {content}, created_at, updated_at, version, author) "
        f"SELECT (SELECT id FROM workspaces WHERE name = 'default'), name, {content}, created_at, updated_at, 1, '' "
        "FROM scenarios"
    )
    op.drop_table("scenarios")
    op.rename_table("scenarios_v2", "scenarios")
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        *_content_columns(),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("saved_at", sa.Text, nullable=False),
        # A random id per save() call: a save retried after a lost connection is found, not made twice.
        sa.Column("save_id", sa.Text, nullable=True, unique=True),
        sa.UniqueConstraint("scenario_id", "version", name="uq_scenario_versions_number"),
    )
    op.execute(
        f"INSERT INTO scenario_versions (scenario_id, version, {content}, author, note, saved_at) "
        f"SELECT id, 1, {content}, '', '', updated_at FROM scenarios"
    )
