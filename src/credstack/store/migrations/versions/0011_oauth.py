"""OAuth 2.0 clients, grants and tokens for the Open Badges API

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("client_metadata", JSON, nullable=False),
        _at("issued_at", nullable=False),
        _fk("oauth_clients", "institution_id", "institutions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_clients_client_id")),
    )
    op.create_table(
        "oauth_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=10), nullable=False),
        _at("expires_at", nullable=False),
        _at("used_at"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        _fk("oauth_codes", "client_id", "oauth_clients"),
        _fk("oauth_codes", "user_id", "users"),
        _fk("oauth_codes", "institution_id", "institutions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oauth_codes_code_hash")),
    )
    op.create_table(
        "oauth_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("access_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=False),
        _at("issued_at", nullable=False),
        _at("access_expires_at", nullable=False),
        _at("refresh_expires_at"),
        _at("revoked_at"),
        _fk("oauth_tokens", "client_id", "oauth_clients"),
        _fk("oauth_tokens", "user_id", "users"),
        _fk("oauth_tokens", "institution_id", "institutions"),
        _fk("oauth_tokens", "code_id", "oauth_codes", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_tokens")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_oauth_tokens_access_hash")),
        sa.UniqueConstraint("refresh_hash", name=op.f("uq_oauth_tokens_refresh_hash")),
    )
    op.create_index("ix_oauth_tokens_user", "oauth_tokens", ["user_id"], unique=False)
    op.create_index("ix_oauth_tokens_code", "oauth_tokens", ["code_id"], unique=False)
    op.create_table(
        "ob3_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("document", JSON, nullable=True),
        sa.Column("compact_jws", sa.Text(), nullable=True),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        _fk("ob3_credentials", "institution_id", "institutions"),
        _fk("ob3_credentials", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ob3_credentials")),
        sa.UniqueConstraint("user_id", "credential_id", name="uq_ob3_credentials_user_credential"),
    )
    op.create_table(
        "ob3_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        _at("updated_at", nullable=False),
        _fk("ob3_profiles", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_ob3_profiles")),
    )


def downgrade() -> None:
    op.drop_table("ob3_profiles")
    op.drop_table("ob3_credentials")
    op.drop_index("ix_oauth_tokens_code", table_name="oauth_tokens")
    op.drop_index("ix_oauth_tokens_user", table_name="oauth_tokens")
    op.drop_table("oauth_tokens")
    op.drop_table("oauth_codes")
    op.drop_table("oauth_clients")
