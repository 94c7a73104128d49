"""Invitations to join an institution (only a hash of each link's secret is kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from credstack.store.tables import invitations as t


@dataclass(frozen=True)
class StoredInvitation:
    id: int
    institution_id: int
    email: str
    name: str
    roles: tuple[str, ...]
    expires_at: datetime
    created_by: str
    created_at: datetime
    accepted_at: datetime | None
    user_id: int | None
    revoked_at: datetime | None
    revoked_by: str | None

    def state(self, now: datetime) -> str:
        """pending, accepted, revoked or expired (in that order of precedence)."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "pending"


def _invitation(r: Any) -> StoredInvitation:
    return StoredInvitation(
        r.id, r.institution_id, r.email, r.name, tuple(r.roles), r.expires_at, r.created_by, r.created_at,
        r.accepted_at, r.user_id, r.revoked_at, r.revoked_by,
    )  # fmt: skip


class InvitationRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        *,
        institution_id: int,
        email: str,
        name: str,
        roles: list[str],
        token_hash: str,
        expires_at: datetime,
        created_by: str,
    ) -> StoredInvitation:
        row = self.conn.execute(
            insert(t)
            .values(
                institution_id=institution_id,
                email=email,
                name=name,
                roles=roles,
                token_hash=token_hash,
                expires_at=expires_at,
                created_by=created_by,
            )
            .returning(t)
        ).one()
        return _invitation(row)

    def by_hash(self, token_hash: str) -> StoredInvitation | None:
        row = self.conn.execute(select(t).where(t.c.token_hash == token_hash)).one_or_none()
        return _invitation(row) if row else None

    def get(self, institution_id: int, invitation_id: int) -> StoredInvitation | None:
        row = self.conn.execute(
            select(t).where(t.c.id == invitation_id, t.c.institution_id == institution_id)
        ).one_or_none()
        return _invitation(row) if row else None

    def listed(self, institution_id: int, limit: int = 200) -> list[StoredInvitation]:
        """The newest first."""
        rows = self.conn.execute(
            select(t).where(t.c.institution_id == institution_id).order_by(t.c.id.desc()).limit(limit)
        )
        return [_invitation(r) for r in rows]

    def pending_for(self, institution_id: int, email: str, now: datetime) -> list[StoredInvitation]:
        rows = self.conn.execute(
            select(t).where(
                t.c.institution_id == institution_id,
                t.c.email == email,
                t.c.accepted_at.is_(None),
                t.c.revoked_at.is_(None),
                t.c.expires_at > now,
            )
        )
        return [_invitation(r) for r in rows]

    def mark_accepted(self, invitation_id: int, user_id: int, now: datetime) -> bool:
        """Use the invitation; False if it was used, revoked or expired meanwhile (a second
        acceptance racing the first changes nothing)."""
        result = self.conn.execute(
            update(t)
            .where(
                t.c.id == invitation_id,
                t.c.accepted_at.is_(None),
                t.c.revoked_at.is_(None),
                t.c.expires_at > now,
            )
            .values(accepted_at=now, user_id=user_id)
        )
        return result.rowcount == 1

    def mark_revoked(self, invitation_id: int, by: str, now: datetime) -> bool:
        result = self.conn.execute(
            update(t)
            .where(t.c.id == invitation_id, t.c.accepted_at.is_(None), t.c.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=by)
        )
        return result.rowcount == 1
