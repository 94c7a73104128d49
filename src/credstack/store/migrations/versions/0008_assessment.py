"""assessment: submissions, evidence, marker assignments, marks, decisions, moderation policies

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _created() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("cohort", sa.String(length=80), nullable=False),
        sa.Column("site", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sample_reason", sa.String(length=20), nullable=True),
        _created(),
        _at("submitted_at"),
        _at("marking_at"),
        _at("moderation_at"),
        _at("decided_at"),
        _fk("submissions", "institution_id", "institutions"),
        _fk("submissions", "learner_id", "learners"),
        _fk("submissions", "achievement_id", "achievements", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("public_id", name=op.f("uq_submissions_public_id")),
    )
    op.create_index("ix_submissions_learner", "submissions", ["learner_id"])
    op.create_index("ix_submissions_group", "submissions", ["institution_id", "achievement_id", "cohort"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("attested_by", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("filename", sa.Text(), nullable=True),
        _created(),
        _fk("evidence", "submission_id", "submissions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index("ix_evidence_submission", "evidence", ["submission_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        _at("assigned_at", nullable=False),
        _at("completed_at"),
        _fk("assignments", "submission_id", "submissions"),
        _fk("assignments", "assessor_id", "users", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("submission_id", "role", name="uq_assignments_role"),
    )
    op.create_index("ix_assignments_assessor", "assignments", ["assessor_id"])
    op.create_table(
        "marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=80), nullable=False),
        sa.Column("level_index", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _at("marked_at", nullable=False),
        _fk("marks", "assignment_id", "assignments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marks")),
        sa.UniqueConstraint("assignment_id", "criterion", name="uq_marks_criterion"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("how", sa.String(length=20), nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        _at("decided_at", nullable=False),
        sa.Column("award_public_id", sa.String(length=36), nullable=True),
        _fk("decisions", "submission_id", "submissions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_decisions_submission_id")),
    )
    op.create_table(
        "moderation_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=True),
        sa.Column("share", sa.Numeric(5, 4), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("include_fails", sa.Boolean(), nullable=False),
        sa.Column("borderline", sa.String(length=20), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _at("updated_at", nullable=False),
        _fk("moderation_policies", "institution_id", "institutions"),
        _fk("moderation_policies", "achievement_id", "achievements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_policies")),
        sa.UniqueConstraint("institution_id", "achievement_id", name="uq_moderation_policies_achievement"),
    )


def downgrade() -> None:
    op.drop_table("moderation_policies")
    op.drop_table("decisions")
    op.drop_table("marks")
    op.drop_table("assignments")
    op.drop_index("ix_evidence_submission", table_name="evidence")
    op.drop_table("evidence")
    op.drop_index("ix_submissions_group", table_name="submissions")
    op.drop_index("ix_submissions_learner", table_name="submissions")
    op.drop_table("submissions")
