"""partners: organisations, co-design records, projects, mentorships; assessment methods

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
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
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created(),
        _fk("partners", "institution_id", "institutions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("institution_id", "slug", name="uq_partners_slug"),
    )
    op.create_table(
        "co_designs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("contribution", sa.Text(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        _created(),
        _fk("co_designs", "partner_id", "partners"),
        _fk("co_designs", "achievement_id", "achievements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_co_designs")),
        sa.UniqueConstraint("partner_id", "achievement_id", "since", name="uq_co_designs_period"),
    )
    op.create_index("ix_co_designs_achievement", "co_designs", ["achievement_id"])
    op.create_table(
        "partner_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=False),
        sa.Column("closes", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        _created(),
        _fk("partner_projects", "partner_id", "partners"),
        _fk("partner_projects", "achievement_id", "achievements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_projects")),
    )
    op.create_index("ix_partner_projects_partner", "partner_projects", ["partner_id"])
    op.create_index("ix_partner_projects_achievement", "partner_projects", ["achievement_id"])
    op.create_table(
        "mentorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=True),
        sa.Column("mentor_name", sa.Text(), nullable=False),
        sa.Column("mentor_email", sa.String(length=320), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("sign_off_key_hash", sa.String(length=64), nullable=False),
        _at("signed_at"),
        sa.Column("signed_by", sa.Text(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created(),
        _fk("mentorships", "partner_id", "partners", "RESTRICT"),
        _fk("mentorships", "learner_id", "learners"),
        _fk("mentorships", "achievement_id", "achievements", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorships")),
        sa.UniqueConstraint("public_id", name=op.f("uq_mentorships_public_id")),
    )
    op.create_index("ix_mentorships_partner", "mentorships", ["partner_id"])
    op.create_index("ix_mentorships_learner", "mentorships", ["learner_id"])
    op.create_index("ix_mentorships_mentor", "mentorships", ["mentor_email"])
    op.create_table(
        "assessment_methods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("tasks", JSON, nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("duration", sa.Text(), nullable=False),
        sa.Column("assessors", JSON, nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _at("updated_at", nullable=False),
        _fk("assessment_methods", "achievement_id", "achievements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_methods")),
        sa.UniqueConstraint("achievement_id", name=op.f("uq_assessment_methods_achievement_id")),
    )


def downgrade() -> None:
    op.drop_table("assessment_methods")
    op.drop_index("ix_mentorships_mentor", table_name="mentorships")
    op.drop_index("ix_mentorships_learner", table_name="mentorships")
    op.drop_index("ix_mentorships_partner", table_name="mentorships")
    op.drop_table("mentorships")
    op.drop_index("ix_partner_projects_achievement", table_name="partner_projects")
    op.drop_index("ix_partner_projects_partner", table_name="partner_projects")
    op.drop_table("partner_projects")
    op.drop_index("ix_co_designs_achievement", table_name="co_designs")
    op.drop_table("co_designs")
    op.drop_table("partners")
