"""Ed25519Signature2020 proofs (older issuers): https://w3c-ccg.github.io/di-eddsa-2020/

The same steps as eddsa-rdfc-2022 (URDNA2015 -- identical to RDFC-1.0 -- of the proof options
and of the document, SHA-256 of each, concatenated, Ed25519-signed, ``proofValue`` ``z...``),
but the proof has no ``cryptosuite`` and its terms come from the suite context
``https://w3id.org/security/suites/ed25519-2020/v1``, which the document must include (the
reference verifier does not even consider the proof otherwise). Signing is here for tests and
for re-issuing into older wallets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from credstack.credentials.canonical import canonicalize
from credstack.credentials.data_integrity import (
    ProofCheck,
    PublicKeyResolver,
    canonical_proof_options,
    check_created,
    format_created,
    method_of,
    unsecured_document,
    verification_inputs,
)
from credstack.credentials.eddsa_rdfc_2022 import hashing, proof_serialization, proof_verification
from credstack.credentials.errors import CredentialError, InvalidProof
from credstack.credentials.keys import PrivateKey
from credstack.credentials.multikey import encode_signature

PROOF_TYPE = "Ed25519Signature2020"
SUITE_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


def _has_suite_context(document: dict[str, Any]) -> bool:
    context = document.get("@context")
    return context == SUITE_CONTEXT or (isinstance(context, list) and SUITE_CONTEXT in context)


def transformation(unsecured: dict[str, Any]) -> str:
    """Canonical N-Quads of the document without its proof (URDNA2015 = RDFC-1.0)."""
    if not _has_suite_context(unsecured):
        raise InvalidProof(f"an {PROOF_TYPE} document must include the context {SUITE_CONTEXT}")
    return canonicalize(unsecured)


def proof_configuration(options: dict[str, Any], unsecured: dict[str, Any]) -> str:
    """Canonical N-Quads of the proof options (without proofValue) in the document's @context."""
    if options.get("type") != PROOF_TYPE:
        raise InvalidProof(f"not an {PROOF_TYPE} proof")
    if "created" in options:
        check_created(options["created"])
    config = {key: value for key, value in options.items() if key not in ("proofValue", "@context")}
    return canonical_proof_options(options.get("@context", unsecured.get("@context")), config)


def add_proof(
    document: dict[str, Any],
    private_key: PrivateKey,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of ``document`` (suite context added if missing) with an Ed25519Signature2020 proof."""
    secured = unsecured_document(document)
    if not _has_suite_context(secured):
        context = secured.get("@context")
        secured["@context"] = [*(context if isinstance(context, list) else [context]), SUITE_CONTEXT]
    options = {
        "type": PROOF_TYPE,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    hash_data = hashing(transformation(secured), proof_configuration(options, secured))
    proof = {**options, "proofValue": encode_signature(proof_serialization(hash_data, private_key))}
    existing = document.get("proof")
    earlier = [] if existing is None else existing if isinstance(existing, list) else [existing]
    return {**secured, "proof": [*earlier, proof]}


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    public_key_resolver: PublicKeyResolver,
    *,
    expected_purpose: str = "assertionMethod",
) -> ProofCheck:
    """Whether an Ed25519Signature2020 ``proof`` of ``document`` is valid, and if not why."""
    method_id = method_of(proof)
    try:
        if not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE:
            raise InvalidProof(f"not an {PROOF_TYPE} proof")
        proof_bytes, method_id, public_key = verification_inputs(proof, expected_purpose, public_key_resolver)
        unsecured = unsecured_document(document)
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        hash_data = hashing(transformation(unsecured), proof_configuration(options, unsecured))
        if not proof_verification(hash_data, proof_bytes, public_key):
            raise InvalidProof("the signature does not match the document (altered, or another key)")
    except CredentialError as error:
        return ProofCheck(
            False, PROOF_TYPE, None, method_id if isinstance(method_id, str) else None, str(error), error
        )
    return ProofCheck(True, PROOF_TYPE, None, method_id, "Ed25519Signature2020 signature valid")
