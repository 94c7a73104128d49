"""Credentials we sign verify with the independent reference verifier (../shared/interop/verifier)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credstack.credentials import ed25519_2020, eddsa_rdfc_2022
from credstack.credentials.did import did_web, did_web_document
from credstack.credentials.keys import public_key_bytes
from tests.credentials.credential_builder import SEED, credential, method_for
from tests.credentials.reference_kit import ensure_reference, reference_verify

pytestmark = pytest.mark.interop
CREATED = "2025-06-01T09:30:00Z"


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    return path


def verdicts(stdout: str) -> list[bool]:
    return [json.loads(line)["verified"] for line in stdout.splitlines() if line.startswith("{")]


def test_our_signatures_verify_with_the_reference(shared: Path, tmp_path: Path) -> None:
    ensure_reference(shared)
    sample = json.loads((shared / "interop/samples/signed/mc-01-python-data-wrangling.json").read_text())
    sample.pop("proof")
    sample["credentialSubject"]["achievement"]["name"] = 'Données "propres" \t 😀'
    files = [
        write(tmp_path, "eddsa.json", eddsa_rdfc_2022.add_proof(credential(), SEED, method_for(), CREATED)),
        write(tmp_path, "sample.json", eddsa_rdfc_2022.add_proof(sample, SEED, method_for(), CREATED)),
        write(
            tmp_path, "ed25519-2020.json", ed25519_2020.add_proof(credential(), SEED, method_for(), CREATED)
        ),
    ]
    result = reference_verify(shared, *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == [True, True, True]


def test_a_did_web_issuer_verifies_with_the_reference(shared: Path, tmp_path: Path) -> None:
    ensure_reference(shared)
    did = did_web("credentials.example.edu", "issuers", "1")
    method = f"{did}#{method_for().split('#')[1]}"
    signed = eddsa_rdfc_2022.add_proof({**credential(), "issuer": did}, SEED, method, CREATED)
    did_document = write(tmp_path, "did.json", did_web_document(did, [public_key_bytes(SEED)]))
    result = reference_verify(shared, write(tmp_path, "web.json", signed))
    assert result.returncode != 0  # the DID document is not available offline
    mapped = reference_verify(shared, tmp_path / "web.json", options=("--map", f"{did}={did_document}"))
    assert mapped.returncode == 0, mapped.stdout + mapped.stderr
    assert verdicts(mapped.stdout) == [True]


def test_our_tampered_credentials_fail_with_the_reference(shared: Path, tmp_path: Path) -> None:
    ensure_reference(shared)
    signed = eddsa_rdfc_2022.add_proof(credential(), SEED, method_for(), CREATED)
    signed["credentialSubject"]["creditsEarned"] = 2
    result = reference_verify(shared, write(tmp_path, "tampered.json", signed), expect_fail=True)
    assert result.returncode == 0, result.stdout
