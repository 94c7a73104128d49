"""Pricing and orders on the web: /pricing (curriculum designers, registrars and administrators
keep the price models and discounts), /wallet/quote (a signed-in learner's quote for a pathway
under every model, the cheapest marked, and placing an order), and /orders (registrars: the
ledger by status and period, its CSV, one order with its history, payments, cancellations and
refunds)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote as urlquote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import UowDep
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.pricing import (
    ORDER_TRANSITIONS,
    Discount,
    ModelKind,
    OrderStatus,
    PriceModel,
    Tier,
    choice,
)
from credstack.services import orders, pricing
from credstack.services.pathway_views import list_pathways
from credstack.services.unit_of_work import UnitOfWork
from credstack.web.session import CsrfDep, RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _problems(exc: InvalidInput) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in exc.problems:
        key = p.location.split(".")[0].split("[")[0] or "form"
        out[key] = f"{out[key]} {p.message}" if key in out else p.message
    return out


def _decimal(value: str, field: str, problems: list[Problem]) -> Decimal | None:
    text = value.strip().replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        problems.append(Problem(field, f"{value!r} is not a number"))
        return None
    if not number.is_finite():
        problems.append(Problem(field, f"{value!r} is not a number"))
        return None
    return number


def _day(value: str, field: str, problems: list[Problem]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(Problem(field, f"{value!r} is not a date (YYYY-MM-DD)"))
        return None


def _codes(value: str) -> tuple[str, ...]:
    return tuple(c for c in (p.strip() for p in value.replace("\n", ",").split(",")) if c)


def _module_prices(value: str, problems: list[Problem]) -> tuple[tuple[str, Decimal], ...]:
    out = []
    for n, line in enumerate(value.splitlines(), start=1):
        if not line.strip():
            continue
        code, sep, price = line.partition("=")
        amount = _decimal(price, "module_prices", problems) if sep else None
        if not sep or amount is None:
            problems.append(Problem("module_prices", f"line {n}: write CODE = price"))
            continue
        out.append((code.strip(), amount))
    return tuple(sorted(out))


def _managers(principal: Principal) -> None:
    principal.require(*pricing.MANAGERS)


def _pricing_page(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return render(
        request,
        "pricing.html",
        institution,
        status_code,
        models=pricing.models(uow, institution=institution),
        discounts=pricing.discounts(uow, institution=institution, principal=principal),
        pathways=list_pathways(uow, institution),
        kinds=list(ModelKind),
        tiers=list(Tier),
        nav="pricing",
        **context,
    )


@pages.get("/pricing", name="pricing")
def pricing_page(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal, done: str = ""
) -> HTMLResponse:
    _managers(principal)
    return _pricing_page(request, uow, institution, principal, done=done)


@pages.post("/pricing/models")
def model_submitted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    code: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    currency: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    tier: Annotated[str, Form()] = "",
    pathway: Annotated[str, Form()] = "",
    includes: Annotated[str, Form()] = "",
    hours_per_month: Annotated[str, Form()] = "",
    module_prices: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    _managers(principal)
    form = {
        "code": code, "kind": kind, "name": name, "currency": currency, "amount": amount, "tier": tier,
        "pathway": pathway, "includes": includes, "hours_per_month": hours_per_month,
        "module_prices": module_prices, "active": active,
    }  # fmt: skip
    problems: list[Problem] = []
    try:
        model = PriceModel(
            code=code.strip(),
            kind=choice(ModelKind, kind, "kind"),
            name=name.strip(),
            currency=currency.strip().upper() or institution.currency,
            amount=_decimal(amount, "amount", problems),
            tier=choice(Tier, tier, "tier") if tier else None,
            pathway=pathway.strip() or None,
            includes=_codes(includes),
            hours_per_month=_decimal(hours_per_month, "hours_per_month", problems),
            module_prices=_module_prices(module_prices, problems),
            active=bool(active),
        )
        problems += [
            p for p in model.problems() if p.location.split(".")[0] not in {q.location for q in problems}
        ]
        if problems:
            raise InvalidInput(problems)
        pricing.save_model(uow, institution=institution, principal=principal, model=model)
    except InvalidInput as exc:
        return _pricing_page(
            request, uow, institution, principal, 422, model_form=form, model_errors=_problems(exc)
        )
    return RedirectResponse(f"/pricing?done={urlquote('price model ' + model.code)}", status_code=303)


@pages.post("/pricing/discounts")
def discount_submitted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    percent: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    currency: Annotated[str, Form()] = "",
    promo_code: Annotated[str, Form()] = "",
    valid_from: Annotated[str, Form()] = "",
    valid_until: Annotated[str, Form()] = "",
    applies_to: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    _managers(principal)
    form = {
        "code": code, "name": name, "percent": percent, "amount": amount, "currency": currency,
        "promo_code": promo_code, "valid_from": valid_from, "valid_until": valid_until,
        "applies_to": applies_to, "active": active,
    }  # fmt: skip
    problems: list[Problem] = []
    try:
        fixed = _decimal(amount, "amount", problems)
        discount = Discount(
            code=code.strip(),
            name=name.strip(),
            percent=_decimal(percent, "percent", problems),
            amount=fixed,
            currency=(currency.strip().upper() or institution.currency) if fixed is not None else None,
            promo_code=promo_code.strip() or None,
            valid_from=_day(valid_from, "valid_from", problems),
            valid_until=_day(valid_until, "valid_until", problems),
            applies_to=choice(ModelKind, applies_to, "applies_to") if applies_to else None,
            active=bool(active),
        )
        problems += [p for p in discount.problems() if p.location not in {q.location for q in problems}]
        if problems:
            raise InvalidInput(problems)
        pricing.save_discount(uow, institution=institution, principal=principal, discount=discount)
    except InvalidInput as exc:
        return _pricing_page(
            request, uow, institution, principal, 422, discount_form=form, discount_errors=_problems(exc)
        )
    return RedirectResponse(f"/pricing?done={urlquote('discount ' + discount.code)}", status_code=303)


# ---- the learner's quote


def _learner(principal: Principal) -> None:
    principal.require(Role.LEARNER)


@pages.get("/wallet/quote", name="wallet_quote")
def quote_page(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    pathway: str = "",
    promo: str = "",
    placed: str = "",
) -> HTMLResponse:
    _learner(principal)
    choices = list_pathways(uow, institution)
    lq = None
    problem = None
    if pathway.strip():
        try:
            lq = pricing.learner_quote(
                uow, institution=institution, learner_email=principal.email, pathway_code=pathway.strip(),
                promo=promo or None,
            )  # fmt: skip
        except NotFound as exc:
            problem = (
                "You have no credentials here yet, so there is no plan to price."
                if exc.kind == "learner"
                else f"There is no pathway {pathway.strip()}."
            )
    return render(
        request,
        "wallet_quote.html",
        institution,
        404 if problem else 200,
        lq=lq,
        problem=problem,
        pathways=choices,
        form={"pathway": pathway.strip(), "promo": promo.strip()},
        mine=orders.my_orders(uow, institution=institution, principal=principal),
        placed=placed,
        nav="me",
    )


@pages.post("/wallet/orders")
def order_submitted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    pathway: Annotated[str, Form()] = "",
    model: Annotated[str, Form()] = "",
    promo: Annotated[str, Form()] = "",
) -> Response:
    _learner(principal)
    placed = orders.place_order(
        uow, institution=institution, principal=principal, learner_email=principal.email,
        pathway_code=pathway.strip(), model_code=model.strip(), promo=promo.strip() or None,
    )  # fmt: skip
    query = f"pathway={urlquote(pathway.strip())}&placed={placed.public_id}"
    if promo.strip():
        query += f"&promo={urlquote(promo.strip())}"
    return RedirectResponse(f"/wallet/quote?{query}", status_code=303)


# ---- the ledger


def _registrar(principal: Principal) -> None:
    principal.require(Role.REGISTRAR)


@pages.get("/orders", name="orders")
def orders_page(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    status: str = "",
    since: str = "",
    until: str = "",
) -> HTMLResponse:
    _registrar(principal)
    form = {"status": status, "since": since, "until": until}
    try:
        found = orders.ledger(uow, institution=institution, principal=principal, status=status or None,
                              since=since, until=until)  # fmt: skip
        errors: dict[str, str] = {}
    except InvalidInput as exc:
        found, errors = [], _problems(exc)
    query = request.url.query
    return render(
        request,
        "orders.html",
        institution,
        422 if errors else 200,
        found=found,
        form=form,
        errors=errors,
        statuses=list(OrderStatus),
        csv_url="/orders.csv" + (f"?{query}" if query else ""),
        nav="orders",
    )


@pages.get("/orders.csv", name="orders_csv")
def orders_csv(
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    status: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    found = orders.ledger(uow, institution=institution, principal=principal, status=status or None,
                          since=since, until=until)  # fmt: skip
    return Response(
        orders.ledger_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="orders.csv"'},
    )


def _order_page(
    request: Request, uow: UnitOfWork, institution: Institution, principal: Principal, order_id: str,
    status_code: int = 200, **context: Any,
) -> HTMLResponse:  # fmt: skip
    found = orders.get_order(uow, institution=institution, principal=principal, public_id=order_id)
    return render(
        request,
        "order.html",
        institution,
        status_code,
        order=found,
        next_statuses=[s.value for s in orders_next(found.status)],
        manages=principal.has(Role.REGISTRAR),
        nav="orders",
        **context,
    )


def orders_next(status: str) -> list[OrderStatus]:
    return sorted(ORDER_TRANSITIONS[OrderStatus(status)], key=list(OrderStatus).index)


@pages.get("/orders/{order_id}", name="order")
def order_page(
    request: Request, order_id: str, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> HTMLResponse:
    return _order_page(request, uow, institution, principal, order_id)


@pages.post("/orders/{order_id}/status")
def status_submitted(
    request: Request,
    order_id: str,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    status: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    reference: Annotated[str, Form()] = "",
) -> Response:
    try:
        orders.change_status(
            uow, institution=institution, principal=principal, public_id=order_id, status=status, note=note,
            reference=reference or None,
        )  # fmt: skip
    except InvalidInput as exc:
        form = {"status": status, "note": note, "reference": reference}
        return _order_page(
            request, uow, institution, principal, order_id, 422, errors=_problems(exc), form=form
        )
    return RedirectResponse(f"/orders/{order_id}", status_code=303)


def register(app: FastAPI) -> None:
    app.include_router(pages)
