"""The orders ledger: what was bought, by whom, under which price model, and each change of an
order's status (append-only history, each with its audit entry).

A learner places an order for their own quote; a registrar places one for any learner, or for an
employer's cohort (employer tier, N seats). Payment is an integration point: a ``PaymentProvider``
confirms a payment and returns its reference; the ``manual`` provider is a registrar recording a
payment made elsewhere (a bank transfer, an invoice paid). Cancelling and refunding are a
registrar's too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.pricing import OrderStatus, Tier, check_transition, choice, draft_order
from credstack.services.pricing import learner_quote, member, money
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.pricing import StoredOrder


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Payment:
    provider: str
    reference: str


class PaymentProvider(Protocol):
    """Confirms that an order was paid, and says by which reference the provider knows it."""

    name: str

    def confirm(self, order: StoredOrder, *, by: str, reference: str | None) -> Payment: ...


class ManualPayment:
    """A registrar records a payment made outside credstack; the reference is theirs (a bank
    transaction id, an invoice number), or one is made from the order's id."""

    name = "manual"

    def confirm(self, order: StoredOrder, *, by: str, reference: str | None) -> Payment:
        ref = (reference or "").strip() or f"manual-{order.public_id[:8]}"
        return Payment(self.name, ref)


PROVIDERS: dict[str, PaymentProvider] = {"manual": ManualPayment()}


def place_order(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    learner_email: str,
    pathway_code: str,
    model_code: str,
    tier: str = "individual",
    seats: int = 1,
    promo: str | None = None,
    employer: str | None = None,
    status: str = "placed",
    as_of: date | None = None,
) -> StoredOrder:
    """Quote the learner's plan again (prices may have changed) and record the order for the chosen
    model as ``placed`` (or ``quoted``: a quote kept for later). An employer's cohort order names
    the employer and a learner of the cohort whose plan it prices."""
    email = learner_email.strip().lower()
    chosen = choice(Tier, tier, "tier")
    wanted = choice(OrderStatus, status, "status")
    if wanted not in (OrderStatus.PLACED, OrderStatus.QUOTED):
        raise InvalidInput(Problem("status", "a new order is placed, or quoted"))
    own = principal.email.strip().lower() == email and principal.has(Role.LEARNER)
    if own and chosen is Tier.INDIVIDUAL and not employer:
        principal.require(Role.LEARNER, scope="write")
    else:
        principal.require(Role.REGISTRAR, scope="write")
    if chosen is Tier.EMPLOYER and not (employer or "").strip():
        raise InvalidInput(Problem("employer", "an employer-tier order names the employer"))
    lq = learner_quote(
        uow,
        institution=institution,
        learner_email=email,
        pathway_code=pathway_code,
        tier=chosen,
        seats=seats,
        promo=promo,
        as_of=as_of,
    )
    if lq.met:
        raise InvalidInput(
            Problem("pathway", f"{email} already meets {pathway_code}: there is nothing to buy")
        )
    buyer_kind, buyer = (
        ("employer", (employer or "").strip()) if chosen is Tier.EMPLOYER else ("learner", email)
    )
    draft = draft_order(lq.quote, model_code, buyer_kind=buyer_kind, buyer=buyer, pathway=pathway_code)
    with uow:
        institution_id = member(uow, institution, principal)
        found = uow.learners.by_email(institution_id, email)
        learner_id = found[0] if found else None
        public_id = uow.pricing.add_order(
            institution_id,
            draft,
            learner_id=learner_id,
            status=wanted.value,
            by=principal.actor,
            at=_now(),
            note=f"{wanted.value} from the quote of {lq.quote.as_of.isoformat()}",
        )
        uow.audit.record(
            actor=principal.actor,
            action=f"order.{wanted.value}",
            subject_type="order",
            subject_id=public_id,
            institution_id=institution_id,
            detail={
                "buyer": buyer,
                "learner": email,
                "pathway": pathway_code,
                "model": model_code,
                "total": money(draft.total),
                "currency": draft.currency,
            },
        )
        uow.commit()
        stored = uow.pricing.order(institution_id, public_id)
    assert stored is not None
    return stored


def _own(principal: Principal, order: StoredOrder) -> bool:
    return order.buyer_kind == "learner" and order.buyer == principal.email.strip().lower()


def get_order(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, public_id: str
) -> StoredOrder:
    """One order with its lines and history: its learner's, or any for a registrar."""
    with uow:
        institution_id = member(uow, institution, principal)
        found = uow.pricing.order(institution_id, public_id)
    if found is None:
        raise NotFound("order", public_id)
    if not _own(principal, found):
        principal.require(Role.REGISTRAR, scope="read")
    return found


def change_status(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    public_id: str,
    status: str,
    note: str = "",
    reference: str | None = None,
    provider: PaymentProvider | None = None,
) -> StoredOrder:
    """Move an order on: ``placed`` (a quote placed), ``paid`` (through the payment provider,
    manual by default), ``cancelled`` or ``refunded``. A learner may place or cancel their own
    unpaid order; everything else is a registrar's."""
    wanted = choice(OrderStatus, status, "status")
    with uow:
        institution_id = member(uow, institution, principal)
        order = uow.pricing.order(institution_id, public_id)
        if order is None:
            raise NotFound("order", public_id)
        learner_may = wanted in (OrderStatus.PLACED, OrderStatus.CANCELLED) and _own(principal, order)
        if learner_may and principal.has(Role.LEARNER):
            principal.require(Role.LEARNER, scope="write")
        else:
            principal.require(Role.REGISTRAR, scope="write")
        check_transition(OrderStatus(order.status), wanted)
        payment = None
        if wanted is OrderStatus.PAID:
            payment = (provider or PROVIDERS["manual"]).confirm(
                order, by=principal.actor, reference=reference
            )
        if wanted in (OrderStatus.CANCELLED, OrderStatus.REFUNDED) and not note.strip():
            raise InvalidInput(
                Problem("note", f"say why the order is {wanted.value}: it goes into its history")
            )
        at = _now()
        uow.pricing.set_status(
            order.id,
            status=wanted.value,
            at=at,
            provider=payment.provider if payment else None,
            reference=payment.reference if payment else None,
        )
        text = note.strip() or (f"paid: {payment.provider} {payment.reference}" if payment else wanted.value)
        uow.pricing.add_event(order.id, status=wanted.value, actor=principal.actor, note=text, at=at)
        uow.audit.record(
            actor=principal.actor,
            action=f"order.{wanted.value}",
            subject_type="order",
            subject_id=public_id,
            institution_id=institution_id,
            before={"status": order.status},
            after={
                "status": wanted.value,
                "payment_provider": payment.provider if payment else order.payment_provider,
                "payment_reference": payment.reference if payment else order.payment_reference,
            },
            detail={"note": text},
        )
        uow.commit()
        after = uow.pricing.order(institution_id, public_id)
    assert after is not None
    return after


def _day(value: str | date | None, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(Problem(field, f"{value!r} is not a date (YYYY-MM-DD)")) from None


def ledger(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    status: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> list[StoredOrder]:
    """Every order, newest first (registrars): by status, and by the day it was made."""
    principal.require(Role.REGISTRAR, scope="read")
    if status:
        choice(OrderStatus, status, "status")
    start, end = _day(since, "since"), _day(until, "until")
    with uow:
        institution_id = member(uow, institution, principal)
        return uow.pricing.orders(institution_id, status=status or None, since=start, until=end)


def my_orders(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> list[StoredOrder]:
    """The signed-in learner's own orders."""
    with uow:
        institution_id = member(uow, institution, principal)
        found = uow.learners.by_email(institution_id, principal.email.strip().lower())
        return uow.pricing.orders(institution_id, learner_id=found[0]) if found else []


LEDGER_COLUMNS = (
    "order_id", "created_at", "updated_at", "status", "buyer_kind", "buyer", "tier", "pathway",
    "model", "model_kind", "currency", "total", "payment_provider", "payment_reference", "created_by",
)  # fmt: skip


def ledger_csv(found: list[StoredOrder]) -> str:
    """One row per order (its lines are in the API and on the order's page)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LEDGER_COLUMNS)
    for o in found:
        writer.writerow(
            [
                o.public_id,
                o.created_at.isoformat(),
                o.updated_at.isoformat(),
                o.status,
                o.buyer_kind,
                o.buyer,
                o.tier,
                o.pathway or "",
                o.model_code,
                o.model_kind,
                o.currency,
                money(o.total),
                o.payment_provider or "",
                o.payment_reference or "",
                o.created_by,
            ]
        )
    return out.getvalue()


def order_json(o: StoredOrder) -> dict[str, Any]:
    return {
        "id": o.public_id,
        "status": o.status,
        "buyer_kind": o.buyer_kind,
        "buyer": o.buyer,
        "tier": o.tier,
        "pathway": o.pathway,
        "model": o.model_code,
        "model_kind": o.model_kind,
        "currency": o.currency,
        "total": money(o.total),
        "payment_provider": o.payment_provider,
        "payment_reference": o.payment_reference,
        "created_by": o.created_by,
        "created_at": o.created_at.isoformat(),
        "updated_at": o.updated_at.isoformat(),
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
        "history": [
            {"status": e.status, "actor": e.actor, "note": e.note, "at": e.at.isoformat()} for e in o.history
        ],
    }
