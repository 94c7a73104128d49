"""The append-only audit log: every change of state that matters, with who did it, chained by hash.

One chain runs through the whole database (domain/audit_chain.py has the rules). Appending reads
the head and writes the next entry inside the caller's unit of work; writers take turns so that
no two chain to the same entry: SQLite's ``BEGIN IMMEDIATE`` already serialises writers, and on
PostgreSQL :meth:`AuditLog.record` takes a transaction-scoped advisory lock first (held until
the unit of work commits or rolls back). The unique ``seq`` column is the backstop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, null, select, text

from credstack.domain.audit_chain import AuditDraft, ChainEntry, ChainHead, seal
from credstack.domain.canonical_json import json_value
from credstack.store.tables import audit_log

# pg_advisory_xact_lock key of the chain's head: the bytes of "auditlog" as a signed 64-bit number
HEAD_LOCK = int.from_bytes(b"auditlog", "big", signed=True)


def _now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    def __init__(self, conn: Connection, *, clock: Callable[[], datetime] = _now) -> None:
        self.conn = conn
        self.clock = clock

    def record(
        self,
        *,
        actor: str,
        action: str,
        subject_type: str,
        subject_id: object,
        institution_id: int | None = None,
        detail: dict[str, Any] | None = None,
        before: Any = None,
        after: Any = None,
    ) -> ChainEntry:
        """Append one entry (``before``/``after``: the subject's state around the change, as JSON
        data; decimals, dates and UUIDs are turned into strings) and return it as stored."""
        draft = AuditDraft(
            at=self.clock(),
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            institution_id=institution_id,
            detail=json_value(detail or {}, where="detail"),
            before=json_value(before, where="before"),
            after=json_value(after, where="after"),
        )
        self._lock_head()
        entry = seal(draft, self.head())
        new_id = self.conn.execute(
            insert(audit_log)
            .values(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                institution_id=entry.institution_id,
                detail=entry.detail,
                before=null() if entry.before is None else entry.before,
                after=null() if entry.after is None else entry.after,
                seq=entry.seq,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
            .returning(audit_log.c.id)
        ).scalar_one()
        return replace(entry, id=new_id)

    def _lock_head(self) -> None:
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": HEAD_LOCK})

    def head(self) -> ChainHead | None:
        """The last entry's seq and hash (None for an empty log)."""
        row = self.conn.execute(
            select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).first()
        return ChainHead(row.seq, row.hash) if row else None

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(audit_log)).scalar_one())

    def page(self, *, after_seq: int = 0, limit: int = 1000) -> list[ChainEntry]:
        """Up to ``limit`` entries with seq above ``after_seq``, in chain order (keyset paging)."""
        rows = self.conn.execute(
            select(audit_log).where(audit_log.c.seq > after_seq).order_by(audit_log.c.seq).limit(limit)
        ).mappings()
        return [_entry(r) for r in rows]

    def entries(self, *, subject_type: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The newest entries first, as plain dicts."""
        query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
        if subject_type:
            query = query.where(audit_log.c.subject_type == subject_type)
        return [dict(r._mapping) for r in self.conn.execute(query)]


def _entry(row: RowMapping) -> ChainEntry:
    return ChainEntry(
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        institution_id=row["institution_id"],
        detail=row["detail"],
        before=row["before"],
        after=row["after"],
        seq=row["seq"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        id=row["id"],
    )
