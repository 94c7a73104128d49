"""Signing in to the web app: a password check that failed attempts rate-limit, and the
principal a session stands for.

Failed attempts are kept in the database per email and client address. Five failures within
fifteen minutes lock that email from that address for fifteen minutes after the fifth (attempts
while locked are refused unchecked and not counted, so the lock ends on time); an address that
fails thirty times in fifteen minutes, whatever the emails, is locked the same way. A success
clears the email's failures from that address.

A session holds the user id, the institution id and a *session version* derived from the
password hash: setting a new password ends every session signed in with the old one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from credstack.domain.errors import DomainError
from credstack.domain.identity import Principal, Unauthenticated
from credstack.domain.institution import Institution
from credstack.services.identity import check_password
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork

MAX_FAILURES = 5
MAX_FAILURES_PER_CLIENT = 30
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
KEEP = timedelta(days=1)


class TooManyAttempts(DomainError):
    """Sign-in is locked for this email from this address (HTTP 429)."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        minutes = max(1, -(-int((until - datetime.now(UTC)).total_seconds()) // 60))
        super().__init__(
            f"too many failed sign-ins: try again in {minutes} minute{'s' if minutes != 1 else ''}"
        )


def locked_until(failures: list[datetime], *, limit: int = MAX_FAILURES) -> datetime | None:
    """The end of the latest lock: ``limit`` failures within WINDOW lock for LOCK after the last
    of them. ``failures`` are oldest first."""
    until = None
    for i in range(limit - 1, len(failures)):
        if failures[i] - failures[i - limit + 1] <= WINDOW:
            until = failures[i] + LOCK
    return until


def session_version(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def _lock(uow: UnitOfWork, email: str, client: str, now: datetime) -> datetime | None:
    since = now - WINDOW - LOCK
    until = locked_until(uow.signin_failures.times(email, client, since))
    if until is not None and until > now:
        return until
    if uow.signin_failures.count_from(client, now - WINDOW) >= MAX_FAILURES_PER_CLIENT:
        return now + LOCK
    return None


def sign_in(
    uow: UnitOfWork,
    *,
    institution: Institution,
    email: str,
    password: str,
    client: str,
    now: datetime | None = None,
) -> tuple[Principal, str]:
    """The principal and the session version for a right email and password. Raises
    TooManyAttempts while locked (even for the right password) and Unauthenticated otherwise
    (one message for an unknown email, a wrong password and a disabled user)."""
    now = now or datetime.now(UTC)
    email = email.strip().lower()
    with uow:
        until = _lock(uow, email, client, now)
    if until is not None:
        raise TooManyAttempts(until)
    try:
        principal = check_password(uow, institution=institution, email=email, password=password)
    except Unauthenticated:
        with uow:
            uow.signin_failures.prune(now - KEEP)
            uow.signin_failures.record(email, client, now)
            uow.commit()
        raise
    with uow:
        uow.signin_failures.clear(email, client)
        user = uow.identity.user(principal.user_id)
        uow.commit()
    assert user is not None
    return principal, session_version(user.password_hash)


def session_principal(
    uow: UnitOfWork, *, institution: Institution, user_id: int, institution_id: int, version: str
) -> Principal | None:
    """Who a session stands for, or None if it is for another institution, the user is gone or
    disabled, or their password changed since it began."""
    with uow:
        here, _ = ensure_institution(uow, institution)
        if here != institution_id:
            return None
        user = uow.identity.user(user_id)
        if user is None or user.disabled_at is not None or session_version(user.password_hash) != version:
            return None
        roles = uow.identity.roles(user.id, here)
    return Principal(user.id, user.email, user.name, here, roles)
