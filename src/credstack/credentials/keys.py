"""Ed25519 key material (RFC 8032 via ``cryptography``) and verification-method key formats.

A verification method may carry its Ed25519 key as ``publicKeyMultibase`` (Multikey,
Ed25519VerificationKey2020: https://www.w3.org/TR/cid-1.0/#Multikey), ``publicKeyBase58``
(Ed25519VerificationKey2018) or ``publicKeyJwk`` (OKP / Ed25519, RFC 8037).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credstack.credentials.errors import KeyResolutionError, MultibaseError
from credstack.credentials.multikey import ED25519_KEY_LENGTH, multikey_to_public_key

PrivateKey = Ed25519PrivateKey | bytes


def private_key(key: PrivateKey) -> Ed25519PrivateKey:
    """An Ed25519 private key from a key object or its 32-byte seed."""
    if isinstance(key, Ed25519PrivateKey):
        return key
    if not isinstance(key, bytes) or len(key) != ED25519_KEY_LENGTH:
        raise KeyResolutionError("an Ed25519 private key is an Ed25519PrivateKey or its 32-byte seed")
    return Ed25519PrivateKey.from_private_bytes(key)


def public_key_bytes(key: PrivateKey | Ed25519PublicKey) -> bytes:
    """The raw 32-byte public key of a private key (or seed) or public key object."""
    public = key if isinstance(key, Ed25519PublicKey) else private_key(key).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _from_jwk(jwk: Any) -> bytes:
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyResolutionError(f"publicKeyJwk is not an Ed25519 OKP key: {jwk!r}")
    x = str(jwk.get("x", ""))
    try:
        key = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
    except (ValueError, binascii.Error) as error:
        raise KeyResolutionError(f"publicKeyJwk.x is not base64url: {error}") from error
    if len(key) != ED25519_KEY_LENGTH:
        raise KeyResolutionError("publicKeyJwk.x is not a 32-byte Ed25519 key")
    return key


def public_key_from_verification_method(method: dict[str, Any]) -> bytes:
    """The Ed25519 public key bytes in a verification method object."""
    try:
        if "publicKeyMultibase" in method:
            return multikey_to_public_key(method["publicKeyMultibase"])
        if "publicKeyBase58" in method:
            key = base58.b58decode(str(method["publicKeyBase58"]))
            if len(key) != ED25519_KEY_LENGTH:
                raise KeyResolutionError("publicKeyBase58 is not a 32-byte Ed25519 key")
            return key
    except (MultibaseError, ValueError) as error:
        raise KeyResolutionError(f"verification method {method.get('id')!r}: {error}") from error
    if "publicKeyJwk" in method:
        return _from_jwk(method["publicKeyJwk"])
    raise KeyResolutionError(f"verification method {method.get('id')!r} has no Ed25519 public key")


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Ed25519 verification (RFC 8032): True when ``signature`` is valid for ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
