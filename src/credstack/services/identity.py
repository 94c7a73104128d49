"""Users, roles and API tokens: add people with roles at the institution, set passwords
(argon2id), issue and revoke API tokens, and turn a presented token into a Principal.

A token is ``cs_`` and 32 random bytes (URL-safe base64); only its SHA-256 is stored, so a
database leak gives no usable token. SHA-256 (not argon2) is right here: the secret has 256 bits
of entropy, so there is nothing to slow down guessing against, and every API call checks one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Forbidden, Principal, Role, Unauthenticated
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.identity import StoredUser

TOKEN_PREFIX = "cs_"
MIN_PASSWORD = 12
SCOPES = ("read", "write", "issue", "assess", "govern", "admin")
_hasher = PasswordHasher()


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _roles(values: list[str] | tuple[str, ...]) -> list[Role]:
    out = []
    for value in values:
        try:
            out.append(Role(value))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise InvalidInput(Problem("role", f"unknown role {value!r} (known: {known})")) from None
    return out


def add_user(
    uow: UnitOfWork,
    *,
    institution: Institution,
    email: str,
    name: str,
    roles: list[str] | tuple[str, ...],
    actor: str,
    password: str | None = None,
) -> tuple[int, frozenset[Role]]:
    """Add the user if new and grant the roles at the institution; returns their id and roles."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise InvalidInput(Problem("email", f"{email!r} is not an email address"))
    wanted = _roles(roles)
    if password is not None and len(password) < MIN_PASSWORD:
        raise InvalidInput(Problem("password", f"must be at least {MIN_PASSWORD} characters"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user_by_email(email)
        user_id = (
            user.id
            if user
            else uow.identity.add_user(
                email, name.strip() or email, _hasher.hash(password) if password else None
            )
        )
        granted = [r for r in wanted if uow.identity.grant(user_id, institution_id, r)]
        if user is None or granted:
            uow.audit.record(
                actor=actor,
                action="user.roles_granted" if user else "user.added",
                subject_type="user",
                subject_id=email,
                institution_id=institution_id,
                detail={"roles": [r.value for r in granted]},
            )
        roles_now = uow.identity.roles(user_id, institution_id)
        uow.commit()
    return user_id, roles_now


def acting_as(uow: UnitOfWork, *, institution: Institution, email: str) -> Principal:
    """The user with ``email`` and their roles here, for an operator at the command line
    (``--as EMAIL``) or the demo; unknown or disabled users and users without a role here are
    refused."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user_by_email(email)
        if user is None or user.disabled_at is not None:
            raise NotFound("user", email)
        roles = uow.identity.roles(user.id, institution_id)
    if not roles:
        raise Forbidden(f"{email} has no role at this institution")
    return Principal(user.id, user.email, user.name, institution_id, roles)


def members(uow: UnitOfWork, *, institution: Institution) -> list[tuple[StoredUser, frozenset[Role]]]:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return uow.identity.members(institution_id)


def check_password(uow: UnitOfWork, *, institution: Institution, email: str, password: str) -> Principal:
    """The principal for a correct email and password; Unauthenticated otherwise (one message
    for an unknown email and a wrong password, so neither is revealed)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user_by_email(email)
        if user is None or user.password_hash is None or user.disabled_at is not None:
            _hasher.hash(password)  # the same work either way
            raise Unauthenticated("the email or the password is wrong")
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise Unauthenticated("the email or the password is wrong") from None
        if _hasher.check_needs_rehash(user.password_hash):
            uow.identity.set_password(user.id, _hasher.hash(password))
            uow.commit()
        roles = uow.identity.roles(user.id, institution_id)
    return Principal(user.id, user.email, user.name, institution_id, roles)


@dataclass(frozen=True)
class IssuedToken:
    secret: str  # shown once
    token_id: int
    prefix: str
    scopes: tuple[str, ...]
    expires_at: datetime | None


def issue_token(
    uow: UnitOfWork,
    *,
    institution: Institution,
    email: str,
    name: str,
    scopes: list[str] | tuple[str, ...] = ("*",),
    days: int | None = 90,
    actor: str,
) -> IssuedToken:
    """A new API token for the user at the institution (the secret is returned once)."""
    unknown = [s for s in scopes if s not in (*SCOPES, "*")]
    if unknown:
        raise InvalidInput(
            Problem("scopes", f"unknown scope(s) {', '.join(unknown)} (known: {', '.join(SCOPES)}, *)")
        )
    if days is not None and days <= 0:
        raise InvalidInput(Problem("days", "a token must be valid for at least a day"))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days) if days is not None else None
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user_by_email(email)
        if user is None:
            raise NotFound("user", email)
        if not uow.identity.roles(user.id, institution_id):
            raise InvalidInput(Problem("email", f"{email} has no role at this institution"))
        token_id = uow.identity.add_token(
            user_id=user.id,
            institution_id=institution_id,
            name=name,
            prefix=secret[:10],
            token_hash=_hash_token(secret),
            scopes=list(scopes),
            expires_at=expires,
        )
        uow.audit.record(
            actor=actor,
            action="token.issued",
            subject_type="api_token",
            subject_id=token_id,
            institution_id=institution_id,
            detail={"user": user.email, "name": name, "scopes": list(scopes), "prefix": secret[:10]},
        )
        uow.commit()
    return IssuedToken(secret, token_id, secret[:10], tuple(scopes), expires)


def principal_for_token(uow: UnitOfWork, *, institution: Institution, secret: str) -> Principal:
    """The principal a presented token stands for; Unauthenticated if it is unknown, expired,
    revoked, for another institution, or its user is disabled."""
    if not secret.startswith(TOKEN_PREFIX):
        raise Unauthenticated("not a credstack API token")
    now = datetime.now(UTC)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        token = uow.identity.token_by_hash(_hash_token(secret))
        if token is None or token.institution_id != institution_id:
            raise Unauthenticated("unknown API token")
        if token.revoked_at is not None:
            raise Unauthenticated("this API token was revoked")
        if token.expires_at is not None and token.expires_at <= now:
            raise Unauthenticated("this API token has expired")
        user = uow.identity.user(token.user_id)
        if user is None or user.disabled_at is not None:
            raise Unauthenticated("the token's user is disabled")
        roles = uow.identity.roles(user.id, institution_id)
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            uow.identity.touch_token(token.id, now)
            uow.commit()
    return Principal(user.id, user.email, user.name, institution_id, roles, frozenset(token.scopes))


def revoke_token(uow: UnitOfWork, *, institution: Institution, token_id: int, actor: str) -> None:
    """Revoke a token at once (its next use is refused)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        token = uow.identity.token(token_id)
        if token is None or token.institution_id != institution_id:
            raise NotFound("API token", token_id)
        if token.revoked_at is None:
            uow.identity.revoke_token(token_id, datetime.now(UTC))
            uow.audit.record(
                actor=actor, action="token.revoked", subject_type="api_token", subject_id=token_id,
                institution_id=institution_id,
            )  # fmt: skip
            uow.commit()
