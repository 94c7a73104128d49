"""The demo's prices and orders: pay per module (with employer module prices), a bundle for the
Data Analytics certificate and one for the diploma, a monthly subscription, an employer cohort
seat price, a promo-code discount and an automatic one; then a few orders from the first demo
learners (one paid, one placed, one cancelled) and an employer's cohort order. Running the demo
again changes nothing: what exists is left as it is."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from decimal import Decimal

from credstack.domain.errors import DomainError
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution, Learner
from credstack.domain.pricing import Discount, ModelKind, PriceModel, Tier
from credstack.services import orders, pricing
from credstack.services.demo_assessment import REGISTRAR, staff
from credstack.services.identity import acting_as
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.pricing import StoredOrder

D = Decimal
EMPLOYER = "Harbourline Logistics"


def demo_models(currency: str) -> list[PriceModel]:
    return [
        PriceModel("per-module", ModelKind.PER_MODULE, "Pay per module", currency, tier=Tier.INDIVIDUAL),
        PriceModel(
            "employer-modules", ModelKind.PER_MODULE, "Employer module rate", currency, tier=Tier.EMPLOYER,
            module_prices=(("MC-DA-101", D("330.00")), ("MC-DA-102", D("380.00"))),
        ),
        PriceModel("bundle-cert-da", ModelKind.BUNDLE, "Data Analytics certificate bundle", currency, D("1290.00"),
                   pathway="CERT-DA"),
        PriceModel("bundle-dip-dbt", ModelKind.BUNDLE, "Digital Business Technology diploma bundle", currency,
                   D("4200.00"), pathway="DIP-DBT"),
        PriceModel("monthly", ModelKind.SUBSCRIPTION, "All-access monthly", currency, D("149.00"),
                   hours_per_month=D(30)),
        PriceModel("cohort-seat", ModelKind.SEAT, "Employer cohort seat", currency, D("990.00"), tier=Tier.EMPLOYER),
    ]  # fmt: skip


def demo_discounts(currency: str, today: date) -> list[Discount]:
    return [
        Discount("EARLY25", "Early enrolment", percent=D(10), promo_code="EARLY25",
                 valid_from=date(today.year, 1, 1), valid_until=date(today.year + 1, 12, 31)),
        Discount("ALUMNI50", "Alumni: 50 off each module", amount=D("50.00"), currency=currency,
                 applies_to=ModelKind.PER_MODULE),
    ]  # fmt: skip


def seed_demo_pricing(uow: UnitOfWork, institution: Institution, learners: list[Learner]) -> None:
    try:
        registrar = acting_as(uow, institution=institution, email=staff(REGISTRAR))
    except DomainError:
        return  # no registrar account: nothing to price with
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        have_models = {m.code for m in uow.pricing.models(institution_id)}
        have_discounts = {d.code for d in uow.pricing.discounts(institution_id)}
        have_orders = bool(uow.pricing.orders(institution_id, limit=1))
    for model in demo_models(institution.currency):
        if model.code not in have_models:
            try:
                pricing.save_model(uow, institution=institution, principal=registrar, model=model)
            except DomainError:
                continue  # its pathway is not in this demo
    for discount in demo_discounts(institution.currency, date.today()):
        if discount.code not in have_discounts:
            pricing.save_discount(uow, institution=institution, principal=registrar, discount=discount)
    if not have_orders:
        _demo_orders(uow, institution, registrar, learners)


def _demo_orders(
    uow: UnitOfWork, institution: Institution, registrar: Principal, learners: list[Learner]
) -> None:
    placed: list[StoredOrder] = []
    for learner in learners[:12]:
        if len(placed) == 3:
            break
        try:
            lq = pricing.learner_quote(
                uow, institution=institution, learner_email=learner.email, pathway_code="CERT-DA"
            )
        except DomainError:
            continue
        cheapest = lq.quote.cheapest
        if lq.met or cheapest is None:
            continue
        placed.append(
            orders.place_order(
                uow,
                institution=institution,
                principal=registrar,
                learner_email=learner.email,
                pathway_code="CERT-DA",
                model_code=cheapest.model.code,
            )
        )
    if placed:
        orders.change_status(uow, institution=institution, principal=registrar, public_id=placed[0].public_id,
                             status="paid", reference="DEMO-BANK-0001")  # fmt: skip
    if len(placed) > 2:
        orders.change_status(uow, institution=institution, principal=registrar, public_id=placed[2].public_id,
                             status="cancelled", note="the learner chose to wait for the next intake")  # fmt: skip
    if placed:
        with suppress(DomainError):  # no seat price in this demo
            orders.place_order(
                uow, institution=institution, principal=registrar, learner_email=placed[0].buyer,
                pathway_code="CERT-DA", model_code="cohort-seat", tier="employer", seats=12, employer=EMPLOYER,
            )  # fmt: skip
