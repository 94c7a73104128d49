"""The published assessment blueprint of an achievement, and the assessment method designers
keep for it.

A blueprint is public for a published achievement (and for a retired one, marked so, because
credentials already issued point at it); any other achievement has none to show. It is put
together from the definition (competencies and levels, rubric and pass rule, EQF level, credits
converted with the institution's table), the assessment method, the partner registry's
co-design records and open projects, and the competencies' links to external frameworks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from credstack.domain.achievement import CreditConversion
from credstack.domain.blueprint import (
    PUBLIC_STATES,
    AssessmentMethod,
    Blueprint,
    BlueprintCompetency,
    CoDesigner,
    Credits,
    ExternalAlignment,
    TaskOffer,
)
from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.partners import ProjectStatus
from credstack.services.institutions import ensure_institution
from credstack.services.partners import achievement_id, member
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.achievements import StoredAchievement


@dataclass(frozen=True)
class BlueprintPage:
    """The blueprint with what its page links to: the achievement's row id."""

    achievement_id: int
    blueprint: Blueprint


def _credits(stored: StoredAchievement, conversion: CreditConversion) -> Credits | None:
    value = stored.achievement.credits
    if value is None:
        return None
    return Credits(conversion.ects(value), conversion.credit_hours(value), value.unit.value)


def _assemble(uow: UnitOfWork, institution_id: int, conversion: CreditConversion, stored: StoredAchievement,
              today: date) -> Blueprint:  # fmt: skip
    a = stored.achievement
    links = uow.blueprints.external_links(al.row for al in stored.aligned)
    competencies = tuple(
        BlueprintCompetency(
            code=al.row.competency.code,
            statement=al.row.competency.statement,
            uri=al.row.competency.uri,
            level_reached=al.level_reached,
            framework=al.row.framework_identifier,
            external=tuple(links.get(al.row.id, [])),
            identifier=al.row.competency.identifier,
        )
        for al in stored.aligned
    )
    designers: list[CoDesigner] = []
    for d in uow.partners.co_designs(institution_id, achievement_id=stored.id):
        p = uow.partners.by_slug(institution_id, d.co_design.partner)
        assert p is not None
        designers.append(
            CoDesigner(
                p.partner.name, p.partner.slug, p.partner.kind, p.partner.website, d.co_design.contribution,
                d.co_design.since, d.co_design.until,
            )
        )  # fmt: skip
    known = {d.name.casefold() for d in designers}
    designers += [CoDesigner(name) for name in a.employer_partners if name.casefold() not in known]
    offers = tuple(
        TaskOffer(p.id, p.partner_name, p.project.title, p.project.kind, p.project.places, p.project.closes)
        for p in uow.partners.projects(institution_id, achievement_id=stored.id, status=ProjectStatus.OPEN)
        if p.project.listed_on(today)
    )
    return Blueprint(
        code=a.code,
        name=a.name,
        kind=a.kind,
        state=a.state,
        description=a.description,
        criteria=a.criteria,
        eqf_level=a.level,
        credits=_credits(stored, conversion),
        expected_hours=a.expected_hours,
        competencies=competencies,
        rubric=a.rubric,
        method=uow.blueprints.method(stored.id),
        co_designers=tuple(designers),
        offers=offers,
        next_review=a.next_review,
    )


def blueprint(
    uow: UnitOfWork,
    *,
    institution: Institution,
    code: str | None = None,
    achievement: int | None = None,
    today: date | None = None,
) -> BlueprintPage:
    """The public blueprint of the achievement with ``code`` (or row id ``achievement``)."""
    with uow:
        institution_id, profile = ensure_institution(uow, institution)
        row_id = uow.achievements.id_for_code(institution_id, code) if code is not None else achievement
        stored = uow.achievements.get(row_id) if row_id is not None else None
        if stored is None or stored.achievement.state not in PUBLIC_STATES:
            raise NotFound("published achievement", code if code is not None else achievement)
        if (
            code is None
            and uow.achievements.id_for_code(institution_id, stored.achievement.code) != stored.id
        ):
            raise NotFound("published achievement", achievement)  # another institution's
        return BlueprintPage(
            stored.id, _assemble(uow, institution_id, profile.conversion, stored, today or date.today())
        )


def set_method(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, code: str, method: AssessmentMethod
) -> AssessmentMethod:
    """Set how an achievement is assessed (curriculum designers and administrators)."""
    principal.require(Role.DESIGNER, scope="write")
    problems = method.validate()
    if problems:
        raise InvalidInput(problems)
    with uow:
        institution_id = member(uow, institution, principal)
        target = achievement_id(uow, institution_id, code, field="code")
        before = uow.blueprints.method(target)
        if before != method:
            uow.blueprints.set_method(target, method, by=principal.actor, at=datetime.now(UTC))
            uow.audit.record(
                actor=principal.actor, action="blueprint.method_set", subject_type="achievement", subject_id=code,
                institution_id=institution_id, before=method_json(before) if before else None,
                after=method_json(method),
            )  # fmt: skip
        stored = uow.blueprints.method(target)
        uow.commit()
    assert stored is not None
    return stored


def method_json(m: AssessmentMethod) -> dict[str, Any]:
    return {
        "narrative": m.narrative,
        "tasks": [{"title": t.title, "description": t.description} for t in m.tasks],
        "conditions": m.conditions,
        "duration": m.duration,
        "assessors": [a.value for a in m.assessors],
    }


TARGET_TYPES = {"EQF": "ext:EQFLevel", "ESCO": "ext:ESCOSkill"}


def alignment_json(a: ExternalAlignment) -> dict[str, Any]:
    """An external target in the shape of an Open Badges 3.0 ``Alignment``, with the CASE
    association type it comes from as ``relation``."""
    out: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": a.name,
        "targetUrl": a.url,
        "targetFramework": a.framework,
        "targetType": TARGET_TYPES.get(a.framework, "CFItem"),
        "relation": a.relation,
    }
    if a.code is not None:
        out["targetCode"] = a.code
    return out
