"""Employers as partners, and the published assessment blueprint of each achievement.

Reading partners, their co-design records, open projects and blueprints is public. Changing the
registry needs an API token of a registrar, curriculum designer or administrator; mentorships
are seen by those, by their mentor and by their learner; only the mentor signs one off.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response, status

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.partner_schemas import (
    BlueprintOut,
    CoDesignIn,
    CoDesignOut,
    EvidenceOut,
    MentorshipIn,
    MentorshipOut,
    MethodIn,
    MethodOut,
    NewMentorshipOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    PartnerRecordOut,
    ProjectIn,
    ProjectOut,
    ProjectStatusIn,
    SignOffIn,
)
from credstack.domain.identity import Principal, Role
from credstack.services import blueprints, mentorships, partners
from credstack.services.mentorships import sign_off_link

router = APIRouter(tags=["partners"])

Manager = Annotated[Principal, allow(*partners.MANAGERS, scope="write")]
MentorshipReader = Annotated[
    Principal, allow(*partners.MANAGERS, Role.EMPLOYER, Role.LEARNER, scope="read")
]  # each sees the mentorships they are part of
Mentor = Annotated[Principal, allow(Role.EMPLOYER, scope="write")]
MethodSetter = Annotated[Principal, allow(Role.DESIGNER, scope="write")]

GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Your roles do not allow this"},
    422: {"description": "Invalid input; each error names its field; nothing was changed"},
}


@router.get("/partners")
def list_partners(uow: UowDep, institution: InstitutionDep) -> list[PartnerOut]:
    """Every partner organisation, with what it co-designed and its projects open now."""
    return [PartnerOut.of(p) for p in partners.partners(uow, institution=institution)]


@router.post("/partners", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def add_partner(
    body: PartnerIn, principal: Manager, uow: UowDep, institution: InstitutionDep
) -> PartnerRecordOut:
    """Add a partner organisation (registrars, curriculum designers, administrators)."""
    s = partners.add_partner(uow, institution=institution, principal=principal, partner=body.partner())
    return PartnerRecordOut.of(s.partner, s.created_at)


@router.get("/partners/{slug}", responses={404: {"description": "No such partner"}})
def get_partner(slug: str, uow: UowDep, institution: InstitutionDep) -> PartnerOut:
    return PartnerOut.of(partners.partner(uow, institution=institution, slug=slug))


@router.patch("/partners/{slug}", responses=GUARDED)
def update_partner(
    slug: str, body: PartnerPatch, principal: Manager, uow: UowDep, institution: InstitutionDep
) -> PartnerRecordOut:
    """Change some of a partner's fields (its slug stays)."""
    changes = body.model_dump(exclude_unset=True)
    s = partners.update_partner(uow, institution=institution, principal=principal, slug=slug, changes=changes)
    return PartnerRecordOut.of(s.partner, s.created_at)


@router.delete(
    "/partners/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**GUARDED, 409: {"description": "The partner has records; it stays for their history"}},
)
def remove_partner(slug: str, principal: Manager, uow: UowDep, institution: InstitutionDep) -> Response:
    partners.remove_partner(uow, institution=institution, principal=principal, slug=slug)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/partners/{slug}/co-designs", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def add_co_design(
    slug: str, body: CoDesignIn, principal: Manager, uow: UowDep, institution: InstitutionDep
) -> CoDesignOut:
    """Record that the partner co-designed an achievement."""
    co = partners.add_co_design(
        uow, institution=institution, principal=principal, co_design=body.co_design(slug)
    )
    return CoDesignOut.of(co)


@router.post("/partners/{slug}/projects", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def add_project(
    slug: str, body: ProjectIn, principal: Manager, uow: UowDep, institution: InstitutionDep
) -> ProjectOut:
    """A micro-internship or employer project the partner offers as an achievement's assessment task."""
    return ProjectOut.of(
        partners.add_project(uow, institution=institution, principal=principal, project=body.project(slug))
    )


@router.get("/partners/{slug}/projects", responses=GUARDED)
def partner_projects(
    slug: str, principal: Manager, uow: UowDep, institution: InstitutionDep
) -> list[ProjectOut]:
    """Every project of the partner, whatever its status."""
    found = partners.projects_of(uow, institution=institution, principal=principal, slug=slug)
    return [ProjectOut.of(p) for p in found]


@router.get("/projects")
def list_open_projects(
    uow: UowDep, institution: InstitutionDep, achievement: str | None = None
) -> list[ProjectOut]:
    """Projects open to learners now, soonest closing first (optionally for one achievement)."""
    return [
        ProjectOut.of(p)
        for p in partners.open_projects(uow, institution=institution, achievement=achievement)
    ]


@router.post(
    "/projects/{project_id}/status", responses={**GUARDED, 409: {"description": "Not from its status"}}
)
def set_project_status(
    project_id: int, body: ProjectStatusIn, principal: Manager, uow: UowDep, institution: InstitutionDep
) -> ProjectOut:
    """Open, close or cancel a project."""
    return ProjectOut.of(
        partners.set_project_status(
            uow, institution=institution, principal=principal, project_id=project_id, status=body.status.value
        )
    )


@router.post("/mentorships", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def add_mentorship(
    body: MentorshipIn,
    principal: Manager,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
) -> NewMentorshipOut:
    """Assign an industry mentor to a learner for a short guided practice. The answer holds the
    sign-off link for a mentor without an account, once."""
    new = mentorships.add_mentorship(
        uow, institution=institution, principal=principal, mentorship=body.mentorship()
    )
    out = MentorshipOut.of(new.stored, settings.base_url)
    return NewMentorshipOut(
        **out.model_dump(), sign_off_link=sign_off_link(settings.base_url, new.stored.public_id, new.key)
    )


@router.get("/mentorships", responses=GUARDED)
def list_mentorships(
    principal: MentorshipReader, uow: UowDep, institution: InstitutionDep, settings: SettingsDep
) -> list[MentorshipOut]:
    """Managers see every mentorship; a mentor their own; a learner theirs."""
    found = mentorships.mentorships_for(uow, institution=institution, principal=principal)
    return [MentorshipOut.of(m, settings.base_url) for m in found]


@router.get(
    "/mentorships/{public_id}",
    responses={**GUARDED, 404: {"description": "No such mentorship, or not yours"}},
)
def get_mentorship(
    public_id: str,
    principal: MentorshipReader,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
) -> MentorshipOut:
    found = mentorships.mentorship(uow, institution=institution, principal=principal, public_id=public_id)
    return MentorshipOut.of(found, settings.base_url)


@router.post(
    "/mentorships/{public_id}/sign-off",
    responses={
        **GUARDED,
        409: {"description": "Signed off already (a sign-off is final), or not started yet"},
    },
)
def sign_off(
    public_id: str,
    body: SignOffIn,
    principal: Mentor,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
) -> MentorshipOut:
    """The mentor signs off the mentorship: their statement and whether the goal was met."""
    signed = mentorships.sign_off(
        uow, institution=institution, principal=principal, public_id=public_id, statement=body.statement,
        outcome=body.outcome.value,
    )  # fmt: skip
    return MentorshipOut.of(signed, settings.base_url)


@router.get(
    "/mentorships/{public_id}/evidence",
    responses={
        **GUARDED,
        404: {"description": "No such mentorship, or not yours"},
        409: {"description": "Not signed off"},
    },
)
def mentorship_evidence(
    public_id: str,
    principal: MentorshipReader,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
) -> EvidenceOut:
    """The sign-off as an evidence link to hand in with an assessment submission."""
    found = mentorships.mentorship(uow, institution=institution, principal=principal, public_id=public_id)
    return EvidenceOut.of(mentorships.evidence_of(found, base_url=settings.base_url))


@router.get(
    "/achievements/{code}/blueprint",
    responses={404: {"description": "No published achievement with this code"}},
)
def get_blueprint(code: str, uow: UowDep, institution: InstitutionDep, settings: SettingsDep) -> BlueprintOut:
    """The published assessment blueprint: competencies and levels, rubric and pass rule, method,
    credits, co-designing partners, and the alignment to the EQF, ESCO and other frameworks."""
    page = blueprints.blueprint(uow, institution=institution, code=code)
    url = f"{settings.base_url.rstrip('/')}/achievements/{page.achievement_id}/blueprint"
    return BlueprintOut.of(page.blueprint, url)


@router.put("/achievements/{code}/blueprint/method", responses=GUARDED)
def set_method(
    code: str, body: MethodIn, principal: MethodSetter, uow: UowDep, institution: InstitutionDep
) -> MethodOut:
    """Set how the achievement is assessed (curriculum designers and administrators)."""
    return MethodOut.of(
        blueprints.set_method(
            uow, institution=institution, principal=principal, code=code, method=body.method()
        )
    )
