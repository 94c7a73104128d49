"""Employers as partners: the institution's registry of partner organisations, their co-design
records, the projects they offer as assessment tasks, and mentored micro-experiences.

Only registrars, curriculum designers and administrators change the registry; the public reads
partners, co-design records and open projects. Each change is one unit of work with its audit
entry. Mentorships and their sign-off are in ``services/mentorships.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound, Problem
from credstack.domain.identity import Forbidden, Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.partners import (
    CoDesign,
    Partner,
    PartnerKind,
    Project,
    ProjectStatus,
    choice,
)
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.partners import StoredCoDesign, StoredPartner, StoredProject

MANAGERS = (Role.REGISTRAR, Role.DESIGNER)  # and administrators, who hold every role
EDITABLE = ("name", "kind", "website", "contact_name", "contact_email", "description")


def member(uow: UnitOfWork, institution: Institution, principal: Principal) -> int:
    """The institution's id, once the caller is known to act for it."""
    institution_id, _ = ensure_institution(uow, institution)
    if principal.institution_id != institution_id:
        raise Forbidden("this needs a role at this institution")
    return institution_id


def manager(uow: UnitOfWork, institution: Institution, principal: Principal) -> int:
    principal.require(*MANAGERS, scope="write")
    return member(uow, institution, principal)


def _partner(uow: UnitOfWork, institution_id: int, slug: str) -> StoredPartner:
    found = uow.partners.by_slug(institution_id, slug.strip().lower())
    if found is None:
        raise NotFound("partner", slug)
    return found


def achievement_id(uow: UnitOfWork, institution_id: int, code: str, field: str = "achievement") -> int:
    found = uow.achievements.id_for_code(institution_id, code.strip())
    if found is None:
        raise InvalidInput(Problem(field, f"there is no achievement {code!r} in the catalog"))
    return found


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInput(problems)


def partner_json(p: Partner) -> dict[str, Any]:
    """The partner as audit data and API output."""
    return {
        "slug": p.slug, "name": p.name, "kind": p.kind.value, "website": p.website,
        "contact_name": p.contact_name, "contact_email": p.contact_email, "description": p.description,
    }  # fmt: skip


# ---- the registry -----------------------------------------------------------------------------


def add_partner(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, partner: Partner
) -> StoredPartner:
    _raise(partner.validate())
    with uow:
        institution_id = manager(uow, institution, principal)
        if uow.partners.by_slug(institution_id, partner.slug) is not None:
            where = "slug" if partner.slug != Partner(partner.name).slug else "name"
            raise InvalidInput(Problem(where, f"there is already a partner {partner.slug!r}"))
        partner_id = uow.partners.add(institution_id, partner, created_by=principal.actor)
        uow.audit.record(
            actor=principal.actor, action="partner.added", subject_type="partner", subject_id=partner.slug,
            institution_id=institution_id, after=partner_json(partner), detail={"id": partner_id},
        )  # fmt: skip
        stored = _partner(uow, institution_id, partner.slug)
        uow.commit()
    return stored


def update_partner(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    slug: str,
    changes: Mapping[str, str | None],
) -> StoredPartner:
    """Change some of a partner's fields (the slug stays, so addresses and records keep working)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    _raise([Problem(k, "cannot be changed (changeable: " + ", ".join(EDITABLE) + ")") for k in unknown])
    with uow:
        institution_id = manager(uow, institution, principal)
        before = _partner(uow, institution_id, slug)
        values: dict[str, Any] = dict(changes)
        if values.get("kind") is not None:
            values["kind"] = choice(PartnerKind, str(values["kind"]), "kind")
        for required in ("name", "kind", "description"):
            if required in values and values[required] is None:
                values[required] = "" if required != "kind" else before.partner.kind
        after = replace(before.partner, **values)
        _raise(after.validate())
        if after != before.partner:
            uow.partners.update(before.id, after)
            uow.audit.record(
                actor=principal.actor, action="partner.updated", subject_type="partner", subject_id=before.partner.slug,
                institution_id=institution_id, before=partner_json(before.partner), after=partner_json(after),
            )  # fmt: skip
        stored = _partner(uow, institution_id, slug)
        uow.commit()
    return stored


def remove_partner(uow: UnitOfWork, *, institution: Institution, principal: Principal, slug: str) -> None:
    """Remove a partner that nothing refers to yet (a partner with records stays, for their history)."""
    with uow:
        institution_id = manager(uow, institution, principal)
        found = _partner(uow, institution_id, slug)
        used = {k: n for k, n in uow.partners.usage(found.id).items() if n}
        if used:
            held = ", ".join(f"{n} {k}" for k, n in used.items())
            raise InvalidTransition(f"partner {found.partner.slug!r} has {held}; it stays for their history")
        uow.partners.remove(found.id)
        uow.audit.record(
            actor=principal.actor, action="partner.removed", subject_type="partner", subject_id=found.partner.slug,
            institution_id=institution_id, before=partner_json(found.partner),
        )  # fmt: skip
        uow.commit()


@dataclass(frozen=True)
class PartnerOverview:
    stored: StoredPartner
    co_designs: list[StoredCoDesign]
    open_projects: list[StoredProject]

    @property
    def partner(self) -> Partner:
        return self.stored.partner


def partners(
    uow: UnitOfWork, *, institution: Institution, today: date | None = None
) -> list[PartnerOverview]:
    """Every partner, with what it co-designed and its projects open now (public)."""
    day = today or date.today()
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.partners.all(institution_id)
        designs = uow.partners.co_designs(institution_id)
        projects = [
            p
            for p in uow.partners.projects(institution_id, status=ProjectStatus.OPEN)
            if p.project.listed_on(day)
        ]
    return [
        PartnerOverview(
            s,
            [d for d in designs if d.co_design.partner == s.partner.slug],
            [p for p in projects if p.project.partner == s.partner.slug],
        )
        for s in found
    ]


def partner(
    uow: UnitOfWork, *, institution: Institution, slug: str, today: date | None = None
) -> PartnerOverview:
    found = next(
        (p for p in partners(uow, institution=institution, today=today) if p.partner.slug == slug), None
    )
    if found is None:
        raise NotFound("partner", slug)
    return found


# ---- co-design ----------------------------------------------------------------------------------


def add_co_design(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, co_design: CoDesign
) -> StoredCoDesign:
    problems = co_design.validate()
    with uow:
        institution_id = manager(uow, institution, principal)
        found = _partner(uow, institution_id, co_design.partner)
        target: int | None = None
        if co_design.achievement.strip():
            try:
                target = achievement_id(uow, institution_id, co_design.achievement)
            except InvalidInput as exc:
                problems += exc.problems
        _raise(problems)
        assert target is not None
        if uow.partners.co_design_exists(found.id, target, co_design.since):
            raise InvalidInput(Problem("since", "this co-design is already recorded from that date"))
        new_id = uow.partners.add_co_design(found.id, target, co_design)
        uow.audit.record(
            actor=principal.actor, action="partner.co_design_added", subject_type="partner",
            subject_id=found.partner.slug, institution_id=institution_id,
            detail={"id": new_id, "achievement": co_design.achievement, "since": co_design.since,
                    "until": co_design.until, "contribution": co_design.contribution},
        )  # fmt: skip
        stored = next(
            d for d in uow.partners.co_designs(institution_id, partner_id=found.id) if d.id == new_id
        )
        uow.commit()
    return stored


# ---- projects offered as assessment tasks -------------------------------------------------------


def add_project(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, project: Project
) -> StoredProject:
    problems = project.validate()
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.OPEN):
        problems.append(Problem("status", "a new project is draft or open"))
    with uow:
        institution_id = manager(uow, institution, principal)
        found = _partner(uow, institution_id, project.partner)
        target: int | None = None
        if project.achievement.strip():
            try:
                target = achievement_id(uow, institution_id, project.achievement)
            except InvalidInput as exc:
                problems += exc.problems
        _raise(problems)
        assert target is not None
        new_id = uow.partners.add_project(found.id, target, project)
        uow.audit.record(
            actor=principal.actor, action="partner.project_added", subject_type="project", subject_id=new_id,
            institution_id=institution_id,
            detail={"partner": found.partner.slug, "achievement": project.achievement, "title": project.title,
                    "kind": project.kind.value, "places": project.places, "opens": project.opens,
                    "closes": project.closes, "status": project.status.value},
        )  # fmt: skip
        stored = uow.partners.project(institution_id, new_id)
        uow.commit()
    assert stored is not None
    return stored


def set_project_status(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, project_id: int, status: str
) -> StoredProject:
    to = choice(ProjectStatus, status, "status")
    with uow:
        institution_id = manager(uow, institution, principal)
        found = uow.partners.project(institution_id, project_id)
        if found is None:
            raise NotFound("project", project_id)
        moved = found.project.moved(to)
        if moved.status is not found.project.status:
            uow.partners.set_project_status(found.id, to)
            uow.audit.record(
                actor=principal.actor, action="partner.project_status", subject_type="project", subject_id=found.id,
                institution_id=institution_id, before={"status": found.project.status.value},
                after={"status": to.value},
            )  # fmt: skip
        stored = uow.partners.project(institution_id, project_id)
        uow.commit()
    assert stored is not None
    return stored


def open_projects(
    uow: UnitOfWork, *, institution: Institution, today: date | None = None, achievement: str | None = None
) -> list[StoredProject]:
    """Projects learners can take up now (public), soonest closing first."""
    day = today or date.today()
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        target = achievement_id(uow, institution_id, achievement) if achievement else None
        found = uow.partners.projects(institution_id, status=ProjectStatus.OPEN, achievement_id=target)
    return [p for p in found if p.project.listed_on(day)]


def projects_of(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, slug: str
) -> list[StoredProject]:
    """Every project of a partner, whatever its status (for those who manage partners)."""
    with uow:
        institution_id = manager(uow, institution, principal)
        found = _partner(uow, institution_id, slug)
        return uow.partners.projects(institution_id, partner_id=found.id)
