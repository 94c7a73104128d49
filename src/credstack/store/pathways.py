"""Pathways (versioned requirement trees) and registrars' exceptions to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from credstack.store.tables import pathway_exceptions, pathways


@dataclass(frozen=True)
class StoredPathway:
    id: int
    code: str
    version: int
    name: str
    awards_code: str
    definition: dict[str, Any]
    created_at: datetime
    state: str  # the version's lifecycle state (docs/governance.md)
    next_review: date | None


@dataclass(frozen=True)
class StoredException:
    node_id: str
    kind: str
    award_public_id: str | None
    decided_by: str
    reason: str
    created_at: datetime


def _pathway(r: Any) -> StoredPathway:
    return StoredPathway(
        r.id, r.code, r.version, r.name, r.awards_code, r.definition, r.created_at, r.state, r.next_review
    )


class PathwayRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        institution_id: int,
        *,
        code: str,
        name: str,
        awards_code: str,
        definition: dict[str, Any],
        state: str = "draft",
    ) -> int:
        """Store the next version of the pathway; a new version starts as a draft."""
        version = int(
            self.conn.execute(
                select(func.coalesce(func.max(pathways.c.version), 0)).where(
                    pathways.c.institution_id == institution_id, pathways.c.code == code
                )
            ).scalar_one()
        )
        self.conn.execute(
            insert(pathways).values(
                institution_id=institution_id,
                code=code,
                version=version + 1,
                name=name,
                awards_code=awards_code,
                definition=definition,
                state=state,
            )
        )
        return version + 1

    def versions(self, institution_id: int, code: str) -> list[StoredPathway]:
        rows = self.conn.execute(
            select(pathways)
            .where(pathways.c.institution_id == institution_id, pathways.c.code == code)
            .order_by(pathways.c.version)
        )
        return [_pathway(r) for r in rows]

    def latest(self, institution_id: int, *, published_only: bool = False) -> list[StoredPathway]:
        """Each pathway's newest version; with ``published_only`` its newest version that went
        live (published or since retired), and only when that one is still published: a retired
        current version stops the pathway, an unpublished draft does not replace it."""
        scope = pathways.c.institution_id == institution_id
        if published_only:
            scope = scope & pathways.c.state.in_(("published", "retired"))
        newest = (
            select(pathways.c.code, func.max(pathways.c.version).label("v"))
            .where(scope)
            .group_by(pathways.c.code)
            .subquery()
        )
        rows = self.conn.execute(
            select(pathways)
            .join(newest, (newest.c.code == pathways.c.code) & (newest.c.v == pathways.c.version))
            .where(pathways.c.institution_id == institution_id)
            .order_by(pathways.c.code)
        )
        found = [_pathway(r) for r in rows]
        return [p for p in found if p.state == "published"] if published_only else found

    def add_exception(self, institution_id: int, learner_id: int, **values: Any) -> None:
        self.conn.execute(
            insert(pathway_exceptions).values(institution_id=institution_id, learner_id=learner_id, **values)
        )

    def exceptions(self, learner_id: int, pathway_code: str) -> list[StoredException]:
        rows = self.conn.execute(
            select(pathway_exceptions)
            .where(
                pathway_exceptions.c.learner_id == learner_id,
                pathway_exceptions.c.pathway_code == pathway_code,
            )
            .order_by(pathway_exceptions.c.id)
        )
        return [
            StoredException(r.node_id, r.kind, r.award_public_id, r.decided_by, r.reason, r.created_at)
            for r in rows
        ]
