"""Pydantic models for the partners API and the blueprint: the public contract, apart from the
tables. Bodies check types only; the domain checks values and names the field it refuses.

Partners' contact people are personal data: they appear only in answers to those who manage
partners, never in the public listing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from credstack.api.schemas import Number
from credstack.domain.blueprint import AssessmentMethod, AssessmentTask, AssessorKind, Blueprint
from credstack.domain.partners import (
    CoDesign,
    Mentorship,
    Outcome,
    Partner,
    PartnerKind,
    Project,
    ProjectKind,
    ProjectStatus,
)
from credstack.services.blueprints import alignment_json
from credstack.services.mentorships import SignOffEvidence, page_url
from credstack.services.partners import PartnerOverview
from credstack.store.partners import StoredCoDesign, StoredMentorship, StoredProject

# ---- partners ----------------------------------------------------------------------------------


class PartnerIn(BaseModel):
    name: str
    kind: PartnerKind = PartnerKind.EMPLOYER
    slug: str | None = Field(None, description="in addresses and commands; made from the name when absent")
    website: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    description: str = ""

    def partner(self) -> Partner:
        return Partner(
            name=self.name, kind=self.kind, slug=self.slug or "", website=self.website,
            contact_name=self.contact_name, contact_email=self.contact_email, description=self.description,
        )  # fmt: skip


class PartnerPatch(BaseModel):
    """The fields to change; those absent stay as they are."""

    name: str | None = None
    kind: PartnerKind | None = None
    website: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    description: str | None = None


class CoDesignIn(BaseModel):
    achievement: str = Field(description="the achievement's code")
    contribution: str = Field(description="what the partner contributed")
    since: date
    until: date | None = None

    def co_design(self, partner: str) -> CoDesign:
        return CoDesign(partner, self.achievement, self.contribution, self.since, self.until)


class CoDesignOut(BaseModel):
    partner: str
    partner_name: str
    achievement: str
    achievement_name: str
    contribution: str
    since: date
    until: date | None

    @classmethod
    def of(cls, d: StoredCoDesign) -> CoDesignOut:
        c = d.co_design
        return cls(
            partner=c.partner, partner_name=d.partner_name, achievement=c.achievement,
            achievement_name=d.achievement_name, contribution=c.contribution, since=c.since, until=c.until,
        )  # fmt: skip


class ProjectIn(BaseModel):
    achievement: str = Field(description="the code of the achievement this project is an assessment task for")
    title: str
    brief: str
    kind: ProjectKind = ProjectKind.MICRO_INTERNSHIP
    places: int = 1
    opens: date
    closes: date
    status: ProjectStatus = Field(ProjectStatus.OPEN, description="draft or open")

    def project(self, partner: str) -> Project:
        return Project(
            partner=partner, achievement=self.achievement, title=self.title, brief=self.brief, opens=self.opens,
            closes=self.closes, kind=self.kind, places=self.places, status=self.status,
        )  # fmt: skip


class ProjectStatusIn(BaseModel):
    status: ProjectStatus


class ProjectOut(BaseModel):
    id: int
    partner: str
    partner_name: str
    achievement: str
    achievement_name: str
    kind: ProjectKind
    title: str
    brief: str
    places: int
    opens: date
    closes: date
    status: ProjectStatus

    @classmethod
    def of(cls, s: StoredProject) -> ProjectOut:
        p = s.project
        return cls(
            id=s.id, partner=p.partner, partner_name=s.partner_name, achievement=p.achievement,
            achievement_name=s.achievement_name, kind=p.kind, title=p.title, brief=p.brief, places=p.places,
            opens=p.opens, closes=p.closes, status=p.status,
        )  # fmt: skip


class PartnerOut(BaseModel):
    """A partner as the public sees it: what it co-designed and its projects open now."""

    slug: str
    name: str
    kind: PartnerKind
    website: str | None
    description: str
    co_designs: list[CoDesignOut]
    open_projects: list[ProjectOut]

    @classmethod
    def of(cls, o: PartnerOverview) -> PartnerOut:
        p = o.partner
        return cls(
            slug=p.slug, name=p.name, kind=p.kind, website=p.website, description=p.description,
            co_designs=[CoDesignOut.of(d) for d in o.co_designs],
            open_projects=[ProjectOut.of(x) for x in o.open_projects],
        )  # fmt: skip


class PartnerRecordOut(BaseModel):
    """A partner with its contact, for those who manage partners."""

    slug: str
    name: str
    kind: PartnerKind
    website: str | None
    contact_name: str | None
    contact_email: str | None
    description: str
    created_at: datetime

    @classmethod
    def of(cls, p: Partner, created_at: datetime) -> PartnerRecordOut:
        return cls(
            slug=p.slug, name=p.name, kind=p.kind, website=p.website, contact_name=p.contact_name,
            contact_email=p.contact_email, description=p.description, created_at=created_at,
        )  # fmt: skip


# ---- mentorships -------------------------------------------------------------------------------


class MentorshipIn(BaseModel):
    partner: str = Field(description="the partner's slug")
    mentor_name: str
    mentor_email: str = Field(description="a user with the employer role signs off with their account")
    learner: str = Field(description="the learner's email")
    goal: str
    starts: date
    ends: date
    hours: int
    achievement: str | None = Field(None, description="the achievement the practice prepares for, if any")

    def mentorship(self) -> Mentorship:
        return Mentorship(
            partner=self.partner, mentor_name=self.mentor_name, mentor_email=self.mentor_email,
            learner_email=self.learner, goal=self.goal, starts=self.starts, ends=self.ends, hours=self.hours,
            achievement=self.achievement or None,
        )  # fmt: skip


class SignOffIn(BaseModel):
    statement: str = Field(description="what the mentor saw the learner do")
    outcome: Outcome


class SignOffOut(BaseModel):
    signed_at: datetime
    signed_by: str
    statement: str
    outcome: Outcome


class MentorshipOut(BaseModel):
    id: str
    page: str = Field(description="the public page of the mentorship and its sign-off")
    partner: str
    partner_name: str
    mentor_name: str
    mentor_email: str
    learner: str
    learner_name: str
    achievement: str | None
    goal: str
    starts: date
    ends: date
    hours: int
    status: str
    sign_off: SignOffOut | None

    @classmethod
    def of(cls, s: StoredMentorship, base_url: str, today: date | None = None) -> MentorshipOut:
        m = s.mentorship
        signed = m.sign_off
        return cls(
            id=s.public_id, page=page_url(base_url, s.public_id), partner=m.partner, partner_name=s.partner_name,
            mentor_name=m.mentor_name, mentor_email=m.mentor_email, learner=m.learner_email,
            learner_name=s.learner_name, achievement=m.achievement, goal=m.goal, starts=m.starts, ends=m.ends,
            hours=m.hours, status=m.status(today or date.today()),
            sign_off=SignOffOut(signed_at=signed.signed_at, signed_by=signed.signed_by, statement=signed.statement,
                                outcome=signed.outcome) if signed else None,
        )  # fmt: skip


class NewMentorshipOut(MentorshipOut):
    sign_off_link: str = Field(description="for the mentor, shown once: signs off without an account")


class EvidenceOut(BaseModel):
    """The sign-off as an evidence link for an assessment submission."""

    kind: str
    title: str
    url: str
    note: str
    attested_by: str

    @classmethod
    def of(cls, e: SignOffEvidence) -> EvidenceOut:
        return cls(kind=e.kind, title=e.title, url=e.url, note=e.note, attested_by=e.attested_by)


# ---- the blueprint -----------------------------------------------------------------------------


class TaskIn(BaseModel):
    title: str
    description: str = ""


class MethodIn(BaseModel):
    narrative: str
    tasks: list[TaskIn] = []
    conditions: str = ""
    duration: str = ""
    assessors: list[AssessorKind] = [AssessorKind.FACULTY]

    def method(self) -> AssessmentMethod:
        return AssessmentMethod(
            self.narrative, tuple(AssessmentTask(t.title, t.description) for t in self.tasks), self.conditions,
            self.duration, tuple(self.assessors),
        )  # fmt: skip


class MethodOut(BaseModel):
    narrative: str
    tasks: list[TaskIn]
    conditions: str
    duration: str
    assessors: list[AssessorKind]

    @classmethod
    def of(cls, m: AssessmentMethod) -> MethodOut:
        return cls(
            narrative=m.narrative, tasks=[TaskIn(title=t.title, description=t.description) for t in m.tasks],
            conditions=m.conditions, duration=m.duration, assessors=list(m.assessors),
        )  # fmt: skip


class LevelOut(BaseModel):
    name: str
    points: Number
    description: str


class CriterionOut(BaseModel):
    """``competencies`` are given by code where the blueprint knows the competency."""

    code: str
    title: str
    description: str
    weight: Number
    competencies: list[str]
    levels: list[LevelOut]


class PassRuleOut(BaseModel):
    text: str
    min_points_each: Number | None
    min_percent: Number | None
    critical: list[str]


class RubricOut(BaseModel):
    title: str
    description: str
    pass_rule: PassRuleOut
    criteria: list[CriterionOut]


class CompetencyOut(BaseModel):
    code: str | None
    statement: str
    uri: str | None
    framework: str
    level_reached: int
    level_name: str
    alignments: list[dict[str, Any]] = Field(
        description="Open Badges 3.0 Alignment objects (ESCO and others)"
    )


class CreditsOut(BaseModel):
    ects: Number
    credit_hours: Number
    defined_in: str


class CoDesignerOut(BaseModel):
    name: str
    partner: str | None = Field(description="the partner's slug; none when only the definition names it")
    kind: PartnerKind | None
    website: str | None
    contribution: str | None
    since: date | None
    until: date | None


class TaskOfferOut(BaseModel):
    id: int
    partner: str
    title: str
    kind: ProjectKind
    places: int
    closes: date


class BlueprintOut(BaseModel):
    """The published assessment blueprint of an achievement."""

    code: str
    name: str
    kind: str
    state: str
    url: str = Field(description="the blueprint's page")
    description: str
    criteria: str
    eqf_level: int | None
    credits: CreditsOut | None
    expected_hours: int | None
    competencies: list[CompetencyOut]
    rubric: RubricOut | None
    method: MethodOut | None
    co_designers: list[CoDesignerOut]
    assessment_tasks_offered: list[TaskOfferOut]
    alignments: list[dict[str, Any]] = Field(
        description="every external target once, as Open Badges 3.0 Alignment objects: the EQF level, ESCO skills ..."
    )
    next_review: date | None

    @classmethod
    def of(cls, bp: Blueprint, url: str) -> BlueprintOut:
        rubric = None
        labels = bp.competency_labels()
        if bp.rubric is not None:
            r = bp.rubric
            rubric = RubricOut(
                title=r.title, description=r.description,
                pass_rule=PassRuleOut(
                    text=r.pass_rule.describe(), min_points_each=r.pass_rule.min_points_each,
                    min_percent=r.pass_rule.min_percent, critical=list(r.pass_rule.critical),
                ),
                criteria=[
                    CriterionOut(
                        code=c.code, title=c.title, description=c.description, weight=c.weight,
                        competencies=[labels.get(k, k) for k in c.competencies],
                        levels=[LevelOut(name=lv.name, points=lv.points, description=lv.description) for lv in c.levels],
                    )
                    for c in r.criteria
                ],
            )  # fmt: skip
        return cls(
            code=bp.code, name=bp.name, kind=bp.kind.value, state=bp.state.value, url=url,
            description=bp.description, criteria=bp.criteria, eqf_level=bp.eqf_level,
            credits=CreditsOut(ects=bp.credits.ects, credit_hours=bp.credits.credit_hours,
                               defined_in=bp.credits.defined_in) if bp.credits else None,
            expected_hours=bp.expected_hours,
            competencies=[
                CompetencyOut(
                    code=c.code, statement=c.statement, uri=c.uri, framework=c.framework,
                    level_reached=c.level_reached, level_name=c.level_name,
                    alignments=[alignment_json(a) for a in c.external],
                )
                for c in bp.competencies
            ],
            rubric=rubric, method=MethodOut.of(bp.method) if bp.method else None,
            co_designers=[
                CoDesignerOut(name=d.name, partner=d.slug, kind=d.kind, website=d.website,
                              contribution=d.contribution, since=d.since, until=d.until)
                for d in bp.co_designers
            ],
            assessment_tasks_offered=[
                TaskOfferOut(id=o.id, partner=o.partner, title=o.title, kind=o.kind, places=o.places, closes=o.closes)
                for o in bp.offers
            ],
            alignments=[alignment_json(a) for a in bp.alignments], next_review=bp.next_review,
        )  # fmt: skip
