"""``credstack pricing``: price models, a learner's quote under every model (the cheapest
marked), and the orders ledger. Output is JSON, as the API's."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

pricing_app = typer.Typer(
    help="Pricing and orders: price models, a learner's quote under each model, the orders ledger.",
    no_args_is_help=True,
)


def _reporting(func: F) -> F:
    """credstack.cli's error reporting (looked up when called: cli.py imports this module)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from credstack.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _context(ctx: typer.Context) -> tuple[Any, Any]:
    from credstack.cli import _institution, _settings, _uow

    settings = _settings(ctx)
    return _uow(settings), _institution(settings)


@pricing_app.command("models")
@_reporting
def models(ctx: typer.Context) -> None:
    """Every price model, as JSON lines."""
    from credstack.cli import _print_json
    from credstack.services import pricing

    uow, institution = _context(ctx)
    for m in pricing.models(uow, institution=institution):
        _print_json(pricing.model_json(m))


@pricing_app.command("quote")
@_reporting
def quote(
    ctx: typer.Context,
    learner: Annotated[str, typer.Option(help="The learner's email.")],
    pathway: Annotated[str, typer.Option(help="The pathway's code.")],
    tier: Annotated[str, typer.Option(help="individual or employer.")] = "individual",
    seats: Annotated[int, typer.Option(help="Seats of an employer's cohort.")] = 1,
    promo: Annotated[str | None, typer.Option(help="A promo code.")] = None,
) -> None:
    """The learner's cheapest completion plan of the pathway, priced under every model that
    applies; ``cheapest`` names the cheapest."""
    from credstack.cli import _print_json
    from credstack.domain.pricing import Tier, choice
    from credstack.services import pricing

    uow, institution = _context(ctx)
    lq = pricing.learner_quote(
        uow, institution=institution, learner_email=learner, pathway_code=pathway,
        tier=choice(Tier, tier, "tier"), seats=seats, promo=promo,
    )  # fmt: skip
    _print_json(pricing.quote_json(lq))


@pricing_app.command("orders")
@_reporting
def orders(
    ctx: typer.Context,
    as_: Annotated[str, typer.Option("--as", help="The email of the registrar acting.")],
    status: Annotated[str | None, typer.Option(help="quoted, placed, paid, cancelled or refunded.")] = None,
    since: Annotated[str | None, typer.Option(help="Made on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Made on or before (YYYY-MM-DD).")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="CSV instead of JSON lines.")] = False,
) -> None:
    """The orders ledger, newest first."""
    import sys

    from credstack.cli import _print_json
    from credstack.services import orders as service
    from credstack.services.identity import acting_as

    uow, institution = _context(ctx)
    principal = acting_as(uow, institution=institution, email=as_)
    found = service.ledger(
        uow, institution=institution, principal=principal, status=status, since=since, until=until
    )
    if csv:
        sys.stdout.write(service.ledger_csv(found))
        return
    for o in found:
        _print_json(service.order_json(o))
