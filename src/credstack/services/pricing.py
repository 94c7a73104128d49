"""Price models and discounts (kept by curriculum designers, registrars and administrators), and a
learner's quote: the achievements their cheapest completion plan still needs, priced under every
model that applies, the cheapest marked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.identity import Forbidden, Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.pricing import Discount, Item, ModelKind, PriceModel, Quote, Tier, quote
from credstack.services.institutions import ensure_institution
from credstack.services.pathway_views import plan_for_learner
from credstack.services.stacking import stored_pathway
from credstack.services.unit_of_work import UnitOfWork

MANAGERS = (Role.DESIGNER, Role.REGISTRAR)  # and administrators, who hold every role


def _now() -> datetime:
    return datetime.now(UTC)


def member(uow: UnitOfWork, institution: Institution, principal: Principal) -> int:
    institution_id, _ = ensure_institution(uow, institution)
    if principal.institution_id != institution_id:
        raise Forbidden("this needs a role at this institution")
    return institution_id


def models(uow: UnitOfWork, *, institution: Institution) -> list[PriceModel]:
    """Every price model, active or not (prices are public: the catalog shows them)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return uow.pricing.models(institution_id)


def discounts(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> list[Discount]:
    """Every discount, with its promo code (managers only: codes are not public)."""
    principal.require(*MANAGERS, scope="read")
    with uow:
        return uow.pricing.discounts(member(uow, institution, principal))


def pathway_components(uow: UnitOfWork, institution_id: int, code: str) -> tuple[str, ...]:
    """The achievements the pathway's newest version names, sub-pathways' included."""
    versions = uow.pathways.versions(institution_id, code)
    if not versions:
        raise InvalidInput(Problem("pathway", f"there is no pathway {code!r}"))
    found: list[str] = []
    seen = {code}
    queue = [versions[-1]]
    while queue:
        current = queue.pop(0)
        for node in stored_pathway(current).nodes():
            if node.type == "pathway" and node.achievement:
                sub = next(
                    (p for p in uow.pathways.latest(institution_id) if p.awards_code == node.achievement),
                    None,
                )
                if sub is not None and sub.code not in seen:
                    seen.add(sub.code)
                    queue.append(sub)
            elif node.type == "achievement" and node.achievement and node.achievement not in found:
                found.append(node.achievement)
    return tuple(found)


def save_model(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, model: PriceModel
) -> PriceModel:
    """Add a price model or change one (by code). A bundle that lists nothing includes every
    achievement of its pathway."""
    principal.require(*MANAGERS, scope="write")
    with uow:
        institution_id = member(uow, institution, principal)
        if model.kind is ModelKind.BUNDLE and model.pathway and not model.includes:
            model = replace(model, includes=pathway_components(uow, institution_id, model.pathway))
        model.check()
        problems = []
        if model.pathway and not uow.pathways.versions(institution_id, model.pathway):
            problems.append(Problem("pathway", f"there is no pathway {model.pathway!r}"))
        for i, code in enumerate(model.includes):
            if uow.achievements.id_for_code(institution_id, code) is None:
                problems.append(Problem(f"includes[{i}]", f"there is no achievement {code!r}"))
        for code, _ in model.module_prices:
            if uow.achievements.id_for_code(institution_id, code) is None:
                problems.append(Problem(f"module_prices.{code}", f"there is no achievement {code!r}"))
        if problems:
            raise InvalidInput(problems)
        before = uow.pricing.model(institution_id, model.code)
        uow.pricing.save_model(institution_id, model, by=principal.actor, at=_now())
        uow.audit.record(
            actor=principal.actor,
            action="pricing.model." + ("added" if before is None else "changed"),
            subject_type="price-model",
            subject_id=model.code,
            institution_id=institution_id,
            before=model_json(before) if before else None,
            after=model_json(model),
        )
        uow.commit()
    return model


def save_discount(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, discount: Discount
) -> Discount:
    """Add a discount or change one (by code)."""
    principal.require(*MANAGERS, scope="write")
    discount.check()
    with uow:
        institution_id = member(uow, institution, principal)
        before = uow.pricing.discount(institution_id, discount.code)
        uow.pricing.save_discount(institution_id, discount, by=principal.actor, at=_now())
        uow.audit.record(
            actor=principal.actor,
            action="pricing.discount." + ("added" if before is None else "changed"),
            subject_type="discount",
            subject_id=discount.code,
            institution_id=institution_id,
            before=discount_json(before) if before else None,
            after=discount_json(discount),
        )
        uow.commit()
    return discount


@dataclass(frozen=True)
class LearnerQuote:
    learner_email: str
    learner_name: str
    pathway: str
    pathway_name: str
    met: bool  # the learner already meets the pathway: nothing to buy
    completable: bool  # False when even the whole catalogue cannot complete it
    quote: Quote


def learner_quote(
    uow: UnitOfWork,
    *,
    institution: Institution,
    learner_email: str,
    pathway_code: str,
    tier: Tier = Tier.INDIVIDUAL,
    seats: int = 1,
    promo: str | None = None,
    as_of: date | None = None,
) -> LearnerQuote:
    """The learner's cheapest completion plan (by price) priced under every model."""
    as_of = as_of or date.today()
    plan = plan_for_learner(
        uow,
        institution=institution,
        learner_email=learner_email,
        pathway_code=pathway_code,
        metric="price",
        as_of=as_of,
    )
    needed = plan.plans[0].achievements if plan.plans else ()
    items = []
    for code in needed:
        offer = plan.offers.get(code)
        price = offer.price.amount if offer and offer.price else None
        if offer and offer.price and offer.price.currency != plan.currency:
            price = None  # priced in another currency: the per-module model cannot use it
        hours = Decimal(offer.hours) if offer and offer.hours is not None else None
        items.append(Item(code, offer.name if offer else code, price, hours))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        stored_models = uow.pricing.models(institution_id)
        stored_discounts = uow.pricing.discounts(institution_id)
    q = quote(
        needed=items,
        models=stored_models,
        discounts=stored_discounts,
        tier=tier,
        seats=seats,
        currency=plan.currency,
        as_of=as_of,
        pathway=pathway_code,
        promo=promo,
    )
    audit = plan.audit
    return LearnerQuote(
        plan.learner.email,
        plan.learner.name,
        pathway_code,
        audit.pathway.name,
        audit.met,
        bool(plan.plans),
        q,
    )


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def model_json(m: PriceModel) -> dict[str, Any]:
    return {
        "code": m.code,
        "kind": m.kind.value,
        "name": m.name,
        "tier": m.tier.value if m.tier else None,
        "currency": m.currency,
        "amount": money(m.amount),
        "pathway": m.pathway,
        "includes": list(m.includes),
        "hours_per_month": money(m.hours_per_month),
        "module_prices": {k: money(v) for k, v in m.module_prices},
        "active": m.active,
        "description": m.describe(),
    }


def discount_json(d: Discount) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "percent": money(d.percent),
        "amount": money(d.amount),
        "currency": d.currency,
        "promo_code": d.promo_code,
        "valid_from": d.valid_from.isoformat() if d.valid_from else None,
        "valid_until": d.valid_until.isoformat() if d.valid_until else None,
        "applies_to": d.applies_to.value if d.applies_to else None,
        "active": d.active,
        "description": d.describe(),
    }


def quote_json(lq: LearnerQuote) -> dict[str, Any]:
    q = lq.quote
    return {
        "learner": lq.learner_email,
        "pathway": lq.pathway,
        "pathway_name": lq.pathway_name,
        "met": lq.met,
        "completable": lq.completable,
        "tier": q.tier.value,
        "seats": q.seats,
        "currency": q.currency,
        "as_of": q.as_of.isoformat(),
        "needed": [
            {"achievement": i.code, "name": i.name, "price": money(i.price), "hours": money(i.hours)}
            for i in q.needed
        ],
        "options": [
            {
                "model": o.model.code,
                "kind": o.model.kind.value,
                "name": o.model.name,
                "applies": o.applies,
                "reason": o.reason,
                "note": o.note,
                "total": money(o.total),
                "discount": money(o.discount),
                "cheapest": o.cheapest,
                "lines": [
                    {
                        "item": ln.item,
                        "description": ln.description,
                        "quantity": ln.quantity,
                        "unit_price": money(ln.unit_price),
                        "subtotal": money(ln.subtotal),
                        "discount": money(ln.discount),
                        "discount_code": ln.discount_code,
                        "total": money(ln.total),
                    }
                    for ln in o.lines
                ],
            }
            for o in q.options
        ],
        "cheapest": q.cheapest.model.code if q.cheapest else None,
    }


def require_learner_access(principal: Principal, learner_email: str) -> None:
    """A learner sees their own quote; registrars (and administrators) anyone's."""
    if principal.email.strip().lower() == learner_email.strip().lower() and principal.has(Role.LEARNER):
        principal.require(Role.LEARNER, scope="read")
        return
    principal.require(Role.REGISTRAR, scope="read")
