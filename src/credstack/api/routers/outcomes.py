"""Outcome records: CSV imports and single entries of sponsored cohorts, enrolments, hires and
ratings (registrars and administrators); a learner's own demographic groups and case-study
consent; the public case portfolio of an achievement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, UowDep
from credstack.api.uploads import UploadDep
from credstack.domain.identity import Principal, Role
from credstack.domain.outcomes import CaseStudy, Hire, Rating, RatingKind
from credstack.services import outcomes as service

router = APIRouter(tags=["outcomes"])

Recorder = Annotated[Principal, allow(*service.RECORDERS, scope=service.SCOPE)]
RecorderReader = Annotated[Principal, allow(*service.RECORDERS, scope="read")]
"""Outcome records, read or written: the service asks the same role and scope of both."""
CohortReader = Annotated[Principal, allow(Role.REGISTRAR, Role.BOARD, Role.EMPLOYER, scope="read")]
"""Registrars and board members see every sponsored cohort; an employer its own (the service filters)."""
Learner = Annotated[Principal, allow(Role.LEARNER, scope="write")]
LearnerReader = Annotated[Principal, allow(Role.LEARNER, scope="read")]

GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Your roles do not allow this"},
    422: {"description": "Invalid input; each error names its field, row or line; nothing was changed"},
}
Kind = Literal["sponsored-cohorts", "enrolments", "hires", "ratings", "demographics", "comparison"]


class ImportOut(BaseModel):
    kind: str
    rows: int
    added: int
    updated: int


class RatingOut(BaseModel):
    kind: str
    months: int | None
    score: str
    scale_max: int
    rated_on: str


class HireOut(BaseModel):
    id: int
    email: str
    learner: str
    employer: str
    partner: str | None
    role: str
    hired: str
    left: str | None
    credential: str | None
    ratings: list[RatingOut]


class HireIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    employer: str = Field(default="", max_length=300, description="the employer's name, or give partner")
    partner: str | None = Field(default=None, max_length=80, description="the partner's slug")
    role: str = Field(min_length=1, max_length=300)
    hired: date
    left: date | None = None
    credential: str | None = Field(default=None, max_length=36, description="the credential's public id")


class RatingIn(BaseModel):
    kind: Literal["satisfaction", "performance"]
    score: Decimal = Field(ge=0, max_digits=5, decimal_places=2)
    scale_max: int = Field(ge=1, le=100)
    rated_on: date
    months: int | None = Field(default=None, ge=1, le=240)


class CohortOut(BaseModel):
    code: str
    name: str
    partner: str
    partner_name: str
    pathway: str
    seats: int
    enrolled: int
    seat_price: str
    currency: str
    starts: str
    roi_inputs: dict[str, str | None]


class DemographicIn(BaseModel):
    group: str = Field(min_length=1, max_length=80)


class CaseIn(BaseModel):
    achievement: str = Field(min_length=1, max_length=80, description="the achievement's code or id")
    email: str = Field(min_length=3, max_length=320, description="the holder's email")
    title: str = Field(min_length=1, max_length=300)
    task: str = Field(min_length=1, max_length=5000)
    outcome: str = Field(min_length=1, max_length=5000)
    partner: str | None = Field(default=None, max_length=80)
    evidence_url: str | None = Field(default=None, max_length=2000)


class CaseOut(BaseModel):
    id: int
    achievement_id: int
    achievement: str
    title: str
    task: str
    outcome: str
    evidence_url: str | None
    employer: str | None
    holder: str


class MyCaseOut(CaseOut):
    email: str
    published: bool
    consented_at: str | None
    consent_withdrawn_at: str | None


@router.post("/outcomes/imports/{kind}", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def import_file(
    kind: Kind,
    principal: Recorder,  # before the upload: the gate answers before the file is read
    upload: UploadDep,
    uow: UowDep,
    institution: InstitutionDep,
    cohort_code: Annotated[
        str | None, Query(max_length=80, description="comparison: the cohort's code")
    ] = None,
    cohort_name: Annotated[str | None, Query(max_length=300, description="comparison: its name")] = None,
) -> ImportOut:
    """Import one CSV file of outcome records (registrars, administrators); all or nothing. The
    columns of each kind are in docs/outcomes.md."""
    done = service.import_table(
        uow, institution=institution, principal=principal, kind=kind, data=upload.data,
        filename=upload.filename, cohort_code=cohort_code, cohort_name=cohort_name,
    )  # fmt: skip
    return ImportOut(**done.summary())


@router.get("/outcomes/sponsored-cohorts", responses=GUARDED)
def list_cohorts(principal: CohortReader, uow: UowDep, institution: InstitutionDep) -> list[CohortOut]:
    """Sponsored cohorts: all for registrars and board members; an employer sees its own."""
    found = service.sponsored_cohorts(uow, institution=institution, principal=principal)
    return [CohortOut(**service.cohort_json(c)) for c in found]


@router.get("/outcomes/hires", responses=GUARDED)
def list_hires(
    principal: RecorderReader,
    uow: UowDep,
    institution: InstitutionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[HireOut]:
    """Hires of credential holders, newest first, with their ratings."""
    return [
        HireOut(**service.hire_json(h))
        for h in service.hires(uow, institution=institution, principal=principal, limit=limit)
    ]


@router.post("/outcomes/hires", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def add_hire(body: HireIn, principal: Recorder, uow: UowDep, institution: InstitutionDep) -> HireOut:
    """Record a hire (or change the one of the same learner, employer and date)."""
    hire = Hire(
        body.email.strip().lower(),
        body.employer,
        body.role,
        body.hired,
        body.partner,
        body.left,
        body.credential,
    )
    return HireOut(
        **service.hire_json(service.add_hire(uow, institution=institution, principal=principal, hire=hire))
    )


@router.post("/outcomes/hires/{hire_id}/ratings", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def rate_hire(
    hire_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: RatingIn,
    principal: Recorder,
    uow: UowDep,
    institution: InstitutionDep,
) -> HireOut:
    """Record the employer's satisfaction with a hire, or its performance rating months after."""
    rating = Rating(RatingKind(body.kind), body.score, body.scale_max, body.rated_on, body.months)
    stored = service.rate_hire(
        uow, institution=institution, principal=principal, hire_id=hire_id, rating=rating
    )
    return HireOut(**service.hire_json(stored))


@router.get("/me/demographics", responses=GUARDED)
def my_demographics(principal: LearnerReader, uow: UowDep, institution: InstitutionDep) -> dict[str, str]:
    """The groups you (a learner) consented to give, by attribute."""
    return service.my_demographics(uow, institution=institution, principal=principal)


@router.put("/me/demographics/{attribute}", responses=GUARDED)
def give_demographic(
    attribute: Annotated[str, Path(min_length=1, max_length=40)],
    body: DemographicIn,
    principal: Learner,
    uow: UowDep,
    institution: InstitutionDep,
) -> dict[str, str]:
    """Give (consent to) your group for an attribute; it is used only in equity statistics, where
    groups under the minimum size are suppressed."""
    service.give_demographic(
        uow, institution=institution, principal=principal, attribute=attribute, group=body.group
    )
    return service.my_demographics(uow, institution=institution, principal=principal)


@router.delete("/me/demographics/{attribute}", responses=GUARDED)
def withdraw_demographic(
    attribute: Annotated[str, Path(min_length=1, max_length=40)],
    principal: Learner,
    uow: UowDep,
    institution: InstitutionDep,
) -> dict[str, str]:
    """Withdraw your consent: the value is deleted."""
    service.withdraw_demographic(uow, institution=institution, principal=principal, attribute=attribute)
    return service.my_demographics(uow, institution=institution, principal=principal)


@router.post("/outcomes/case-studies", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def add_case(body: CaseIn, principal: Recorder, uow: UowDep, institution: InstitutionDep) -> MyCaseOut:
    """Record a case study of a holder's workplace task; it is published only once the holder consents."""
    case = CaseStudy(
        body.achievement,
        body.email.strip().lower(),
        body.title,
        body.task,
        body.outcome,
        body.partner,
        body.evidence_url,
    )
    stored = service.add_case_study(uow, institution=institution, principal=principal, case=case)
    return MyCaseOut(**service.case_json(stored, private=True))


@router.get("/me/case-studies", responses=GUARDED)
def my_cases(principal: LearnerReader, uow: UowDep, institution: InstitutionDep) -> list[MyCaseOut]:
    """Case studies about you, published or not."""
    found = service.my_case_studies(uow, institution=institution, principal=principal)
    return [MyCaseOut(**service.case_json(c, private=True)) for c in found]


@router.post("/me/case-studies/{case_id}/{decision}", responses=GUARDED)
def consent_case(
    case_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    decision: Literal["consent", "withdraw"],
    principal: Learner,
    uow: UowDep,
    institution: InstitutionDep,
) -> MyCaseOut:
    """Consent to publishing a case study about you, or withdraw that consent."""
    stored = service.consent_case_study(
        uow, institution=institution, principal=principal, case_id=case_id, consent=decision == "consent"
    )
    return MyCaseOut(**service.case_json(stored, private=True))


@router.get("/achievements/{achievement_id}/case-studies")
def showcase(
    achievement_id: Annotated[int, Path(ge=1, le=2**31 - 1)], uow: UowDep, institution: InstitutionDep
) -> list[CaseOut]:
    """The achievement's public case portfolio: workplace tasks its holders completed, each shown
    with the holder's consent."""
    return [
        CaseOut(**service.case_json(c))
        for c in service.showcase(uow, institution=institution, achievement_id=achievement_id)
    ]
