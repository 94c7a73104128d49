"""Ed25519Signature2020 (older issuers): the reference's signature, round trip, tampering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credstack.credentials import ed25519_2020
from credstack.credentials.errors import InvalidProof
from credstack.credentials.proofs import did_resolver, verify_proofs
from tests.credentials.credential_builder import CREATED, OTHER_SEED, SEED, credential, method_for

SAMPLE = "interop/samples/signed/mc-01-python-data-wrangling.ed25519-2020.json"


@pytest.mark.interop
def test_the_reference_signed_sample_verifies_and_is_reproduced(shared: Path) -> None:
    signed = json.loads((shared / SAMPLE).read_text())
    assert [c.verified for c in verify_proofs(signed, did_resolver())] == [True]
    [reference] = signed["proof"]
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert ed25519_2020.add_proof(unsigned, SEED, method_for(), reference["created"]) == signed


@pytest.mark.interop
def test_the_reference_signed_sample_fails_when_changed(shared: Path) -> None:
    signed = json.loads((shared / SAMPLE).read_text())
    signed["credentialSubject"]["term"] = "Autumn 2025"
    [check] = verify_proofs(signed, did_resolver())
    assert not check.verified and isinstance(check.error, InvalidProof)


def test_signing_adds_the_suite_context_and_verifies() -> None:
    signed = ed25519_2020.add_proof(credential(), SEED, method_for(), CREATED)
    assert signed["@context"][-1] == ed25519_2020.SUITE_CONTEXT
    assert set(signed["proof"][0]) == {"type", "created", "verificationMethod", "proofPurpose", "proofValue"}
    assert [c.verified for c in verify_proofs(signed, did_resolver())] == [True]


def test_without_the_suite_context_or_with_another_key_it_fails() -> None:
    signed = ed25519_2020.add_proof(credential(), SEED, method_for(), CREATED)
    no_context = {**signed, "@context": signed["@context"][:-1]}
    other_key = {**signed, "proof": [{**signed["proof"][0], "verificationMethod": method_for(OTHER_SEED)}]}
    for document in (no_context, other_key):
        [check] = verify_proofs(document, did_resolver())
        assert not check.verified and isinstance(check.error, InvalidProof)
