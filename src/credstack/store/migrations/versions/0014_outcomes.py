"""outcomes: sponsored cohorts, enrolments, hires and ratings, consented demographics, comparison
cohorts, case studies, verification events

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MONEY = sa.Numeric(12, 2)


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.Integer(), nullable=False)


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _created() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def upgrade() -> None:
    op.create_table(
        "sponsored_cohorts",
        _id(),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("pathway_code", sa.String(length=80), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("seat_price", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("productivity_gain", MONEY, nullable=True),
        sa.Column("retention_rate", sa.Numeric(5, 4), nullable=True),
        sa.Column("baseline_retention_rate", sa.Numeric(5, 4), nullable=True),
        sa.Column("replacement_cost", MONEY, nullable=True),
        sa.Column("programme_cost", MONEY, nullable=True),
        sa.Column("roi_years", sa.Numeric(4, 2), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created(),
        _fk("sponsored_cohorts", "institution_id", "institutions"),
        _fk("sponsored_cohorts", "partner_id", "partners", "RESTRICT"),
        _pk("sponsored_cohorts"),
        sa.UniqueConstraint("institution_id", "code", name="uq_sponsored_cohorts_code"),
    )
    op.create_index("ix_sponsored_cohorts_partner", "sponsored_cohorts", ["partner_id"])

    op.create_table(
        "enrolments",
        _id(),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("pathway_code", sa.String(length=80), nullable=False),
        sa.Column("started", sa.Date(), nullable=False),
        sa.Column("cohort", sa.String(length=80), server_default="", nullable=False),
        sa.Column("site", sa.String(length=80), server_default="", nullable=False),
        sa.Column("sponsored_cohort_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Date(), nullable=True),
        _created(),
        _fk("enrolments", "institution_id", "institutions"),
        _fk("enrolments", "learner_id", "learners"),
        _fk("enrolments", "sponsored_cohort_id", "sponsored_cohorts", "SET NULL"),
        _pk("enrolments"),
        sa.UniqueConstraint("learner_id", "pathway_code", name="uq_enrolments_learner_pathway"),
    )
    op.create_index(
        "ix_enrolments_pathway_started", "enrolments", ["institution_id", "pathway_code", "started"]
    )
    op.create_index("ix_enrolments_sponsored_cohort", "enrolments", ["sponsored_cohort_id"])

    op.create_table(
        "hires",
        _id(),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("hired", sa.Date(), nullable=False),
        sa.Column("left", sa.Date(), nullable=True),
        sa.Column("award_public_id", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created(),
        _fk("hires", "institution_id", "institutions"),
        _fk("hires", "learner_id", "learners"),
        _fk("hires", "partner_id", "partners", "SET NULL"),
        _pk("hires"),
    )
    op.create_index("ix_hires_learner", "hires", ["learner_id"])
    op.create_index("ix_hires_hired", "hires", ["institution_id", "hired"])
    op.create_index("ix_hires_partner", "hires", ["partner_id"])

    op.create_table(
        "hire_ratings",
        _id(),
        sa.Column("hire_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("rated_by", sa.Text(), nullable=False),
        _created(),
        _fk("hire_ratings", "hire_id", "hires"),
        _pk("hire_ratings"),
    )
    op.create_index("ix_hire_ratings_hire", "hire_ratings", ["hire_id"])

    op.create_table(
        "demographics",
        _id(),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("attribute", sa.String(length=40), nullable=False),
        sa.Column("group_label", sa.String(length=80), nullable=False),
        _at("consented_at", nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        _fk("demographics", "learner_id", "learners"),
        _pk("demographics"),
        sa.UniqueConstraint("learner_id", "attribute", name="uq_demographics_learner_attribute"),
    )
    op.create_index("ix_demographics_attribute", "demographics", ["attribute", "group_label"])

    op.create_table(
        "comparison_cohorts",
        _id(),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        _created(),
        _fk("comparison_cohorts", "institution_id", "institutions"),
        _pk("comparison_cohorts"),
        sa.UniqueConstraint("institution_id", "code", name="uq_comparison_cohorts_code"),
    )
    op.create_table(
        "comparison_records",
        _id(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("started", sa.Date(), nullable=False),
        sa.Column("completed", sa.Date(), nullable=True),
        sa.Column("withdrawn", sa.Date(), nullable=True),
        sa.Column("groups", JSON, nullable=False),
        _fk("comparison_records", "cohort_id", "comparison_cohorts"),
        _pk("comparison_records"),
        sa.UniqueConstraint("cohort_id", "ref", name="uq_comparison_records_ref"),
    )

    op.create_table(
        "case_studies",
        _id(),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        _at("consented_at"),
        _at("consent_withdrawn_at"),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created(),
        _fk("case_studies", "institution_id", "institutions"),
        _fk("case_studies", "achievement_id", "achievements"),
        _fk("case_studies", "learner_id", "learners"),
        _fk("case_studies", "partner_id", "partners", "SET NULL"),
        _pk("case_studies"),
    )
    op.create_index("ix_case_studies_achievement", "case_studies", ["achievement_id"])

    op.create_table(
        "verification_events",
        _id(),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        _at("at", nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("award_public_id", sa.String(length=36), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        _fk("verification_events", "institution_id", "institutions"),
        _fk("verification_events", "partner_id", "partners", "SET NULL"),
        _pk("verification_events"),
    )
    op.create_index("ix_verification_events_at", "verification_events", ["institution_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_verification_events_at", table_name="verification_events")
    op.drop_table("verification_events")
    op.drop_index("ix_case_studies_achievement", table_name="case_studies")
    op.drop_table("case_studies")
    op.drop_table("comparison_records")
    op.drop_table("comparison_cohorts")
    op.drop_index("ix_demographics_attribute", table_name="demographics")
    op.drop_table("demographics")
    op.drop_index("ix_hire_ratings_hire", table_name="hire_ratings")
    op.drop_table("hire_ratings")
    op.drop_index("ix_hires_partner", table_name="hires")
    op.drop_index("ix_hires_hired", table_name="hires")
    op.drop_index("ix_hires_learner", table_name="hires")
    op.drop_table("hires")
    op.drop_index("ix_enrolments_sponsored_cohort", table_name="enrolments")
    op.drop_index("ix_enrolments_pathway_started", table_name="enrolments")
    op.drop_table("enrolments")
    op.drop_index("ix_sponsored_cohorts_partner", table_name="sponsored_cohorts")
    op.drop_table("sponsored_cohorts")
