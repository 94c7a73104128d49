"""Pricing and orders: price models and discounts (curriculum designers, registrars,
administrators), a learner's quote under every model, and the orders ledger (a learner orders for
themselves; registrars order for anyone or an employer's cohort, record payments, cancel and
refund). Reading the price models is public; everything else needs an API token."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, UowDep
from credstack.domain.identity import Principal, Role
from credstack.domain.pricing import Discount, ModelKind, PriceModel, Tier
from credstack.services import orders, pricing

router = APIRouter(tags=["pricing and orders"])

PriceKeeper = Annotated[Principal, allow(*pricing.MANAGERS, scope="write")]
PriceReader = Annotated[Principal, allow(*pricing.MANAGERS, scope="read")]
Buyer = Annotated[Principal, allow(Role.LEARNER, Role.REGISTRAR, scope="write")]
"""A learner orders (and places or cancels) for themself; a registrar for anyone (the service decides)."""
OrderReader = Annotated[Principal, allow(Role.LEARNER, Role.REGISTRAR, scope="read")]
"""A learner reads their own quote and orders; a registrar anyone's (the route or service checks)."""
Ledger = Annotated[Principal, allow(Role.REGISTRAR, scope="read")]

GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Your roles do not allow this"},
    422: {"description": "Invalid input; each error names its field; nothing was changed"},
}
Kind = Literal["per-module", "bundle", "subscription", "employer-seat"]
TierName = Literal["individual", "employer"]
OrderStatusName = Literal["quoted", "placed", "paid", "cancelled", "refunded"]


class ModelIn(BaseModel):
    kind: Kind
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    amount: Decimal | None = Field(None, description="the bundle, the month or the seat; none for per-module")
    tier: TierName | None = Field(None, description="none: every tier; a seat price is employer tier only")
    pathway: str | None = Field(None, description="a bundle's pathway (or the one pathway the model is for)")
    includes: list[str] = Field(
        default_factory=list, description="a bundle's achievements (none: its pathway's)"
    )
    hours_per_month: Decimal | None = Field(None, description="a subscription's pace")
    module_prices: dict[str, Decimal] = Field(default_factory=dict, description="per-module: code -> price")
    active: bool = True

    def model(self, code: str) -> PriceModel:
        return PriceModel(
            code=code,
            kind=ModelKind(self.kind),
            name=self.name,
            currency=self.currency,
            amount=self.amount,
            tier=Tier(self.tier) if self.tier else None,
            pathway=self.pathway or None,
            includes=tuple(self.includes),
            hours_per_month=self.hours_per_month,
            module_prices=tuple(sorted(self.module_prices.items())),
            active=self.active,
        )


class DiscountIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    percent: Decimal | None = Field(None, description="a percentage off (more than 0, at most 100)")
    amount: Decimal | None = Field(None, description="or a fixed amount off a line, in `currency`")
    currency: str | None = None
    promo_code: str | None = Field(None, description="none: applies without a code")
    valid_from: date | None = None
    valid_until: date | None = Field(None, description="the last day it applies")
    applies_to: Kind | None = Field(None, description="one model kind; none: all")
    active: bool = True

    def discount(self, code: str) -> Discount:
        return Discount(
            code=code,
            name=self.name,
            percent=self.percent,
            amount=self.amount,
            currency=self.currency,
            promo_code=self.promo_code,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            applies_to=ModelKind(self.applies_to) if self.applies_to else None,
            active=self.active,
        )


class OrderIn(BaseModel):
    learner: str = Field(description="the learner's email (for a cohort: a learner whose plan it prices)")
    pathway: str
    model: str = Field(description="the price model's code, as the quote lists it")
    tier: TierName = "individual"
    seats: int = Field(1, ge=1, le=100_000)
    promo: str | None = None
    employer: str | None = Field(None, description="employer tier: the employer's name")
    status: Literal["placed", "quoted"] = "placed"


class StatusIn(BaseModel):
    status: OrderStatusName
    note: str = Field("", max_length=2000, description="why (required to cancel or refund)")
    reference: str | None = Field(None, max_length=200, description="paid: the payment's reference")


@router.get("/pricing/models")
def list_models(uow: UowDep, institution: InstitutionDep) -> list[dict[str, Any]]:
    """Every price model (inactive ones say so)."""
    return [pricing.model_json(m) for m in pricing.models(uow, institution=institution)]


@router.put("/pricing/models/{code}", responses=GUARDED)
def save_model(
    code: str, body: ModelIn, principal: PriceKeeper, uow: UowDep, institution: InstitutionDep
) -> dict[str, Any]:
    """Add or change a price model."""
    saved = pricing.save_model(uow, institution=institution, principal=principal, model=body.model(code))
    return pricing.model_json(saved)


@router.get("/pricing/discounts", responses=GUARDED)
def list_discounts(principal: PriceReader, uow: UowDep, institution: InstitutionDep) -> list[dict[str, Any]]:
    """Every discount with its promo code (those who keep prices)."""
    return [
        pricing.discount_json(d) for d in pricing.discounts(uow, institution=institution, principal=principal)
    ]


@router.put("/pricing/discounts/{code}", responses=GUARDED)
def save_discount(
    code: str, body: DiscountIn, principal: PriceKeeper, uow: UowDep, institution: InstitutionDep
) -> dict[str, Any]:
    """Add or change a discount."""
    saved = pricing.save_discount(
        uow, institution=institution, principal=principal, discount=body.discount(code)
    )
    return pricing.discount_json(saved)


@router.get(
    "/learners/{email}/quote", responses={**GUARDED, 404: {"description": "No such learner or pathway"}}
)
def quote(
    email: str,
    principal: OrderReader,
    uow: UowDep,
    institution: InstitutionDep,
    pathway: str,
    tier: TierName = "individual",
    seats: Annotated[int, Query(ge=1, le=100_000)] = 1,
    promo: str | None = None,
) -> dict[str, Any]:
    """The learner's cheapest completion plan of the pathway priced under every model that
    applies, the cheapest marked (the learner, or a registrar)."""
    pricing.require_learner_access(principal, email)
    lq = pricing.learner_quote(
        uow, institution=institution, learner_email=email, pathway_code=pathway, tier=Tier(tier), seats=seats,
        promo=promo,
    )  # fmt: skip
    return pricing.quote_json(lq)


@router.post("/orders", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def place_order(body: OrderIn, principal: Buyer, uow: UowDep, institution: InstitutionDep) -> dict[str, Any]:
    """Order one option of the learner's quote (priced again now)."""
    placed = orders.place_order(
        uow, institution=institution, principal=principal, learner_email=body.learner, pathway_code=body.pathway,
        model_code=body.model, tier=body.tier, seats=body.seats, promo=body.promo, employer=body.employer,
        status=body.status,
    )  # fmt: skip
    return orders.order_json(placed)


@router.get("/orders", responses=GUARDED)
def ledger(
    principal: Ledger,
    uow: UowDep,
    institution: InstitutionDep,
    status_: Annotated[OrderStatusName | None, Query(alias="status")] = None,
    since: date | None = None,
    until: date | None = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """The orders ledger, newest first (registrars); ``format=csv`` for a spreadsheet."""
    found = orders.ledger(
        uow, institution=institution, principal=principal, status=status_, since=since, until=until
    )
    if format == "csv":
        return Response(orders.ledger_csv(found), media_type="text/csv; charset=utf-8")
    return [orders.order_json(o) for o in found]


@router.get("/orders/{order_id}", responses={**GUARDED, 404: {"description": "No such order"}})
def get_order(
    order_id: str, principal: OrderReader, uow: UowDep, institution: InstitutionDep
) -> dict[str, Any]:
    """One order with its lines and status history (its learner, or a registrar)."""
    return orders.order_json(
        orders.get_order(uow, institution=institution, principal=principal, public_id=order_id)
    )


@router.post(
    "/orders/{order_id}/status",
    responses={**GUARDED, 409: {"description": "The order's status does not allow this change"}},
)
def change_status(
    order_id: str, body: StatusIn, principal: Buyer, uow: UowDep, institution: InstitutionDep
) -> dict[str, Any]:
    """Place a quoted order, record a payment (the manual provider), cancel or refund."""
    after = orders.change_status(
        uow, institution=institution, principal=principal, public_id=order_id, status=body.status, note=body.note,
        reference=body.reference,
    )  # fmt: skip
    return orders.order_json(after)
