"""Prices, discounts and quotes: what a learner's completion plan costs under each price model.

Money is ``Decimal`` in a named currency, never a float. Every amount a rule computes (a
percentage off, a subscription's months times its monthly price) is rounded once, ROUND_HALF_UP,
to the currency's minor unit (cents for EUR, none for JPY, thousandths for KWD).

Price models:

- ``per-module``: each achievement still needed at its catalogue price, or at the price the model
  sets for it (a model per tier: an employer may pay other module prices than an individual);
- ``bundle``: one fixed price for every component of a pathway (``includes`` lists them); it
  applies when it includes everything the plan still needs;
- ``subscription``: a monthly price; the months needed are the plan's expected hours divided by
  the stated pace (hours per month), rounded up; it applies only when every achievement in the
  plan states its expected hours;
- ``employer-seat``: a price per seat of an employer's cohort, which covers the whole plan for
  that seat; employer tier only.

Discounts take a percentage or a fixed amount off one order line, within their validity period,
for one model kind or all, and some only when the buyer gives their code. One discount per line:
the one that takes the most off (ties: the lower discount code). A line never goes below zero.

A quote prices the plan under every model that applies to the tier and currency; the cheapest
total is marked. Ties go to the model listed first in the stable order: kind (per-module, bundle,
subscription, employer-seat), then model code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

from credstack.domain.errors import InvalidInput, InvalidTransition, Problem

# ISO 4217 minor units that are not 2 (the currencies an institution is likely to bill in)
_MINOR_UNITS = {
    "BHD": 3, "CLP": 0, "IQD": 3, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "LYD": 3,
    "OMR": 3, "PYG": 0, "TND": 3, "UGX": 0, "VND": 0, "XAF": 0, "XOF": 0,
}  # fmt: skip
ZERO = Decimal(0)


def minor_unit(currency: str) -> int:
    """How many decimal places the currency's amounts have (ISO 4217; 2 unless listed)."""
    return _MINOR_UNITS.get(currency.upper(), 2)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the currency's minor unit (2.345 EUR -> 2.35)."""
    return amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_UP)


def valid_currency(currency: str) -> bool:
    return len(currency) == 3 and currency.isascii() and currency.isalpha() and currency.isupper()


class Tier(StrEnum):
    INDIVIDUAL = "individual"
    EMPLOYER = "employer"


class ModelKind(StrEnum):
    PER_MODULE = "per-module"
    BUNDLE = "bundle"
    SUBSCRIPTION = "subscription"
    SEAT = "employer-seat"

    @property
    def label(self) -> str:
        return {
            "per-module": "Pay per module",
            "bundle": "Pathway bundle",
            "subscription": "Subscription",
            "employer-seat": "Employer cohort seat",
        }[self.value]


KIND_ORDER = tuple(ModelKind)


E = TypeVar("E", bound=StrEnum)


def choice(enum: type[E], value: str, where: str) -> E:
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise InvalidInput(Problem(where, f"{value!r} is not one of {known}")) from None


@dataclass(frozen=True)
class PriceModel:
    code: str
    kind: ModelKind
    name: str
    currency: str
    amount: Decimal | None = None  # the bundle, the month, the seat; per-module: none
    tier: Tier | None = None  # none: every tier (a seat price is employer tier only)
    pathway: str | None = None  # bundle: the pathway it sells; seat / subscription: only for it
    includes: tuple[str, ...] = ()  # bundle: the achievements it includes
    hours_per_month: Decimal | None = None  # subscription: the stated pace
    module_prices: tuple[tuple[str, Decimal], ...] = ()  # per-module: prices other than the catalogue's
    active: bool = True

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        if not self.code.strip() or len(self.code) > 80 or any(c.isspace() for c in self.code):
            out.append(Problem("code", "a code of 1-80 characters without spaces is required"))
        if not self.name.strip():
            out.append(Problem("name", "is required"))
        if not valid_currency(self.currency):
            out.append(Problem("currency", f"{self.currency!r} is not an ISO 4217 code such as EUR"))
        needs_amount = self.kind is not ModelKind.PER_MODULE
        if needs_amount and self.amount is None:
            out.append(Problem("amount", f"a {self.kind.value} price model needs its price"))
        if self.amount is not None:
            if self.amount < 0:
                out.append(Problem("amount", "must not be negative"))
            elif valid_currency(self.currency) and self.amount != round_money(self.amount, self.currency):
                places = minor_unit(self.currency)
                out.append(Problem("amount", f"{self.currency} amounts have {places} decimal places"))
        if self.kind is ModelKind.PER_MODULE and self.amount is not None:
            out.append(Problem("amount", "a per-module model prices each module: leave the amount out"))
        if self.kind is ModelKind.BUNDLE:
            if not self.pathway:
                out.append(Problem("pathway", "a bundle sells one pathway: name it"))
            if not self.includes:
                out.append(Problem("includes", "a bundle lists the achievements it includes"))
        if self.kind is ModelKind.SUBSCRIPTION:
            if self.hours_per_month is None or self.hours_per_month <= 0:
                out.append(
                    Problem("hours_per_month", "a subscription states its pace: hours per month, more than 0")
                )
        elif self.hours_per_month is not None:
            out.append(Problem("hours_per_month", "only a subscription has a pace"))
        if self.kind is ModelKind.SEAT and self.tier is not Tier.EMPLOYER:
            out.append(Problem("tier", "a seat price is for the employer tier only"))
        for code, price in self.module_prices:
            if price < 0:
                out.append(Problem(f"module_prices.{code}", "must not be negative"))
        if self.module_prices and self.kind is not ModelKind.PER_MODULE:
            out.append(Problem("module_prices", "only a per-module model sets module prices"))
        return out

    def check(self) -> PriceModel:
        problems = self.problems()
        if problems:
            raise InvalidInput(problems)
        return self

    def for_tier(self, tier: Tier) -> bool:
        return self.tier is None or self.tier is tier

    def describe(self) -> str:
        tier = f" ({self.tier.value} tier)" if self.tier else ""
        if self.kind is ModelKind.PER_MODULE:
            special = f", {len(self.module_prices)} modules at their own price" if self.module_prices else ""
            return f"each module at its price{special}{tier}"
        price = f"{self.currency} {self.amount}"
        if self.kind is ModelKind.BUNDLE:
            return f"{price} for {self.pathway}: {', '.join(self.includes)}{tier}"
        if self.kind is ModelKind.SUBSCRIPTION:
            return f"{price} a month, at {self.hours_per_month} hours a month{tier}"
        return f"{price} a seat{tier}"


@dataclass(frozen=True)
class Discount:
    code: str
    name: str
    percent: Decimal | None = None  # 0 < percent <= 100
    amount: Decimal | None = None  # or a fixed amount off a line, in ``currency``
    currency: str | None = None
    promo_code: str | None = None  # none: applies without a code
    valid_from: date | None = None
    valid_until: date | None = None  # the last day it applies
    applies_to: ModelKind | None = None  # none: every model
    active: bool = True

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        if not self.code.strip() or len(self.code) > 80 or any(c.isspace() for c in self.code):
            out.append(Problem("code", "a code of 1-80 characters without spaces is required"))
        if not self.name.strip():
            out.append(Problem("name", "is required"))
        if (self.percent is None) == (self.amount is None):
            out.append(
                Problem("percent", "a discount is either a percentage or a fixed amount (one of them)")
            )
        if self.percent is not None and not ZERO < self.percent <= 100:
            out.append(Problem("percent", "must be more than 0 and at most 100"))
        if self.amount is not None:
            if self.amount <= 0:
                out.append(Problem("amount", "must be more than 0"))
            if not self.currency or not valid_currency(self.currency):
                out.append(Problem("currency", "a fixed amount names its currency (ISO 4217, e.g. EUR)"))
            elif self.amount != round_money(self.amount, self.currency):
                out.append(
                    Problem(
                        "amount", f"{self.currency} amounts have {minor_unit(self.currency)} decimal places"
                    )
                )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            out.append(Problem("valid_until", "the period ends before it starts"))
        if self.promo_code is not None and not self.promo_code.strip():
            out.append(Problem("promo_code", "leave it out, or give the code buyers type"))
        return out

    def check(self) -> Discount:
        problems = self.problems()
        if problems:
            raise InvalidInput(problems)
        return self

    def applies(self, kind: ModelKind, currency: str, on: date, promo: str | None) -> bool:
        if not self.active or (self.applies_to is not None and self.applies_to is not kind):
            return False
        if (self.valid_from and on < self.valid_from) or (self.valid_until and on > self.valid_until):
            return False
        if self.amount is not None and self.currency != currency:
            return False
        if self.promo_code is not None:
            return promo is not None and promo.strip().casefold() == self.promo_code.strip().casefold()
        return True

    def off(self, subtotal: Decimal, currency: str) -> Decimal:
        """What this takes off a line of ``subtotal`` (never more than the subtotal)."""
        raw = subtotal * self.percent / 100 if self.percent is not None else self.amount or ZERO
        return min(round_money(raw, currency), subtotal)

    def describe(self) -> str:
        what = (
            f"{self.percent.normalize():f}% off"
            if self.percent is not None
            else f"{self.currency} {self.amount} off"
        )
        where = f" {ModelKind(self.applies_to).label.lower()}" if self.applies_to else " any price model"
        code = f" with the code {self.promo_code}" if self.promo_code else ""
        return f"{what}{where}{code}"


@dataclass(frozen=True)
class Item:
    """An achievement the plan still needs."""

    code: str
    name: str
    price: Decimal | None
    hours: Decimal | None


@dataclass(frozen=True)
class Line:
    item: str  # an achievement code, or the model's code for a bundle, subscription or seat
    description: str
    quantity: int
    unit_price: Decimal
    subtotal: Decimal
    discount: Decimal = ZERO
    discount_code: str | None = None

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount


@dataclass(frozen=True)
class Option:
    """The plan priced under one model, or why the model does not apply."""

    model: PriceModel
    lines: tuple[Line, ...] = ()
    reason: str | None = None  # why it does not apply (then no lines and no total)
    note: str = ""  # how the price was reached (months of a subscription ...)
    cheapest: bool = False

    @property
    def applies(self) -> bool:
        return self.reason is None

    @property
    def total(self) -> Decimal | None:
        return None if self.reason else sum((line.total for line in self.lines), ZERO)

    @property
    def discount(self) -> Decimal:
        return sum((line.discount for line in self.lines), ZERO)


@dataclass(frozen=True)
class Quote:
    currency: str
    tier: Tier
    seats: int
    needed: tuple[Item, ...]
    options: tuple[Option, ...]
    as_of: date
    promo: str | None = None

    @property
    def cheapest(self) -> Option | None:
        return next((o for o in self.options if o.cheapest), None)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.model.code == code), None)


def _discounted(
    line: Line, kind: ModelKind, discounts: Sequence[Discount], currency: str, on: date, promo: str | None
) -> Line:
    best: tuple[Decimal, str] | None = None
    for d in sorted(discounts, key=lambda d: d.code):
        if d.applies(kind, currency, on, promo):
            off = d.off(line.subtotal, currency)
            if off > 0 and (best is None or off > best[0]):
                best = (off, d.code)
    if best is None:
        return line
    return Line(line.item, line.description, line.quantity, line.unit_price, line.subtotal, best[0], best[1])


def _line(item: str, description: str, quantity: int, unit: Decimal, currency: str) -> Line:
    return Line(item, description, quantity, unit, round_money(unit * quantity, currency))


def _price(model: PriceModel, needed: Sequence[Item], seats: int) -> Option:
    """The model's lines before discounts, or the reason it does not apply."""
    currency = model.currency
    if model.kind is ModelKind.PER_MODULE:
        special = dict(model.module_prices)
        lines = []
        for item in needed:
            price = special.get(item.code, item.price)
            if price is None:
                return Option(model, reason=f"{item.code} has no price")
            lines.append(_line(item.code, item.name, seats, price, currency))
        return Option(model, tuple(lines))
    assert model.amount is not None
    if model.kind is ModelKind.BUNDLE:
        missing = [i.code for i in needed if i.code not in model.includes]
        if missing:
            return Option(model, reason=f"the bundle does not include {', '.join(missing)}")
        return Option(model, (_line(model.code, model.name, seats, model.amount, currency),))
    if model.kind is ModelKind.SUBSCRIPTION:
        unknown = [i.code for i in needed if i.hours is None]
        if unknown:
            return Option(model, reason=f"no expected hours for {', '.join(unknown)}")
        hours = sum((i.hours or ZERO for i in needed), ZERO)
        pace = model.hours_per_month or Decimal(1)
        months = max(1, math.ceil(hours / pace))
        note = f"{months} month{'s' if months != 1 else ''}: {hours.normalize():f} hours at {pace.normalize():f} hours a month"
        line = _line(model.code, f"{model.name}, {months} months", seats, model.amount * months, currency)
        return Option(model, (line,), note=note)
    return Option(model, (_line(model.code, model.name, seats, model.amount, currency),))


def quote(
    *,
    needed: Sequence[Item],
    models: Sequence[PriceModel],
    discounts: Sequence[Discount] = (),
    tier: Tier = Tier.INDIVIDUAL,
    seats: int = 1,
    currency: str,
    as_of: date,
    pathway: str | None = None,
    promo: str | None = None,
) -> Quote:
    """The plan (``needed``) priced under every active model for the tier and currency, the
    cheapest marked. A model for another pathway, tier or currency is left out; one that cannot
    price the plan is listed with its reason. Nothing needed: no options."""
    if seats < 1:
        raise InvalidInput(Problem("seats", "at least 1"))
    if tier is Tier.INDIVIDUAL and seats != 1:
        raise InvalidInput(Problem("seats", "an individual buys one seat; cohorts are the employer tier"))
    promo = promo.strip() if promo and promo.strip() else None
    options: list[Option] = []
    if needed:
        ordered = sorted(models, key=lambda m: (KIND_ORDER.index(m.kind), m.code))
        for model in ordered:
            if not model.active or not model.for_tier(tier) or model.currency != currency:
                continue
            if model.pathway and pathway and model.pathway != pathway:
                continue
            if model.kind is ModelKind.BUNDLE and model.pathway != pathway:
                continue
            option = _price(model, needed, seats)
            if option.applies:
                lines = tuple(
                    _discounted(ln, model.kind, discounts, currency, as_of, promo) for ln in option.lines
                )
                option = Option(model, lines, note=option.note)
            options.append(option)
    priced = [o for o in options if o.total is not None]
    if priced:
        best = min(priced, key=lambda o: o.total or ZERO)  # min keeps the first of equals
        options = [Option(o.model, o.lines, o.reason, o.note, o is best) for o in options]
    return Quote(currency, tier, seats, tuple(needed), tuple(options), as_of, promo)


# ---- orders


class OrderStatus(StrEnum):
    QUOTED = "quoted"
    PLACED = "placed"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.QUOTED: frozenset({OrderStatus.PLACED, OrderStatus.CANCELLED}),
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


def check_transition(current: OrderStatus, wanted: OrderStatus) -> None:
    if wanted not in ORDER_TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in ORDER_TRANSITIONS[current]) or "nothing (it is final)"
        raise InvalidTransition(
            f"an order that is {current.value} cannot become {wanted.value}; it can become {allowed}"
        )


@dataclass(frozen=True)
class OrderDraft:
    """What a buyer orders: one option of a quote, with its lines."""

    buyer_kind: str  # learner | employer
    buyer: str  # the learner's email, or the employer's name
    tier: Tier
    model_code: str
    model_kind: ModelKind
    pathway: str | None
    currency: str
    lines: tuple[Line, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)


def draft_order(q: Quote, model_code: str, *, buyer_kind: str, buyer: str, pathway: str | None) -> OrderDraft:
    """An order for one option of the quote; InvalidInput when it is not there or does not apply."""
    option = q.option(model_code)
    if option is None:
        known = ", ".join(o.model.code for o in q.options if o.applies) or "none"
        raise InvalidInput(
            Problem("model", f"{model_code!r} is not a price model of this quote (choose: {known})")
        )
    if not option.applies:
        raise InvalidInput(Problem("model", f"{model_code} does not apply: {option.reason}"))
    return OrderDraft(
        buyer_kind, buyer, q.tier, model_code, option.model.kind, pathway, q.currency, option.lines
    )
