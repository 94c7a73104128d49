"""Readable data for the partner and blueprint tests: the demo's competency framework (with its
ESCO links), three of its micro-credentials and a draft one, a learner, and the people who act
(a registrar, a designer, two employer mentors, a learner, an assessor) with principals for the
services and API tokens for the API."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date

from credstack.domain.achievement import LifecycleState
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution, Learner
from credstack.domain.partners import CoDesign, Mentorship, Partner, Project
from credstack.interop.achievements_io import ParsedAchievement
from credstack.interop.case_json import CasePackage, export_case_package
from credstack.services.catalog import import_achievements
from credstack.services.demo_data import build_demo_catalog
from credstack.services.frameworks import import_framework
from credstack.services.identity import add_user, issue_token
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork

PROGRAMMING = (
    "MC-SD-101"  # aligned to SD.1.1 (ESCO: computer programming) and SD.2.2 (solve technical problems)
)
DATA = "MC-DA-101"  # named partner: Harbourline Logistics
PRIVACY = "MC-PP-101"  # PP.1.1 is an exact match of an ESCO skill
DRAFT = "MC-DRAFT-1"
TODAY = date(2026, 3, 10)

PEOPLE = {
    "reg": ("registrar",),
    "des": ("curriculum-designer",),
    "ines": ("employer",),  # mentor at Harbourline
    "omar": ("employer",),  # mentor at Stonecress
    "ada": ("learner",),
    "ann": ("assessor",),
}


def email(name: str) -> str:
    return f"{name}@example.org"


@dataclass
class Cast:
    institution: Institution
    principals: dict[str, Principal] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Principal:
        return self.principals[name]

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def seed_catalog(uow: UnitOfWork, institution: Institution) -> None:
    catalog = build_demo_catalog(learner_count=0)
    package = export_case_package(CasePackage(catalog.framework))
    import_framework(
        uow, institution=institution, data=json.dumps(package).encode(), filename="framework.json", actor="t"
    )
    chosen = [catalog.achievement(code) for code in (PROGRAMMING, DATA, PRIVACY)]
    draft = replace(chosen[0], code=DRAFT, name="Programming (next version)", state=LifecycleState.DRAFT)
    import_achievements(
        uow, institution=institution, parsed=[ParsedAchievement("t", a) for a in [*chosen, draft]], actor="t"
    )


def seed_people(uow: UnitOfWork, institution: Institution, *, tokens: bool = False) -> Cast:
    seed_catalog(uow, institution)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        uow.learners.add(institution_id, Learner(email("ada"), "Ada Lovelace"))
        uow.commit()
    cast = Cast(institution)
    for name, roles in PEOPLE.items():
        user_id, granted = add_user(
            uow, institution=institution, email=email(name), name=name.title(), roles=list(roles), actor="t"
        )
        cast.principals[name] = Principal(user_id, email(name), name.title(), institution_id, granted)
        if tokens:
            cast.tokens[name] = issue_token(
                uow, institution=institution, email=email(name), name="t", actor="t"
            ).secret
    return cast


HARBOURLINE = Partner(
    "Harbourline Logistics",
    website="https://harbourline.example",
    contact_name="Ines Varga",
    contact_email="ines@example.org",
    description="Port and road logistics.",
)
STONECRESS = Partner("Stonecress Software", website="https://stonecress.example")


def co_design(partner: str = "harbourline-logistics", achievement: str = PROGRAMMING) -> CoDesign:
    return CoDesign(partner, achievement, "Wrote the debugging case study.", date(2025, 9, 1))


def project(
    partner: str = "harbourline-logistics", achievement: str = PROGRAMMING, **changes: object
) -> Project:
    base = Project(
        partner,
        achievement,
        "Depot scanner clean-up",
        "Two weeks with the operations team fixing the scanner feed.",
        date(2026, 3, 1),
        date(2026, 4, 30),
        places=3,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def mentorship(mentor: str = "ines", partner: str = "harbourline-logistics", **changes: object) -> Mentorship:
    base = Mentorship(
        partner=partner,
        mentor_name=mentor.title(),
        mentor_email=email(mentor),
        learner_email=email("ada"),
        goal="Profile a week of depot scan data",
        starts=date(2026, 3, 2),
        ends=date(2026, 3, 20),
        hours=24,
        achievement=PROGRAMMING,
    )
    return replace(base, **changes)  # type: ignore[arg-type]
