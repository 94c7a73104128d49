"""The command line: credstack demo | serve | import | export | db.

Output meant for scripts is JSON on stdout; errors go to stderr, one line per problem
(naming the row, line or item), with exit status 2 and nothing changed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console

from credstack.cli_assessment import assessment_app
from credstack.cli_governance import governance_app
from credstack.cli_outcomes import outcomes_app
from credstack.cli_partners import partners_app
from credstack.cli_pricing import pricing_app
from credstack.cli_registrar import registrar_app
from credstack.domain.errors import DomainError, InvalidInput, Problem
from credstack.settings import Settings

app = typer.Typer(help="credstack: stackable micro-credentials.", no_args_is_help=True, add_completion=False)
import_app = typer.Typer(help="Import frameworks and achievements (all-or-nothing).", no_args_is_help=True)
export_app = typer.Typer(help="Export in standard formats.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
keys_app = typer.Typer(help="The issuer's signing keys.", no_args_is_help=True)
pathway_app = typer.Typer(help="Stored pathways: add versions, audit learners.", no_args_is_help=True)
courses_app = typer.Typer(
    help="The course catalogue (existing courses, for gap analysis).", no_args_is_help=True
)
curriculum_app = typer.Typer(
    help="Curriculum mapping of a credential that a pathway awards.", no_args_is_help=True
)
trust_app = typer.Typer(help="The registry of trusted issuers (used when verifying).", no_args_is_help=True)
transfer_app = typer.Typer(
    help="Transfer credit: articulation agreements, the credit equivalency table, learners' claims.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")
app.add_typer(keys_app, name="keys")
app.add_typer(pathway_app, name="pathway")
app.add_typer(courses_app, name="courses")
app.add_typer(curriculum_app, name="curriculum")
app.add_typer(trust_app, name="trust")
app.add_typer(transfer_app, name="transfer")
users_app = typer.Typer(help="People and their roles at the institution; API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(export_app, name="export")
app.add_typer(db_app, name="db")
audit_log_app = typer.Typer(help="The tamper-evident audit log (a hash chain).", no_args_is_help=True)
app.add_typer(audit_log_app, name="audit-log")
app.add_typer(assessment_app, name="assessment")
app.add_typer(governance_app, name="governance")
app.add_typer(partners_app, name="partners")
app.add_typer(outcomes_app, name="outcomes")
app.add_typer(pricing_app, name="pricing")
app.add_typer(registrar_app, name="registrar")

err = Console(stderr=True, highlight=False, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def reports_errors(func: F) -> F:
    """Turn domain errors into a clear message on stderr and exit status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InvalidInput as exc:
            head = f"{exc.source}: " if exc.source else ""
            err.print(
                f"[bold red]error:[/] {head}{len(exc.problems)} problem(s); nothing was imported", markup=True
            )
            for p in exc.problems:
                err.print(f"  {p}", markup=False)
            raise typer.Exit(2) from None
        except DomainError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main_callback(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--database", help="Database URL (default: CREDSTACK_DATABASE_URL or sqlite:///credstack.db)"
        ),
    ] = None,
) -> None:
    overrides = {"database_url": database} if database else {}
    ctx.obj = Settings(**overrides)  # type: ignore[arg-type]


def _uow(settings: Settings) -> Any:
    from credstack.services.unit_of_work import UnitOfWork
    from credstack.store.db import make_engine, migrate

    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    migrate(engine)
    return UnitOfWork(engine)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(Problem(str(path), f"cannot read the file ({exc.strerror})")) from exc


@import_app.command("case")
@reports_errors
def import_case(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CASE 1.0/1.1 CFPackage JSON, or a CASE spreadsheet CSV.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, json or csv")] = "auto",
    title: Annotated[str | None, typer.Option(help="Framework title (CSV files carry none).")] = None,
) -> None:
    """Import a competency framework; prints {"framework", "competencies", "associations", ...}."""
    from credstack.services.frameworks import Format, import_framework
    from credstack.services.institutions import institution_from_settings

    if fmt not in ("auto", "json", "csv"):
        raise InvalidInput(Problem("--format", f"must be auto, json or csv, not {fmt!r}"))
    settings = _settings(ctx)
    result = import_framework(
        _uow(settings),
        institution=institution_from_settings(settings),
        data=_read(file),
        filename=str(file),
        fmt=cast(Format, fmt),
        title=title,
        actor="cli",
    )
    _print_json(result.summary())


@import_app.command("achievements")
@reports_errors
def import_achievements_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Achievements as CSV or JSON (see docs/importing.md).")],
) -> None:
    """Import achievement definitions; prints {"created", "unchanged", "codes"}."""
    from credstack.services.catalog import import_achievements, parse_achievements
    from credstack.services.institutions import institution_from_settings

    settings = _settings(ctx)
    parsed = parse_achievements(_read(file), filename=str(file), currency=settings.currency)
    result = import_achievements(
        _uow(settings), institution=institution_from_settings(settings), parsed=parsed, actor="cli"
    )
    _print_json(result.summary())


@export_app.command("case")
@reports_errors
def export_case(
    ctx: typer.Context,
    framework: Annotated[
        str, typer.Argument(help="Framework identifier (its CASE identifier) or numeric id.")
    ],
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Export a framework (latest revision) as a CASE 1.0 CFPackage JSON."""
    from credstack.services.frameworks import export_framework, resolve_framework_id
    from credstack.services.institutions import institution_from_settings

    settings = _settings(ctx)
    uow = _uow(settings)
    framework_id = resolve_framework_id(uow, institution=institution_from_settings(settings), key=framework)
    package = export_framework(uow, framework_id)
    text = json.dumps(package, ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        err.print(f"wrote {out}", markup=False)
    else:
        sys.stdout.write(text + "\n")


def _institution(settings: Settings) -> Any:
    from credstack.services.institutions import institution_from_settings

    return institution_from_settings(settings)


def _evidence(urls: list[str]) -> list[Any]:
    from credstack.credentials.ob3 import EvidenceItem

    for url in urls:
        if "://" not in url:
            raise InvalidInput(Problem("--evidence", f"{url!r} is not a URL"))
    return [EvidenceItem(url=u) for u in urls]


def _marks(values: list[str]) -> dict[str, str]:
    marks = {}
    for value in values:
        code, sep, level = value.partition("=")
        if not sep:
            raise InvalidInput(
                Problem("--result", f"{value!r} should be CRITERION=LEVEL (e.g. C1=Proficient)")
            )
        marks[code.strip()] = level.strip()
    return marks


@app.command()
@reports_errors
def issue(
    ctx: typer.Context,
    achievement: Annotated[str, typer.Option("--achievement", help="Achievement code.")],
    learner: Annotated[str, typer.Option("--learner", help="The learner's email.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed credential.")],
    name: Annotated[str | None, typer.Option(help="The learner's name (for a new learner).")] = None,
    result: Annotated[
        list[str] | None, typer.Option("--result", help="Rubric mark CRITERION=LEVEL (repeat).")
    ] = None,
    evidence: Annotated[list[str] | None, typer.Option("--evidence", help="Evidence URL (repeat).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, jwt, png or svg")] = "json",
) -> None:
    """Issue an Open Badges 3.0 credential (idempotent: the same request returns the same award)."""
    from credstack.services.credential_files import render_award
    from credstack.services.issuance import IssueRequest
    from credstack.services.stacking import issue_and_stack

    settings = _settings(ctx)
    request = IssueRequest(
        achievement=achievement,
        learner_email=learner,
        learner_name=name,
        marks=_marks(result or []),
        evidence=_evidence(evidence or []),
    )
    uow = _uow(settings)
    issued = issue_and_stack(
        uow, settings=settings, institution=_institution(settings), request=request, actor="cli"
    )
    out.write_bytes(render_award(uow, settings=settings, award=issued.award, fmt=fmt))
    _print_json(
        {
            "award": issued.award.public_id,
            "created": issued.created,
            "file": str(out),
            "url": issued.award.credential["id"],
        }
    )


@app.command("issue-bulk")
@reports_errors
def issue_bulk(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="CSV: achievement,email[,name,marks,evidence,valid_from,key].")
    ],
) -> None:
    """Issue one credential per CSV row. Run again after a crash: nothing is issued twice."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from credstack.services.bulk import parse_bulk_csv
    from credstack.services.jobs import run_bulk

    settings = _settings(ctx)
    rows = parse_bulk_csv(_read(file), source=str(file))
    columns = (TextColumn("issuing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err) as bar:
        task = bar.add_task("issue", total=len(rows))
        result = run_bulk(
            settings=settings,
            institution=_institution(settings),
            rows=rows,
            uow=_uow(settings),
            advance=lambda n: bar.advance(task, n),
        )
    _print_json(result.summary())
    if result.failed:
        raise typer.Exit(1)


def _change(ctx: typer.Context, award: str, action: str, reason: str) -> None:
    from credstack.services.status import change_status

    settings = _settings(ctx)
    updated = change_status(
        _uow(settings),
        institution=_institution(settings),
        award=award,
        action=action,  # type: ignore[arg-type]
        reason=reason,
        actor="cli",
    )
    _print_json({"award": updated.public_id, "status": updated.status, "reason": updated.status_reason})


@app.command()
@reports_errors
def revoke(
    ctx: typer.Context,
    award: Annotated[str, typer.Argument(help="The award's id (the last part of its credential URL).")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
) -> None:
    """Revoke an award for good: its status list bit is set at once."""
    _change(ctx, award, "revoke", reason)


@app.command()
@reports_errors
def suspend(
    ctx: typer.Context,
    award: Annotated[str, typer.Argument(help="The award's id.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
) -> None:
    """Suspend an award until it is reinstated."""
    _change(ctx, award, "suspend", reason)


@app.command()
@reports_errors
def reinstate(
    ctx: typer.Context,
    award: Annotated[str, typer.Argument(help="The award's id.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
) -> None:
    """Lift a suspension."""
    _change(ctx, award, "reinstate", reason)


@app.command()
def verify(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Credentials: JSON, VC-JWT, baked PNG or SVG.")],
    status_list: Annotated[
        list[Path] | None, typer.Option("--status-list", help="A status list credential, served at its id.")
    ] = None,
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="URL=FILE: serve FILE for URL (DID doc, list).")
    ] = None,
    now: Annotated[str | None, typer.Option(help="Judge validity dates at this ISO instant.")] = None,
    fragment_keys: Annotated[
        bool, typer.Option(help="Accept 1EdTech's non-standard https://issuer#z6Mk... keys (opt-in).")
    ] = False,
    schemas: Annotated[
        str | None,
        typer.Option(help="Folder with the official 1EdTech JSON Schemas (CREDSTACK_OB_SCHEMA_DIR)."),
    ] = None,
) -> None:
    """Verify credentials; one JSON line per file. Exit 0 only if every file verified."""
    from datetime import UTC, datetime

    from credstack.services.verification import environment, verify_bytes

    settings = _settings(ctx)
    if schemas:
        settings = settings.model_copy(update={"ob_schema_dir": schemas})
    documents: dict[str, dict[str, Any]] = {}
    try:
        for path in status_list or []:
            listed = json.loads(path.read_text(encoding="utf-8"))
            documents[str(listed.get("id"))] = listed
        for item in map_ or []:
            url, sep, target = item.partition("=")
            if not sep:
                raise typer.BadParameter(f"{item!r} should be URL=FILE", param_hint="--map")
            documents[url] = json.loads(Path(target).read_text(encoding="utf-8"))
        moment = datetime.fromisoformat(now.replace("Z", "+00:00")) if now else datetime.now(UTC)
    except (OSError, ValueError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    env = environment(
        _uow(settings),
        settings=settings,
        institution=_institution(settings),
        now=moment,
        fragment_keys=fragment_keys,
        extra_documents=documents,
    )
    all_ok = True
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            _print_json(
                {
                    "file": str(file),
                    "verified": False,
                    "checks": [],
                    "errors": [f"cannot read: {exc.strerror}"],
                }
            )
            all_ok = False
            continue
        report = verify_bytes(data, env)
        all_ok = all_ok and report.verified
        _print_json(report.as_json(str(file)))
    if not all_ok:
        raise typer.Exit(1)


@app.command()
@reports_errors
def audit(
    pathway: Annotated[Path, typer.Option("--pathway", help="The pathway: YAML or JSON (docs/pathways.md).")],
    awards: Annotated[
        Path, typer.Option("--awards", help="Held awards: a JSON list, or OB 3.0 credentials.")
    ],
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="Achievements not yet earned, with price and credits.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge recency on this date (default today).")
    ] = None,
    metric: Annotated[str, typer.Option(help="What the plan minimises: price, credits or hours.")] = "price",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Audit awards against a pathway (no database): every requirement's status, which awards
    went where, what is missing, and with a catalogue the cheapest completion plan."""
    from datetime import date

    from credstack.domain.pathways.audit import audit as run_audit
    from credstack.domain.pathways.plan import cheapest_plans
    from credstack.interop.awards_file import parse_awards, parse_catalogue
    from credstack.interop.pathway_file import load_pathway

    if metric not in ("price", "credits", "hours"):
        raise InvalidInput(Problem("--metric", f"must be price, credits or hours, not {metric!r}"))
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise InvalidInput(Problem("--as-of", f"{as_of!r} is not a date (YYYY-MM-DD)")) from None
    tree = load_pathway(
        _read(pathway), source=str(pathway), format="json" if pathway.suffix.lower() == ".json" else None
    )
    held = parse_awards(_read(awards), source=str(awards))
    result = run_audit(tree, held, as_of=day)
    report = result.as_json()
    plans = []
    if catalogue is not None:
        offered = parse_catalogue(_read(catalogue), source=str(catalogue))
        plans = cheapest_plans(tree, held, offered, as_of=day, metric=metric)  # type: ignore[arg-type]
        report["plan"] = plans[0].as_json() if plans else None
        report["alternatives"] = [p.as_json() for p in plans[1:]]
    if as_json:
        _print_json(report)
        return
    _print_audit(result, plans)


def _print_audit(result: Any, plans: list[Any]) -> None:
    from rich.console import Console
    from rich.tree import Tree

    marks = {
        "met": "[green]✔ met[/]",
        "in_progress": "[yellow]◐ in progress[/]",
        "not_started": "[red]✘ not started[/]",
    }

    def grow(branch: Tree, node: Any) -> None:
        text = f"{marks[node.status]}  {node.node.describe()}"
        if node.awards:
            text += f"  [dim]← {', '.join(node.awards)}[/]"
        if node.missing:
            text += f"  [italic]{node.missing}[/]"
        if node.exception:
            text += f"  [magenta]{node.exception}[/]"
        child = branch.add(text)
        for c in node.children:
            grow(child, c)

    verdict = "[bold green]MET[/]" if result.met else "[bold red]NOT MET[/]"
    top = Tree(f"{result.pathway.name} (v{result.pathway.version}) → {result.pathway.awards}: {verdict}")
    grow(top, result.root)
    out = Console(highlight=False)
    out.print(top)
    out.print(f"credits done {result.credits_done}, to go {result.credits_to_go}; as of {result.as_of}")
    for i, plan in enumerate(plans):
        label = "cheapest plan" if i == 0 else f"alternative {i}"
        out.print(
            f"{label}: {', '.join(plan.achievements)} ({plan.metric}: price {plan.price}, credits {plan.credits})"
        )


@pathway_app.command("add")
@reports_errors
def pathway_add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A pathway file (YAML or JSON), or one to import.")],
    fmt: Annotated[str, typer.Option("--from", help="pathway, badgr, ctdl or ctdl-csv")] = "pathway",
    awards: Annotated[
        str | None, typer.Option("--awards", help="The catalog achievement it awards (for imported files).")
    ] = None,
) -> None:
    """Store a pathway as its next version (an unchanged file adds nothing); Badgr exports and
    CTDL Pathway graphs or CSV are imported into the same form."""
    from credstack.services.stacking import save_pathway

    settings = _settings(ctx)
    pathway, version = save_pathway(
        _uow(settings),
        institution=_institution(settings),
        data=_read(file),
        filename=str(file),
        actor="cli",
        source_format=fmt,
        awards=awards,
    )
    _print_json({"pathway": pathway.id, "version": version, "awards": pathway.awards})


@pathway_app.command("list")
def pathway_list(ctx: typer.Context) -> None:
    """The stored pathways, latest versions."""
    settings = _settings(ctx)
    uow = _uow(settings)
    with uow:
        found = uow.institutions.get(settings.institution_slug)
        stored = uow.pathways.latest(found[0]) if found else []
    for p in stored:
        _print_json({"pathway": p.code, "version": p.version, "name": p.name, "awards": p.awards_code})


@pathway_app.command("audit")
@reports_errors
def pathway_audit(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The pathway's id (any pathway: a what-if audit).")],
    learner: Annotated[str, typer.Option("--learner", help="The learner's email.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge recency on this date.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Audit a stored learner against a stored pathway (the version they started on, or the newer
    one when better: the output says which)."""
    from datetime import date

    from credstack.services.stacking import audit_learner

    settings = _settings(ctx)
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise InvalidInput(Problem("--as-of", f"{as_of!r} is not a date (YYYY-MM-DD)")) from None
    result = audit_learner(
        _uow(settings),
        institution=_institution(settings),
        learner_email=learner,
        pathway_code=code,
        as_of=day,
    )
    if as_json:
        _print_json({**result.audit.as_json(), "version_used": result.version, "why": result.why})
        return
    _print_audit(result.audit, [])
    typer.echo(result.why)


@courses_app.command("import")
@reports_errors
def courses_import(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="CSV: code, title, credits, level, competencies (KEY:LEVEL; ...).")
    ],
) -> None:
    """Replace the course catalogue (all-or-nothing); prints {"courses", "replaced", "unchanged", "source"}."""
    from credstack.services.curriculum import import_courses
    from credstack.services.institutions import institution_from_settings

    settings = _settings(ctx)
    done = import_courses(
        _uow(settings),
        institution=institution_from_settings(settings),
        data=_read(file),
        filename=str(file),
        actor="cli",
    )
    _print_json(done.summary())


@courses_app.command("list")
def courses_list(ctx: typer.Context) -> None:
    """The course catalogue, one JSON line per course."""
    from credstack.services.curriculum import list_courses
    from credstack.services.institutions import institution_from_settings

    settings = _settings(ctx)
    for stored in list_courses(_uow(settings), institution=institution_from_settings(settings)):
        c = stored.course
        comps = [{"competency": k, "level": lvl} for k, lvl in c.competencies]
        _print_json(
            {"code": c.code, "title": c.title, "credits": c.credits, "level": c.level, "competencies": comps}
        )


@curriculum_app.command("show")
@reports_errors
def curriculum_show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The code of an achievement that a pathway awards.")],
    csv: Annotated[
        str | None, typer.Option("--csv", help="Print one view as CSV: matrix, gaps or coherence.")
    ] = None,
    pathway: Annotated[
        str | None, typer.Option(help="Map under this pathway (when several award it).")
    ] = None,
) -> None:
    """The credential's gap analysis and coherence flags as one JSON line, or a view as CSV."""
    from credstack.services.curriculum import EXPORTS, curriculum, export_csv
    from credstack.services.institutions import institution_from_settings

    if csv is not None and csv not in EXPORTS:
        raise typer.BadParameter(f"must be {', '.join(EXPORTS)}, not {csv!r}", param_hint="--csv")
    settings = _settings(ctx)
    found = curriculum(
        _uow(settings), institution=institution_from_settings(settings), code=code, pathway=pathway
    )
    if csv is not None:
        sys.stdout.write(export_csv(found, csv))
        return
    m = found.map
    _print_json(
        {
            "code": m.stack.terminal.code,
            "pathway": m.stack.pathway.id,
            "components": [c.code for c in m.stack.components],
            "outcomes": [
                {
                    "competency": c.outcome.competency.label,
                    "level": c.outcome.level,
                    "status": c.status,
                    "best": c.best,
                    "covered": c.covered,
                    "gaps": [
                        {
                            "competency": g.competency.label,
                            "best": g.best,
                            "remedy": g.remedy,
                            "courses": {x.course.code: x.level for x in g.courses},
                        }
                        for g in c.gaps
                    ],
                }
                for c in m.coverage
            ],
            "coherence": [{"severity": f.severity, "kind": f.kind, "message": f.message} for f in m.flags],
        }
    )


@keys_app.command("rotate")
@reports_errors
def keys_rotate(ctx: typer.Context) -> None:
    """Start signing with a new key; credentials signed with the old one still verify."""
    from credstack.services.keys import rotate_key

    settings = _settings(ctx)
    signer = rotate_key(_uow(settings), institution=_institution(settings), settings=settings, actor="cli")
    _print_json({"did": signer.did, "verification_method": signer.verification_method})


@keys_app.command("compromised")
@reports_errors
def keys_compromised(
    ctx: typer.Context,
    verification_method: Annotated[str, typer.Argument(help="The key's verification method id.")],
    since: Annotated[str, typer.Option(help="ISO date-time from which its signatures are not trusted.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
) -> None:
    """Mark a key compromised: credentials it signed at or after --since fail verification."""
    from datetime import datetime

    from credstack.services.keys import mark_compromised

    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(Problem("--since", f"{since!r} is not an ISO date-time")) from None
    settings = _settings(ctx)
    mark_compromised(
        _uow(settings),
        institution=_institution(settings),
        verification_method=verification_method,
        since=moment,
        reason=reason,
        actor="cli",
    )
    _print_json({"verification_method": verification_method, "compromised_since": moment.isoformat()})


@keys_app.command("list")
def keys_list(ctx: typer.Context) -> None:
    """The institution's keys, oldest first."""
    settings = _settings(ctx)
    uow = _uow(settings)
    with uow:
        found = uow.institutions.get(settings.institution_slug)
        keys = uow.keys.all(found[0]) if found else []
    for k in keys:
        _print_json(
            {
                "verification_method": k.verification_method,
                "created": k.created_at,
                "retired": k.retired_at,
                "compromised": k.compromised_at,
            }
        )


def _trusted_json(entry: Any) -> dict[str, Any]:
    return {"issuer": entry.issuer, "name": entry.name, "note": entry.note, "created": entry.created_at}


@trust_app.command("add")
@reports_errors
def trust_add(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The issuer's id: a DID or an https URL.")],
    name: Annotated[str, typer.Option(help="How the institution knows this issuer.")],
    note: Annotated[str | None, typer.Option(help="Why it is trusted, who checked.")] = None,
) -> None:
    """Trust an issuer (again: update its name and note); prints the entry."""
    from credstack.services.trust import trust_issuer

    settings = _settings(ctx)
    done = trust_issuer(
        _uow(settings), institution=_institution(settings), issuer=issuer, name=name, note=note, actor="cli"
    )
    _print_json(_trusted_json(done.entry) | {"added": done.created})


@trust_app.command("remove")
@reports_errors
def trust_remove(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Argument(help="The issuer's id, as listed.")],
) -> None:
    """Stop trusting an issuer; prints the entry removed."""
    from credstack.services.trust import distrust_issuer

    settings = _settings(ctx)
    entry = distrust_issuer(_uow(settings), institution=_institution(settings), issuer=issuer, actor="cli")
    _print_json(_trusted_json(entry) | {"removed": True})


@trust_app.command("list")
@reports_errors
def trust_list(ctx: typer.Context) -> None:
    """The trusted issuers, by name; one JSON line each."""
    from credstack.services.trust import trusted_issuers

    settings = _settings(ctx)
    for entry in trusted_issuers(_uow(settings), institution=_institution(settings)):
        _print_json(_trusted_json(entry))


@transfer_app.command("agreements")
@reports_errors
def transfer_agreements(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Option("--import", help="Add or change agreements (and credit units) from a YAML/JSON file."),
    ] = None,
    retire: Annotated[str | None, typer.Option("--retire", help="End the agreement with this code.")] = None,
) -> None:
    """List the articulation agreements (one JSON line each), after importing or retiring."""
    from credstack.services import transfer

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    if file is not None:
        done = transfer.import_agreements(
            uow, institution=institution, data=_read(file), filename=str(file), actor="cli"
        )
        err.print(f"agreements: {done.summary()}", markup=False)
    if retire:
        transfer.retire_agreement(uow, institution=institution, code=retire, actor="cli")
    for stored in transfer.list_agreements(uow, institution=institution):
        _print_json(transfer.agreement_json(stored))


@transfer_app.command("units")
@reports_errors
def transfer_units(
    ctx: typer.Context,
    set_unit: Annotated[
        tuple[str, str, str] | None,
        typer.Option(
            "--set", metavar="CODE NAME ECTS", help="Add or change a unit: its code, name and ECTS worth."
        ),
    ] = None,
) -> None:
    """The credit equivalency table: each unit and what one of it is worth in ECTS."""
    from decimal import Decimal, InvalidOperation

    from credstack.domain.transfer import CreditUnitDef
    from credstack.services import transfer

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    if set_unit is not None:
        code, name, worth = set_unit
        try:
            value = Decimal(worth)
        except InvalidOperation:
            raise InvalidInput(Problem("ects_per_unit", f"{worth!r} is not a number")) from None
        transfer.set_credit_unit(
            uow, institution=institution, unit=CreditUnitDef(code, name, value), actor="cli"
        )
    for unit in transfer.credit_table(uow, institution=institution).units:
        _print_json({"code": unit.code, "name": unit.name, "ects_per_unit": float(unit.ects_per_unit)})


@transfer_app.command("claim")
@reports_errors
def transfer_claim(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The external credential: JSON, VC-JWT, or a baked PNG/SVG.")],
    learner: Annotated[str, typer.Option("--learner", help="The learner's email.")],
    status_list: Annotated[
        list[Path] | None,
        typer.Option("--status-list", help="The issuer's status list credential (repeatable)."),
    ] = None,
) -> None:
    """Verify another institution's credential and record the transfer credit its agreements
    grant. Exit status 0 when credit was recorded (accepted or pending), 1 when refused."""
    from credstack.services import transfer

    settings = _settings(ctx)
    documents = transfer.status_list_documents([(str(p), _read(p)) for p in status_list or []])
    result = transfer.claim_transfer(
        _uow(settings),
        settings=settings,
        institution=_institution(settings),
        learner_email=learner,
        data=_read(file),
        filename=str(file),
        actor="cli",
        documents=documents,
    )
    _print_json(transfer.claim_json(result))
    if not result.transfers:
        err.print(f"refused: {result.problem}", markup=False)
        raise typer.Exit(1)


@transfer_app.command("list")
@reports_errors
def transfer_list(
    ctx: typer.Context,
    learner: Annotated[str | None, typer.Option("--learner", help="Only this learner's.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="accepted, pending, rejected or withdrawn")
    ] = None,
) -> None:
    """Transfer credits, newest first; one JSON line each."""
    from credstack.services import transfer

    settings = _settings(ctx)
    found = transfer.transfers_for(
        _uow(settings), institution=_institution(settings), learner_email=learner, status=status
    )
    for t in found:
        _print_json(transfer.transfer_json(t))


@transfer_app.command("decide")
@reports_errors
def transfer_decide(
    ctx: typer.Context,
    transfer_id: Annotated[str, typer.Argument(help="The transfer credit's id.")],
    decision: Annotated[str, typer.Argument(help="accept, reject or withdraw")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the decision).")],
    by: Annotated[str, typer.Option("--by", help="Who decides (kept with the decision).")] = "cli",
) -> None:
    """A registrar's decision on a pending transfer credit (or withdrawing a granted one)."""
    from credstack.services import transfer

    settings = _settings(ctx)
    after, stacked = transfer.decide_transfer(
        _uow(settings),
        settings=settings,
        institution=_institution(settings),
        public_id=transfer_id,
        decision=decision,
        actor=by,
        reason=reason,
    )
    _print_json(
        transfer.transfer_json(after)
        | {"stacked": [{"id": a.public_id, "achievement": a.achievement_code} for a in stacked]}
    )


@audit_log_app.command("verify")
@reports_errors
def audit_log_verify(
    ctx: typer.Context,
    head: Annotated[
        str | None,
        typer.Option(help="SEQ:HASH printed by an earlier verify: also catches entries cut off the end."),
    ] = None,
) -> None:
    """Check every entry's hash and link, in order; exit 1 naming the first broken entry."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from credstack.domain.audit_chain import ChainHead
    from credstack.services.audit_trail import audit_log_size, verify_audit_log

    try:
        anchor = ChainHead.parse(head) if head else None
    except ValueError as exc:
        raise InvalidInput(Problem("--head", str(exc))) from None
    uow = _uow(_settings(ctx))
    columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("verify", total=audit_log_size(uow))
        report = verify_audit_log(uow, anchor=anchor, advance=lambda n: bar.advance(task, n))
    _print_json(report.as_json())
    if report.first is not None:
        err.print(f"audit log broken ({len(report.breaks)} break(s)): {report.first.message}", markup=False)
        raise typer.Exit(1)
    err.print(f"audit log intact: {report.entries} entries, head {report.head or 'none'}", markup=False)


@audit_log_app.command("show")
def audit_log_show(
    ctx: typer.Context,
    subject_type: Annotated[
        str | None, typer.Option(help="Only entries about this kind of subject (award, pathway ...).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many entries.")] = 20,
) -> None:
    """The newest entries first, one JSON line each."""
    from credstack.services.audit_trail import audit_entries

    for entry in audit_entries(_uow(_settings(ctx)), subject_type=subject_type, limit=limit):
        _print_json(entry)


@users_app.command("add")
@reports_errors
def users_add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The person's email (their sign-in name).")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="A role to grant (repeatable): admin, curriculum-designer, governance-board, assessor, registrar, learner, employer.",
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="Their name.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password from standard input.")
    ] = False,
) -> None:
    """Add a person (if new) and grant roles at the institution."""
    from credstack.services.identity import add_user

    settings = _settings(ctx)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    user_id, roles = add_user(
        _uow(settings), institution=_institution(settings), email=email, name=name, roles=role, actor="cli",
        password=password,
    )  # fmt: skip
    _print_json({"id": user_id, "email": email.strip().lower(), "roles": sorted(r.value for r in roles)})


@users_app.command("list")
@reports_errors
def users_list(ctx: typer.Context) -> None:
    """Everyone with a role at the institution; one JSON line each."""
    from credstack.services.identity import members

    settings = _settings(ctx)
    for user, roles in members(_uow(settings), institution=_institution(settings)):
        _print_json({"email": user.email, "name": user.name, "roles": sorted(r.value for r in roles)})


@users_app.command("token")
@reports_errors
def users_token(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="read, write, issue, assess, govern, admin (repeatable; default: all the roles allow).",
        ),
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Valid for this many days.")] = 90,
) -> None:
    """Issue an API token. The secret is printed once; only its hash is kept."""
    from credstack.services.identity import issue_token

    settings = _settings(ctx)
    issued = issue_token(
        _uow(settings), institution=_institution(settings), email=email, name=name, scopes=scope or ["*"],
        days=days, actor="cli",
    )  # fmt: skip
    _print_json(
        {
            "id": issued.token_id,
            "token": issued.secret,
            "scopes": list(issued.scopes),
            "expires": issued.expires_at,
        }
    )


@users_app.command("revoke-token")
@reports_errors
def users_revoke_token(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's id.")]
) -> None:
    """Revoke an API token at once."""
    from credstack.services.identity import revoke_token

    settings = _settings(ctx)
    revoke_token(_uow(settings), institution=_institution(settings), token_id=token_id, actor="cli")
    _print_json({"id": token_id, "revoked": True})


@app.command()
def worker(
    ctx: typer.Context,
    burst: Annotated[bool, typer.Option(help="Stop when the queue is empty.")] = False,
) -> None:
    """Work for the job queue (CREDSTACK_JOB_QUEUE_URL): bulk issuance and other long jobs."""
    from credstack.services.jobs import work

    work(_settings(ctx), burst=burst)


@export_app.command("ctdl")
@reports_errors
def export_ctdl(
    ctx: typer.Context,
    pathway: Annotated[str | None, typer.Option("--pathway", help="Export this stored pathway only.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Publish the catalog's achievements and the stored pathways as CTDL JSON-LD."""
    from credstack.domain.errors import NotFound
    from credstack.interop.ctdl_export import CONTEXT, achievement_ctdl, pathway_ctdl
    from credstack.services.catalog import catalog, institution_profile
    from credstack.services.stacking import stored_pathway

    settings = _settings(ctx)
    uow = _uow(settings)
    institution = institution_profile(uow, institution=_institution(settings))
    base = settings.base_url.rstrip("/")
    stored = catalog(uow, institution=institution)
    urls = {s.achievement.code: f"{base}/achievements/{s.id}" for s in stored}
    graph: list[dict[str, Any]] = []
    with uow:
        found = uow.institutions.get(institution.slug)
        pathways = uow.pathways.latest(found[0]) if found else []
    if pathway is not None:
        pathways = [p for p in pathways if p.code == pathway]
        if not pathways:
            raise NotFound("pathway", pathway)
    else:
        for s in stored:
            comps = {
                a.row.competency.identifier: a.row.competency.uri or a.row.competency.identifier
                for a in s.aligned
            }
            graph.append(
                achievement_ctdl(
                    s.achievement,
                    url=urls[s.achievement.code],
                    owner=base,
                    conversion=institution.conversion,
                    competencies=comps,
                )
            )
    for p in pathways:
        graph.extend(pathway_ctdl(stored_pathway(p), base=base, achievement_urls=urls)["@graph"])
    text = json.dumps({"@context": CONTEXT, "@graph": graph}, ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        err.print(f"wrote {out}", markup=False)
    else:
        sys.stdout.write(text + "\n")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply the schema migrations (the app and every command also do this on start)."""
    _uow(_settings(ctx))
    err.print("database is at the latest schema", markup=False)


@app.command()
@reports_errors
def demo(
    ctx: typer.Context,
    learners: Annotated[int, typer.Option(help="Synthetic learners to create.")] = 2000,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web app after seeding.")
    ] = True,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Seed the demo institution (idempotent) and serve the web app."""
    from credstack.services.demo import seed_demo

    settings = _settings(ctx)
    report = seed_demo(_uow(settings), settings=settings, learners=learners, progress=True)
    err.print(report.describe(), markup=False)
    from credstack.services.demo_users import DEMO_PASSWORD

    err.print(f"\nsign in at /signin with the password {DEMO_PASSWORD} as:", markup=False)
    for role, email in report.accounts:
        err.print(f"  {role:<20} {email}", markup=False)
    if serve_after:
        err.print(f"\ncredstack demo: open http://{host}:{port}/  (Ctrl-C to stop)", markup=False)
        _serve(settings, host, port)


@app.command()
def serve(
    ctx: typer.Context,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve the web app and the API."""
    _serve(_settings(ctx), host, port)


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from credstack.api.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
