"""Read what another institution's credential claims: issuer, achievement, result, dates,
credits and whom it names, from an Open Badges 3.0 credential (VC 2.0 or 1.1 shaped) or an
Open Badges 2.0 assertion with its BadgeClass and issuer embedded.

Verification is not done here (the verifier does that); this only reads the fields an
articulation agreement is matched against, and names the field when one is missing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.credentials.ob2 import is_ob2
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.transfer import ExternalClaim


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _first(value: object) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _identities(items: object) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items if isinstance(items, list) else [items]:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("identityType") or item.get("type") or "").lower()
        identity = item.get("identityHash") or item.get("identity")
        if "email" not in kind or not isinstance(identity, str):
            continue
        salt = item.get("salt") if item.get("hashed") is not False else ""
        if item.get("hashed") is False:
            identity = identity.strip()
        out.append((identity, salt if isinstance(salt, str) else ""))
    return tuple(out)


def _require(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(Problem(field, "is missing: the credential does not say it"))
    return value.strip()


def read_claim(document: dict[str, Any]) -> ExternalClaim:
    """The claim an external credential makes; InvalidInput names a missing field."""
    if is_ob2(document):
        return _ob2(document)
    return _ob3(document)


def _ob3(credential: dict[str, Any]) -> ExternalClaim:
    issuer = credential.get("issuer")
    issuer_id = _require(issuer.get("id") if isinstance(issuer, dict) else issuer, "issuer.id")
    issuer_name = issuer.get("name", "") if isinstance(issuer, dict) else ""
    subject = _first(credential.get("credentialSubject"))
    if not isinstance(subject, dict):
        raise InvalidInput(Problem("credentialSubject", "is missing"))
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        raise InvalidInput(Problem("credentialSubject.achievement", "is missing"))
    name = _require(achievement.get("name"), "credentialSubject.achievement.name")
    achievement_id: str = achievement["id"] if isinstance(achievement.get("id"), str) else name
    results: list[Any] = subject["result"] if isinstance(subject.get("result"), list) else []
    result = next(
        (n for r in results if isinstance(r, dict) for n in [_number(r.get("value"))] if n is not None), None
    )
    credits = _number(subject.get("creditsEarned"))
    if credits is None:
        credits = _number(achievement.get("creditsAvailable"))
    earned = _date(credential.get("awardedDate")) or _date(
        credential.get("validFrom") or credential.get("issuanceDate")
    )
    return ExternalClaim(
        format="ob3",
        issuer=issuer_id,
        issuer_name=issuer_name if isinstance(issuer_name, str) else "",
        achievement=achievement_id,
        name=name,
        result=result,
        earned=earned,
        expires=_date(credential.get("validUntil") or credential.get("expirationDate")),
        credits=credits,
        identity_hashes=_identities(subject.get("identifier")),
        subject_id=subject.get("id") if isinstance(subject.get("id"), str) else None,
    )


def _ob2(assertion: dict[str, Any]) -> ExternalClaim:
    badge = assertion.get("badge")
    if not isinstance(badge, dict):
        raise InvalidInput(
            Problem("badge", "the BadgeClass must be embedded (a URL to it cannot be read offline)")
        )
    issuer = badge.get("issuer")
    issuer_id = _require(issuer.get("id") if isinstance(issuer, dict) else issuer, "badge.issuer")
    issuer_name = issuer.get("name", "") if isinstance(issuer, dict) else ""
    name = _require(badge.get("name"), "badge.name")
    recipient = assertion.get("recipient")
    identities: tuple[tuple[str, str], ...] = ()
    if isinstance(recipient, dict) and isinstance(recipient.get("identity"), str):
        identity = recipient["identity"]
        hashed = recipient.get("hashed") is True
        salt = recipient.get("salt") if hashed and isinstance(recipient.get("salt"), str) else ""
        if str(recipient.get("type", "")).lower() == "email":
            identities = ((identity if hashed else identity.strip(), salt or ""),)
    return ExternalClaim(
        format="ob2",
        issuer=issuer_id,
        issuer_name=issuer_name if isinstance(issuer_name, str) else "",
        achievement=badge["id"] if isinstance(badge.get("id"), str) else name,
        name=name,
        earned=_date(assertion.get("issuedOn")),
        expires=_date(assertion.get("expires")),
        identity_hashes=identities,
    )
