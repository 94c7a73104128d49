"""The institution's signing keys: created on first use, sealed at rest, rotated, marked compromised.

The issuer is ``did:web`` of the install's base URL (hosted) or the key's own ``did:key``
(standalone). Under did:web every key stays in the DID document after rotation, so credentials
signed before still verify; under did:key each key is its own issuer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.credentials import did as dids
from credstack.credentials.multikey import multikey_to_public_key, public_key_to_multikey
from credstack.credentials.sealing import seal, unseal
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.keys import StoredKey


@dataclass(frozen=True)
class Signer:
    key: StoredKey
    private_key: Ed25519PrivateKey

    @property
    def did(self) -> str:
        return self.key.did

    @property
    def verification_method(self) -> str:
        return self.key.verification_method


def did_web(base_url: str) -> str:
    """did:web for the install's base URL (https://host:port/path -> did:web:host%3Aport:path)."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "localhost") + (f":{parts.port}" if parts.port else "")
    return dids.did_web(host, *[p for p in parts.path.split("/") if p])


def _raw(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def create_key(uow: UnitOfWork, institution_id: int, settings: Settings, now: datetime) -> Signer:
    private_key = Ed25519PrivateKey.generate()
    public = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    multibase = public_key_to_multikey(public)
    if settings.issuer_did_method == "web":
        did = did_web(settings.base_url)
        vm = f"{did}#{multibase}"
    else:
        did = dids.did_key(public)
        vm = f"{did}#{multibase}"
    secret = settings.secret_key.get_secret_value()
    key_id = uow.keys.add(
        institution_id,
        did=did,
        verification_method=vm,
        public_key_multibase=multibase,
        sealed=seal(_raw(private_key), secret=secret, bound_to=vm),
        created_at=now,
    )
    uow.audit.record(
        actor="system",
        action="key.created",
        subject_type="signing_key",
        subject_id=key_id,
        institution_id=institution_id,
        detail={"verification_method": vm},
    )
    stored = uow.keys.get(key_id)
    if stored is None:  # pragma: no cover - inserted above
        raise NotFound("signing key", key_id)
    return Signer(stored, private_key)


def open_key(stored: StoredKey, settings: Settings) -> Signer:
    raw = unseal(
        stored.sealed, secret=settings.secret_key.get_secret_value(), bound_to=stored.verification_method
    )
    return Signer(stored, Ed25519PrivateKey.from_private_bytes(raw))


def _wanted_did(settings: Settings, key: StoredKey) -> bool:
    is_web = key.did.startswith("did:web:")
    return (settings.issuer_did_method == "web") == is_web and (
        not is_web or key.did == did_web(settings.base_url)
    )


def active_signer(uow: UnitOfWork, institution_id: int, settings: Settings, now: datetime) -> Signer:
    """The key new credentials are signed with (made on first use)."""
    for key in reversed(uow.keys.all(institution_id)):
        if key.active and _wanted_did(settings, key):
            return open_key(key, settings)
    return create_key(uow, institution_id, settings, now)


def rotate_key(uow: UnitOfWork, *, institution: Institution, settings: Settings, actor: str) -> Signer:
    now = datetime.now(UTC)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        for key in uow.keys.all(institution_id):
            if key.retired_at is None:
                uow.keys.retire(key.id, now)
        signer = create_key(uow, institution_id, settings, now)
        uow.audit.record(
            actor=actor,
            action="key.rotated",
            subject_type="signing_key",
            subject_id=signer.key.id,
            institution_id=institution_id,
            detail={"verification_method": signer.verification_method},
        )
        uow.commit()
    return signer


def mark_compromised(
    uow: UnitOfWork,
    *,
    institution: Institution,
    verification_method: str,
    since: datetime,
    reason: str,
    actor: str,
) -> None:
    """Credentials whose proof was created at or after ``since`` with this key fail verification."""
    if not reason.strip():
        raise InvalidInput(Problem("reason", "is required"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        key = uow.keys.by_verification_method(verification_method)
        if key is None:
            raise NotFound("signing key", verification_method)
        uow.keys.mark_compromised(key.id, since, reason)
        uow.keys.retire(key.id, datetime.now(UTC))
        uow.audit.record(
            actor=actor,
            action="key.compromised",
            subject_type="signing_key",
            subject_id=key.id,
            institution_id=institution_id,
            detail={"since": since.isoformat(), "reason": reason},
        )
        uow.commit()


def did_document(uow: UnitOfWork, *, institution: Institution, settings: Settings) -> dict[str, object]:
    """The did:web document served at /.well-known/did.json: every key ever used, so that
    credentials signed before a rotation still verify."""
    did = did_web(settings.base_url)
    with uow:
        found = uow.institutions.get(institution.slug)
        keys = [k for k in uow.keys.all(found[0]) if k.did == did] if found else []
    return dids.did_web_document(did, [multikey_to_public_key(k.public_key_multibase) for k in keys])
