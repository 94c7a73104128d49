"""``credstack users invite``: invite a person by email link from the command line (an operator's
console has the administrator's authority). Prints the invitation as JSON with its link."""

from __future__ import annotations

from typing import Annotated

import typer


def invite(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The person's email (their sign-in name).")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="A role they get (repeatable): admin, curriculum-designer, governance-board, assessor, registrar, learner, employer.",
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="Their name (they can change it).")] = "",
    days: Annotated[
        int | None,
        typer.Option("--days", help="Valid for this many days (default: CREDSTACK_INVITATION_DAYS)."),
    ] = None,
) -> None:
    """Invite a person by email link: prints the link (it works once, until it expires)."""
    from credstack.cli import _institution, _print_json, _settings, _uow, reports_errors
    from credstack.services.invitations import invite as invite_service
    from credstack.services.mail import mailer_from_settings

    @reports_errors
    def run() -> None:
        settings = _settings(ctx)
        issued = invite_service(
            _uow(settings), institution=_institution(settings), base_url=settings.base_url, email=email,
            name=name, roles=role, actor="cli", days=days or settings.invitation_days,
            mailer=mailer_from_settings(settings), sender=settings.mail_from,
        )  # fmt: skip
        inv = issued.invitation
        _print_json(
            {
                "id": inv.id,
                "email": inv.email,
                "roles": list(inv.roles),
                "expires": inv.expires_at,
                "link": issued.link,
            }
        )

    run()
