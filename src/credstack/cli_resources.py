"""``credstack resources``: list, add, import and remove learning resources, taken as the user
named by ``--as EMAIL`` (a curriculum designer or an administrator). Output is JSON lines, as
the API's."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

resources_app = typer.Typer(
    help="Learning resources attached to achievements, rubric criteria and competencies.",
    no_args_is_help=True,
)

As = Annotated[str, typer.Option("--as", help="The email of the user acting (their roles apply).")]


def _reporting(func: F) -> F:
    """credstack.cli's error reporting (looked up when called: cli.py imports this module)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from credstack.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _context(ctx: typer.Context, email: str | None = None) -> tuple[Any, Any, Any]:
    from credstack.cli import _institution, _settings, _uow
    from credstack.services.identity import acting_as

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    principal = acting_as(uow, institution=institution, email=email) if email else None
    return uow, institution, principal


def _print(stored: Any) -> None:
    from credstack.api.routers.resources import ResourceOut
    from credstack.cli import _print_json

    _print_json(ResourceOut.of(stored).model_dump(mode="json"))


@resources_app.command("list")
@_reporting
def list_(
    ctx: typer.Context,
    achievement: Annotated[str | None, typer.Option(help="Only those on this achievement (code).")] = None,
    competency: Annotated[
        str | None, typer.Option(help="Only those on this competency (identifier or code).")
    ] = None,
) -> None:
    """Every learning resource, one JSON line each."""
    from credstack.services.resources import list_resources

    uow, institution, _ = _context(ctx)
    for stored in list_resources(
        uow, institution=institution, achievement=achievement, competency=competency
    ):
        _print(stored)


@resources_app.command("add")
@_reporting
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The resource's title.")],
    url: Annotated[str, typer.Argument(help="Its http or https address.")],
    as_: As,
    kind: Annotated[
        str, typer.Option(help="video, reading, course, exercise, tool, podcast or interactive.")
    ],
    minutes: Annotated[int, typer.Option(help="Expected minutes (1 to 10000).")],
    provider: Annotated[str | None, typer.Option(help="Who offers it.")] = None,
    achievement: Annotated[str | None, typer.Option(help="Attach to this achievement (code).")] = None,
    competency: Annotated[
        str | None, typer.Option(help="Attach to this competency (identifier or code).")
    ] = None,
    criterion: Annotated[str | None, typer.Option(help="A rubric criterion code of the achievement.")] = None,
) -> None:
    """Attach a learning resource."""
    from credstack.domain.resources import ResourceDraft
    from credstack.services.resources import add_resource

    uow, institution, principal = _context(ctx, as_)
    draft = ResourceDraft(title, url, kind, minutes, provider, achievement, competency, criterion)
    _print(add_resource(uow, institution=institution, principal=principal, draft=draft))


@resources_app.command("import")
@_reporting
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV of resources.")],
    as_: As,
) -> None:
    """Add every resource of a CSV (title,url,kind,minutes,provider,achievement,competency,criterion);
    any error in any row: nothing is added."""
    from credstack.services.resources import import_resources

    uow, institution, principal = _context(ctx, as_)
    for stored in import_resources(
        uow, institution=institution, principal=principal, data=file.read_bytes(), filename=file.name
    ):
        _print(stored)


@resources_app.command("remove")
@_reporting
def remove(
    ctx: typer.Context, resource_id: Annotated[int, typer.Argument(help="The resource's id.")], as_: As
) -> None:
    """Remove a learning resource."""
    from credstack.services.resources import remove_resource

    uow, institution, principal = _context(ctx, as_)
    remove_resource(uow, institution=institution, principal=principal, resource_id=resource_id)
