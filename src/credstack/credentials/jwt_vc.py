"""VC-JWT: the same credential as a compact JWS signed with EdDSA (Ed25519).

Open Badges 3.0 §8.2 (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof-format): the payload is
the credential itself, with the registered claims ``iss`` (issuer id), ``sub`` (subject id, when
there is one), ``nbf`` (validFrom), ``jti`` (id) and ``exp`` (validUntil); the header names the key
(``kid``, a DID URL). JOSE comes from joserfc, which needs EdDSA allowed explicitly.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from credstack.credentials.errors import CredentialError, InvalidProof

ALGORITHMS = ["EdDSA"]


class MalformedJwt(CredentialError):
    """Not a compact JWS, or its payload is not a credential."""


def _timestamp(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential with its JWT registered claims added."""
    issuer = credential["issuer"]
    payload = dict(credential)
    payload["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    payload["jti"] = credential["id"]
    subject = credential.get("credentialSubject", {})
    if isinstance(subject, dict) and subject.get("id"):
        payload["sub"] = subject["id"]
    if credential.get("validFrom"):
        payload["nbf"] = _timestamp(credential["validFrom"])
    if credential.get("validUntil"):
        payload["exp"] = _timestamp(credential["validUntil"])
    return payload


@contextmanager
def _quiet() -> Iterator[None]:
    # joserfc warns that RFC 9864 prefers "Ed25519" as the name; OB 3.0 and wallets use "EdDSA"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def sign_jwt(credential: dict[str, Any], private_key: Ed25519PrivateKey, kid: str) -> str:
    """A compact JWS of the credential (the credential must carry no embedded proof)."""
    body = {k: v for k, v in claims(credential).items() if k != "proof"}
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    with _quiet():
        return jws.serialize_compact(
            header,
            json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
            OKPKey.import_key(pem),
            algorithms=ALGORITHMS,
        )


def peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, unverified (to find the key to verify with)."""
    try:
        with _quiet():
            obj = jws.extract_compact(token.strip().encode())
        payload = json.loads(obj.payload)
    except (JoseError, ValueError) as exc:
        raise MalformedJwt(f"not a compact JWS credential: {exc}") from exc
    if not isinstance(payload, dict):
        raise MalformedJwt("the JWT payload is not a JSON object")
    return dict(obj.protected), payload


def verify_jwt(token: str, public_key: Callable[[str], Ed25519PublicKey]) -> dict[str, Any]:
    """Verify the signature (key found from the header's ``kid``) and the registered claims'
    agreement with the credential; returns the payload."""
    header, payload = peek(token)
    if header.get("alg") not in ALGORITHMS:
        raise InvalidProof(f"JWT alg {header.get('alg')!r} is not EdDSA")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InvalidProof("the JWT header names no key (kid)")
    pem = public_key(kid).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        with _quiet():
            jws.deserialize_compact(token.strip(), OKPKey.import_key(pem), algorithms=ALGORITHMS)
    except JoseError as exc:
        raise InvalidProof(f"JWT signature does not verify: {exc}") from exc
    expected = claims({k: v for k, v in payload.items() if k not in ("iss", "jti", "sub", "nbf", "exp")})
    for claim in ("iss", "jti", "sub", "nbf", "exp"):
        if claim in payload and payload[claim] != expected.get(claim):
            raise InvalidProof(f"JWT claim {claim} does not match the credential")
    issuer = expected["iss"]
    if not kid.startswith(issuer):
        raise InvalidProof(f"the signing key {kid} does not belong to the issuer {issuer}")
    return payload
