"""Invitations: an administrator invites a person by email link to join with roles; the person
opens the link, sets their name and password, and is in.

The link carries a random secret (32 bytes, URL-safe); only its SHA-256 is stored, as for API
tokens. An invitation works once and until it expires (``CREDSTACK_INVITATION_DAYS``, 7 by
default); it can be revoked while pending, and a new invitation to the same email replaces the
pending ones. A person who already has a password here is not invited: an administrator changes
their roles instead. The edges (web, API, CLI) decide who may invite; these functions take the
acting user's name for the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher

from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound, Problem
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.services.identity import MIN_PASSWORD, _roles
from credstack.services.institutions import ensure_institution
from credstack.services.mail import Mailer, Message
from credstack.services.signin import session_version
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.invitations import StoredInvitation

DEFAULT_DAYS = 7
MAX_NAME = 200
_hasher = PasswordHasher()


class InvitationUnusable(InvalidTransition):
    """The invitation was used, revoked or has expired (or never existed): nothing is changed."""

    def __init__(self, state: str) -> None:
        self.state = state
        super().__init__(
            {
                "accepted": "this invitation has already been used",
                "revoked": "this invitation was withdrawn",
                "expired": "this invitation has expired",
                "unknown": "this invitation link is not valid",
            }[state]
        )


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: StoredInvitation
    link: str  # holds the secret: shown once, to the administrator, and mailed


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_link(base_url: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}/invite/{secret}"


def _audit_state(inv: StoredInvitation, now: datetime) -> dict[str, object]:
    return {"email": inv.email, "roles": list(inv.roles), "state": inv.state(now)}


def invite(
    uow: UnitOfWork,
    *,
    institution: Institution,
    base_url: str,
    email: str,
    name: str,
    roles: list[str] | tuple[str, ...],
    actor: str,
    days: int = DEFAULT_DAYS,
    mailer: Mailer | None = None,
    sender: str = "credstack@localhost",
    now: datetime | None = None,
) -> IssuedInvitation:
    """A new invitation (replacing the email's pending ones); mailed when a mailer is given."""
    now = now or datetime.now(UTC)
    email = email.strip().lower()
    name = name.strip()
    problems = []
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        problems.append(Problem("email", f"{email!r} is not an email address"))
    if len(name) > MAX_NAME:
        problems.append(Problem("name", f"at most {MAX_NAME} characters"))
    if not roles:
        problems.append(Problem("roles", "choose at least one role"))
    if not 1 <= days <= 90:
        problems.append(Problem("days", "an invitation is valid for 1 to 90 days"))
    if problems:
        raise InvalidInput(problems)
    wanted = sorted({r.value for r in _roles(roles)})
    secret = secrets.token_urlsafe(32)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user_by_email(email)
        if user is not None and user.password_hash is not None:
            raise InvalidInput(
                Problem("email", f"{email} already has an account: change their roles instead")
            )
        replaced = uow.invitations.pending_for(institution_id, email, now)
        for old in replaced:
            uow.invitations.mark_revoked(old.id, actor, now)
            uow.audit.record(
                actor=actor, action="invitation.revoked", subject_type="invitation", subject_id=old.id,
                institution_id=institution_id, detail={"reason": "replaced by a new invitation"},
                before=_audit_state(old, now), after={**_audit_state(old, now), "state": "revoked"},
            )  # fmt: skip
        stored = uow.invitations.add(
            institution_id=institution_id, email=email, name=name, roles=wanted, token_hash=_hash(secret),
            expires_at=now + timedelta(days=days), created_by=actor,
        )  # fmt: skip
        uow.audit.record(
            actor=actor, action="invitation.created", subject_type="invitation", subject_id=stored.id,
            institution_id=institution_id, detail={"expires_at": stored.expires_at.isoformat()},
            before=None, after=_audit_state(stored, now),
        )  # fmt: skip
        uow.commit()
    link = invitation_link(base_url, secret)
    if mailer is not None:
        mailer.send(
            Message(
                to=email,
                sender=sender,
                subject=f"You are invited to {institution.name}",
                body=(
                    f"{actor} invites you to {institution.name} as {', '.join(wanted)}.\n\n"
                    f"Open this link to set your password (it works once, until "
                    f"{stored.expires_at.strftime('%d %B %Y %H:%M UTC')}):\n{link}\n"
                ),
            )
        )
    return IssuedInvitation(stored, link)


def invitations(uow: UnitOfWork, *, institution: Institution) -> list[StoredInvitation]:
    """The institution's invitations, newest first."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return uow.invitations.listed(institution_id)


def _usable(uow: UnitOfWork, institution_id: int, secret: str, now: datetime) -> StoredInvitation:
    found = uow.invitations.by_hash(_hash(secret)) if secret else None
    if found is None or found.institution_id != institution_id:
        raise InvitationUnusable("unknown")
    state = found.state(now)
    if state != "pending":
        raise InvitationUnusable(state)
    return found


def open_invitation(
    uow: UnitOfWork, *, institution: Institution, secret: str, now: datetime | None = None
) -> StoredInvitation:
    """The pending invitation behind a link; InvitationUnusable otherwise."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return _usable(uow, institution_id, secret, now or datetime.now(UTC))


def accept(
    uow: UnitOfWork,
    *,
    institution: Institution,
    secret: str,
    name: str,
    password: str,
    now: datetime | None = None,
) -> tuple[Principal, str]:
    """Use the invitation: the person gets their name, password and the invited roles. Returns
    the principal and the session version to sign them in with."""
    now = now or datetime.now(UTC)
    name = name.strip()
    problems = []
    if not name:
        problems.append(Problem("name", "enter your name"))
    elif len(name) > MAX_NAME:
        problems.append(Problem("name", f"at most {MAX_NAME} characters"))
    if len(password) < MIN_PASSWORD:
        problems.append(Problem("password", f"must be at least {MIN_PASSWORD} characters"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = _usable(uow, institution_id, secret, now)  # refusals first: say why it cannot be used
        if problems:
            raise InvalidInput(problems)
        password_hash = _hasher.hash(password)
        user = uow.identity.user_by_email(found.email)
        if user is not None and user.password_hash is not None:
            raise InvalidTransition(f"{found.email} already has an account: sign in instead")
        if user is None:
            user_id = uow.identity.add_user(found.email, name, password_hash)
        else:
            user_id = user.id
            uow.identity.set_profile(user_id, name=name, password_hash=password_hash)
        if not uow.invitations.mark_accepted(found.id, user_id, now):
            raise InvitationUnusable("accepted")  # a concurrent acceptance won; this one rolls back
        before = sorted(r.value for r in uow.identity.roles(user_id, institution_id))
        for role in _roles(found.roles):
            uow.identity.grant(user_id, institution_id, role)
        roles = uow.identity.roles(user_id, institution_id)
        uow.audit.record(
            actor=found.email, action="invitation.accepted", subject_type="invitation", subject_id=found.id,
            institution_id=institution_id, detail={"user": found.email, "invited_by": found.created_by},
            before={"state": "pending", "roles": before},
            after={"state": "accepted", "roles": sorted(r.value for r in roles)},
        )  # fmt: skip
        uow.commit()
    return Principal(user_id, found.email, name, institution_id, roles), session_version(password_hash)


def revoke(
    uow: UnitOfWork, *, institution: Institution, invitation_id: int, actor: str, now: datetime | None = None
) -> StoredInvitation:
    """Withdraw a pending invitation (its link stops working); a used one cannot be."""
    now = now or datetime.now(UTC)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.invitations.get(institution_id, invitation_id)
        if found is None:
            raise NotFound("invitation", invitation_id)
        state = found.state(now)
        if state in ("accepted", "revoked"):
            raise InvalidTransition(f"invitation {invitation_id} is {state}: it cannot be withdrawn")
        uow.invitations.mark_revoked(found.id, actor, now)
        uow.audit.record(
            actor=actor, action="invitation.revoked", subject_type="invitation", subject_id=found.id,
            institution_id=institution_id, before=_audit_state(found, now),
            after={**_audit_state(found, now), "state": "revoked"},
        )  # fmt: skip
        uow.commit()
    return replace(found, revoked_at=now, revoked_by=actor)
