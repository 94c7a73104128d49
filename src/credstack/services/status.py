"""Revoke, suspend and reinstate awards; serve the signed Bitstring Status List credentials.

A change flips one bit of the list, the award's status and an audit entry in one transaction,
under the list's row lock; the list served at its URL is re-signed from the stored bits, so the
change shows at once and no reader ever sees half of it. Each credential carries one
``BitstringStatusListEntry`` (revocation): the OB 3.0 schema allows a single status object. The
suspension list at the same number and index is published beside it (docs/adr/0004).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from threading import Lock
from typing import Any, Literal

from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.ob3 import iso
from credstack.credentials.status_list import Bitstring, status_list_credential
from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound, Problem
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import status_list_url
from credstack.services.keys import active_signer, did_web, open_key
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.awards import StoredAward
from credstack.store.keys import StoredKey

Action = Literal["revoke", "suspend", "reinstate"]

# action -> (statuses it applies to, list purpose, bit value, new status)
RULES: dict[str, tuple[frozenset[str], str, bool, str]] = {
    "revoke": (frozenset({"active", "suspended"}), "revocation", True, "revoked"),
    "suspend": (frozenset({"active"}), "suspension", True, "suspended"),
    "reinstate": (frozenset({"suspended"}), "suspension", False, "active"),
}


def change_status(
    uow: UnitOfWork, *, institution: Institution, award: str, action: Action, reason: str, actor: str
) -> StoredAward:
    if action not in RULES:
        raise InvalidInput(Problem("action", f"must be revoke, suspend or reinstate, not {action!r}"))
    if not reason.strip():
        raise InvalidInput(Problem("reason", "a reason is required (it goes into the audit trail)"))
    allowed, purpose, value, new_status = RULES[action]
    now = datetime.now(UTC)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.awards.by_public_id(award)
        if found is None:
            raise NotFound("award", award)
        status_list = uow.status_lists.get(institution_id, purpose, found.status_list_number, for_update=True)
        found = uow.awards.by_public_id(award)  # re-read under the lock
        if status_list is None or found is None:
            raise NotFound("status list", f"{purpose}/{found.status_list_number if found else '?'}")
        if found.status not in allowed:
            raise InvalidTransition(f"award {award} is {found.status}: cannot {action} it")
        bits = Bitstring.from_bytes(status_list.bits)
        bits.set(found.status_index, value)
        if action == "revoke" and found.status == "suspended":  # a revoked award is not also suspended
            suspension = uow.status_lists.get(
                institution_id, "suspension", found.status_list_number, for_update=True
            )
            if suspension is not None:
                cleared = Bitstring.from_bytes(suspension.bits)
                cleared.set(found.status_index, False)
                uow.status_lists.write_bits(suspension.id, cleared.to_bytes(), now)
        uow.status_lists.write_bits(status_list.id, bits.to_bytes(), now)
        uow.awards.set_status(found.id, new_status, reason)
        uow.audit.record(
            actor=actor,
            action=f"award.{action}",
            subject_type="award",
            subject_id=award,
            institution_id=institution_id,
            detail={
                "reason": reason,
                "from": found.status,
                "to": new_status,
                "list": f"{purpose}/{found.status_list_number}",
                "index": found.status_index,
            },
            before={"status": found.status, "reason": found.status_reason},
            after={"status": new_status, "reason": reason},
        )
        updated = uow.awards.by_public_id(award)
        uow.commit()
    if updated is None:  # pragma: no cover
        raise NotFound("award", award)
    return updated


@dataclass
class _Cache:
    """Signed lists by (database, list id, version, signing key): re-signed only when the bits
    change or another key signs (after a rotation or a compromise)."""

    lock: Lock
    entries: dict[tuple[str, int, int, str], dict[str, Any]]


_signed = _Cache(Lock(), {})


def _list_signer(
    uow: UnitOfWork, settings: Settings, institution_id: int, issuer_did: str, keys: list[StoredKey]
) -> StoredKey:
    """The key that signs a list: the issuer's newest sound key. Under did:web, with every key
    retired or compromised, a new one is made (same DID). A did:key issuer is its one key, so a
    compromised one still signs, dated at the list's last change: verifiers that know of the
    compromise then trust the list only if it has not changed since."""
    sound = [k for k in keys if k.did == issuer_did and k.compromised_at is None]
    if not sound and issuer_did.startswith("did:web:") and issuer_did == did_web(settings.base_url):
        with uow:
            sound = [active_signer(uow, institution_id, settings, datetime.now(UTC)).key]
            uow.commit()
    candidates = sound or [k for k in keys if k.did == issuer_did]
    if not candidates:
        raise NotFound("signing key for", issuer_did)
    return candidates[-1]


def signed_status_list(
    uow: UnitOfWork, *, settings: Settings, institution: Institution, purpose: str, number: int
) -> dict[str, Any]:
    """The BitstringStatusListCredential at /status/{purpose}/{number}, signed by its issuer."""
    with uow:
        found = uow.institutions.get(institution.slug)
        status_list = uow.status_lists.get(found[0], purpose, number) if found else None
        keys = uow.keys.all(found[0]) if found else []
    if status_list is None:
        raise NotFound("status list", f"{purpose}/{number}")
    key = _list_signer(uow, settings, found[0] if found else 0, status_list.issuer_did, keys)
    cache_key = (str(uow.engine.url), status_list.id, status_list.version, key.verification_method)
    with _signed.lock:
        cached = _signed.entries.get(cache_key)
    if cached is not None:
        return cached
    signer = open_key(key, settings)
    document = status_list_credential(
        id=status_list_url(settings, purpose, number),
        issuer=status_list.issuer_did,
        purpose=purpose,  # type: ignore[arg-type]
        bitstring=Bitstring.from_bytes(status_list.bits),
        valid_from=iso(status_list.updated_at),
    )
    signed = eddsa_rdfc_2022.add_proof(
        document, signer.private_key, signer.verification_method, created=status_list.updated_at
    )
    with _signed.lock:
        _signed.entries = {k: v for k, v in _signed.entries.items() if k[:2] != cache_key[:2]}
        _signed.entries[cache_key] = signed
    return signed
