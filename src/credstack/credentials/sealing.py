"""Private keys at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the install's secret.

A sealed key is ``version byte || 12-byte nonce || ciphertext+tag``; the associated data binds
it to its verification method, so a ciphertext moved to another key's row does not open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from credstack.credentials.errors import CredentialError

VERSION = b"\x01"


class SealError(CredentialError):
    """A sealed key could not be opened: wrong secret, or the data was altered."""


def _kek(secret: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"credstack/signing-keys/v1", info=b"kek").derive(
        secret.encode()
    )
    return AESGCM(key)


def seal(private_key: bytes, *, secret: str, bound_to: str) -> bytes:
    nonce = os.urandom(12)
    return VERSION + nonce + _kek(secret).encrypt(nonce, private_key, bound_to.encode())


def unseal(sealed: bytes, *, secret: str, bound_to: str) -> bytes:
    if sealed[:1] != VERSION or len(sealed) < 13 + 16:
        raise SealError("unknown sealed-key format")
    try:
        return _kek(secret).decrypt(sealed[1:13], sealed[13:], bound_to.encode())
    except InvalidTag as exc:
        raise SealError(f"cannot open the private key of {bound_to} (wrong CREDSTACK_SECRET_KEY?)") from exc
