"""The registry of trusted issuers: the issuers (DIDs or URLs) an institution recognises by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from credstack.store.tables import trusted_issuers


@dataclass(frozen=True)
class TrustedIssuer:
    issuer: str
    name: str
    note: str | None
    created_at: datetime


class TrustedIssuerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, institution_id: int, *, issuer: str, name: str, note: str | None) -> None:
        self.conn.execute(
            insert(trusted_issuers).values(institution_id=institution_id, issuer=issuer, name=name, note=note)
        )

    def update(self, institution_id: int, *, issuer: str, name: str, note: str | None) -> None:
        self.conn.execute(
            update(trusted_issuers)
            .where(trusted_issuers.c.institution_id == institution_id, trusted_issuers.c.issuer == issuer)
            .values(name=name, note=note)
        )

    def remove(self, institution_id: int, issuer: str) -> bool:
        """Whether there was such an entry."""
        result = self.conn.execute(
            delete(trusted_issuers).where(
                trusted_issuers.c.institution_id == institution_id, trusted_issuers.c.issuer == issuer
            )
        )
        return bool(result.rowcount)

    def get(self, institution_id: int, issuer: str) -> TrustedIssuer | None:
        row = self.conn.execute(
            select(trusted_issuers).where(
                trusted_issuers.c.institution_id == institution_id, trusted_issuers.c.issuer == issuer
            )
        ).one_or_none()
        return TrustedIssuer(row.issuer, row.name, row.note, row.created_at) if row else None

    def all(self, institution_id: int) -> list[TrustedIssuer]:
        """Every entry, by name."""
        rows = self.conn.execute(
            select(trusted_issuers)
            .where(trusted_issuers.c.institution_id == institution_id)
            .order_by(trusted_issuers.c.name, trusted_issuers.c.issuer)
        )
        return [TrustedIssuer(r.issuer, r.name, r.note, r.created_at) for r in rows]

    def name_of(self, institution_id: int, issuer: str) -> str | None:
        found = self.get(institution_id, issuer)
        return found.name if found else None
