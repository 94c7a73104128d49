"""Ed25519 keys and signatures as multibase strings.

Multikey (https://www.w3.org/TR/cid-1.0/#Multikey): ``publicKeyMultibase`` is ``z`` (base58btc)
+ base58btc(multicodec ``ed25519-pub`` header ``0xed 0x01`` + 32 key bytes), which always
starts ``z6Mk``. Signatures (``proofValue``) are ``z`` + base58btc(64 bytes); as the reference
does, ``u`` (base64url, no padding) is also accepted when decoding. base58btc comes from the
``base58`` package (Bitcoin alphabet, leading zero bytes as ``1``: what multibase specifies).
"""

from __future__ import annotations

import base64
import binascii

import base58

from credstack.credentials.errors import MultibaseError

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
ED25519_KEY_LENGTH = 32
ED25519_SIGNATURE_LENGTH = 64


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: ``z`` + base58 (Bitcoin alphabet)."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(value: str) -> bytes:
    """Decode a base58btc (``z``) or base64url (``u``) multibase string."""
    if not isinstance(value, str) or len(value) < 2:
        raise MultibaseError(f"not a multibase string: {value!r}")
    header, body = value[0], value[1:]
    try:
        if header == "z":
            return base58.b58decode(body.encode("ascii"))
        if header == "u":
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, binascii.Error) as error:
        raise MultibaseError(f"invalid multibase {value[:16]!r}...: {error}") from error
    raise MultibaseError(f"unsupported multibase header {header!r} (only 'z' base58btc and 'u' base64url)")


def public_key_to_multikey(public_key: bytes) -> str:
    """Ed25519 public key bytes -> ``z6Mk...`` publicKeyMultibase."""
    if len(public_key) != ED25519_KEY_LENGTH:
        raise MultibaseError(f"an Ed25519 public key has 32 bytes, not {len(public_key)}")
    return encode_base58btc(ED25519_PUB_HEADER + public_key)


def multikey_to_public_key(multikey: str) -> bytes:
    """``z6Mk...`` publicKeyMultibase -> the 32 Ed25519 public key bytes."""
    if not isinstance(multikey, str) or not multikey.startswith("z"):
        raise MultibaseError(f"a Multikey is base58btc ('z...'): {multikey!r}")
    data = decode_multibase(multikey)
    if data[:2] != ED25519_PUB_HEADER or len(data) != 2 + ED25519_KEY_LENGTH:
        raise MultibaseError(f"not an Ed25519 Multikey (header 0xed01 + 32 bytes): {multikey!r}")
    return data[2:]


def secret_key_to_multikey(seed: bytes) -> str:
    """Ed25519 secret key (32-byte seed) -> ``z3u2...`` secretKeyMultibase (header 0x8026)."""
    if len(seed) != ED25519_KEY_LENGTH:
        raise MultibaseError(f"an Ed25519 secret key has 32 bytes, not {len(seed)}")
    return encode_base58btc(ED25519_PRIV_HEADER + seed)


def multikey_to_secret_key(multikey: str) -> bytes:
    data = decode_multibase(multikey)
    if data[:2] != ED25519_PRIV_HEADER or len(data) != 2 + ED25519_KEY_LENGTH:
        raise MultibaseError("not an Ed25519 secretKeyMultibase (header 0x8026 + 32 bytes)")
    return data[2:]


def encode_signature(signature: bytes) -> str:
    """A 64-byte Ed25519 signature as a multibase base58btc ``proofValue``."""
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise MultibaseError(f"an Ed25519 signature has 64 bytes, not {len(signature)}")
    return encode_base58btc(signature)


def decode_signature(proof_value: str) -> bytes:
    """A ``proofValue`` back to the 64 signature bytes."""
    signature = decode_multibase(proof_value)
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise MultibaseError(f"an Ed25519 signature has 64 bytes, not {len(signature)}")
    return signature
