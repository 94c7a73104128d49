"""Pydantic models for the API: the public contract, separate from the tables.

Each output model has an ``of`` constructor that maps the service's result onto it, so that
routes stay one line of mapping. Amounts (credits, prices) are JSON numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, PlainSerializer

from credstack.domain.achievement import PROFICIENCY_LEVELS, CreditConversion
from credstack.domain.rubric import Rubric
from credstack.services.catalog import AchievementImportResult
from credstack.services.frameworks import CompetencyEntry, FrameworkDetail, FrameworkImportResult
from credstack.store.achievements import StoredAchievement
from credstack.store.frameworks import FrameworkSummary


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[Decimal, PlainSerializer(_number, return_type=int | float, when_used="json")]


# ---- frameworks --------------------------------------------------------------------------


class FrameworkSummaryOut(BaseModel):
    id: int
    identifier: str
    revision: int
    title: str
    creator: str | None
    competencies: int
    created_at: datetime

    @classmethod
    def of(cls, s: FrameworkSummary) -> FrameworkSummaryOut:
        return cls(
            id=s.id,
            identifier=s.identifier,
            revision=s.revision,
            title=s.title,
            creator=s.creator,
            competencies=s.competencies,
            created_at=s.created_at,
        )


class FrameworkImportOut(BaseModel):
    """What an import stored (``unchanged`` when the file matched a stored revision)."""

    framework: str
    framework_id: int
    revision: int
    title: str
    competencies: int
    associations: int
    association_types: dict[str, int]
    external_associations: int
    max_depth: int
    rubrics: int
    unchanged: bool

    @classmethod
    def of(cls, r: FrameworkImportResult) -> FrameworkImportOut:
        return cls.model_validate(r.summary())


class FrameworkOut(BaseModel):
    """A framework's document metadata and counts."""

    id: int
    identifier: str
    revision: int
    title: str
    creator: str | None
    uri: str | None
    version: str | None
    language: str | None
    description: str | None
    adoption_status: str | None
    source_format: str
    created_at: datetime
    competencies: int
    associations: int
    association_types: dict[str, int]
    external_associations: int
    max_depth: int
    rubrics: int

    @classmethod
    def of(cls, d: FrameworkDetail) -> FrameworkOut:
        m = d.meta
        return cls(
            **{k: m[k] for k in ("id", "identifier", "revision", "title", "creator", "uri", "version")},
            **{k: m[k] for k in ("language", "description", "adoption_status", "source_format")},
            created_at=m["created_at"],
            competencies=d.competencies,
            associations=d.associations,
            association_types=d.association_types,
            external_associations=d.external_associations,
            max_depth=d.max_depth,
            rubrics=d.rubrics,
        )


class CompetencyOut(BaseModel):
    id: int
    identifier: str
    code: str | None
    statement: str
    abbreviated: str | None
    item_type: str | None
    depth: int
    parent: str | None
    uri: str | None
    education_levels: list[str]
    keywords: list[str]
    notes: str | None

    @classmethod
    def of(cls, e: CompetencyEntry) -> CompetencyOut:
        c = e.row.competency
        return cls(
            id=e.row.id,
            identifier=c.identifier,
            code=c.code,
            statement=c.statement,
            abbreviated=c.abbreviated,
            item_type=c.item_type,
            depth=e.row.depth,
            parent=e.parent,
            uri=c.uri,
            education_levels=list(c.education_levels),
            keywords=list(c.keywords),
            notes=c.notes,
        )


# ---- achievements ------------------------------------------------------------------------


class CreditsOut(BaseModel):
    """The credit value as defined, and in both units by the institution's conversion."""

    amount: Number
    unit: str
    ects: Number
    credit_hours: Number


class PriceOut(BaseModel):
    amount: Number
    currency: str


class AlignmentOut(BaseModel):
    competency_id: int
    identifier: str
    code: str | None
    statement: str
    framework: str
    framework_id: int
    level_reached: int
    level_name: str


class PerformanceLevelOut(BaseModel):
    name: str
    points: Number
    description: str


class RubricCriterionOut(BaseModel):
    code: str
    title: str
    description: str
    weight: Number
    competencies: list[str]
    levels: list[PerformanceLevelOut]


class PassRuleOut(BaseModel):
    description: str
    min_points_each: Number | None
    min_percent: Number | None
    critical: list[str]


class RubricOut(BaseModel):
    title: str
    description: str
    pass_rule: PassRuleOut
    criteria: list[RubricCriterionOut]

    @classmethod
    def of(cls, r: Rubric) -> RubricOut:
        rule = r.pass_rule
        return cls(
            title=r.title,
            description=r.description,
            pass_rule=PassRuleOut(
                description=rule.describe(),
                min_points_each=rule.min_points_each,
                min_percent=rule.min_percent,
                critical=list(rule.critical),
            ),
            criteria=[
                RubricCriterionOut(
                    code=c.code,
                    title=c.title,
                    description=c.description,
                    weight=c.weight,
                    competencies=list(c.competencies),
                    levels=[
                        PerformanceLevelOut(name=lv.name, points=lv.points, description=lv.description)
                        for lv in c.levels
                    ],
                )
                for c in r.criteria
            ],
        )


class AchievementSummaryOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    description: str
    criteria: str
    level: int | None
    credits: CreditsOut | None
    price: PriceOut | None
    validity_months: int | None
    state: str
    next_review: date | None
    tags: list[str]
    expected_hours: int | None
    employer_partners: list[str]
    alignments: list[AlignmentOut]

    @classmethod
    def fields_of(cls, s: StoredAchievement, conversion: CreditConversion) -> dict[str, Any]:
        a = s.achievement
        credits = None
        if a.credits is not None:
            credits = CreditsOut(
                amount=a.credits.amount,
                unit=a.credits.unit.value,
                ects=conversion.ects(a.credits),
                credit_hours=conversion.credit_hours(a.credits),
            )
        return {
            "id": s.id,
            "code": a.code,
            "name": a.name,
            "kind": a.kind.value,
            "description": a.description,
            "criteria": a.criteria,
            "level": a.level,
            "credits": credits,
            "price": PriceOut(amount=a.price.amount, currency=a.price.currency) if a.price else None,
            "validity_months": a.validity_months,
            "state": a.state.value,
            "next_review": a.next_review,
            "tags": list(a.tags),
            "expected_hours": a.expected_hours,
            "employer_partners": list(a.employer_partners),
            "alignments": [
                AlignmentOut(
                    competency_id=al.row.id,
                    identifier=al.row.competency.identifier,
                    code=al.row.competency.code,
                    statement=al.row.competency.statement,
                    framework=al.row.framework_identifier,
                    framework_id=al.row.framework_id,
                    level_reached=al.level_reached,
                    level_name=PROFICIENCY_LEVELS.get(al.level_reached, str(al.level_reached)),
                )
                for al in s.aligned
            ],
        }

    @classmethod
    def of(cls, s: StoredAchievement, conversion: CreditConversion) -> AchievementSummaryOut:
        return cls(**cls.fields_of(s, conversion))


class AchievementOut(AchievementSummaryOut):
    """One achievement with its assessment blueprint (``rubric`` is null when it has none)."""

    rubric: RubricOut | None

    @classmethod
    def of(cls, s: StoredAchievement, conversion: CreditConversion) -> AchievementOut:
        rubric = s.achievement.rubric
        return cls(**cls.fields_of(s, conversion), rubric=RubricOut.of(rubric) if rubric else None)


class ImportAchievementsOut(BaseModel):
    created: int
    unchanged: int
    created_codes: list[str]
    unchanged_codes: list[str]

    @classmethod
    def of(cls, r: AchievementImportResult) -> ImportAchievementsOut:
        return cls(
            created=len(r.created),
            unchanged=len(r.unchanged),
            created_codes=list(r.created),
            unchanged_codes=list(r.unchanged),
        )
