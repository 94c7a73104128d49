"""The registry of trusted issuers: whom this institution recognises, by name.

Verification reports an issuer outside the registry as a warning beside the verdict, never as a
failure: another institution's genuine credential is genuine. Every change is audit-logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.trust import TrustedIssuer

# did:method:method-specific-id (DID Core §3.1), without a path, query or fragment
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
DID = re.compile(rf"^did:[a-z0-9]+:(?:{_IDCHAR}*:)*{_IDCHAR}+$")
MAX_ISSUER, MAX_NAME, MAX_NOTE = 2000, 200, 1000


@dataclass(frozen=True)
class Trusted:
    entry: TrustedIssuer
    created: bool  # False: the issuer was in the registry already (its name and note updated)


def issuer_problem(issuer: str) -> str | None:
    """Why ``issuer`` cannot name an issuer (a DID or an https URL), or None."""
    if not issuer:
        return "is required"
    if len(issuer) > MAX_ISSUER:
        return f"is longer than {MAX_ISSUER} characters"
    if issuer.startswith("did:"):
        return None if DID.match(issuer) else f"{issuer!r} is not a DID (did:method:identifier)"
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.netloc and not re.search(r"\s", issuer):
        return None
    return f"{issuer!r} is neither a DID nor an https URL"


def _checked(issuer: str, name: str, note: str | None) -> tuple[str, str, str | None]:
    issuer, name, note = issuer.strip(), name.strip(), (note or "").strip() or None
    problems = []
    if (why := issuer_problem(issuer)) is not None:
        problems.append(Problem("issuer", why))
    if not name:
        problems.append(Problem("name", "is required"))
    elif len(name) > MAX_NAME:
        problems.append(Problem("name", f"is longer than {MAX_NAME} characters"))
    if note and len(note) > MAX_NOTE:
        problems.append(Problem("note", f"is longer than {MAX_NOTE} characters"))
    if problems:
        raise InvalidInput(problems)
    return issuer, name, note


def trust_issuer(
    uow: UnitOfWork, *, institution: Institution, issuer: str, name: str, note: str | None = None, actor: str
) -> Trusted:
    """Add ``issuer`` to the registry under ``name``; an issuer already there gets the new name."""
    issuer, name, note = _checked(issuer, name, note)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        before = uow.trusted_issuers.get(institution_id, issuer)
        if before is None:
            uow.trusted_issuers.add(institution_id, issuer=issuer, name=name, note=note)
        else:
            uow.trusted_issuers.update(institution_id, issuer=issuer, name=name, note=note)
        uow.audit.record(
            actor=actor,
            action="trusted_issuer.added" if before is None else "trusted_issuer.updated",
            subject_type="trusted_issuer",
            subject_id=issuer,
            institution_id=institution_id,
            detail={"name": name, "note": note}
            | ({"before": {"name": before.name, "note": before.note}} if before else {}),
        )
        entry = uow.trusted_issuers.get(institution_id, issuer)
        if entry is None:  # pragma: no cover - written above
            raise NotFound("trusted issuer", issuer)
        uow.commit()
    return Trusted(entry, created=before is None)


def distrust_issuer(uow: UnitOfWork, *, institution: Institution, issuer: str, actor: str) -> TrustedIssuer:
    """Take ``issuer`` out of the registry; NotFound when it is not in it."""
    issuer = issuer.strip()
    if not issuer:
        raise InvalidInput(Problem("issuer", "is required"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        entry = uow.trusted_issuers.get(institution_id, issuer)
        if entry is None:
            raise NotFound("trusted issuer", issuer)
        uow.trusted_issuers.remove(institution_id, issuer)
        uow.audit.record(
            actor=actor,
            action="trusted_issuer.removed",
            subject_type="trusted_issuer",
            subject_id=issuer,
            institution_id=institution_id,
            detail={"name": entry.name, "note": entry.note},
        )
        uow.commit()
    return entry


def trusted_issuers(uow: UnitOfWork, *, institution: Institution) -> list[TrustedIssuer]:
    """The registry, by name."""
    with uow:
        found = uow.institutions.get(institution.slug)
        return uow.trusted_issuers.all(found[0]) if found else []
