"""Signing keys (sealed at rest) and status lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from credstack.store.tables import signing_keys, status_lists


@dataclass(frozen=True)
class StoredKey:
    id: int
    did: str
    verification_method: str
    public_key_multibase: str
    sealed: bytes
    created_at: datetime
    retired_at: datetime | None
    compromised_at: datetime | None
    compromise_reason: str | None

    @property
    def active(self) -> bool:
        return self.retired_at is None and self.compromised_at is None


class KeyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        institution_id: int,
        *,
        did: str,
        verification_method: str,
        public_key_multibase: str,
        sealed: bytes,
        created_at: datetime,
    ) -> int:
        return int(
            self.conn.execute(
                insert(signing_keys)
                .values(
                    institution_id=institution_id,
                    did=did,
                    verification_method=verification_method,
                    public_key_multibase=public_key_multibase,
                    private_key_ciphertext=sealed,
                    created_at=created_at,
                )
                .returning(signing_keys.c.id)
            ).scalar_one()
        )

    def all(self, institution_id: int) -> list[StoredKey]:
        rows = self.conn.execute(
            select(signing_keys)
            .where(signing_keys.c.institution_id == institution_id)
            .order_by(signing_keys.c.id)
        )
        return [_key(r) for r in rows]

    def get(self, key_id: int) -> StoredKey | None:
        row = self.conn.execute(select(signing_keys).where(signing_keys.c.id == key_id)).one_or_none()
        return _key(row) if row else None

    def by_verification_method(self, verification_method: str) -> StoredKey | None:
        row = self.conn.execute(
            select(signing_keys).where(signing_keys.c.verification_method == verification_method)
        ).one_or_none()
        return _key(row) if row else None

    def retire(self, key_id: int, at: datetime) -> None:
        self.conn.execute(
            update(signing_keys)
            .where(signing_keys.c.id == key_id, signing_keys.c.retired_at.is_(None))
            .values(retired_at=at)
        )

    def mark_compromised(self, key_id: int, at: datetime, reason: str) -> None:
        self.conn.execute(
            update(signing_keys)
            .where(signing_keys.c.id == key_id)
            .values(compromised_at=at, compromise_reason=reason)
        )


def _key(r: object) -> StoredKey:
    m = r._mapping  # type: ignore[attr-defined]
    return StoredKey(
        m["id"],
        m["did"],
        m["verification_method"],
        m["public_key_multibase"],
        bytes(m["private_key_ciphertext"]),
        m["created_at"],
        m["retired_at"],
        m["compromised_at"],
        m["compromise_reason"],
    )


@dataclass(frozen=True)
class StoredStatusList:
    id: int
    purpose: str
    number: int
    issuer_did: str
    size: int
    bits: bytes
    next_index: int
    version: int
    updated_at: datetime


class StatusListRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(
        self, institution_id: int, purpose: str, number: int, *, for_update: bool = False
    ) -> StoredStatusList | None:
        query = select(status_lists).where(
            status_lists.c.institution_id == institution_id,
            status_lists.c.purpose == purpose,
            status_lists.c.number == number,
        )
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).one_or_none()
        return _list(row) if row else None

    def current(
        self, institution_id: int, purpose: str, issuer_did: str, *, for_update: bool = False
    ) -> StoredStatusList | None:
        """The newest list of this purpose signed as ``issuer_did`` (where new slots come from)."""
        query = (
            select(status_lists)
            .where(
                status_lists.c.institution_id == institution_id,
                status_lists.c.purpose == purpose,
                status_lists.c.issuer_did == issuer_did,
            )
            .order_by(status_lists.c.number.desc())
            .limit(1)
        )
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).one_or_none()
        return _list(row) if row else None

    def next_number(self, institution_id: int) -> int:
        value = self.conn.execute(
            select(func.max(status_lists.c.number)).where(status_lists.c.institution_id == institution_id)
        ).scalar_one()
        return int(value or 0) + 1

    def add(
        self, institution_id: int, *, purpose: str, number: int, issuer_did: str, size: int, at: datetime
    ) -> StoredStatusList:
        self.conn.execute(
            insert(status_lists).values(
                institution_id=institution_id,
                purpose=purpose,
                number=number,
                issuer_did=issuer_did,
                size=size,
                bits=bytes(size // 8),
                next_index=0,
                version=1,
                updated_at=at,
            )
        )
        found = self.get(institution_id, purpose, number)
        if found is None:  # pragma: no cover - the insert above guarantees it
            raise LookupError("status list vanished")
        return found

    def take_index(self, list_id: int, index: int) -> None:
        self.conn.execute(
            update(status_lists).where(status_lists.c.id == list_id).values(next_index=index + 1)
        )

    def write_bits(self, list_id: int, bits: bytes, at: datetime) -> None:
        self.conn.execute(
            update(status_lists)
            .where(status_lists.c.id == list_id)
            .values(bits=bits, version=status_lists.c.version + 1, updated_at=at)
        )


def _list(r: object) -> StoredStatusList:
    m = r._mapping  # type: ignore[attr-defined]
    return StoredStatusList(
        m["id"],
        m["purpose"],
        m["number"],
        m["issuer_did"],
        m["size"],
        bytes(m["bits"]),
        m["next_index"],
        m["version"],
        m["updated_at"],
    )
