"""Price models, discounts, and the orders ledger: orders, their lines, and the append-only
history of each order's status."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from credstack.domain.pricing import Discount, Line, ModelKind, OrderDraft, PriceModel, Tier
from credstack.store.tables import discounts, order_events, order_lines, orders, price_models


def _plain(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(format(value.normalize(), "f"))


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _model(r: Any) -> PriceModel:
    return PriceModel(
        code=r.code,
        kind=ModelKind(r.kind),
        name=r.name,
        currency=r.currency,
        amount=None if r.amount is None else _money(r.amount),
        tier=Tier(r.tier) if r.tier else None,
        pathway=r.pathway_code,
        includes=tuple(r.includes),
        hours_per_month=_plain(r.hours_per_month),
        module_prices=tuple((k, Decimal(v)) for k, v in sorted(r.module_prices.items())),
        active=r.active,
    )


def _model_columns(m: PriceModel) -> dict[str, Any]:
    return {
        "kind": m.kind.value,
        "name": m.name,
        "tier": m.tier.value if m.tier else None,
        "currency": m.currency,
        "amount": m.amount,
        "pathway_code": m.pathway,
        "includes": list(m.includes),
        "hours_per_month": m.hours_per_month,
        "module_prices": {k: str(v) for k, v in m.module_prices},
        "active": m.active,
    }


def _discount(r: Any) -> Discount:
    return Discount(
        code=r.code,
        name=r.name,
        percent=_plain(r.percent),
        amount=None if r.amount is None else _money(r.amount),
        currency=r.currency,
        promo_code=r.promo_code,
        valid_from=r.valid_from,
        valid_until=r.valid_until,
        applies_to=ModelKind(r.applies_to) if r.applies_to else None,
        active=r.active,
    )


def _discount_columns(d: Discount) -> dict[str, Any]:
    return {
        "name": d.name,
        "percent": d.percent,
        "amount": d.amount,
        "currency": d.currency,
        "promo_code": d.promo_code,
        "valid_from": d.valid_from,
        "valid_until": d.valid_until,
        "applies_to": d.applies_to.value if d.applies_to else None,
        "active": d.active,
    }


@dataclass(frozen=True)
class OrderEvent:
    status: str
    actor: str
    note: str
    at: datetime


@dataclass(frozen=True)
class StoredOrder:
    id: int
    public_id: str
    buyer_kind: str
    buyer: str
    learner_id: int | None
    tier: str
    model_code: str
    model_kind: str
    pathway: str | None
    currency: str
    total: Decimal
    status: str
    payment_provider: str | None
    payment_reference: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    lines: tuple[Line, ...] = ()
    history: tuple[OrderEvent, ...] = ()


class PricingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- price models

    def models(self, institution_id: int) -> list[PriceModel]:
        rows = self.conn.execute(
            select(price_models)
            .where(price_models.c.institution_id == institution_id)
            .order_by(price_models.c.code)
        )
        return [_model(r) for r in rows]

    def model(self, institution_id: int, code: str) -> PriceModel | None:
        row = self.conn.execute(
            select(price_models).where(
                price_models.c.institution_id == institution_id, price_models.c.code == code
            )
        ).one_or_none()
        return _model(row) if row else None

    def save_model(self, institution_id: int, model: PriceModel, *, by: str, at: datetime) -> None:
        if self.model(institution_id, model.code) is None:
            self.conn.execute(
                insert(price_models).values(
                    institution_id=institution_id,
                    code=model.code,
                    updated_by=by,
                    updated_at=at,
                    created_at=at,
                    **_model_columns(model),
                )
            )
        else:
            self.conn.execute(
                update(price_models)
                .where(price_models.c.institution_id == institution_id, price_models.c.code == model.code)
                .values(updated_by=by, updated_at=at, **_model_columns(model))
            )

    # ---- discounts

    def discounts(self, institution_id: int) -> list[Discount]:
        rows = self.conn.execute(
            select(discounts).where(discounts.c.institution_id == institution_id).order_by(discounts.c.code)
        )
        return [_discount(r) for r in rows]

    def discount(self, institution_id: int, code: str) -> Discount | None:
        row = self.conn.execute(
            select(discounts).where(discounts.c.institution_id == institution_id, discounts.c.code == code)
        ).one_or_none()
        return _discount(row) if row else None

    def save_discount(self, institution_id: int, discount: Discount, *, by: str, at: datetime) -> None:
        if self.discount(institution_id, discount.code) is None:
            self.conn.execute(
                insert(discounts).values(
                    institution_id=institution_id,
                    code=discount.code,
                    updated_by=by,
                    updated_at=at,
                    created_at=at,
                    **_discount_columns(discount),
                )
            )
        else:
            self.conn.execute(
                update(discounts)
                .where(discounts.c.institution_id == institution_id, discounts.c.code == discount.code)
                .values(updated_by=by, updated_at=at, **_discount_columns(discount))
            )

    # ---- orders

    def add_order(
        self,
        institution_id: int,
        draft: OrderDraft,
        *,
        learner_id: int | None,
        status: str,
        by: str,
        at: datetime,
        note: str,
    ) -> str:
        public_id = str(uuid.uuid4())
        order_id = self.conn.execute(
            insert(orders)
            .values(
                public_id=public_id,
                institution_id=institution_id,
                buyer_kind=draft.buyer_kind,
                buyer=draft.buyer,
                learner_id=learner_id,
                tier=draft.tier.value,
                model_code=draft.model_code,
                model_kind=draft.model_kind.value,
                pathway_code=draft.pathway,
                currency=draft.currency,
                total=draft.total,
                status=status,
                created_by=by,
                created_at=at,
                updated_at=at,
            )
            .returning(orders.c.id)
        ).scalar_one()
        if draft.lines:
            self.conn.execute(
                insert(order_lines),
                [
                    {
                        "order_id": order_id,
                        "position": i,
                        "item": ln.item,
                        "description": ln.description,
                        "quantity": ln.quantity,
                        "unit_price": ln.unit_price,
                        "subtotal": ln.subtotal,
                        "discount": ln.discount,
                        "discount_code": ln.discount_code,
                        "total": ln.total,
                    }
                    for i, ln in enumerate(draft.lines)
                ],
            )
        self.add_event(order_id, status=status, actor=by, note=note, at=at)
        return public_id

    def add_event(self, order_id: int, *, status: str, actor: str, note: str, at: datetime) -> None:
        self.conn.execute(
            insert(order_events).values(order_id=order_id, status=status, actor=actor, note=note, at=at)
        )

    def set_status(
        self,
        order_id: int,
        *,
        status: str,
        at: datetime,
        provider: str | None = None,
        reference: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": at}
        if provider is not None:
            values["payment_provider"] = provider
        if reference is not None:
            values["payment_reference"] = reference
        self.conn.execute(update(orders).where(orders.c.id == order_id).values(**values))

    def order(self, institution_id: int, public_id: str) -> StoredOrder | None:
        row = self.conn.execute(
            select(orders).where(orders.c.institution_id == institution_id, orders.c.public_id == public_id)
        ).one_or_none()
        if row is None:
            return None
        lines = self.conn.execute(
            select(order_lines).where(order_lines.c.order_id == row.id).order_by(order_lines.c.position)
        )
        events = self.conn.execute(
            select(order_events).where(order_events.c.order_id == row.id).order_by(order_events.c.id)
        )
        return _order(
            row,
            tuple(
                Line(
                    r.item,
                    r.description,
                    r.quantity,
                    _money(r.unit_price),
                    _money(r.subtotal),
                    _money(r.discount),
                    r.discount_code,
                )
                for r in lines
            ),
            tuple(OrderEvent(e.status, e.actor, e.note, e.at) for e in events),
        )

    def orders(
        self,
        institution_id: int,
        *,
        status: str | None = None,
        learner_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 500,
    ) -> list[StoredOrder]:
        query = select(orders).where(orders.c.institution_id == institution_id)
        if status:
            query = query.where(orders.c.status == status)
        if learner_id is not None:
            query = query.where(orders.c.learner_id == learner_id)
        if since:
            query = query.where(orders.c.created_at >= datetime.combine(since, time(), UTC))
        if until:
            query = query.where(
                orders.c.created_at < datetime.combine(until + timedelta(days=1), time(), UTC)
            )
        rows = self.conn.execute(query.order_by(orders.c.id.desc()).limit(limit)).all()
        return [_order(r) for r in rows]


def _order(r: Any, lines: tuple[Line, ...] = (), history: tuple[OrderEvent, ...] = ()) -> StoredOrder:
    return StoredOrder(
        r.id, r.public_id, r.buyer_kind, r.buyer, r.learner_id, r.tier, r.model_code, r.model_kind,
        r.pathway_code, r.currency, _money(r.total), r.status, r.payment_provider, r.payment_reference,
        r.created_by, r.created_at, r.updated_at, lines, history,
    )  # fmt: skip
