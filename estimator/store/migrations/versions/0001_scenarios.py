"""The first schema: one table of named scenarios (what ``PRAGMA user_version = 1`` libraries hold).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),  # JSON object: parameter key -> value
        sa.Column("ranges", sa.Text, nullable=False),  # JSON object: parameter key -> [low, high]
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("provenance", sa.Text, nullable=False),  # JSON object: parameter key -> source description
        sa.Column("created_at", sa.Text, nullable=False),  # ISO 8601, UTC
        sa.Column("updated_at", sa.Text, nullable=False),
    )
