"""eddsa-rdfc-2022: published vectors, the reference's signatures, tampering and safe mode."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from credstack.credentials import eddsa_rdfc_2022 as suite
from credstack.credentials.did import did_web, did_web_document
from credstack.credentials.errors import (
    InvalidProof,
    KeyResolutionError,
    NotAuthorized,
    UndefinedTerm,
    UnsafeJsonLd,
)
from credstack.credentials.keys import public_key_bytes
from credstack.credentials.multikey import multikey_to_public_key
from credstack.credentials.proofs import did_resolver, verify_proofs
from tests.credentials.credential_builder import CREATED, OTHER_SEED, SEED, credential, method_for

SIGNED = "interop/samples/signed"
RESOLVE = did_resolver()


def load(shared: Path, relative: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((shared / relative).read_text())
    return document


def signed_samples(shared: Path) -> list[str]:
    names = sorted(p.name for p in (shared / SIGNED).glob("*.json"))
    return [n for n in names if "ed25519-2020" not in n]


@pytest.mark.interop
def test_every_reference_signed_sample_verifies(shared: Path) -> None:
    names = signed_samples(shared)
    assert len(names) >= 8
    for name in names:
        checks = verify_proofs(load(shared, f"{SIGNED}/{name}"), RESOLVE)
        assert checks and all(c.verified for c in checks), (name, checks)


@pytest.mark.interop
@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "achievement", "name"), "Python Data Wranglin"),
        (("validUntil",), "2030-03-01T00:00:01Z"),
        (("credentialSubject", "creditsEarned"), 2),
    ],
)
def test_a_changed_value_fails(shared: Path, path: tuple[str, ...], value: object) -> None:
    document = load(shared, f"{SIGNED}/mc-01-python-data-wrangling.json")
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    [check] = verify_proofs(document, RESOLVE)
    assert not check.verified
    assert isinstance(check.error, InvalidProof)


@pytest.mark.interop
def test_a_changed_byte_of_the_file_fails(shared: Path) -> None:
    raw = (shared / SIGNED / "mc-01-python-data-wrangling.json").read_text()
    for old, new in (
        ("Awarded for", "Awarded fpr"),
        ('"hashed": true', '"hashed": false'),
        ("z2qJ9Q", "z2qJ9R"),
    ):
        [check] = verify_proofs(json.loads(raw.replace(old, new, 1)), RESOLVE)
        assert not check.verified, old


@pytest.mark.interop
def test_the_public_seed_reproduces_the_reference_proof_values(shared: Path) -> None:
    """Ed25519 is deterministic: same key, document and `created` -> the reference's proofValue."""
    reproduced = 0
    for name in signed_samples(shared):
        signed = load(shared, f"{SIGNED}/{name}")
        proofs = signed["proof"] if isinstance(signed["proof"], list) else [signed["proof"]]
        if proofs[0]["verificationMethod"] != method_for():
            continue  # signed with another (unpublished) seed
        unsigned = {k: v for k, v in signed.items() if k != "proof"}
        assert suite.create_proof(unsigned, SEED, method_for(), proofs[0]["created"]) == proofs[0], name
        assert suite.add_proof(unsigned, SEED, method_for(), proofs[0]["created"])["proof"] == proofs
        reproduced += 1
    assert reproduced >= 6


def fragment_key(method_id: str) -> bytes:
    """1EdTech's (non-standard) convention, fact 6: the key is the fragment of an https URL."""
    if not method_id.startswith("https://") or "#z6Mk" not in method_id:
        raise KeyResolutionError(f"not a fragment key: {method_id}")
    return multikey_to_public_key(method_id.split("#", 1)[1])


@pytest.mark.interop
@pytest.mark.parametrize(
    "name", ["linked-data-proof-ob--signed-credential", "linked-data-proof-clr--signed-credential"]
)
def test_the_ob_specification_vectors(shared: Path, name: str) -> None:
    relative = f"ob-spec/{name}.json"
    expected = json.loads((shared / "interop/samples/EXPECTED.json").read_text())["files"][relative]
    document = load(shared, f"interop/samples/{relative}")
    [standard] = verify_proofs(document, RESOLVE)
    assert not standard.verified and isinstance(standard.error, KeyResolutionError)  # not resolvable offline
    [with_fragment_keys] = verify_proofs(document, fragment_key)
    assert with_fragment_keys.verified is expected["verified"] is True


def test_sign_and_verify_round_trip() -> None:
    signed = suite.add_proof(credential(), SEED, method_for(), CREATED)
    assert isinstance(signed["proof"], list) and signed["proof"][0]["proofValue"].startswith("z")
    [check] = verify_proofs(signed, RESOLVE)
    assert check.verified and check.verification_method == method_for()


def test_a_second_proof_makes_a_proof_set() -> None:
    once = suite.add_proof(credential(), SEED, method_for(), CREATED)
    twice = suite.add_proof(once, OTHER_SEED, method_for(OTHER_SEED), "2025-03-02T00:00:00+01:00")
    assert len(twice["proof"]) == 2
    assert all(c.verified for c in verify_proofs(twice, RESOLVE))


def test_another_key_wrong_purpose_or_broken_proof_value_fail() -> None:
    signed = suite.add_proof(credential(), SEED, method_for(), CREATED)
    proof = signed["proof"][0]
    cases = [
        {**proof, "verificationMethod": method_for(OTHER_SEED)},
        {**proof, "proofPurpose": "authentication"},
        {**proof, "proofValue": "x" + proof["proofValue"][1:]},
        {**proof, "proofValue": proof["proofValue"][:-4]},
        {**proof, "cryptosuite": "eddsa-jcs-2022"},
        {**proof, "created": "yesterday"},
    ]
    for bad in cases:
        check = suite.verify_proof(signed, bad, RESOLVE)
        assert not check.verified and isinstance(check.error, InvalidProof), bad


def test_safe_mode_an_undefined_term_cannot_be_signed() -> None:
    for document in (
        {**credential(), "foo": "bar"},
        {**credential(), "type": ["VerifiableCredential", "Nope"]},
    ):
        with pytest.raises(UndefinedTerm):
            suite.create_proof(document, SEED, method_for(), CREATED)


def test_safe_mode_an_undefined_term_fails_verification() -> None:
    signed = suite.add_proof(credential(), SEED, method_for(), CREATED)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["foo"] = "bar"
    [check] = verify_proofs(tampered, RESOLVE)
    assert not check.verified and isinstance(check.error, UndefinedTerm)
    assert "foo" in check.message


def test_a_did_web_issuer_verifies_through_its_did_document() -> None:
    did = did_web("credentials.example.edu")
    method = f"{did}#{method_for().split('#')[1]}"
    signed = suite.add_proof({**credential(), "issuer": did}, SEED, method, CREATED)
    documents = {
        "https://credentials.example.edu/.well-known/did.json": did_web_document(
            did, [public_key_bytes(SEED)]
        )
    }
    [check] = verify_proofs(signed, did_resolver(documents.get))
    assert check.verified
    empty = did_web_document(did, [])
    [missing] = verify_proofs(signed, did_resolver(lambda url: empty))
    assert isinstance(missing.error, KeyResolutionError)
    listed_elsewhere = {**documents[next(iter(documents))], "assertionMethod": []}
    [unauthorised] = verify_proofs(signed, did_resolver(lambda url: listed_elsewhere))
    assert isinstance(unauthorised.error, NotAuthorized)


def test_a_relative_issuer_is_refused_like_the_reference() -> None:
    with pytest.raises(UnsafeJsonLd):
        suite.create_proof({**credential(), "issuer": "example-university"}, SEED, method_for(), CREATED)


def test_created_must_be_a_date_time_with_zone() -> None:
    from datetime import datetime

    with pytest.raises(InvalidProof):
        suite.create_proof(credential(), SEED, method_for(), datetime(2025, 3, 1))
    with pytest.raises(InvalidProof):
        suite.create_proof(credential(), SEED, method_for(), "2025-03-01")
