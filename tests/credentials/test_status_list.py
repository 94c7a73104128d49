"""W3C Bitstring Status List: bit order, encoding, the reference lists, and a status check that
never says "ok" when it cannot know."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.credentials.status_list import (
    MIN_LENGTH,
    BadPrefix,
    Bitstring,
    NotBase64url,
    NotGzip,
    StatusListError,
    TooLong,
    TooShort,
    check_status,
    status_entry,
    status_list_credential,
)

LIST = "https://credentials.example.edu/status/revocation/1"
ISSUER = "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"


def multibase(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def a_list(*, purpose: str = "revocation", set_bits: tuple[int, ...] = (), url: str = LIST) -> dict[str, Any]:
    bits = Bitstring()
    for i in set_bits:
        bits.set(i)
    return status_list_credential(
        id=url, issuer=ISSUER, purpose=purpose, bitstring=bits, valid_from="2025-03-01T00:00:00Z"
    )


def an_entry(index: int | str = 7, *, purpose: str = "revocation") -> dict[str, Any]:
    entry = status_entry(list_url=LIST, index=3, purpose=purpose)
    entry["statusListIndex"] = index
    return entry


# --- the bitstring ---------------------------------------------------------------------------


def test_a_new_list_is_16_kb_of_clear_bits():
    bits = Bitstring()
    assert bits.length == len(bits) == MIN_LENGTH == 16 * 1024 * 8
    assert bits.set_indices() == []
    assert bits.to_bytes() == bytes(16 * 1024)


def test_index_zero_is_the_left_most_bit_of_the_first_byte():
    bits = Bitstring()
    bits.set(0)
    bits.set(7)
    bits.set(9)
    raw = bits.to_bytes()
    assert raw[:2] == bytes([0b1000_0001, 0b0100_0000])
    assert bits.get(0) and bits.get(7) and bits.get(9)
    assert not bits.get(1) and not bits.get(8)


def test_bytes_round_trip_for_the_store():
    bits = Bitstring()
    bits.set(3)
    raw = bits.to_bytes()
    assert raw[0] == 0b0001_0000
    assert Bitstring.from_bytes(raw) == bits
    assert Bitstring.from_bytes(raw).set_indices() == [3]
    with pytest.raises(StatusListError):
        Bitstring.from_bytes(b"")


def test_a_bit_can_be_cleared_again():
    bits = Bitstring()
    bits.set(42)
    bits.set(42, False)
    assert not bits.get(42)
    assert bits == Bitstring()


@pytest.mark.parametrize("index", [-1, MIN_LENGTH])
def test_an_index_outside_the_list_is_refused(index):
    with pytest.raises(IndexError):
        Bitstring().get(index)
    with pytest.raises(IndexError):
        Bitstring().set(index)


def test_a_bool_is_not_an_index():
    with pytest.raises(TypeError):
        Bitstring().get(True)


@pytest.mark.parametrize("length", [0, -8, 12])
def test_a_length_must_be_a_positive_multiple_of_eight(length):
    with pytest.raises(StatusListError):
        Bitstring(length)


def test_encoding_is_multibase_base64url_of_gzip_without_padding():
    encoded = Bitstring().encode()
    assert encoded.startswith("uH4sI")  # "u" + base64url of the GZIP magic 1f 8b 08
    body = encoded[1:]
    assert "=" not in body and "+" not in body and "/" not in body
    assert gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == bytes(16 * 1024)


def test_encoding_is_deterministic():
    bits = Bitstring()
    bits.set(5)
    assert bits.encode() == bits.encode()


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=MIN_LENGTH - 1), max_size=200))
def test_encode_decode_round_trip(indices):
    bits = Bitstring()
    for i in indices:
        bits.set(i)
    decoded = Bitstring.decode(bits.encode())
    assert decoded == bits
    assert decoded.set_indices() == sorted(indices)


def test_a_longer_list_round_trips_and_meets_an_expected_length():
    bits = Bitstring(MIN_LENGTH * 2)
    bits.set(MIN_LENGTH * 2 - 1)
    decoded = Bitstring.decode(bits.encode(), expected_length=MIN_LENGTH * 2)
    assert decoded.set_indices() == [MIN_LENGTH * 2 - 1]


# --- decoding errors -------------------------------------------------------------------------


def test_decode_refuses_a_missing_multibase_prefix():
    with pytest.raises(BadPrefix):
        Bitstring.decode(Bitstring().encode()[1:])
    with pytest.raises(BadPrefix):
        Bitstring.decode("z" + Bitstring().encode()[1:])


@pytest.mark.parametrize("body", ["H4sI+/==", "H4sI AAA", "H4sIA"])
def test_decode_refuses_what_is_not_unpadded_base64url(body):
    with pytest.raises(NotBase64url):
        Bitstring.decode("u" + body)


def test_decode_refuses_bytes_that_are_not_gzip():
    import zlib

    with pytest.raises(NotGzip):
        Bitstring.decode(multibase(zlib.compress(bytes(16 * 1024))))  # zlib, not GZIP
    with pytest.raises(NotGzip):
        Bitstring.decode(multibase(bytes(16 * 1024)))


def test_decode_refuses_a_damaged_or_truncated_gzip():
    good = gzip.compress(bytes(16 * 1024))
    with pytest.raises(NotGzip):
        Bitstring.decode(multibase(good[: len(good) // 2]))
    with pytest.raises(NotGzip):
        Bitstring.decode(multibase(good[:10] + b"\xff" * 20))


def test_decode_refuses_a_list_shorter_than_16_kb():
    with pytest.raises(TooShort):
        Bitstring.decode(multibase(gzip.compress(bytes(1024))))


def test_decode_refuses_a_list_shorter_than_expected():
    with pytest.raises(TooShort):
        Bitstring.decode(Bitstring().encode(), expected_length=MIN_LENGTH * 2)


def test_decode_refuses_a_list_that_inflates_without_bound():
    with pytest.raises(TooLong):
        Bitstring.decode(multibase(gzip.compress(bytes(17 * 1024 * 1024))))


# --- the reference lists (Digital Bazaar's vc-bitstring-status-list) --------------------------


def reference_list(shared: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared / "interop/samples/status" / name).read_text())
    return data


@pytest.mark.interop
@pytest.mark.parametrize(("name", "expected"), [("revocation-1.json", [7, 11]), ("suspension-1.json", [9])])
def test_the_reference_lists_read_with_exactly_their_bits_set(shared, name, expected):
    encoded = reference_list(shared, name)["credentialSubject"]["encodedList"]
    bits = Bitstring.decode(encoded)
    assert bits.length == MIN_LENGTH
    assert bits.set_indices() == expected


@pytest.mark.interop
@pytest.mark.parametrize(("name", "indices"), [("revocation-1.json", (7, 11)), ("suspension-1.json", (9,))])
def test_our_encoding_of_the_same_bits_inflates_to_the_reference_bytes(shared, name, indices):
    encoded = reference_list(shared, name)["credentialSubject"]["encodedList"]
    ours = Bitstring()
    for i in indices:
        ours.set(i)

    def inflate(e: str) -> bytes:
        return gzip.decompress(base64.urlsafe_b64decode(e[1:] + "=" * (-len(e[1:]) % 4)))

    assert inflate(ours.encode()) == inflate(encoded)
    assert Bitstring.decode(ours.encode()) == Bitstring.decode(encoded)


@pytest.mark.interop
@pytest.mark.parametrize(
    ("sample", "status_list", "expected"),
    [
        ("mc-01-python-data-wrangling.json", "revocation-1.json", "ok"),
        ("mc-02-data-visualisation-REVOKED.json", "revocation-1.json", "revoked"),
        ("mc-04-python-data-wrangling-SUSPENDED.json", "suspension-1.json", "suspended"),
    ],
)
def test_check_status_on_the_reference_signed_samples(shared, sample, status_list, expected):
    credential = json.loads((shared / "interop/samples/signed" / sample).read_text())
    result = check_status(credential["credentialStatus"], reference_list(shared, status_list))
    assert result.status == expected, result.message


@pytest.mark.interop
def test_our_list_credential_has_the_reference_shape(shared):
    reference = reference_list(shared, "revocation-1.json")
    ours = a_list(set_bits=(7, 11))
    assert ours["@context"] == reference["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert ours["type"] == reference["type"]
    assert set(ours["credentialSubject"]) == set(reference["credentialSubject"])
    assert ours["credentialSubject"]["id"] == reference["credentialSubject"]["id"]


# --- the credential and the entry ------------------------------------------------------------


def test_status_list_credential():
    credential = a_list(purpose="suspension", set_bits=(3,))
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["issuer"] == ISSUER
    assert credential["validFrom"] == "2025-03-01T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["id"] == LIST + "#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "suspension"
    assert Bitstring.decode(subject["encodedList"]).set_indices() == [3]
    assert "proof" not in credential


def test_status_list_credential_refuses_an_unknown_purpose():
    with pytest.raises(StatusListError):
        a_list(purpose="refresh")


def test_status_entry_has_a_string_index():
    entry = status_entry(list_url=LIST, index=94567, purpose="revocation")
    assert entry == {
        "id": LIST + "#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST,
    }


@pytest.mark.parametrize("index", [-1, True, 1.0, "3"])
def test_status_entry_refuses_a_bad_index(index):
    with pytest.raises(StatusListError):
        status_entry(list_url=LIST, index=index, purpose="revocation")


def test_status_entry_refuses_an_unknown_purpose():
    with pytest.raises(StatusListError):
        status_entry(list_url=LIST, index=1, purpose="message")


# --- check_status ----------------------------------------------------------------------------


@pytest.mark.parametrize("index", ["7", 7])
def test_a_set_revocation_bit_is_revoked(index):
    result = check_status(an_entry(index), a_list(set_bits=(7,)))
    assert result.status == "revoked"
    assert not result.ok
    assert "7" in result.message


def test_a_set_suspension_bit_is_suspended():
    url = "https://credentials.example.edu/status/suspension/1"
    entry = status_entry(list_url=url, index=9, purpose="suspension")
    assert check_status(entry, a_list(purpose="suspension", set_bits=(9,), url=url)).status == "suspended"


def test_a_clear_bit_is_ok():
    result = check_status(an_entry("8"), a_list(set_bits=(7, 9)))
    assert result.status == "ok" and result.ok


def test_a_list_may_name_several_purposes():
    credential = a_list(set_bits=(7,))
    credential["credentialSubject"]["statusPurpose"] = ["suspension", "revocation"]
    assert check_status(an_entry(7), credential).status == "revoked"


def test_an_unreachable_list_is_unknown():
    result = check_status(an_entry(7), None)
    assert result.status == "unknown"
    assert LIST in result.message


def garbage_lists() -> list[Any]:
    good = a_list()

    def changed(path: tuple[str, ...], value: Any) -> dict[str, Any]:
        copy = json.loads(json.dumps(good))
        target = copy
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return copy

    return [
        "not a list",
        [],
        {},
        changed(("type",), ["VerifiableCredential"]),
        changed(("type",), "BitstringStatusListCredential"),
        changed(("credentialSubject",), "x"),
        changed(("credentialSubject", "type"), "StatusList2021"),
        changed(("credentialSubject", "encodedList"), "not encoded"),
        changed(("credentialSubject", "encodedList"), 12),
        changed(("credentialSubject", "encodedList"), multibase(gzip.compress(bytes(100)))),
        changed(("credentialSubject", "statusPurpose"), 7),
        changed(("id",), "https://elsewhere.example/status/1"),
    ]


@pytest.mark.parametrize("garbage", garbage_lists())
def test_a_malformed_or_different_list_is_unknown(garbage):
    assert check_status(an_entry(7), garbage).status == "unknown"


def test_a_purpose_mismatch_is_unknown_even_when_the_bit_is_set():
    result = check_status(an_entry(7, purpose="revocation"), a_list(purpose="suspension", set_bits=(7,)))
    assert result.status == "unknown"
    assert "suspension" in result.message


def test_an_index_beyond_the_list_is_unknown():
    assert check_status(an_entry(MIN_LENGTH), a_list()).status == "unknown"


@pytest.mark.parametrize("index", ["-1", -1, "abc", "", " 7", "7.0", 7.0, None, True, "٣"])
def test_a_malformed_index_is_unknown(index):
    assert check_status(an_entry(index), a_list(set_bits=(7,))).status == "unknown"


@pytest.mark.parametrize(
    "change",
    [
        {"type": "StatusList2021Entry"},
        {"statusPurpose": "refresh"},
        {"statusPurpose": None},
        {"statusSize": 2},
    ],
)
def test_a_malformed_or_unsupported_entry_is_unknown(change):
    entry = an_entry(7) | change
    assert check_status(entry, a_list(set_bits=(7,))).status == "unknown"


def test_an_entry_that_is_not_an_object_is_unknown():
    assert check_status("nope", a_list()).status == "unknown"
