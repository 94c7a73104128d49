"""``credstack governance``: the board's queue, a definition's history, and the workflow steps
(submit, approve, request-changes, publish, retire), comments and review dates, each taken as
the user named by ``--as EMAIL`` with that user's roles here. Output is JSON, as the API's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

governance_app = typer.Typer(
    help="Governance of definitions: the board's queue, submit, approve, publish, retire.",
    no_args_is_help=True,
)

Kind = Annotated[str, typer.Argument(help="achievement or pathway")]
Code = Annotated[str, typer.Argument(help="The achievement's or the pathway's code.")]
As = Annotated[str, typer.Option("--as", help="The email of the user taking the step (their roles apply).")]
Version = Annotated[int | None, typer.Option("--version", help="The pathway version (default: the newest).")]
Comment = Annotated[str, typer.Option("--comment", help="Why (required for request-changes).")]


def _reporting(func: F) -> F:
    """credstack.cli's error reporting (looked up when called: cli.py imports this module)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from credstack.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _context(ctx: typer.Context) -> tuple[Any, Any, Any]:
    """A unit of work, the institution and the policy from the settings."""
    from credstack.cli import _institution, _settings, _uow
    from credstack.services.governance import policy_from

    settings = _settings(ctx)
    return _uow(settings), _institution(settings), policy_from(settings)


def _print_view(view: Any, policy: Any) -> None:
    from credstack.api.governance_schemas import GovernanceOut
    from credstack.cli import _print_json

    _print_json(GovernanceOut.of(view, policy).model_dump(mode="json"))


@governance_app.command("queue")
@_reporting
def queue(ctx: typer.Context) -> None:
    """What waits for the board and which periodic reviews are due, as one JSON document."""
    from credstack.api.governance_schemas import QueueOut
    from credstack.cli import _print_json
    from credstack.services.governance_queue import board_queue

    uow, institution, policy = _context(ctx)
    _print_json(QueueOut.of(board_queue(uow, institution=institution, policy=policy)).model_dump(mode="json"))


@governance_app.command("history")
@_reporting
def history(ctx: typer.Context, kind: Kind, code: Code, version: Version = None) -> None:
    """A version's state, approvals, state changes, decisions and comments."""
    from credstack.services.governance import Target
    from credstack.services.governance import history as load

    uow, institution, policy = _context(ctx)
    _print_view(load(uow, institution=institution, policy=policy, target=Target(kind, code, version)), policy)


def _step(action: str, summary: str) -> None:
    @governance_app.command(action, help=summary)
    @_reporting
    def command(
        ctx: typer.Context, kind: Kind, code: Code, who: As, version: Version = None, comment: Comment = ""
    ) -> None:
        from credstack.services.governance import Target, act
        from credstack.services.identity import acting_as

        uow, institution, policy = _context(ctx)
        principal = acting_as(uow, institution=institution, email=who)
        view = act(
            uow,
            institution=institution,
            principal=principal,
            policy=policy,
            target=Target(kind, code, version),
            action=action,
            comment=comment,
        )
        _print_view(view, policy)


_step("submit", "A curriculum designer sends a draft for review.")
_step("approve", "A board member (not an author) approves; enough approvals approve the version.")
_step("request-changes", "A board member sends the version back to draft (--comment says what to change).")
_step("publish", "Publish an approved version: it can be awarded (a pathway stacks).")
_step("retire", "A board member retires a published version.")


@governance_app.command("comment")
@_reporting
def comment(
    ctx: typer.Context,
    kind: Kind,
    code: Code,
    text: Annotated[str, typer.Argument(help="The comment.")],
    who: As,
    version: Version = None,
) -> None:
    """Comment on a version (the comment stays with it)."""
    from credstack.services.governance import Target
    from credstack.services.governance import comment as add
    from credstack.services.identity import acting_as

    uow, institution, policy = _context(ctx)
    principal = acting_as(uow, institution=institution, email=who)
    target = Target(kind, code, version)
    _print_view(
        add(uow, institution=institution, principal=principal, policy=policy, target=target, text=text),
        policy,
    )


@governance_app.command("schedule-review")
@_reporting
def schedule_review(
    ctx: typer.Context,
    kind: Kind,
    code: Code,
    on: Annotated[str, typer.Option("--on", help="The next periodic review (YYYY-MM-DD).")],
    who: As,
    version: Version = None,
    comment: Comment = "",
) -> None:
    """A board member sets the date of the version's next periodic review."""
    from credstack.domain.errors import InvalidInput, Problem
    from credstack.services.governance import Target
    from credstack.services.governance import schedule_review as schedule
    from credstack.services.identity import acting_as

    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise InvalidInput(Problem("--on", f"not a date (YYYY-MM-DD): {on!r}")) from None
    uow, institution, policy = _context(ctx)
    principal = acting_as(uow, institution=institution, email=who)
    view = schedule(
        uow,
        institution=institution,
        principal=principal,
        policy=policy,
        target=Target(kind, code, version),
        next_review=day,
        comment=comment,
    )
    _print_view(view, policy)
