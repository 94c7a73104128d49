"""OAuth 2.0 clients, authorization codes and tokens for the Open Badges API, and what learners keep
through it (upserted credentials, profile fields). Secrets are stored as SHA-256 hashes only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from credstack.store.tables import oauth_clients, oauth_codes, oauth_tokens, ob3_credentials, ob3_profiles


@dataclass(frozen=True)
class StoredClient:
    id: int
    institution_id: int
    client_id: str
    secret_hash: str | None
    client_metadata: dict[str, Any]
    issued_at: datetime


@dataclass(frozen=True)
class StoredCode:
    id: int
    client_id: int
    user_id: int
    institution_id: int
    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class StoredToken:
    id: int
    client_id: int
    user_id: int
    institution_id: int
    code_id: int | None
    scope: str
    issued_at: datetime
    access_expires_at: datetime
    refresh_expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class HeldCredential:
    """A credential a learner upserted through the API: a JSON document or a compact JWS."""

    id: int
    credential_id: str
    issuer: str
    document: dict[str, Any] | None
    compact_jws: str | None
    created_at: datetime
    updated_at: datetime


def _client(r: Any) -> StoredClient:
    return StoredClient(r.id, r.institution_id, r.client_id, r.secret_hash, r.client_metadata, r.issued_at)


def _code(r: Any) -> StoredCode:
    return StoredCode(
        r.id, r.client_id, r.user_id, r.institution_id, r.redirect_uri, r.scope, r.code_challenge,
        r.code_challenge_method, r.expires_at, r.used_at,
    )  # fmt: skip


def _token(r: Any) -> StoredToken:
    return StoredToken(
        r.id, r.client_id, r.user_id, r.institution_id, r.code_id, r.scope, r.issued_at,
        r.access_expires_at, r.refresh_expires_at, r.revoked_at,
    )  # fmt: skip


def _held(r: Any) -> HeldCredential:
    return HeldCredential(
        r.id, r.credential_id, r.issuer, r.document, r.compact_jws, r.created_at, r.updated_at
    )


class OAuthRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- clients

    def add_client(
        self,
        *,
        institution_id: int,
        client_id: str,
        secret_hash: str | None,
        client_metadata: dict[str, Any],
        issued_at: datetime,
    ) -> int:
        result = self.conn.execute(
            insert(oauth_clients)
            .values(
                institution_id=institution_id,
                client_id=client_id,
                secret_hash=secret_hash,
                client_metadata=client_metadata,
                issued_at=issued_at,
            )
            .returning(oauth_clients.c.id)
        )
        return int(result.scalar_one())

    def client(self, client_id: str) -> StoredClient | None:
        row = self.conn.execute(
            select(oauth_clients).where(oauth_clients.c.client_id == client_id)
        ).one_or_none()
        return _client(row) if row else None

    def client_by_id(self, id_: int) -> StoredClient | None:
        row = self.conn.execute(select(oauth_clients).where(oauth_clients.c.id == id_)).one_or_none()
        return _client(row) if row else None

    # ---- authorization codes

    def add_code(self, *, code_hash: str, **values: Any) -> int:
        result = self.conn.execute(
            insert(oauth_codes).values(code_hash=code_hash, **values).returning(oauth_codes.c.id)
        )
        return int(result.scalar_one())

    def code(self, code_hash: str) -> StoredCode | None:
        row = self.conn.execute(select(oauth_codes).where(oauth_codes.c.code_hash == code_hash)).one_or_none()
        return _code(row) if row else None

    def use_code(self, code_id: int, at: datetime) -> bool:
        """Mark the code used; False when it already was (a second exchange)."""
        done = self.conn.execute(
            update(oauth_codes)
            .where(oauth_codes.c.id == code_id, oauth_codes.c.used_at.is_(None))
            .values(used_at=at)
        )
        return done.rowcount == 1

    # ---- tokens

    def add_token(self, *, access_hash: str, refresh_hash: str | None, **values: Any) -> int:
        result = self.conn.execute(
            insert(oauth_tokens)
            .values(access_hash=access_hash, refresh_hash=refresh_hash, **values)
            .returning(oauth_tokens.c.id)
        )
        return int(result.scalar_one())

    def token_by_access(self, access_hash: str) -> StoredToken | None:
        row = self.conn.execute(
            select(oauth_tokens).where(oauth_tokens.c.access_hash == access_hash)
        ).one_or_none()
        return _token(row) if row else None

    def token_by_refresh(self, refresh_hash: str) -> StoredToken | None:
        row = self.conn.execute(
            select(oauth_tokens).where(oauth_tokens.c.refresh_hash == refresh_hash)
        ).one_or_none()
        return _token(row) if row else None

    def token_by_either(self, secret_hash: str) -> StoredToken | None:
        row = self.conn.execute(
            select(oauth_tokens).where(
                or_(oauth_tokens.c.access_hash == secret_hash, oauth_tokens.c.refresh_hash == secret_hash)
            )
        ).first()
        return _token(row) if row else None

    def revoke_token(self, token_id: int, at: datetime) -> None:
        self.conn.execute(
            update(oauth_tokens)
            .where(oauth_tokens.c.id == token_id, oauth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_tokens_of_code(self, code_id: int, at: datetime) -> int:
        done = self.conn.execute(
            update(oauth_tokens)
            .where(oauth_tokens.c.code_id == code_id, oauth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(done.rowcount)

    # ---- credentials upserted into a learner's wallet

    def held_credentials(self, user_id: int) -> list[HeldCredential]:
        rows = self.conn.execute(
            select(ob3_credentials).where(ob3_credentials.c.user_id == user_id).order_by(ob3_credentials.c.id)
        )
        return [_held(r) for r in rows]

    def held_credential(self, user_id: int, credential_id: str) -> HeldCredential | None:
        row = self.conn.execute(
            select(ob3_credentials).where(
                ob3_credentials.c.user_id == user_id, ob3_credentials.c.credential_id == credential_id
            )
        ).one_or_none()
        return _held(row) if row else None

    def add_held_credential(self, *, institution_id: int, user_id: int, at: datetime, **values: Any) -> int:
        result = self.conn.execute(
            insert(ob3_credentials)
            .values(institution_id=institution_id, user_id=user_id, created_at=at, updated_at=at, **values)
            .returning(ob3_credentials.c.id)
        )
        return int(result.scalar_one())

    def replace_held_credential(self, row_id: int, *, at: datetime, **values: Any) -> None:
        self.conn.execute(
            update(ob3_credentials).where(ob3_credentials.c.id == row_id).values(updated_at=at, **values)
        )

    # ---- profile fields beyond name and email

    def profile_fields(self, user_id: int) -> dict[str, Any]:
        row = self.conn.execute(
            select(ob3_profiles.c.fields).where(ob3_profiles.c.user_id == user_id)
        ).one_or_none()
        return dict(row.fields) if row else {}

    def set_profile_fields(self, user_id: int, fields: dict[str, Any], at: datetime) -> None:
        done = self.conn.execute(
            update(ob3_profiles).where(ob3_profiles.c.user_id == user_id).values(fields=fields, updated_at=at)
        )
        if done.rowcount == 0:
            self.conn.execute(insert(ob3_profiles).values(user_id=user_id, fields=fields, updated_at=at))
