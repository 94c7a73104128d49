"""Pydantic models for the assessment API: submissions, evidence, assignments, marks and the
moderation policy. Each output has an ``of`` that builds it from what the services return."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from credstack.domain.assessment import Status
from credstack.domain.rubric import Rubric
from credstack.services.assessment import Marking, SubmissionView
from credstack.services.marking import AssignmentView, MarkOutcome
from credstack.services.moderation import PolicyView
from credstack.store.assessment import (
    StoredAssignment,
    StoredDecision,
    StoredEvidence,
    StoredMark,
    StoredSubmission,
)

Role = Literal["first", "second", "third"]


class SubmissionIn(BaseModel):
    achievement: str = Field(min_length=1, max_length=80, description="the achievement's code")
    cohort: str = Field(min_length=1, max_length=80, examples=["2026-spring"])
    site: str = Field(min_length=1, max_length=80, examples=["North campus"])


class FileOut(BaseModel):
    name: str = Field(description="the uploaded name (a label only; files are stored by SHA-256)")
    media_type: str = Field(description="the type detected from the content")
    size: int
    sha256: str


class EvidenceOut(BaseModel):
    id: int
    kind: str
    title: str
    url: str | None
    note: str | None
    attested_by: str | None
    file: FileOut | None
    download: str | None = Field(description="where the file is downloaded (with the same token)")

    @classmethod
    def of(cls, e: StoredEvidence, submission: str) -> EvidenceOut:
        file = None
        if e.sha256 is not None:
            file = FileOut(
                name=e.filename or "", media_type=e.media_type or "", size=e.size or 0, sha256=e.sha256
            )
        return cls(
            id=e.id, kind=e.kind, title=e.title, url=e.url, note=e.note, attested_by=e.attested_by, file=file,
            download=f"/api/v1/submissions/{submission}/evidence/{e.id}/file" if file else None,
        )  # fmt: skip


class MarkOut(BaseModel):
    criterion: str
    level: str
    comment: str
    marked_at: datetime

    @classmethod
    def of(cls, m: StoredMark) -> MarkOut:
        return cls(criterion=m.criterion, level=m.level, comment=m.comment, marked_at=m.marked_at)


class MarkingOut(BaseModel):
    role: Role
    assessor: str | None = Field(description="who marked (shown to staff and to a third marker only)")
    completed_at: datetime | None
    marks: list[MarkOut]

    @classmethod
    def of(cls, m: Marking) -> MarkingOut:
        return cls(
            role=m.role,  # type: ignore[arg-type]
            assessor=m.assessor,
            completed_at=m.completed_at,
            marks=[MarkOut.of(x) for x in m.marks],
        )


class DecisionOut(BaseModel):
    passed: bool
    how: Literal["single", "agreed", "reconciled"] = Field(
        description="single: the first marks (not sampled); agreed: the first marks, confirmed by a blind "
        "second marking; reconciled: a third marker's marks after the first two disagreed"
    )
    result: dict[str, str] = Field(description="criterion code -> the level that counts")
    percent: str
    shortfalls: list[str]
    decided_at: datetime
    award: str | None = Field(description="the issued award's id (its credential is /credentials/{id})")

    @classmethod
    def of(cls, d: StoredDecision) -> DecisionOut:
        return cls(
            passed=d.passed, how=d.how, result=d.result, percent=str(d.detail.get("percent", "")),  # type: ignore[arg-type]
            shortfalls=list(d.detail.get("shortfalls", [])), decided_at=d.decided_at, award=d.award_public_id,
        )  # fmt: skip


class SubmissionSummary(BaseModel):
    id: str
    achievement: str
    achievement_name: str
    learner: str
    cohort: str
    site: str
    status: Status
    status_label: str
    awaiting: str | None = Field(description="what the submission waits for now")
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None

    @classmethod
    def of(cls, s: StoredSubmission, waiting: str | None) -> SubmissionSummary:
        status = Status(s.status)
        return cls(
            id=s.public_id, achievement=s.achievement_code, achievement_name=s.achievement_name,
            learner=s.learner_email, cohort=s.cohort, site=s.site, status=status, status_label=status.label,
            awaiting=waiting, created_at=s.created_at, submitted_at=s.submitted_at, decided_at=s.decided_at,
        )  # fmt: skip


class SubmissionOut(SubmissionSummary):
    marking_at: datetime | None
    moderation_at: datetime | None
    evidence: list[EvidenceOut]
    markings: list[MarkingOut] = Field(
        description="staff see every marking; the learner, once decided, the marks that decided"
    )
    decision: DecisionOut | None

    @classmethod
    def view(cls, v: SubmissionView) -> SubmissionOut:
        s = v.submission
        base = SubmissionSummary.of(s, v.awaiting)
        return cls(
            **base.model_dump(),
            marking_at=s.marking_at,
            moderation_at=s.moderation_at,
            evidence=[EvidenceOut.of(e, s.public_id) for e in v.evidence],
            markings=[MarkingOut.of(m) for m in v.markings],
            decision=DecisionOut.of(v.decision) if v.decision else None,
        )


class AssignmentIn(BaseModel):
    assessor: str = Field(min_length=3, max_length=320, description="the assessor's email")
    role: Role


class AssignmentOut(BaseModel):
    """A marker's assignment. Marking is anonymous: the learner is not named."""

    id: int
    submission: str
    achievement: str
    achievement_name: str
    cohort: str
    site: str
    role: Role
    blind: bool = Field(description="a blind second marking: the first marks are not shown")
    assessor: str
    assigned_at: datetime
    completed_at: datetime | None

    @classmethod
    def of(cls, a: StoredAssignment, s: StoredSubmission) -> AssignmentOut:
        return cls(
            id=a.id, submission=s.public_id, achievement=s.achievement_code, achievement_name=s.achievement_name,
            cohort=s.cohort, site=s.site, role=a.role, blind=a.blind, assessor=a.assessor_email,  # type: ignore[arg-type]
            assigned_at=a.assigned_at, completed_at=a.completed_at,
        )  # fmt: skip


class LevelOut(BaseModel):
    name: str
    points: Decimal
    description: str


class CriterionOut(BaseModel):
    code: str
    title: str
    description: str
    weight: Decimal
    levels: list[LevelOut]


class RubricOut(BaseModel):
    title: str
    pass_rule: str
    criteria: list[CriterionOut]

    @classmethod
    def of(cls, r: Rubric) -> RubricOut:
        return cls(
            title=r.title,
            pass_rule=r.pass_rule.describe(),
            criteria=[
                CriterionOut(
                    code=c.code,
                    title=c.title,
                    description=c.description,
                    weight=c.weight,
                    levels=[
                        LevelOut(name=lv.name, points=lv.points, description=lv.description)
                        for lv in c.levels
                    ],
                )
                for c in r.criteria
            ],
        )


class AssignmentDetail(AssignmentOut):
    rubric: RubricOut
    evidence: list[EvidenceOut]
    marks: list[MarkOut] = Field(description="this marker's own marks, once given")
    earlier: list[MarkingOut] = Field(description="for a third marker: the two markings to reconcile")
    disagreement: list[str] = Field(description="for a third marker: what the first two disagreed on")

    @classmethod
    def view(cls, v: AssignmentView) -> AssignmentDetail:
        base = AssignmentOut.of(v.assignment, v.submission)
        return cls(
            **base.model_dump(),
            rubric=RubricOut.of(v.rubric),
            evidence=[EvidenceOut.of(e, v.submission.public_id) for e in v.evidence],
            marks=[MarkOut.of(m) for m in v.own],
            earlier=[MarkingOut.of(m) for m in v.earlier],
            disagreement=list(v.disagreement),
        )


class MarkIn(BaseModel):
    criterion: str = Field(min_length=1, max_length=80)
    level: str = Field(min_length=1, max_length=80, description="the performance level's name")
    comment: str = Field(max_length=4000)


class MarksIn(BaseModel):
    marks: list[MarkIn] = Field(description="every criterion of the rubric, once")


class OutcomeOut(BaseModel):
    submission: str
    status: Status
    awaiting: str | None
    decided: bool
    passed: bool | None
    how: str | None
    award: str | None
    award_error: str | None = Field(description="why the award could not be issued (the decision stands)")

    @classmethod
    def of(cls, o: MarkOutcome) -> OutcomeOut:
        d = o.decision
        return cls(
            submission=o.submission, status=Status(o.status), awaiting=o.awaiting, decided=d is not None,
            passed=d.passed if d else None, how=d.how if d else None, award=o.award, award_error=o.award_error,
        )  # fmt: skip


class PolicyIn(BaseModel):
    share: Decimal = Field(ge=0, le=1, max_digits=5, decimal_places=4, description="e.g. 0.1: one in ten")
    minimum: int = Field(ge=0, le=1000, description="at least this many per assessor per cohort")
    include_fails: bool = True
    borderline: Literal["one-level", "none"] = "one-level"
    seed: str = Field(default="credstack", min_length=1, max_length=64)


class PolicyOut(PolicyIn):
    achievement: str | None = Field(description="none: the institution's default")
    source: Literal["achievement", "institution", "built-in"]

    @classmethod
    def of(cls, v: PolicyView) -> PolicyOut:
        p = v.policy
        return cls(
            share=p.share, minimum=p.minimum, include_fails=p.include_fails, borderline=p.borderline,
            seed=p.seed, achievement=v.achievement, source=v.source,  # type: ignore[arg-type]
        )  # fmt: skip
