"""Failed sign-in attempts, per email and client address (for rate limiting)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select

from credstack.store.tables import signin_failures as t


class SigninFailureRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record(self, email: str, client: str, at: datetime) -> None:
        self.conn.execute(insert(t).values(email=email, client=client[:64], failed_at=at))

    def times(self, email: str, client: str, since: datetime) -> list[datetime]:
        """When this email failed from this address since ``since``, oldest first."""
        rows = self.conn.execute(
            select(t.c.failed_at)
            .where(t.c.email == email, t.c.client == client[:64], t.c.failed_at >= since)
            .order_by(t.c.failed_at, t.c.id)
        )
        return [r.failed_at for r in rows]

    def count_from(self, client: str, since: datetime) -> int:
        """Failures from this address (any email) since ``since``."""
        query = select(func.count()).select_from(t).where(t.c.client == client[:64], t.c.failed_at >= since)
        return int(self.conn.execute(query).scalar_one())

    def clear(self, email: str, client: str) -> None:
        self.conn.execute(delete(t).where(t.c.email == email, t.c.client == client[:64]))

    def prune(self, before: datetime) -> None:
        self.conn.execute(delete(t).where(t.c.failed_at < before))
