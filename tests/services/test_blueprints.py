"""The published assessment blueprint on SQLite and PostgreSQL: competencies with the levels
reached and their ESCO links, the rubric and its pass rule, credits in both units, the EQF level,
co-designers from the registry and from the definition, open projects as tasks, the method that
only designers set; no blueprint for a draft."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from credstack.domain.blueprint import AssessmentMethod, AssessmentTask, AssessorKind
from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.identity import Forbidden
from credstack.domain.institution import Institution
from credstack.domain.partners import PartnerKind
from credstack.services import blueprints, partners
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.tables import audit_log
from tests.conftest import snapshot
from tests.partners_builders import (
    DATA,
    DRAFT,
    HARBOURLINE,
    PRIVACY,
    PROGRAMMING,
    TODAY,
    Cast,
    co_design,
    project,
    seed_people,
)

METHOD = AssessmentMethod(
    narrative="A debugging case from a partner's codebase, then a short code walk-through.",
    tasks=(
        AssessmentTask("Fix the failing feed", "Find and fix three seeded defects."),
        AssessmentTask("Walk-through"),
    ),
    conditions="Open book; own laptop; supervised walk-through.",
    duration="Two weeks, about 20 hours",
    assessors=(AssessorKind.FACULTY, AssessorKind.EMPLOYER),
)


@pytest.fixture
def cast(uow: UnitOfWork, institution: Institution) -> Cast:
    cast = seed_people(uow, institution)
    partners.add_partner(uow, institution=institution, principal=cast["reg"], partner=HARBOURLINE)
    partners.add_co_design(uow, institution=institution, principal=cast["reg"], co_design=co_design())
    partners.add_project(uow, institution=institution, principal=cast["reg"], project=project())
    return cast


def test_the_blueprint_of_a_published_achievement(
    uow: UnitOfWork, institution: Institution, cast: Cast
) -> None:
    blueprints.set_method(
        uow, institution=institution, principal=cast["des"], code=PROGRAMMING, method=METHOD
    )
    bp = blueprints.blueprint(uow, institution=institution, code=PROGRAMMING, today=TODAY).blueprint
    assert (bp.code, bp.eqf_level) == (PROGRAMMING, 4)
    assert [(c.code, c.level_reached, c.level_name) for c in bp.competencies] == [
        ("SD.1.1", 2, "Intermediate"),
        ("SD.1.2", 1, "Foundational"),
        ("SD.2.2", 1, "Foundational"),
    ]
    assert bp.credits is not None and (bp.credits.ects, bp.credits.credit_hours) == (Decimal(6), Decimal(3))
    assert bp.rubric is not None and len(bp.rubric.criteria) >= 3
    assert bp.pass_rule == "every criterion at 1 point or more and a weighted score of at least 50%"
    assert bp.method == METHOD
    esco = {(a.relation, a.name) for a in bp.esco_skills}
    assert esco == {("isRelatedTo", "computer programming"), ("isRelatedTo", "solve technical problems")}
    assert bp.alignments[0].url == "http://data.europa.eu/snb/eqf/4"
    # the registry's record first, then the partners the definition names that it does not hold
    assert [(d.name, d.slug, d.kind) for d in bp.co_designers] == [
        ("Harbourline Logistics", "harbourline-logistics", PartnerKind.EMPLOYER),
        ("Stonecress Software", None, None),
    ]
    assert bp.co_designers[0].contribution == "Wrote the debugging case study."
    assert [o.title for o in bp.offers] == ["Depot scanner clean-up"]


def test_an_exact_esco_match_and_no_method_yet(uow: UnitOfWork, institution: Institution, cast: Cast) -> None:
    bp = blueprints.blueprint(uow, institution=institution, code=PRIVACY, today=TODAY).blueprint
    assert [(a.relation, a.name) for a in bp.esco_skills] == [
        ("exactMatchOf", "protect personal data and privacy")
    ]
    assert bp.method is None and bp.offers == ()
    data = blueprints.blueprint(uow, institution=institution, code=DATA, today=TODAY).blueprint
    assert [d.name for d in data.co_designers] == [
        "Harbourline Logistics"
    ]  # named, not yet a co-design record


def test_no_public_blueprint_for_a_draft_or_an_unknown_code(
    uow: UnitOfWork, institution: Institution, cast: Cast
) -> None:
    with pytest.raises(NotFound):
        blueprints.blueprint(uow, institution=institution, code=DRAFT)
    with pytest.raises(NotFound):
        blueprints.blueprint(uow, institution=institution, code="NOPE")


def test_only_designers_set_the_method_and_bad_input_changes_nothing(
    uow: UnitOfWork, institution: Institution, cast: Cast, engine: Engine
) -> None:
    before = snapshot(engine)
    with pytest.raises(Forbidden, match="curriculum designer"):
        blueprints.set_method(
            uow, institution=institution, principal=cast["reg"], code=PROGRAMMING, method=METHOD
        )
    with pytest.raises(InvalidInput) as caught:
        blueprints.set_method(
            uow, institution=institution, principal=cast["des"], code=PROGRAMMING,
            method=AssessmentMethod("", assessors=()),
        )  # fmt: skip
    assert {p.location for p in caught.value.problems} == {"narrative", "assessors"}
    with pytest.raises(InvalidInput) as caught:
        blueprints.set_method(uow, institution=institution, principal=cast["des"], code="NOPE", method=METHOD)
    assert [p.location for p in caught.value.problems] == ["code"]
    assert snapshot(engine) == before
    blueprints.set_method(
        uow, institution=institution, principal=cast["des"], code=PROGRAMMING, method=METHOD
    )
    changed = AssessmentMethod("Timed test.", assessors=(AssessorKind.THIRD_PARTY,))
    blueprints.set_method(
        uow, institution=institution, principal=cast["des"], code=PROGRAMMING, method=changed
    )
    with engine.connect() as conn:
        entries = list(conn.execute(audit_log.select().where(audit_log.c.action == "blueprint.method_set")))
    assert len(entries) == 2 and entries[1].before["narrative"] == METHOD.narrative
    assert entries[1].after["assessors"] == ["third-party"]
