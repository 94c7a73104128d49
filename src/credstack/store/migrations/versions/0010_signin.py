"""sign-in: failed password attempts for rate limiting

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_failures")),
    )
    op.create_index(
        "ix_signin_failures_email_client", "signin_failures", ["email", "client", "failed_at"], unique=False
    )
    op.create_index("ix_signin_failures_client", "signin_failures", ["client", "failed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_signin_failures_client", table_name="signin_failures")
    op.drop_index("ix_signin_failures_email_client", table_name="signin_failures")
    op.drop_table("signin_failures")
