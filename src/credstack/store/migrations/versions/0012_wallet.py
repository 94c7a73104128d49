"""the learner wallet: share links and their views

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("recipient_email", sa.String(length=320), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        _at("created_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("revoked_at"),
        sa.Column("views", sa.Integer(), server_default="0", nullable=False),
        _at("last_viewed_at"),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_share_links_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_share_links_award_id_awards"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )
    op.create_index("ix_share_links_award", "share_links", ["award_id"], unique=False)
    op.create_index(
        "ix_share_links_recipient", "share_links", ["institution_id", "recipient_email"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_share_links_recipient", table_name="share_links")
    op.drop_index("ix_share_links_award", table_name="share_links")
    op.drop_table("share_links")
