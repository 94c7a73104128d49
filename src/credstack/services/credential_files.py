"""An award in every form a learner takes away: JSON, VC-JWT, baked PNG and SVG, certificate PDF."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from credstack.credentials.baking import bake_png, bake_svg, render_badge_png, render_badge_svg
from credstack.credentials.certificate_pdf import certificate_pdf
from credstack.credentials.jwt_vc import sign_jwt
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.services.keys import open_key
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.awards import StoredAward

FORMATS = ("json", "jwt", "png", "svg", "pdf")
MEDIA_TYPES = {
    "json": "application/json",
    "jwt": "application/jwt",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
PALETTE = ("#1d4e89", "#0f766e", "#7c3aed", "#b45309", "#be123c", "#047857", "#1e40af", "#9d174d")


def badge_colour(code: str) -> str:
    """A stable colour per achievement, so each badge looks its own."""
    return PALETTE[int(hashlib.sha256(code.encode()).hexdigest(), 16) % len(PALETTE)]


def issuer_name(award: StoredAward) -> str:
    issuer = award.credential.get("issuer", {})
    return str(issuer.get("name", "")) if isinstance(issuer, dict) else str(issuer)


def award_jwt(uow: UnitOfWork, settings: Settings, award: StoredAward) -> str:
    with uow:
        key = uow.keys.get(award.key_id)
    if key is None:
        raise NotFound("signing key", award.key_id)
    if key.compromised_at is not None:
        raise InvalidInput(Problem("format", "the key that signed this award is compromised; reissue it"))
    signer = open_key(key, settings)
    document = {k: v for k, v in award.credential.items() if k != "proof"}
    return sign_jwt(document, signer.private_key, signer.verification_method)


def render_award(uow: UnitOfWork, *, settings: Settings, award: StoredAward, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput(Problem("format", f"must be one of {', '.join(FORMATS)}, not {fmt!r}"))
    credential: dict[str, Any] = award.credential
    text = json.dumps(credential, ensure_ascii=False, indent=2)
    colour = badge_colour(award.achievement_code)
    if fmt == "json":
        return (text + "\n").encode()
    if fmt == "jwt":
        return award_jwt(uow, settings, award).encode()
    if fmt == "png":
        return bake_png(render_badge_png(award.achievement_name, issuer_name(award), colour), text)
    if fmt == "svg":
        return bake_svg(render_badge_svg(award.achievement_name, issuer_name(award), colour), text).encode()
    achievement = credential["credentialSubject"]["achievement"]
    details = [("Award", award.achievement_code)]
    if "creditsAvailable" in achievement:
        details.append(("Credits", f"{achievement['creditsAvailable']} ECTS"))
    if award.valid_until:
        details.append(("Valid until", award.valid_until.date().isoformat()))
    return certificate_pdf(
        learner_name=award.learner_name,
        achievement_name=award.achievement_name,
        institution_name=issuer_name(award),
        issued_on=award.valid_from.date(),
        credential_url=f"{settings.base_url.rstrip('/')}/credentials/{award.public_id}",
        details=details,
        badge_png=render_badge_png(award.achievement_name, issuer_name(award), colour),
    )
