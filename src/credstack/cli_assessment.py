"""``credstack assessment``: markers, the moderation policy, the moderation report, and awards
that a passing decision has not issued yet. The command line acts as an administrator."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

assessment_app = typer.Typer(
    help="Assessment: assign markers, the moderation sampling policy and report, pending awards.",
    no_args_is_help=True,
)


def _reporting(func: F) -> F:
    """credstack.cli's error reporting (looked up when called: cli.py imports this module)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from credstack.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _context(ctx: typer.Context) -> tuple[Any, Any, Any, Any]:
    """Settings, a unit of work, the institution and the operator principal."""
    from credstack.cli import _institution, _settings, _uow
    from credstack.services.assessment import operator

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    return settings, uow, institution, operator(uow, institution=institution)


def _print(data: Any) -> None:
    from credstack.cli import _print_json

    _print_json(data)


@assessment_app.command("assign")
@_reporting
def assign(
    ctx: typer.Context,
    submission: Annotated[str, typer.Argument(help="The submission's id.")],
    assessor: Annotated[str, typer.Option("--assessor", help="The assessor's email.")],
    role: Annotated[str, typer.Option("--role", help="first, second (blind) or third.")] = "first",
) -> None:
    """Assign a marker to a submission (or replace one who has not marked yet)."""
    from credstack.services.assessment import assign as assign_marker

    _, uow, institution, principal = _context(ctx)
    done = assign_marker(
        uow, institution=institution, principal=principal, submission=submission, assessor=assessor, role=role
    )
    _print({"assignment": done.id, "submission": submission, "assessor": done.assessor_email, "role": done.role,
            "blind": done.blind})  # fmt: skip


@assessment_app.command("policy")
@_reporting
def policy(
    ctx: typer.Context,
    achievement: Annotated[
        str | None, typer.Option("--achievement", help="Its own policy (default: the institution's).")
    ] = None,
    share: Annotated[str | None, typer.Option(help="Share of each assessor's marks per cohort, 0-1.")] = None,
    minimum: Annotated[int | None, typer.Option(help="At least this many per assessor per cohort.")] = None,
    fails: Annotated[bool | None, typer.Option("--fails/--no-fails", help="Second-mark every fail.")] = None,
    borderline: Annotated[str | None, typer.Option(help="one-level or none.")] = None,
    seed: Annotated[str | None, typer.Option(help="The seed of the random draw.")] = None,
) -> None:
    """Show the moderation sampling policy; with any option, change it first (the rest kept)."""
    from credstack.domain.errors import InvalidInput, Problem
    from credstack.domain.sampling import SamplingPolicy
    from credstack.services import moderation

    _, uow, institution, principal = _context(ctx)
    current = moderation.get_policy(uow, institution=institution, achievement=achievement)
    if any(v is not None for v in (share, minimum, fails, borderline, seed)):
        p = current.policy
        try:
            new_share = Decimal(share) if share is not None else p.share
        except InvalidOperation:
            raise InvalidInput(Problem("--share", f"{share!r} is not a number")) from None
        current = moderation.set_policy(
            uow, institution=institution, principal=principal, achievement=achievement,
            policy=SamplingPolicy(
                share=new_share, minimum=p.minimum if minimum is None else minimum,
                include_fails=p.include_fails if fails is None else fails,
                borderline=p.borderline if borderline is None else borderline,  # type: ignore[arg-type]
                seed=seed or p.seed,
            ),
        )  # fmt: skip
    _print({"achievement": current.achievement, "source": current.source, **current.policy.as_json()})


@assessment_app.command("moderation-report")
@_reporting
def moderation_report(
    ctx: typer.Context,
    achievement: Annotated[str | None, typer.Option(help="Only this achievement (code).")] = None,
    cohort: Annotated[str | None, typer.Option(help="Only this cohort.")] = None,
    site: Annotated[str | None, typer.Option(help="Only this site.")] = None,
    assessor: Annotated[str | None, typer.Option(help="Only this first marker (email).")] = None,
    since: Annotated[str | None, typer.Option(help="First marked on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="First marked on or before (YYYY-MM-DD).")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="One CSV row per group instead of JSON.")] = False,
) -> None:
    """The moderation report from the stored marks (agreement, kappa, alpha, drift per group).

    Overall and per achievement, cohort, site and assessor, with the groups whose drift is
    flagged; JSON, or one CSV row per group."""
    from credstack.services import moderation

    _, uow, institution, principal = _context(ctx)
    flt = moderation.ReportFilter(
        achievement, cohort, site, assessor, _day(since, "--since"), _day(until, "--until")
    )
    result = moderation.report(uow, institution=institution, principal=principal, flt=flt)
    if csv:
        sys.stdout.write(moderation.report_csv(result))
    else:
        _print({"filters": flt.as_json(), **result.as_json()})


def _day(value: str | None, option: str) -> date | None:
    from credstack.domain.errors import InvalidInput, Problem

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(Problem(option, f"{value!r} is not a date (YYYY-MM-DD)")) from None


@assessment_app.command("award-pending")
@_reporting
def award_pending(ctx: typer.Context) -> None:
    """Issue the award of every pass that has none yet; one JSON line each.

    For decisions whose award could not be issued at the time (the decision stands). Exit 1 if
    any still cannot be issued."""
    from credstack.services.marking import issue_pending_awards

    settings, uow, institution, principal = _context(ctx)
    failed = False
    for submission, award, error in issue_pending_awards(
        uow, settings=settings, institution=institution, principal=principal
    ):
        _print({"submission": submission, "award": award, "error": error})
        failed |= error is not None
    if failed:
        raise typer.Exit(1)
