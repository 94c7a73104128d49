"""Pydantic models for the pathways API: stored versions, a learner's audit with its completion
plans, and registrars' exceptions. Separate from the tables; each output has an ``of``."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from credstack.api.award_schemas import UtcDatetime
from credstack.domain.pathways.model import Pathway
from credstack.domain.pathways.plan import Plan
from credstack.services.issuance import credential_url
from credstack.services.pathway_views import ExceptionRecorded, LearnerPlan
from credstack.settings import Settings
from credstack.store.pathways import StoredException, StoredPathway


class PathwaySavedOut(BaseModel):
    code: str
    version: int = Field(description="the version stored (or the latest, when the file changed nothing)")
    name: str
    awards: str = Field(description="the code of the achievement the pathway awards")

    @classmethod
    def of(cls, pathway: Pathway, version: int) -> PathwaySavedOut:
        return cls(code=pathway.id, version=version, name=pathway.name, awards=pathway.awards)


class PathwaySummaryOut(BaseModel):
    code: str
    version: int = Field(description="the latest version")
    name: str
    awards: str
    created_at: UtcDatetime
    url: str = Field(description="this pathway in the API")

    @classmethod
    def of(cls, stored: StoredPathway) -> PathwaySummaryOut:
        return cls(
            code=stored.code,
            version=stored.version,
            name=stored.name,
            awards=stored.awards_code,
            created_at=stored.created_at,
            url=f"/api/v1/pathways/{stored.code}",
        )


class VersionOut(BaseModel):
    version: int
    name: str
    created_at: UtcDatetime


class PathwayOut(BaseModel):
    """A pathway: every version, and the definition of one (the latest unless asked)."""

    code: str
    name: str
    awards: str
    version: int = Field(description="the version whose definition this is")
    versions: list[VersionOut]
    definition: dict[str, Any] = Field(description="the pathway file's content (docs/pathways.md)")

    @classmethod
    def of(cls, versions: list[StoredPathway], shown: StoredPathway) -> PathwayOut:
        return cls(
            code=shown.code,
            name=shown.name,
            awards=shown.awards_code,
            version=shown.version,
            versions=[VersionOut(version=v.version, name=v.name, created_at=v.created_at) for v in versions],
            definition=shown.definition,
        )


class PlanItemOut(BaseModel):
    code: str
    name: str
    price: float | None
    credits: float = Field(description="ECTS")
    hours: int | None = Field(description="expected study hours")
    url: str = Field(description="the achievement in the API")


class PlanOut(BaseModel):
    """Achievements not yet held that together complete the pathway, and their totals."""

    achievements: list[PlanItemOut]
    price: float | None = Field(description="None when an achievement in the plan has no price")
    currency: str
    credits: float
    hours: float | None

    @classmethod
    def of(cls, plan: Plan, found: LearnerPlan) -> PlanOut:
        items = []
        for code in plan.achievements:
            offer = found.offers[code]
            items.append(
                PlanItemOut(
                    code=code,
                    name=offer.name,
                    price=float(offer.price.amount) if offer.price else None,
                    credits=float(offer.credits),
                    hours=offer.hours,
                    url=f"/api/v1/achievements/{offer.id}",
                )
            )
        return cls(
            achievements=items,
            price=None if plan.price is None else float(plan.price),
            currency=found.currency,
            credits=float(plan.credits),
            hours=None if plan.hours is None else float(plan.hours),
        )


class ExceptionOut(BaseModel):
    node: str
    kind: str
    award: str | None
    by: str
    reason: str
    created_at: UtcDatetime

    @classmethod
    def of(cls, e: StoredException) -> ExceptionOut:
        return cls(
            node=e.node_id,
            kind=e.kind,
            award=e.award_public_id,
            by=e.decided_by,
            reason=e.reason,
            created_at=e.created_at,
        )


class AuditOut(BaseModel):
    """The audit (every node's status, the awards it used, what is missing), the version it
    used and why, and the cheapest plan by ``metric`` with its alternatives."""

    learner: str
    pathway: str
    name: str
    awards: str
    version_used: int
    why: str
    as_of: date
    met: bool
    credits: dict[str, float] = Field(description="done and to_go (ECTS)")
    assignment: dict[str, list[str]] = Field(description="requirement id -> the award ids counted there")
    unused_awards: list[str]
    exhaustive: bool
    tree: dict[str, Any]
    metric: Literal["price", "credits", "hours"]
    plan: PlanOut | None = Field(description="the cheapest way to complete it; None when nothing does")
    alternatives: list[PlanOut]
    exceptions: list[ExceptionOut]

    @classmethod
    def of(cls, found: LearnerPlan) -> AuditOut:
        body = found.audit.as_json()
        plans = [PlanOut.of(p, found) for p in found.plans]
        return cls(
            learner=found.learner.email,
            pathway=found.audit.pathway.id,
            name=found.audit.pathway.name,
            awards=found.audit.pathway.awards,
            version_used=found.result.version,
            why=found.result.why,
            as_of=found.audit.as_of,
            met=found.audit.met,
            credits=body["credits"],
            assignment=body["assignment"],
            unused_awards=body["unused_awards"],
            exhaustive=body["exhaustive"],
            tree=body["tree"],
            metric=found.metric,
            plan=plans[0] if plans else None,
            alternatives=plans[1:],
            exceptions=[ExceptionOut.of(e) for e in found.exceptions],
        )


class ExceptionIn(BaseModel):
    """A registrar's decision for one learner and one requirement of the latest version."""

    learner: str = Field(max_length=320, description="the learner's email")
    node: str = Field(max_length=1000, description="the requirement's id (see the audit's tree)")
    kind: Literal["waiver", "substitution"]
    award: str | None = Field(
        default=None, max_length=36, description="substitution: the learner's award that stands for it"
    )
    by: str = Field(max_length=200, description="who decided")
    reason: str = Field(max_length=2000, description="why: it goes into the audit trail")


class StackedOut(BaseModel):
    id: str
    achievement: str
    url: str
    has_clr: bool = Field(description="the stacked award carries a ClrCredential of its components")


class ExceptionRecordedOut(BaseModel):
    pathway: str
    version: int
    created: bool
    met: bool = Field(description="whether the learner now meets the pathway")
    stacked: list[StackedOut] = Field(description="stacked awards issued because of this decision")

    @classmethod
    def of(cls, done: ExceptionRecorded, settings: Settings) -> ExceptionRecordedOut:
        return cls(
            pathway=done.pathway,
            version=done.version,
            created=done.created,
            met=done.met,
            stacked=[
                StackedOut(
                    id=a.public_id,
                    achievement=a.achievement_code,
                    url=credential_url(settings, a.public_id),
                    has_clr=a.clr is not None,
                )
                for a in done.stacked
            ],
        )
