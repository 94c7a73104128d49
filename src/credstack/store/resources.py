"""Learning resources: links attached to achievements, their rubric criteria and competencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from credstack.domain.resources import Resource
from credstack.store.tables import achievements, learning_resources


@dataclass(frozen=True)
class StoredResource:
    resource: Resource  # its achievement by code
    achievement_id: int | None
    created_by: str
    created_at: datetime
    updated_at: datetime | None

    @property
    def id(self) -> int:
        return self.resource.id


_SELECT = select(learning_resources, achievements.c.code.label("achievement_code")).outerjoin(
    achievements, achievements.c.id == learning_resources.c.achievement_id
)


def _stored(r: Any) -> StoredResource:
    resource = Resource(
        r.id, r.title, r.url, r.kind, r.minutes, r.provider, r.achievement_code, r.competency, r.criterion
    )
    return StoredResource(resource, r.achievement_id, r.created_by, r.created_at, r.updated_at)


class ResourceRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, institution_id: int, **values: Any) -> int:
        """Store a resource (title, url, kind, minutes, provider, achievement_id, criterion,
        competency, created_by); returns its id."""
        return int(
            self.conn.execute(
                insert(learning_resources)
                .values(institution_id=institution_id, **values)
                .returning(learning_resources.c.id)
            ).scalar_one()
        )

    def update(self, resource_id: int, **values: Any) -> None:
        self.conn.execute(
            update(learning_resources).where(learning_resources.c.id == resource_id).values(**values)
        )

    def remove(self, resource_id: int) -> None:
        self.conn.execute(delete(learning_resources).where(learning_resources.c.id == resource_id))

    def get(self, institution_id: int, resource_id: int) -> StoredResource | None:
        row = self.conn.execute(
            _SELECT.where(
                learning_resources.c.institution_id == institution_id, learning_resources.c.id == resource_id
            )
        ).one_or_none()
        return _stored(row) if row else None

    def search(
        self,
        institution_id: int,
        *,
        achievement_ids: set[int] | None = None,
        competencies: set[str] | None = None,
    ) -> list[StoredResource]:
        """The institution's resources, oldest first; with ``achievement_ids`` and/or
        ``competencies``, those attached to any of them."""
        query = _SELECT.where(learning_resources.c.institution_id == institution_id)
        conditions = []
        if achievement_ids is not None:
            conditions.append(learning_resources.c.achievement_id.in_(achievement_ids))
        if competencies is not None:
            conditions.append(learning_resources.c.competency.in_(competencies))
        if conditions:
            query = query.where(or_(*conditions))
        rows = self.conn.execute(query.order_by(learning_resources.c.id))
        return [_stored(r) for r in rows]
