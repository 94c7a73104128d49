"""governance: state and review date of pathway versions; state changes, board decisions and
comments per definition version

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("governance_reviews", "governance_approvals", "governance_comments")


def _governed(name: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_code", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *columns,
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f(f"fk_{name}_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(
            f"ix_{name}_subject", ["institution_id", "subject_type", "subject_code", "version"], unique=False
        )


def upgrade() -> None:
    with op.batch_alter_table("pathways", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=20), server_default="draft", nullable=False))
        batch_op.add_column(sa.Column("next_review", sa.Date(), nullable=True))
    # versions stored before governance existed were live: they stay published
    op.execute("UPDATE pathways SET state = 'published'")

    _governed(
        "governance_reviews",
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    _governed(
        "governance_approvals",
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
    )
    _governed(
        "governance_comments",
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for name in reversed(TABLES):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{name}_subject")
        op.drop_table(name)
    with op.batch_alter_table("pathways", schema=None) as batch_op:
        batch_op.drop_column("next_review")
        batch_op.drop_column("state")
