"""W3C Bitstring Status List v1.0: the bitstring, its credential, entries and the status check.

https://www.w3.org/TR/vc-bitstring-status-list/

Index 0 is the left-most (most significant) bit of the first byte. A list is at least 16 KB
(131,072 entries) so that one credential's index says little about its holder (herd privacy).
Statuses are one bit wide (`statusSize` 1); a wider status is reported as `unknown`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from dataclasses import dataclass
from typing import Any, Literal

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MIN_LENGTH = 131_072
"""The spec's minimum: an uncompressed bitstring of 16 KB."""
MAX_LENGTH = 8 * 16 * 1024 * 1024
"""Decoding refuses more than 16 MB of bits: a small gzip must not inflate without bound."""

Purpose = Literal["revocation", "suspension"]
PURPOSES: tuple[Purpose, ...] = ("revocation", "suspension")
Status = Literal["ok", "revoked", "suspended", "unknown"]

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_GZIP_MAGIC = b"\x1f\x8b"


class StatusListError(ValueError):
    """An encoded list or a status list argument that cannot be used."""


class BadPrefix(StatusListError):
    """`encodedList` is not multibase base64url (it must start with `u`)."""


class NotBase64url(StatusListError):
    """`encodedList` holds characters outside unpadded base64url."""


class NotGzip(StatusListError):
    """The decoded bytes are not a GZIP stream, or the stream is damaged."""


class TooShort(StatusListError):
    """The bitstring is shorter than the spec's minimum or the expected length."""


class TooLong(StatusListError):
    """The bitstring inflates beyond what this decoder accepts."""


class Bitstring:
    """A fixed-length string of status bits, all clear when made."""

    __slots__ = ("_bytes",)

    def __init__(self, length: int = MIN_LENGTH) -> None:
        if length <= 0 or length % 8:
            raise StatusListError(f"a bitstring length must be a positive multiple of 8, not {length}")
        self._bytes = bytearray(length // 8)

    @property
    def length(self) -> int:
        return len(self._bytes) * 8

    def __len__(self) -> int:
        return self.length

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bitstring) and self._bytes == other._bytes

    def __repr__(self) -> str:
        return f"Bitstring(length={self.length}, set={self.set_indices()[:8]}...)"

    def _check(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"a status list index is an int, not {type(index).__name__}")
        if not 0 <= index < self.length:
            raise IndexError(f"index {index} is outside the list (0..{self.length - 1})")

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bytes[index // 8] & (0x80 >> (index % 8)))

    def set(self, index: int, value: bool = True) -> None:
        self._check(index)
        mask = 0x80 >> (index % 8)
        if value:
            self._bytes[index // 8] |= mask
        else:
            self._bytes[index // 8] &= ~mask & 0xFF

    def set_indices(self) -> list[int]:
        """The indices whose bit is set, ascending."""
        return [
            byte_no * 8 + bit
            for byte_no, byte in enumerate(self._bytes)
            if byte
            for bit in range(8)
            if byte & (0x80 >> bit)
        ]

    def to_bytes(self) -> bytes:
        """The raw bits, index 0 in the top bit of the first byte (what a store keeps)."""
        return bytes(self._bytes)

    @classmethod
    def from_bytes(cls, raw: bytes) -> Bitstring:
        """A bitstring over `raw` (as from `to_bytes`); its length is 8 bits per byte."""
        bitstring = cls(len(raw) * 8)
        bitstring._bytes[:] = raw
        return bitstring

    def encode(self) -> str:
        """The spec's `encodedList`: GZIP, then base64url without padding, multibase prefix `u`.

        The GZIP header carries no timestamp, so the same bits always encode the same.
        """
        compressed = gzip.compress(bytes(self._bytes), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: str, *, expected_length: int | None = None) -> Bitstring:
        """Read an `encodedList`. The result must be at least the spec's 131,072 bits, and at
        least `expected_length` bits when that is given."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise BadPrefix("encodedList must be multibase base64url, starting with 'u'")
        body = encoded[1:]
        if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
            raise NotBase64url("encodedList is not unpadded base64url")
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except binascii.Error as exc:  # pragma: no cover - the pattern above rules this out
            raise NotBase64url(f"encodedList is not base64url: {exc}") from exc
        if not compressed.startswith(_GZIP_MAGIC):
            raise NotGzip("encodedList does not hold a GZIP stream")
        raw = _gunzip(compressed, limit=MAX_LENGTH // 8)
        minimum = max(MIN_LENGTH, expected_length or 0)
        if len(raw) * 8 < minimum:
            raise TooShort(f"the bitstring has {len(raw) * 8} bits; at least {minimum} are required")
        return cls.from_bytes(raw)


def _gunzip(data: bytes, *, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit)
    except zlib.error as exc:
        raise NotGzip(f"the GZIP stream is damaged: {exc}") from exc
    if inflater.unconsumed_tail:
        raise TooLong(f"the bitstring inflates to more than {limit} bytes")
    if not inflater.eof:
        raise NotGzip("the GZIP stream is truncated")
    return out


def status_list_credential(
    *, id: str, issuer: str, purpose: Purpose, bitstring: Bitstring, valid_from: str
) -> dict[str, Any]:
    """An unsigned VC 2.0 `BitstringStatusListCredential` whose subject is the list `id#list`."""
    _check_purpose(purpose)
    return {
        "@context": [VC_V2_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bitstring.encode(),
        },
    }


def status_entry(*, list_url: str, index: int, purpose: str) -> dict[str, Any]:
    """A `BitstringStatusListEntry` for a credential's `credentialStatus`.

    `statusListIndex` is a base-10 string, as VC 2.0 requires.
    """
    _check_purpose(purpose)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StatusListError(f"a status list index is a non-negative int, not {index!r}")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise StatusListError(f"status purpose must be one of {', '.join(PURPOSES)}, not {purpose!r}")


@dataclass(frozen=True)
class StatusResult:
    """The outcome of a status check and why. `unknown` never means "fine"."""

    status: Status
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _unknown(message: str) -> StatusResult:
    return StatusResult("unknown", message)


def check_status(entry: dict[str, Any], list_credential: dict[str, Any] | None) -> StatusResult:
    """Read a credential's status bit from its (already fetched and verified) list credential.

    The list's proof is the caller's to verify. Anything that stops the bit from being read with
    confidence (no list, a malformed list or entry, a different list, another purpose, an index
    out of range) gives `unknown`, never `ok`.
    """
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return _unknown("the credential's status entry is not a BitstringStatusListEntry")
    purpose = entry.get("statusPurpose")
    if purpose not in PURPOSES:
        return _unknown(f"status purpose {purpose!r} is not one this checker reads")
    index = _parse_index(entry.get("statusListIndex"))
    if index is None:
        return _unknown(f"statusListIndex {entry.get('statusListIndex')!r} is not a non-negative integer")
    if entry.get("statusSize", 1) != 1:
        return _unknown(f"statusSize {entry.get('statusSize')!r} is not supported (only 1)")
    list_url = entry.get("statusListCredential")
    if list_credential is None:
        return _unknown(f"the status list {list_url} could not be retrieved")
    if not isinstance(list_credential, dict):
        return _unknown("the status list is not a JSON object")
    if list_credential.get("id") != list_url:
        return _unknown(f"the status list retrieved is {list_credential.get('id')!r}, not {list_url!r}")
    types = list_credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        return _unknown("the status list is not a BitstringStatusListCredential")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        return _unknown("the status list's subject is not a BitstringStatusList")
    list_purposes = subject.get("statusPurpose")
    if isinstance(list_purposes, str):
        list_purposes = [list_purposes]
    if not isinstance(list_purposes, list) or purpose not in list_purposes:
        return _unknown(f"the status list is for {subject.get('statusPurpose')!r}, not {purpose!r}")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        return _unknown("the status list has no encodedList")
    try:
        bits = Bitstring.decode(encoded)
    except StatusListError as exc:
        return _unknown(f"the status list's encodedList cannot be read: {exc}")
    if index >= bits.length:
        return _unknown(f"index {index} is outside the status list ({bits.length} entries)")
    if not bits.get(index):
        return StatusResult("ok", f"not {'revoked' if purpose == 'revocation' else 'suspended'}")
    if purpose == "revocation":
        return StatusResult("revoked", f"revoked: bit {index} is set in {list_url}")
    return StatusResult("suspended", f"suspended: bit {index} is set in {list_url}")


def _parse_index(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None
