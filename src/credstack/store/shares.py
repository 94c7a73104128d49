"""Share links of credentials: their hashed tokens, expiry, revocation and view counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from credstack.store.tables import achievements, awards, learners, share_links


@dataclass(frozen=True)
class StoredShare:
    id: int
    award_id: int
    public_id: str  # the award's
    achievement_name: str
    learner_email: str
    learner_name: str
    recipient_email: str | None
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    views: int
    last_viewed_at: datetime | None


def _select() -> Any:
    return (
        select(
            share_links,
            awards.c.public_id,
            achievements.c.name.label("achievement_name"),
            learners.c.email.label("learner_email"),
            learners.c.name.label("learner_name"),
        )
        .join(awards, awards.c.id == share_links.c.award_id)
        .join(achievements, achievements.c.id == awards.c.achievement_id)
        .join(learners, learners.c.id == awards.c.learner_id)
    )


def _share(r: Any) -> StoredShare:
    m = r._mapping
    return StoredShare(**{f: m[f] for f in StoredShare.__dataclass_fields__})


class ShareRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        *,
        institution_id: int,
        award_id: int,
        token_hash: str,
        recipient_email: str | None,
        created_by: str,
        created_at: datetime,
        expires_at: datetime,
    ) -> int:
        values = dict(
            institution_id=institution_id, award_id=award_id, token_hash=token_hash,
            recipient_email=recipient_email, created_by=created_by, created_at=created_at,
            expires_at=expires_at,
        )  # fmt: skip
        query = insert(share_links).values(**values).returning(share_links.c.id)
        return int(self.conn.execute(query).scalar_one())

    def get(self, institution_id: int, share_id: int) -> StoredShare | None:
        row = self.conn.execute(
            _select().where(share_links.c.institution_id == institution_id, share_links.c.id == share_id)
        ).one_or_none()
        return _share(row) if row else None

    def by_token_hash(self, institution_id: int, token_hash: str) -> StoredShare | None:
        row = self.conn.execute(
            _select().where(
                share_links.c.institution_id == institution_id, share_links.c.token_hash == token_hash
            )
        ).one_or_none()
        return _share(row) if row else None

    def for_learner(self, institution_id: int, learner_id: int) -> list[StoredShare]:
        """Every link to the learner's credentials, newest first."""
        rows = self.conn.execute(
            _select()
            .where(share_links.c.institution_id == institution_id, awards.c.learner_id == learner_id)
            .order_by(share_links.c.created_at.desc(), share_links.c.id.desc())
        )
        return [_share(r) for r in rows]

    def for_recipient(self, institution_id: int, email: str, now: datetime) -> list[StoredShare]:
        """The links made for ``email`` that work at ``now``, newest first."""
        rows = self.conn.execute(
            _select()
            .where(
                share_links.c.institution_id == institution_id,
                share_links.c.recipient_email == email.lower(),
                share_links.c.revoked_at.is_(None),
                share_links.c.expires_at > now,
            )
            .order_by(share_links.c.created_at.desc(), share_links.c.id.desc())
        )
        return [_share(r) for r in rows]

    def count_view(self, share_id: int, at: datetime) -> None:
        """One more view, counted in the database (two viewers at once both count)."""
        self.conn.execute(
            update(share_links)
            .where(share_links.c.id == share_id)
            .values(views=share_links.c.views + 1, last_viewed_at=at)
        )

    def revoke(self, share_id: int, at: datetime) -> bool:
        """Revoke once; False when it was revoked already."""
        done = self.conn.execute(
            update(share_links)
            .where(share_links.c.id == share_id, share_links.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return done.rowcount == 1
