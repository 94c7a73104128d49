"""The demo's partners on SQLite and PostgreSQL: employers with co-design records, open
micro-internships, blueprint methods and two mentorships (one signed off); seeding twice adds nothing."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from credstack.domain.institution import Institution, Learner
from credstack.interop.achievements_io import ParsedAchievement
from credstack.interop.case_json import CasePackage, export_case_package
from credstack.services import blueprints, partners
from credstack.services.catalog import import_achievements
from credstack.services.demo_data import build_demo_catalog
from credstack.services.demo_partners import MENTOR, seed_demo_partners
from credstack.services.frameworks import import_framework
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from tests.conftest import snapshot


def test_demo_partners_are_seeded_once(uow: UnitOfWork, institution: Institution, engine: Engine) -> None:
    catalog = build_demo_catalog(learner_count=2)
    package = json.dumps(export_case_package(CasePackage(catalog.framework))).encode()
    import_framework(uow, institution=institution, data=package, filename="f.json", actor="t")
    import_achievements(
        uow,
        institution=institution,
        parsed=[ParsedAchievement("t", a) for a in catalog.achievements],
        actor="t",
    )
    learners: list[Learner] = catalog.learners
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        uow.learners.add_many(institution_id, learners)
        uow.commit()
    seed_demo_partners(uow, institution, learners)
    before = snapshot(engine)
    seed_demo_partners(uow, institution, learners)
    assert snapshot(engine) == before
    found = partners.partners(uow, institution=institution)
    assert [p.partner.name for p in found] == [
        "Harbourline Logistics",
        "Quillmere Insurance",
        "Stonecress Software",
    ]
    assert sum(len(p.co_designs) for p in found) == 7
    assert len(partners.open_projects(uow, institution=institution)) == 3
    with uow:
        held = uow.partners.mentorships(institution_id)
    assert len(held) == 2
    signed = [m for m in held if m.mentorship.sign_off]
    assert [m.mentorship.mentor_email for m in signed] == [MENTOR[1]]
    bp = blueprints.blueprint(uow, institution=institution, code="MC-DA-101").blueprint
    assert bp.method is not None and bp.co_designers[0].slug == "harbourline-logistics"
    assert [o.title for o in bp.offers] == ["Depot scan data clean-up"]
