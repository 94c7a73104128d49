"""Share links: the rules, without storage.

A learner shares one credential through a link that holds a random secret. The link works from
the moment it is made until it expires or is revoked, whichever comes first; it lasts at least a
day and at most a year. Only the SHA-256 of the secret is kept, so the link is shown once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from credstack.domain.errors import InvalidInput, Problem

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
MIN_LIFETIME = timedelta(days=1)
MAX_LIFETIME = timedelta(days=366)  # "a year", leap years included
DURATIONS = {  # the choices offered, by form value
    "1d": ("1 day", timedelta(days=1)),
    "7d": ("1 week", timedelta(days=7)),
    "30d": ("30 days", timedelta(days=30)),
    "90d": ("90 days", timedelta(days=90)),
    "1y": ("1 year", timedelta(days=365)),
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored and looked up: the hex SHA-256 of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def plausible_token(token: str) -> bool:
    """Whether ``token`` could be one we made (anything else is not worth a database look-up)."""
    return bool(TOKEN_SHAPE.match(token))


def is_live(*, now: datetime, expires_at: datetime, revoked_at: datetime | None) -> bool:
    """A link shows its credential only while it is neither revoked nor expired."""
    return (revoked_at is None or revoked_at > now) and now < expires_at


def expiry(*, now: datetime, duration: str = "", until: date | None = None) -> datetime:
    """When a new link expires: after one of ``DURATIONS``, or at the end (UTC) of ``until``.

    Exactly one of them is given; the result lies between a day and a year from ``now``.
    """
    if until is not None and duration:
        raise InvalidInput(Problem("expires", "choose a duration or a date, not both"))
    if until is not None:
        ends = datetime.combine(until + timedelta(days=1), time(0), tzinfo=UTC)
    elif duration in DURATIONS:
        ends = now + DURATIONS[duration][1]
    elif duration:
        raise InvalidInput(
            Problem("expires", f"must be one of {', '.join(DURATIONS)} or a date, not {duration!r}")
        )
    else:
        raise InvalidInput(Problem("expires", "choose how long the link works: a duration or a date"))
    if ends - now < MIN_LIFETIME:
        raise InvalidInput(Problem("expires", "a share link must work for at least a day"))
    if ends - now > MAX_LIFETIME:
        raise InvalidInput(Problem("expires", "a share link can work for a year at most"))
    return ends


def recipient(email: str | None) -> str | None:
    """The employer a link is for, as stored (lower case), or None; a malformed email is refused."""
    email = (email or "").strip().lower()
    if not email:
        return None
    if len(email) > 320 or not EMAIL.match(email):
        raise InvalidInput(Problem("recipient", f"{email!r} is not an email address"))
    return email


@dataclass(frozen=True)
class ShareState:
    """How a link stands at a moment, in words for its owner."""

    live: bool
    label: str  # Active, Expired, Revoked

    @classmethod
    def at(cls, now: datetime, *, expires_at: datetime, revoked_at: datetime | None) -> ShareState:
        if revoked_at is not None and revoked_at <= now:
            return cls(False, "Revoked")
        if now >= expires_at:
            return cls(False, "Expired")
        return cls(True, "Active")
