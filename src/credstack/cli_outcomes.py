"""``credstack outcomes``: import outcome records from CSV files (enrolments, sponsored cohorts,
hires, ratings, consented demographics, a comparison cohort) and list hires, as the user named by
``--as EMAIL`` (a registrar or administrator). Output is JSON lines, as the API's."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

outcomes_app = typer.Typer(
    help="Outcome records: enrolments, sponsored cohorts, hires and ratings, demographics, comparison cohorts.",
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


def _context(ctx: typer.Context, email: str) -> tuple[Any, Any, Any]:
    from credstack.cli import _institution, _settings, _uow
    from credstack.services.identity import acting_as

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    return uow, institution, acting_as(uow, institution=institution, email=email)


@outcomes_app.command("import")
@_reporting
def import_(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(help="sponsored-cohorts, enrolments, hires, ratings, demographics or comparison."),
    ],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The CSV file.")],
    as_: As,
    cohort_code: Annotated[str | None, typer.Option(help="comparison: the cohort's code.")] = None,
    cohort_name: Annotated[str | None, typer.Option(help="comparison: the cohort's name.")] = None,
) -> None:
    """Import one CSV file; all or nothing: any bad row lists every problem by line and column."""
    from credstack.cli import _print_json
    from credstack.services.outcomes import import_table

    uow, institution, principal = _context(ctx, as_)
    done = import_table(
        uow, institution=institution, principal=principal, kind=kind, data=file.read_bytes(),
        filename=file.name, cohort_code=cohort_code, cohort_name=cohort_name,
    )  # fmt: skip
    _print_json(done.summary())


@outcomes_app.command("hires")
@_reporting
def hires(ctx: typer.Context, as_: As, limit: Annotated[int, typer.Option(min=1, max=10000)] = 200) -> None:
    """Hires of credential holders, newest first, with their ratings; one JSON line each."""
    from credstack.cli import _print_json
    from credstack.services.outcomes import hire_json
    from credstack.services.outcomes import hires as list_hires

    uow, institution, principal = _context(ctx, as_)
    for h in list_hires(uow, institution=institution, principal=principal, limit=limit):
        _print_json(hire_json(h))
