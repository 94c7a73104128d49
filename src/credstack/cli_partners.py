"""``credstack partners``: the partner registry, co-design records, projects offered as assessment
tasks, mentorships and their sign-off, each taken as the user named by ``--as EMAIL`` with that
user's roles here. Output is JSON lines, as the API's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

partners_app = typer.Typer(
    help="Employers as partners: the registry, co-design, projects, mentorships and sign-off.",
    no_args_is_help=True,
)

As = Annotated[str, typer.Option("--as", help="The email of the user acting (their roles apply).")]
Slug = Annotated[str, typer.Argument(help="The partner's slug (as `partners list` shows it).")]
Achievement = Annotated[str, typer.Argument(help="The achievement's code.")]


def _reporting(func: F) -> F:
    """credstack.cli's error reporting (looked up when called: cli.py imports this module)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from credstack.cli import reports_errors

        return reports_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _context(ctx: typer.Context, email: str | None = None) -> tuple[Any, Any, Any]:
    """A unit of work, the institution, and the principal acting (with ``email``)."""
    from credstack.cli import _institution, _settings, _uow
    from credstack.services.identity import acting_as

    settings = _settings(ctx)
    uow, institution = _uow(settings), _institution(settings)
    principal = acting_as(uow, institution=institution, email=email) if email else None
    return uow, institution, principal


def _print(model: Any) -> None:
    from credstack.cli import _print_json

    _print_json(model.model_dump(mode="json"))


@partners_app.command("add")
@_reporting
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    as_: As,
    kind: Annotated[str, typer.Option(help="employer, professional-body or community.")] = "employer",
    slug: Annotated[str, typer.Option(help="Its slug (default: made from the name).")] = "",
    website: Annotated[str | None, typer.Option(help="Its website (http/https).")] = None,
    contact_name: Annotated[str | None, typer.Option(help="The contact person.")] = None,
    contact_email: Annotated[str | None, typer.Option(help="The contact's email.")] = None,
    description: Annotated[str, typer.Option(help="A sentence about the organisation.")] = "",
) -> None:
    """Add a partner organisation (registrars, curriculum designers, administrators)."""
    from credstack.api.partner_schemas import PartnerRecordOut
    from credstack.domain.partners import Partner, PartnerKind, choice
    from credstack.services.partners import add_partner

    uow, institution, principal = _context(ctx, as_)
    partner = Partner(
        name, choice(PartnerKind, kind, "kind"), slug, website, contact_name, contact_email, description
    )
    stored = add_partner(uow, institution=institution, principal=principal, partner=partner)
    _print(PartnerRecordOut.of(stored.partner, stored.created_at))


@partners_app.command("list")
@_reporting
def list_(ctx: typer.Context) -> None:
    """Every partner with what it co-designed and its open projects; one JSON line each."""
    from credstack.api.partner_schemas import PartnerOut
    from credstack.services.partners import partners

    uow, institution, _ = _context(ctx)
    for p in partners(uow, institution=institution):
        _print(PartnerOut.of(p))


@partners_app.command("co-design")
@_reporting
def co_design(
    ctx: typer.Context,
    partner: Slug,
    achievement: Achievement,
    as_: As,
    contribution: Annotated[str, typer.Option(help="What the partner contributed.")],
    since: Annotated[str, typer.Option("--from", help="Since when (YYYY-MM-DD).")],
    until: Annotated[str | None, typer.Option(help="Until when (YYYY-MM-DD), if it ended.")] = None,
) -> None:
    """Record that a partner co-designed an achievement."""
    from credstack.api.partner_schemas import CoDesignOut
    from credstack.domain.partners import CoDesign
    from credstack.services.partners import add_co_design

    uow, institution, principal = _context(ctx, as_)
    co = CoDesign(partner, achievement, contribution, _date(since, "--from"), _date(until, "--until"))
    _print(CoDesignOut.of(add_co_design(uow, institution=institution, principal=principal, co_design=co)))


@partners_app.command("project")
@_reporting
def project(
    ctx: typer.Context,
    partner: Slug,
    achievement: Achievement,
    as_: As,
    title: Annotated[str, typer.Option(help="The project's title.")],
    brief: Annotated[str, typer.Option(help="What the learner will do.")],
    opens: Annotated[str, typer.Option(help="Open from (YYYY-MM-DD).")],
    closes: Annotated[str, typer.Option(help="Closes on (YYYY-MM-DD).")],
    kind: Annotated[str, typer.Option(help="micro-internship or employer-project.")] = "micro-internship",
    places: Annotated[int, typer.Option(help="How many learners can take it.")] = 1,
    draft: Annotated[bool, typer.Option("--draft", help="Keep it as a draft (not listed).")] = False,
) -> None:
    """Offer a micro-internship or employer project as an achievement's assessment task."""
    from credstack.api.partner_schemas import ProjectOut
    from credstack.domain.partners import Project, ProjectKind, ProjectStatus, choice
    from credstack.services.partners import add_project

    uow, institution, principal = _context(ctx, as_)
    offered = Project(
        partner, achievement, title, brief, _date(opens, "--opens"), _date(closes, "--closes"),
        choice(ProjectKind, kind, "kind"), places, ProjectStatus.DRAFT if draft else ProjectStatus.OPEN,
    )  # fmt: skip
    _print(ProjectOut.of(add_project(uow, institution=institution, principal=principal, project=offered)))


@partners_app.command("mentor")
@_reporting
def mentor(
    ctx: typer.Context,
    partner: Slug,
    as_: As,
    mentor_name: Annotated[str, typer.Option(help="The mentor's name.")],
    mentor_email: Annotated[str, typer.Option(help="The mentor's email.")],
    learner: Annotated[str, typer.Option(help="The learner's email.")],
    goal: Annotated[str, typer.Option(help="What the practice should achieve.")],
    starts: Annotated[str, typer.Option(help="First day (YYYY-MM-DD).")],
    ends: Annotated[str, typer.Option(help="Last day (YYYY-MM-DD).")],
    hours: Annotated[int, typer.Option(help="Hours of guided practice.")],
    achievement: Annotated[str | None, typer.Option(help="The achievement it prepares for.")] = None,
) -> None:
    """Assign an industry mentor to a learner. Prints the mentorship with its sign-off link (once)."""
    from credstack.api.partner_schemas import MentorshipOut, NewMentorshipOut
    from credstack.cli import _settings
    from credstack.domain.partners import Mentorship
    from credstack.services.mentorships import add_mentorship, sign_off_link

    uow, institution, principal = _context(ctx, as_)
    wanted = Mentorship(
        partner, mentor_name, mentor_email, learner, goal, _date(starts, "--starts"), _date(ends, "--ends"), hours,
        achievement,
    )  # fmt: skip
    new = add_mentorship(uow, institution=institution, principal=principal, mentorship=wanted)
    base = _settings(ctx).base_url
    out = MentorshipOut.of(new.stored, base)
    _print(
        NewMentorshipOut(**out.model_dump(), sign_off_link=sign_off_link(base, new.stored.public_id, new.key))
    )


@partners_app.command("mentorships")
@_reporting
def list_mentorships(ctx: typer.Context, as_: As) -> None:
    """Mentorships the user may see, each with its sign-off page; one JSON line each."""
    from credstack.api.partner_schemas import MentorshipOut
    from credstack.cli import _settings
    from credstack.services.mentorships import mentorships_for

    uow, institution, principal = _context(ctx, as_)
    for m in mentorships_for(uow, institution=institution, principal=principal):
        _print(MentorshipOut.of(m, _settings(ctx).base_url))


@partners_app.command("sign-off")
@_reporting
def sign_off(
    ctx: typer.Context,
    mentorship: Annotated[str, typer.Argument(help="The mentorship's id.")],
    as_: Annotated[str, typer.Option("--as", help="The mentor's email (a user with the employer role).")],
    statement: Annotated[str, typer.Option(help="What the mentor saw the learner do.")],
    outcome: Annotated[str, typer.Option(help="met, partly-met or not-met.")],
) -> None:
    """The mentor signs off a mentorship (final)."""
    from credstack.api.partner_schemas import MentorshipOut
    from credstack.cli import _settings
    from credstack.services.mentorships import sign_off as sign

    uow, institution, principal = _context(ctx, as_)
    signed = sign(
        uow,
        institution=institution,
        principal=principal,
        public_id=mentorship,
        statement=statement,
        outcome=outcome,
    )
    _print(MentorshipOut.of(signed, _settings(ctx).base_url))


def _date(value: str | None, option: str) -> Any:
    from credstack.domain.errors import InvalidInput, Problem

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(Problem(option, f"{value!r} is not a date (YYYY-MM-DD)")) from None
