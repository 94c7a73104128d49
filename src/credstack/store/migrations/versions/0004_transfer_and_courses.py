"""credit units, articulation agreements, transfer credits, course catalogue

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _created() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _institution(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["institution_id"],
        ["institutions.id"],
        name=op.f(f"fk_{table}_institution_id_institutions"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "credit_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("ects_per_unit", sa.Numeric(10, 4), nullable=False),
        _created(),
        _institution("credit_units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_units")),
        sa.UniqueConstraint("institution_id", "code", name="uq_credit_units_code"),
    )
    op.create_table(
        "articulation_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("partner", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("external_achievement", sa.Text(), nullable=True),
        sa.Column("external_name", sa.Text(), nullable=True),
        sa.Column("min_result", sa.Numeric(8, 3), nullable=True),
        sa.Column("earned_from", sa.Date(), nullable=True),
        sa.Column("earned_until", sa.Date(), nullable=True),
        sa.Column("grants_achievement", sa.String(length=80), nullable=True),
        sa.Column("grants_credits", sa.Numeric(8, 2), nullable=True),
        sa.Column("credit_unit", sa.String(length=40), nullable=True),
        sa.Column("pathway_code", sa.String(length=80), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        _created(),
        _institution("articulation_agreements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articulation_agreements")),
        sa.UniqueConstraint("institution_id", "code", name="uq_articulation_agreements_code"),
    )
    op.create_table(
        "transfer_credits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("external_achievement", sa.Text(), nullable=False),
        sa.Column("external_name", sa.Text(), nullable=False),
        sa.Column("result", sa.Numeric(8, 3), nullable=True),
        sa.Column("earned", sa.Date(), nullable=True),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("achievement_code", sa.String(length=80), nullable=True),
        sa.Column("credits_ects", sa.Numeric(8, 2), nullable=False),
        sa.Column("pathway_code", sa.String(length=80), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("verification", JSON, nullable=False),
        sa.Column("credential", JSON, nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        _created(),
        _institution("transfer_credits"),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_transfer_credits_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["articulation_agreements.id"],
            name=op.f("fk_transfer_credits_agreement_id_articulation_agreements"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_credits")),
        sa.UniqueConstraint("public_id", name=op.f("uq_transfer_credits_public_id")),
        sa.UniqueConstraint("learner_id", "digest", "agreement_id", name="uq_transfer_credits_claim"),
    )
    with op.batch_alter_table("transfer_credits", schema=None) as batch_op:
        batch_op.create_index("ix_transfer_credits_learner", ["learner_id"], unique=False)
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("credits", sa.Numeric(8, 2), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("competencies", JSON, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        _created(),
        _institution("courses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("institution_id", "code", name="uq_courses_code"),
    )


def downgrade() -> None:
    op.drop_table("courses")
    with op.batch_alter_table("transfer_credits", schema=None) as batch_op:
        batch_op.drop_index("ix_transfer_credits_learner")
    op.drop_table("transfer_credits")
    op.drop_table("articulation_agreements")
    op.drop_table("credit_units")
