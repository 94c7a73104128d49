"""pricing and orders

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
Money = sa.Numeric(12, 2)


def _stamp(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _created() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "price_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money, nullable=True),
        sa.Column("pathway_code", sa.String(length=80), nullable=True),
        sa.Column("includes", Json, nullable=False),
        sa.Column("hours_per_month", sa.Numeric(8, 2), nullable=True),
        sa.Column("module_prices", Json, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _stamp("updated_at"),
        _created(),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"],
            name=op.f("fk_price_models_institution_id_institutions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_models")),
        sa.UniqueConstraint("institution_id", "code", name="uq_price_models_code"),
    )  # fmt: skip
    op.create_table(
        "discounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("amount", Money, nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("promo_code", sa.String(length=80), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("applies_to", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _stamp("updated_at"),
        _created(),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"],
            name=op.f("fk_discounts_institution_id_institutions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discounts")),
        sa.UniqueConstraint("institution_id", "code", name="uq_discounts_code"),
    )  # fmt: skip
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("buyer_kind", sa.String(length=20), nullable=False),
        sa.Column("buyer", sa.Text(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("model_code", sa.String(length=80), nullable=False),
        sa.Column("model_kind", sa.String(length=20), nullable=False),
        sa.Column("pathway_code", sa.String(length=80), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", Money, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("payment_provider", sa.String(length=40), nullable=True),
        sa.Column("payment_reference", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        _stamp("updated_at"),
        _created(),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"],
            name=op.f("fk_orders_institution_id_institutions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_orders_learner_id_learners"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("public_id", name=op.f("uq_orders_public_id")),
    )  # fmt: skip
    op.create_index("ix_orders_institution_status", "orders", ["institution_id", "status"], unique=False)
    op.create_index("ix_orders_learner", "orders", ["learner_id"], unique=False)
    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", Money, nullable=False),
        sa.Column("subtotal", Money, nullable=False),
        sa.Column("discount", Money, nullable=False),
        sa.Column("discount_code", sa.String(length=80), nullable=True),
        sa.Column("total", Money, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.UniqueConstraint("order_id", "position", name="uq_order_lines_position"),
    )
    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _stamp("at"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_events_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    op.create_index("ix_order_events_order", "order_events", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_events_order", table_name="order_events")
    op.drop_table("order_events")
    op.drop_table("order_lines")
    op.drop_index("ix_orders_learner", table_name="orders")
    op.drop_index("ix_orders_institution_status", table_name="orders")
    op.drop_table("orders")
    op.drop_table("discounts")
    op.drop_table("price_models")
