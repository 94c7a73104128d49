"""``credstack analytics``: refresh the analytics summaries the analytics pages read, and
print a metric as JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

analytics_app = typer.Typer(
    help="Outcome analytics: refresh the summaries; print a metric.", no_args_is_help=True
)


def _reporting(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from credstack.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@analytics_app.command("refresh")
@_reporting
def refresh(
    ctx: typer.Context,
    as_of: Annotated[
        str, typer.Option(help="Count awards and hires up to this day (YYYY-MM-DD); default today.")
    ] = "",
) -> None:
    """Rebuild the analytics summaries from enrolments, awards and hires (one transaction)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from credstack.cli import _institution, _print_json, _settings, _uow, err
    from credstack.services import analytics

    settings = _settings(ctx)
    day = date.fromisoformat(as_of) if as_of else None
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("analytics", total=3)

        def step(what: str) -> None:
            bar.update(task, description=what)
            bar.advance(task)

        done = analytics.refresh(_uow(settings), institution=_institution(settings), as_of=day, progress=step)
    _print_json(
        {
            "as_of": done.as_of.isoformat(),
            "refreshed_at": done.refreshed_at.isoformat(),
            "enrolments": done.learners,
        }
    )


@analytics_app.command("show")
@_reporting
def show(
    ctx: typer.Context,
    metric: Annotated[
        str, typer.Argument(help="progression | velocity | employment | roi | equity | engagement")
    ],
    as_: Annotated[str, typer.Option("--as", help="The email of the user reading (their roles apply).")],
    pathway: str = "",
    cohort: str = "",
    site: str = "",
    sponsor: str = "",
    period_from: Annotated[str, typer.Option("--from", help="First entry day.")] = "",
    period_to: Annotated[str, typer.Option("--to", help="Last entry day.")] = "",
) -> None:
    """Print one metric as JSON (the API's shape)."""
    from credstack.api.routers import analytics as api
    from credstack.cli import _institution, _print_json, _settings, _uow
    from credstack.domain.errors import InvalidInput, Problem
    from credstack.services.analytics import AnalyticsFilter
    from credstack.services.identity import acting_as

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    principal = acting_as(uow, institution=institution, email=as_)
    flt = AnalyticsFilter(pathway, cohort, site, sponsor, period_from, period_to)
    readers: dict[str, Callable[..., dict[str, Any]]] = {
        "progression": api.progression,
        "velocity": api.velocity,
        "employment": api.employment,
        "roi": api.roi,
        "equity": api.equity,
        "engagement": api.engagement,
    }
    if metric not in readers:
        raise InvalidInput(Problem("metric", f"must be one of {', '.join(readers)}"))
    _print_json(readers[metric](uow=uow, institution=institution, principal=principal, flt=flt))
