"""A small priced catalog for the pricing, orders and registrar tests: four data-analytics
micro-credentials of the demo catalog (without their framework alignments and rubrics, to keep
set-up fast), the certificate they stack into, the CERT-DA pathway, and people in each role."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine

from credstack.domain.identity import Principal
from credstack.domain.pricing import ModelKind, PriceModel, Tier
from credstack.interop.achievements_io import ParsedAchievement
from credstack.services import pricing
from credstack.services.catalog import import_achievements
from credstack.services.demo_data import build_demo_catalog
from credstack.services.identity import acting_as, add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest
from credstack.services.stacking import issue_and_stack, save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

ADA = "ada@example.org"
PASSWORD = "correct horse battery"  # every test user's
CODES = ("MC-DA-101", "MC-DA-102", "MC-DA-201", "MC-DA-202", "CERT-DA")
CERT_DA = b"""
id: CERT-DA
name: Certificate in Applied Data Analytics
awards: CERT-DA
requires:
  all:
    - achievement: MC-DA-101
    - achievement: MC-DA-102
    - n_of:
        n: 1
        of:
          - achievement: MC-DA-201
          - achievement: MC-DA-202
"""
PEOPLE = (
    (ADA, "learner"),
    ("reg@example.edu", "registrar"),
    ("des@example.edu", "curriculum-designer"),
    ("boss@example.com", "employer"),
)
MODELS = (
    PriceModel("modules", ModelKind.PER_MODULE, "Pay per module", "EUR"),
    PriceModel(
        "da-bundle", ModelKind.BUNDLE, "Data analytics bundle", "EUR", Decimal("500.00"), pathway="CERT-DA"
    ),
    PriceModel(
        "monthly", ModelKind.SUBSCRIPTION, "Monthly", "EUR", Decimal("150.00"), hours_per_month=Decimal(40)
    ),
    PriceModel("seat", ModelKind.SEAT, "Cohort seat", "EUR", Decimal("600.00"), tier=Tier.EMPLOYER),
)


def settings_for(engine: Engine, **extra: Any) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="price",
        institution_name="Pricing Test College",
        base_url="https://credstack.test",
        **extra,
    )


@cache
def _password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)  # once: argon2 is slow on purpose


def seed_small(engine: Engine, settings: Settings, *, passwords: bool = False) -> dict[str, Principal]:
    """The catalog, the pathway and one user per role (by role), with PASSWORD when asked."""
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    catalog = build_demo_catalog(learner_count=0)
    chosen = [replace(a, alignments=[], rubric=None) for a in catalog.achievements if a.code in CODES]
    import_achievements(
        uow, institution=institution, parsed=[ParsedAchievement(f"t {a.code}", a) for a in chosen], actor="t"
    )
    save_pathway(uow, institution=institution, data=CERT_DA, filename="cert-da.yaml", actor="t")
    people = {}
    for email, role in PEOPLE:
        add_user(
            uow,
            institution=institution,
            email=email,
            name=email.split("@")[0].title(),
            roles=[role],
            actor="t",
        )
        if passwords:
            with uow:
                user = uow.identity.user_by_email(email)
                assert user is not None
                uow.identity.set_password(user.id, _password_hash())
                uow.commit()
        people[role] = acting_as(uow, institution=institution, email=email)
    return people


def earn(
    engine: Engine, settings: Settings, *codes: str, email: str = ADA, name: str = "Ada Lovelace"
) -> list[str]:
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    return [
        issue_and_stack(
            uow,
            settings=settings,
            institution=institution,
            actor="t",
            request=IssueRequest(code, email, name),
        ).award.public_id
        for code in codes
    ]


def price_models(engine: Engine, settings: Settings, principal: Principal) -> None:
    uow = UnitOfWork(engine)
    for model in MODELS:
        pricing.save_model(
            uow, institution=institution_from_settings(settings), principal=principal, model=model
        )
