"""audit log hash chain: before/after, seq, prev_hash, hash; existing entries chained in id order

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from credstack.domain.audit_chain import AuditDraft, ChainHead, seal
from credstack.store.tables import Json, UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
PAGE = 1000

# the columns as this revision knows them (later revisions may add more to the table)
entries = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", UtcDateTime()),
    sa.column("institution_id", sa.Integer()),
    sa.column("actor", sa.Text()),
    sa.column("action", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.Text()),
    sa.column("detail", Json),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("before", JSON, nullable=True))
        batch_op.add_column(sa.Column("after", JSON, nullable=True))
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    chain_existing_entries(op.get_bind())
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])


def chain_existing_entries(conn: sa.Connection) -> None:
    """Seal the entries written before the chain existed, in id order, a page at a time.

    They have no before/after; their hash covers what they hold now, so the chain vouches for
    them from this upgrade on (not for what happened to them before it).
    """
    head: ChainHead | None = None
    last_id = 0
    while True:
        page = conn.execute(
            sa.select(entries).where(entries.c.id > last_id).order_by(entries.c.id).limit(PAGE)
        ).all()
        if not page:
            return
        sealed = []
        for row in page:
            entry = seal(
                AuditDraft(
                    at=row.at,
                    actor=row.actor,
                    action=row.action,
                    subject_type=row.subject_type,
                    subject_id=row.subject_id,
                    institution_id=row.institution_id,
                    detail=row.detail,
                ),
                head,
            )
            head = ChainHead(entry.seq, entry.hash)
            sealed.append(
                {"row_id": row.id, "seq": entry.seq, "prev_hash": entry.prev_hash, "hash": entry.hash}
            )
        conn.execute(
            entries.update()
            .where(entries.c.id == sa.bindparam("row_id"))
            .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")),
            sealed,
        )
        last_id = page[-1].id


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
        batch_op.drop_column("after")
        batch_op.drop_column("before")
