"""The append-only audit log: every change of state that matters, with who did it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from credstack.store.tables import audit_log


class AuditLog:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record(
        self,
        *,
        actor: str,
        action: str,
        subject_type: str,
        subject_id: object,
        institution_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.conn.execute(
            insert(audit_log).values(
                actor=actor,
                action=action,
                subject_type=subject_type,
                subject_id=str(subject_id),
                institution_id=institution_id,
                detail=detail or {},
            )
        )

    def entries(self, *, subject_type: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if subject_type:
            query = query.where(audit_log.c.subject_type == subject_type)
        return [dict(r._mapping) for r in self.conn.execute(query)]
