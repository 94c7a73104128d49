"""analytics summaries: refresh time, pathway items, per-enrolment paths, transition counts

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.Integer(), nullable=False)


def _institution(table: str) -> list[Any]:
    return [
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f(f"fk_{table}_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _filters() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("pathway_code", sa.String(length=80), nullable=False),
        sa.Column("started", sa.Date(), nullable=False),
        sa.Column("cohort", sa.String(length=80), nullable=False),
        sa.Column("site", sa.String(length=80), nullable=False),
        sa.Column("sponsor", sa.String(length=80), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "analytics_refreshes",
        _id(),
        *_institution("analytics_refreshes"),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
        sa.UniqueConstraint("institution_id", name=op.f("uq_analytics_refreshes_institution")),
    )
    op.create_table(
        "analytics_items",
        _id(),
        *_institution("analytics_items"),
        sa.Column("pathway_code", sa.String(length=80), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("terminal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_analytics_items_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "institution_id", "pathway_code", "achievement_id", name=op.f("uq_analytics_items_item")
        ),
    )
    op.create_table(
        "analytics_paths",
        _id(),
        *_institution("analytics_paths"),
        sa.Column("pathway_code", sa.String(length=80), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("started", sa.Date(), nullable=False),
        sa.Column("cohort", sa.String(length=80), nullable=False),
        sa.Column("site", sa.String(length=80), nullable=False),
        sa.Column("sponsor", sa.String(length=80), nullable=False),
        sa.Column("sponsored_cohort_id", sa.Integer(), nullable=True),
        sa.Column("modules", sa.Integer(), nullable=False),
        sa.Column("first_days", sa.Integer(), nullable=True),
        sa.Column("second_days", sa.Integer(), nullable=True),
        sa.Column("done_days", sa.Integer(), nullable=True),
        sa.Column("left_days", sa.Integer(), nullable=True),
        sa.Column("span_days", sa.Integer(), nullable=False),
        sa.Column("hire_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_analytics_paths_learner_id_learners"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_analytics_paths_filter", "analytics_paths", ["institution_id", "pathway_code", "started"]
    )
    op.create_index("ix_analytics_paths_learner", "analytics_paths", ["learner_id"])
    op.create_table(
        "analytics_transitions",
        _id(),
        *_institution("analytics_transitions"),
        *_filters(),
        sa.Column("from_code", sa.String(length=80), nullable=False),
        sa.Column("to_code", sa.String(length=80), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_analytics_transitions_filter",
        "analytics_transitions",
        ["institution_id", "pathway_code", "started"],
    )


def downgrade() -> None:
    op.drop_table("analytics_transitions")
    op.drop_table("analytics_paths")
    op.drop_table("analytics_items")
    op.drop_table("analytics_refreshes")
