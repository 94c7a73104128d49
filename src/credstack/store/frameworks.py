"""Competency frameworks, their competencies, associations and CASE rubrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select

from credstack.domain.framework import Association, Competency, CompetencyFramework, NodeRef
from credstack.domain.rubric import PassRule, PerformanceLevel, Rubric, RubricCriterion
from credstack.interop.case_json import CasePackage
from credstack.store.tables import (
    competencies,
    competency_associations,
    frameworks,
    rubric_criteria,
    rubrics,
)


@dataclass(frozen=True)
class FrameworkSummary:
    id: int
    identifier: str
    revision: int
    title: str
    creator: str | None
    competencies: int
    created_at: datetime


@dataclass(frozen=True)
class CompetencyRow:
    """A stored competency with where it sits in its framework."""

    id: int
    framework_id: int
    framework_identifier: str
    competency: Competency
    depth: int


class FrameworkRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- writing ---------------------------------------------------------------------
    def add(
        self, institution_id: int, package: CasePackage, *, source_format: str, content_hash: str
    ) -> tuple[int, int]:
        """Store a new revision of the framework; returns (framework id, revision)."""
        fw = package.framework
        revision = self.latest_revision(institution_id, fw.identifier) + 1
        framework_id = int(
            self.conn.execute(
                insert(frameworks)
                .values(
                    institution_id=institution_id,
                    identifier=fw.identifier,
                    revision=revision,
                    title=fw.title,
                    creator=fw.creator,
                    uri=fw.uri,
                    version=fw.version,
                    language=fw.language,
                    description=fw.description,
                    adoption_status=fw.adoption_status,
                    content_hash=content_hash,
                    source_format=source_format,
                    extra=fw.extra,
                )
                .returning(frameworks.c.id)
            ).scalar_one()
        )
        hierarchy = fw.hierarchy()
        depths = hierarchy.depths()
        parents = hierarchy.parents
        if fw.competencies:
            self.conn.execute(
                insert(competencies),
                [
                    {
                        "framework_id": framework_id,
                        "position": i,
                        "identifier": c.identifier,
                        "code": c.code,
                        "statement": c.statement,
                        "abbreviated": c.abbreviated,
                        "item_type": c.item_type,
                        "education_levels": list(c.education_levels),
                        "language": c.language,
                        "uri": c.uri,
                        "notes": c.notes,
                        "keywords": list(c.keywords),
                        "depth": depths.get(c.identifier, 1),
                        "parent_identifier": next(iter(parents.get(c.identifier, [])), None),
                        "extra": c.extra,
                    }
                    for i, c in enumerate(fw.competencies)
                ],
            )
        if fw.associations:
            resolver = fw.resolver()
            self.conn.execute(
                insert(competency_associations),
                [
                    {
                        "framework_id": framework_id,
                        "position": i,
                        "identifier": a.identifier,
                        "type": a.type,
                        "origin_identifier": a.origin.identifier,
                        "origin_uri": a.origin.uri,
                        "origin_title": a.origin.title,
                        "destination_identifier": a.destination.identifier,
                        "destination_uri": a.destination.uri,
                        "destination_title": a.destination.title,
                        "external": resolver.is_external(a),
                        "sequence": a.sequence,
                        "grouping": a.grouping,
                        "extra": a.extra,
                    }
                    for i, a in enumerate(fw.associations)
                ],
            )
        for rubric in package.rubrics:
            add_rubric(self.conn, institution_id, rubric, framework_id=framework_id)
        return framework_id, revision

    # ---- reading ---------------------------------------------------------------------
    def latest_revision(self, institution_id: int, identifier: str) -> int:
        value = self.conn.execute(
            select(func.max(frameworks.c.revision)).where(
                frameworks.c.institution_id == institution_id, frameworks.c.identifier == identifier
            )
        ).scalar_one()
        return int(value or 0)

    def find_by_hash(self, institution_id: int, identifier: str, content_hash: str) -> tuple[int, int] | None:
        row = self.conn.execute(
            select(frameworks.c.id, frameworks.c.revision)
            .where(
                frameworks.c.institution_id == institution_id,
                frameworks.c.identifier == identifier,
                frameworks.c.content_hash == content_hash,
            )
            .order_by(frameworks.c.revision.desc())
            .limit(1)
        ).one_or_none()
        return (row.id, row.revision) if row else None

    def summaries(self, institution_id: int) -> list[FrameworkSummary]:
        count = (
            select(func.count())
            .where(competencies.c.framework_id == frameworks.c.id)
            .correlate(frameworks)
            .scalar_subquery()
        )
        rows = self.conn.execute(
            select(frameworks, count.label("n"))
            .where(frameworks.c.institution_id == institution_id)
            .order_by(frameworks.c.title, frameworks.c.revision.desc())
        )
        return [
            FrameworkSummary(r.id, r.identifier, r.revision, r.title, r.creator, r.n, r.created_at)
            for r in rows
        ]

    def meta(self, framework_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(frameworks).where(frameworks.c.id == framework_id)).one_or_none()
        return dict(row._mapping) if row else None

    def load(self, framework_id: int) -> CasePackage | None:
        meta = self.meta(framework_id)
        if meta is None:
            return None
        comps = [
            Competency(
                identifier=r.identifier,
                statement=r.statement,
                code=r.code,
                abbreviated=r.abbreviated,
                item_type=r.item_type,
                education_levels=tuple(r.education_levels),
                language=r.language,
                uri=r.uri,
                notes=r.notes,
                keywords=tuple(r.keywords),
                extra=r.extra,
            )
            for r in self.conn.execute(
                select(competencies)
                .where(competencies.c.framework_id == framework_id)
                .order_by(competencies.c.position)
            )
        ]
        assocs = [
            Association(
                identifier=r.identifier,
                type=r.type,
                origin=NodeRef(r.origin_identifier, r.origin_uri, r.origin_title),
                destination=NodeRef(r.destination_identifier, r.destination_uri, r.destination_title),
                sequence=r.sequence,
                grouping=r.grouping,
                extra=r.extra,
            )
            for r in self.conn.execute(
                select(competency_associations)
                .where(competency_associations.c.framework_id == framework_id)
                .order_by(competency_associations.c.position)
            )
        ]
        fw = CompetencyFramework(
            identifier=meta["identifier"],
            title=meta["title"],
            creator=meta["creator"],
            uri=meta["uri"],
            version=meta["version"],
            language=meta["language"],
            description=meta["description"],
            adoption_status=meta["adoption_status"],
            competencies=comps,
            associations=assocs,
            extra=meta["extra"],
        )
        rubric_ids = self.conn.execute(
            select(rubrics.c.id).where(rubrics.c.framework_id == framework_id).order_by(rubrics.c.id)
        ).scalars()
        return CasePackage(fw, [load_rubric(self.conn, rid) for rid in rubric_ids])

    def competency_rows(self, framework_id: int) -> list[CompetencyRow]:
        rows = self.conn.execute(
            select(competencies, frameworks.c.identifier.label("fw_identifier"))
            .join(frameworks, frameworks.c.id == competencies.c.framework_id)
            .where(competencies.c.framework_id == framework_id)
            .order_by(competencies.c.position)
        )
        return [_competency_row(r) for r in rows]

    def find_competencies(
        self, institution_id: int, keys: set[str], framework: str | None = None
    ) -> dict[str, list[CompetencyRow]]:
        """Competencies in the latest revision of each framework whose identifier, code or
        URI is one of ``keys``, grouped by the key that matched."""
        latest = (
            select(frameworks.c.identifier, func.max(frameworks.c.revision).label("rev"))
            .where(frameworks.c.institution_id == institution_id)
            .group_by(frameworks.c.identifier)
            .subquery()
        )
        query = (
            select(competencies, frameworks.c.identifier.label("fw_identifier"))
            .join(frameworks, frameworks.c.id == competencies.c.framework_id)
            .join(
                latest,
                and_(
                    latest.c.identifier == frameworks.c.identifier,
                    latest.c.rev == frameworks.c.revision,
                ),
            )
            .where(frameworks.c.institution_id == institution_id)
            .where(
                competencies.c.identifier.in_(keys)
                | competencies.c.code.in_(keys)
                | competencies.c.uri.in_(keys)
            )
        )
        if framework:
            query = query.where(frameworks.c.identifier == framework)
        found: dict[str, list[CompetencyRow]] = {}
        for r in self.conn.execute(query):
            row = _competency_row(r)
            for key in {r.identifier, r.code, r.uri} & keys:
                found.setdefault(key, []).append(row)
        return found

    def competencies_by_id(self, ids: set[int]) -> dict[int, CompetencyRow]:
        if not ids:
            return {}
        rows = self.conn.execute(
            select(competencies, frameworks.c.identifier.label("fw_identifier"))
            .join(frameworks, frameworks.c.id == competencies.c.framework_id)
            .where(competencies.c.id.in_(ids))
        )
        return {r.id: _competency_row(r) for r in rows}


def _competency_row(r: Any) -> CompetencyRow:
    comp = Competency(
        identifier=r.identifier,
        statement=r.statement,
        code=r.code,
        abbreviated=r.abbreviated,
        item_type=r.item_type,
        education_levels=tuple(r.education_levels),
        language=r.language,
        uri=r.uri,
        notes=r.notes,
        keywords=tuple(r.keywords),
        extra=r.extra,
    )
    return CompetencyRow(r.id, r.framework_id, r.fw_identifier, comp, r.depth)


# ---- rubrics (shared by frameworks and achievements) -----------------------------------


def _rule_json(rule: PassRule) -> dict[str, Any]:
    return {
        "min_points_each": None if rule.min_points_each is None else str(rule.min_points_each),
        "min_percent": None if rule.min_percent is None else str(rule.min_percent),
        "critical": list(rule.critical),
    }


def _rule(data: dict[str, Any]) -> PassRule:
    return PassRule(
        min_points_each=None if data.get("min_points_each") is None else Decimal(data["min_points_each"]),
        min_percent=None if data.get("min_percent") is None else Decimal(data["min_percent"]),
        critical=tuple(data.get("critical", ())),
    )


def add_rubric(
    conn: Connection,
    institution_id: int,
    rubric: Rubric,
    *,
    framework_id: int | None = None,
    achievement_id: int | None = None,
) -> int:
    rubric_id = int(
        conn.execute(
            insert(rubrics)
            .values(
                institution_id=institution_id,
                framework_id=framework_id,
                achievement_id=achievement_id,
                identifier=rubric.identifier,
                title=rubric.title,
                description=rubric.description,
                pass_rule=_rule_json(rubric.pass_rule),
                extra={},
            )
            .returning(rubrics.c.id)
        ).scalar_one()
    )
    if rubric.criteria:
        conn.execute(
            insert(rubric_criteria),
            [
                {
                    "rubric_id": rubric_id,
                    "position": i,
                    "code": c.code,
                    "identifier": c.identifier,
                    "title": c.title,
                    "description": c.description,
                    "weight": c.weight,
                    "competencies": list(c.competencies),
                    "extra": {},
                    "levels": [
                        {
                            "name": lv.name,
                            "points": str(lv.points),
                            "description": lv.description,
                            "identifier": lv.identifier,
                        }
                        for lv in c.levels
                    ],
                }
                for i, c in enumerate(rubric.criteria)
            ],
        )
    return rubric_id


def load_rubric(conn: Connection, rubric_id: int) -> Rubric:
    r = conn.execute(select(rubrics).where(rubrics.c.id == rubric_id)).one()
    criteria = [
        RubricCriterion(
            code=c.code,
            title=c.title,
            description=c.description,
            weight=Decimal(c.weight),
            competencies=tuple(c.competencies),
            identifier=c.identifier,
            levels=[
                PerformanceLevel(
                    lv["name"],
                    Decimal(lv["points"]),
                    lv.get("description", ""),
                    lv.get("identifier"),
                )
                for lv in c.levels
            ],
        )
        for c in conn.execute(
            select(rubric_criteria)
            .where(rubric_criteria.c.rubric_id == rubric_id)
            .order_by(rubric_criteria.c.position)
        )
    ]
    return Rubric(r.title, criteria, _rule(r.pass_rule), r.description, r.identifier)
