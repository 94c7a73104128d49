"""``credstack registrar``: the student-records export (CSV, one row per award) and a learner's
transcript as JSON, PDF or a signed CLR 2.0 credential."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

registrar_app = typer.Typer(
    help="Student records: transcripts (JSON, PDF, CLR 2.0) and the export for the records system.",
    no_args_is_help=True,
)


def _reporting(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from credstack.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@registrar_app.command("export")
@_reporting
def export(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Awards issued on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Awards issued on or before (YYYY-MM-DD).")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the CSV here (default: standard output).")] = None,
) -> None:
    """The student-records export: CSV, one row per award (docs/registrar-records.md names the columns)."""
    from credstack.cli import _institution, _settings, _uow
    from credstack.services import records_export

    settings = _settings(ctx)
    period = records_export.Period.parse(since, until)
    rows = records_export.export_rows(
        _uow(settings), institution=_institution(settings), settings=settings, period=period
    )
    text = records_export.records_csv(rows)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        typer.echo(f"{len(rows)} rows written to {out}", err=True)


@registrar_app.command("transcript")
@_reporting
def transcript(
    ctx: typer.Context,
    learner: Annotated[str, typer.Argument(help="The learner's email.")],
    pdf: Annotated[Path | None, typer.Option(help="Write the PDF here.")] = None,
    clr: Annotated[Path | None, typer.Option(help="Write the signed CLR 2.0 credential here.")] = None,
) -> None:
    """A learner's transcript as JSON (and, when asked, as a PDF and a signed CLR credential)."""
    import json

    from credstack.cli import _institution, _print_json, _settings, _uow
    from credstack.services.transcript_pdf import transcript_pdf
    from credstack.services.transcripts import transcript as build
    from credstack.services.transcripts import transcript_clr, transcript_json

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    record = build(uow, institution=institution, settings=settings, learner_email=learner)
    if pdf is not None:
        pdf.write_bytes(transcript_pdf(record))
    if clr is not None:
        document = transcript_clr(uow, institution=institution, settings=settings, record=record)
        clr.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    _print_json(transcript_json(record))
