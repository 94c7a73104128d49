"""Users, their roles at institutions, and API tokens (only a hash of each secret is kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from credstack.domain.identity import Role
from credstack.store.tables import api_tokens, memberships, users


@dataclass(frozen=True)
class StoredUser:
    id: int
    email: str
    name: str
    password_hash: str | None
    disabled_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class StoredToken:
    id: int
    user_id: int
    institution_id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime


def _user(r: Any) -> StoredUser:
    return StoredUser(r.id, r.email, r.name, r.password_hash, r.disabled_at, r.created_at)


def _token(r: Any) -> StoredToken:
    return StoredToken(
        r.id, r.user_id, r.institution_id, r.name, r.prefix, tuple(r.scopes), r.expires_at, r.revoked_at,
        r.last_used_at, r.created_at,
    )  # fmt: skip


class IdentityRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def user_by_email(self, email: str) -> StoredUser | None:
        row = self.conn.execute(select(users).where(users.c.email == email.strip().lower())).one_or_none()
        return _user(row) if row else None

    def user(self, user_id: int) -> StoredUser | None:
        row = self.conn.execute(select(users).where(users.c.id == user_id)).one_or_none()
        return _user(row) if row else None

    def add_user(self, email: str, name: str, password_hash: str | None) -> int:
        result = self.conn.execute(
            insert(users)
            .values(email=email.strip().lower(), name=name, password_hash=password_hash)
            .returning(users.c.id)
        )
        return int(result.scalar_one())

    def rename(self, user_id: int, name: str) -> None:
        self.conn.execute(update(users).where(users.c.id == user_id).values(name=name))

    def set_password(self, user_id: int, password_hash: str) -> None:
        self.conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))

    def set_profile(self, user_id: int, *, name: str, password_hash: str) -> None:
        self.conn.execute(
            update(users).where(users.c.id == user_id).values(name=name, password_hash=password_hash)
        )

    def roles(self, user_id: int, institution_id: int) -> frozenset[Role]:
        rows = self.conn.execute(
            select(memberships.c.role).where(
                memberships.c.user_id == user_id, memberships.c.institution_id == institution_id
            )
        )
        return frozenset(Role(r.role) for r in rows if r.role in Role.__members__.values())

    def grant(self, user_id: int, institution_id: int, role: Role) -> bool:
        """Whether the role was new."""
        if role in self.roles(user_id, institution_id):
            return False
        self.conn.execute(
            insert(memberships).values(user_id=user_id, institution_id=institution_id, role=role.value)
        )
        return True

    def withdraw(self, user_id: int, institution_id: int, role: Role) -> bool:
        """Whether the user held the role (now withdrawn)."""
        result = self.conn.execute(
            delete(memberships).where(
                memberships.c.user_id == user_id,
                memberships.c.institution_id == institution_id,
                memberships.c.role == role.value,
            )
        )
        return result.rowcount > 0

    def members(self, institution_id: int) -> list[tuple[StoredUser, frozenset[Role]]]:
        rows = self.conn.execute(
            select(users, memberships.c.role)
            .join(memberships, memberships.c.user_id == users.c.id)
            .where(memberships.c.institution_id == institution_id)
            .order_by(users.c.email)
        )
        found: dict[int, tuple[StoredUser, set[Role]]] = {}
        for r in rows:
            found.setdefault(r.id, (_user(r), set()))[1].add(Role(r.role))
        return [(u, frozenset(roles)) for u, roles in found.values()]

    def add_token(
        self,
        *,
        user_id: int,
        institution_id: int,
        name: str,
        prefix: str,
        token_hash: str,
        scopes: list[str],
        expires_at: datetime | None,
    ) -> int:
        result = self.conn.execute(
            insert(api_tokens)
            .values(
                user_id=user_id,
                institution_id=institution_id,
                name=name,
                prefix=prefix,
                token_hash=token_hash,
                scopes=scopes,
                expires_at=expires_at,
            )
            .returning(api_tokens.c.id)
        )
        return int(result.scalar_one())

    def token_by_hash(self, token_hash: str) -> StoredToken | None:
        row = self.conn.execute(select(api_tokens).where(api_tokens.c.token_hash == token_hash)).one_or_none()
        return _token(row) if row else None

    def token(self, token_id: int) -> StoredToken | None:
        row = self.conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).one_or_none()
        return _token(row) if row else None

    def tokens(self, user_id: int) -> list[StoredToken]:
        rows = self.conn.execute(
            select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)
        )
        return [_token(r) for r in rows]

    def touch_token(self, token_id: int, at: datetime) -> None:
        self.conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=at))

    def revoke_token(self, token_id: int, at: datetime) -> None:
        self.conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=at))
