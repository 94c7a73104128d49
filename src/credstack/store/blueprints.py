"""What a blueprint needs beyond the definition: the achievement's assessment method, and the
links from its competencies to targets outside their framework (ESCO skills and the like)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, insert, or_, select, update

from credstack.domain.blueprint import (
    AssessmentMethod,
    AssessmentTask,
    AssessorKind,
    ExternalAlignment,
    framework_of,
)
from credstack.domain.framework import AssociationType
from credstack.store.frameworks import CompetencyRow
from credstack.store.tables import assessment_methods, competency_associations

# links that order or organise a framework rather than align it to something else
NOT_ALIGNMENTS = frozenset(
    {
        AssociationType.IS_CHILD_OF.value,
        AssociationType.PRECEDES.value,
        AssociationType.REPLACED_BY.value,
        AssociationType.IS_TRANSLATION_OF.value,
    }
)


class BlueprintRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def method(self, achievement_id: int) -> AssessmentMethod | None:
        row = self.conn.execute(
            select(assessment_methods).where(assessment_methods.c.achievement_id == achievement_id)
        ).one_or_none()
        if row is None:
            return None
        return AssessmentMethod(
            narrative=row.narrative,
            tasks=tuple(AssessmentTask(t["title"], t.get("description", "")) for t in row.tasks),
            conditions=row.conditions,
            duration=row.duration,
            assessors=tuple(AssessorKind(a) for a in row.assessors),
        )

    def set_method(self, achievement_id: int, method: AssessmentMethod, *, by: str, at: datetime) -> None:
        values = {
            "narrative": method.narrative.strip(),
            "tasks": [{"title": t.title.strip(), "description": t.description.strip()} for t in method.tasks],
            "conditions": method.conditions.strip(),
            "duration": method.duration.strip(),
            "assessors": [a.value for a in method.assessors],
            "updated_by": by,
            "updated_at": at,
        }
        done = self.conn.execute(
            update(assessment_methods)
            .where(assessment_methods.c.achievement_id == achievement_id)
            .values(**values)
        )
        if not done.rowcount:
            self.conn.execute(insert(assessment_methods).values(achievement_id=achievement_id, **values))

    def external_links(self, rows: Iterable[CompetencyRow]) -> dict[int, list[ExternalAlignment]]:
        """For each competency (row id), its associations to nodes outside its framework."""
        wanted = list(rows)
        out: dict[int, list[ExternalAlignment]] = {r.id: [] for r in wanted}
        if not wanted:
            return out
        keys: dict[tuple[int, str], int] = {}
        for r in wanted:
            keys[(r.framework_id, r.competency.identifier)] = r.id
            if r.competency.uri:
                keys.setdefault((r.framework_id, r.competency.uri), r.id)
        names = {k for _, k in keys}
        a = competency_associations
        query = (
            select(a)
            .where(a.c.framework_id.in_({r.framework_id for r in wanted}), a.c.external.is_(True))
            .where(or_(a.c.origin_identifier.in_(names), a.c.destination_identifier.in_(names)))
            .order_by(a.c.framework_id, a.c.position)
        )
        for link in self.conn.execute(query):
            if link.type in NOT_ALIGNMENTS:
                continue
            mine = keys.get((link.framework_id, link.origin_identifier))
            target = (
                "destination",
                link.destination_identifier,
                link.destination_uri,
                link.destination_title,
            )
            if mine is None:
                mine = keys.get((link.framework_id, link.destination_identifier))
                target = ("origin", link.origin_identifier, link.origin_uri, link.origin_title)
            if mine is None:
                continue
            _, identifier, uri, title = target
            url = next((u for u in (uri, identifier) if u and u.startswith(("http://", "https://"))), None)
            out[mine].append(
                ExternalAlignment(
                    framework=framework_of(url) if url else "external",
                    relation=link.type,
                    name=title or uri or identifier,
                    url=url,
                )
            )
        return out
