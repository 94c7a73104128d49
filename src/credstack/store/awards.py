"""Awards: issued credentials, with their status-list slot and the signed document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from credstack.store.tables import achievements, awards, learners


@dataclass(frozen=True)
class StoredAward:
    id: int
    public_id: str
    achievement_id: int
    achievement_code: str
    achievement_name: str
    learner_id: int
    learner_email: str
    learner_name: str
    idempotency_key: str
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime | None
    key_id: int
    status: str
    status_reason: str | None
    status_list_number: int
    status_index: int
    results: dict[str, Any]
    evidence: list[dict[str, Any]]
    credential: dict[str, Any]
    clr: dict[str, Any] | None = None
    components: list[str] | None = None


_COLUMNS = (
    awards,
    achievements.c.code.label("achievement_code"),
    achievements.c.name.label("achievement_name"),
    learners.c.email.label("learner_email"),
    learners.c.name.label("learner_name"),
)


def _select() -> Any:
    return (
        select(*_COLUMNS)
        .join(achievements, achievements.c.id == awards.c.achievement_id)
        .join(learners, learners.c.id == awards.c.learner_id)
    )


def _award(r: Any) -> StoredAward:
    m = r._mapping
    return StoredAward(
        id=m["id"],
        public_id=m["public_id"],
        achievement_id=m["achievement_id"],
        achievement_code=m["achievement_code"],
        achievement_name=m["achievement_name"],
        learner_id=m["learner_id"],
        learner_email=m["learner_email"],
        learner_name=m["learner_name"],
        idempotency_key=m["idempotency_key"],
        issued_at=m["issued_at"],
        valid_from=m["valid_from"],
        valid_until=m["valid_until"],
        key_id=m["key_id"],
        status=m["status"],
        status_reason=m["status_reason"],
        status_list_number=m["status_list_number"],
        status_index=m["status_index"],
        results=m["results"],
        evidence=m["evidence"],
        credential=m["credential"],
        clr=m["clr"],
        components=m["components"],
    )


class AwardRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, institution_id: int, **values: Any) -> int:
        return int(
            self.conn.execute(
                insert(awards).values(institution_id=institution_id, **values).returning(awards.c.id)
            ).scalar_one()
        )

    def by_idempotency_key(self, institution_id: int, key: str) -> StoredAward | None:
        row = self.conn.execute(
            _select().where(awards.c.institution_id == institution_id, awards.c.idempotency_key == key)
        ).one_or_none()
        return _award(row) if row else None

    def by_public_id(self, public_id: str) -> StoredAward | None:
        row = self.conn.execute(_select().where(awards.c.public_id == public_id)).one_or_none()
        return _award(row) if row else None

    def get(self, award_id: int) -> StoredAward | None:
        row = self.conn.execute(_select().where(awards.c.id == award_id)).one_or_none()
        return _award(row) if row else None

    def for_learner(self, learner_id: int) -> list[StoredAward]:
        rows = self.conn.execute(
            _select().where(awards.c.learner_id == learner_id).order_by(awards.c.issued_at)
        )
        return [_award(r) for r in rows]

    def recent(self, institution_id: int, limit: int = 50) -> list[StoredAward]:
        rows = self.conn.execute(
            _select()
            .where(awards.c.institution_id == institution_id)
            .order_by(awards.c.id.desc())
            .limit(limit)
        )
        return [_award(r) for r in rows]

    def count(self, institution_id: int) -> int:
        return int(
            self.conn.execute(
                select(func.count()).select_from(awards).where(awards.c.institution_id == institution_id)
            ).scalar_one()
        )

    def attach_clr(self, award_id: int, clr: dict[str, Any], components: list[str]) -> bool:
        """Store a stacked award's ClrCredential once (a second writer changes nothing)."""
        done = self.conn.execute(
            update(awards)
            .where(awards.c.id == award_id, awards.c.clr.is_(None))
            .values(clr=clr, components=components)
        )
        return done.rowcount == 1

    def set_status(self, award_id: int, status: str, reason: str | None) -> None:
        self.conn.execute(
            update(awards).where(awards.c.id == award_id).values(status=status, status_reason=reason)
        )
