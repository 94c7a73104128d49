"""The eddsa-rdfc-2022 cryptosuite: https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022

One function per algorithm of the specification (section 3.3), in its order of use. Keys are
Ed25519 (RFC 8032, deterministic: the same key, document and ``created`` give the same
``proofValue`` as any other conforming implementation).
"""

from __future__ import annotations

import hashlib
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
from credstack.credentials.errors import CredentialError, InvalidProof
from credstack.credentials.keys import PrivateKey, private_key, verify_signature
from credstack.credentials.multikey import encode_signature

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"


def _includes(context: Any, url: str) -> bool:
    return context == url or (isinstance(context, list) and url in context)


def _with_suite_context(context: Any) -> Any:
    """DataIntegrityProof's terms come from VC 2.0 or data-integrity/v2; add the latter if neither is there."""
    if _includes(context, VC_V2_CONTEXT) or _includes(context, DATA_INTEGRITY_CONTEXT):
        return context
    return [*(context if isinstance(context, list) else [context]), DATA_INTEGRITY_CONTEXT]


def _check_suite(options: dict[str, Any]) -> None:
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise InvalidProof(f"PROOF_TRANSFORMATION_ERROR: not a {PROOF_TYPE} / {CRYPTOSUITE} proof")


def transformation(unsecured: dict[str, Any], options: dict[str, Any]) -> str:
    """3.3.3 Transformation: RDFC-1.0 canonical N-Quads of the unsecured document.
    https://www.w3.org/TR/vc-di-eddsa/#transformation-eddsa-rdfc-2022"""
    _check_suite(options)
    return canonicalize(unsecured)


def proof_configuration(options: dict[str, Any], unsecured: dict[str, Any]) -> str:
    """3.3.5 Proof Configuration: the proof options, in the document's @context, canonicalised.
    https://www.w3.org/TR/vc-di-eddsa/#proof-configuration-eddsa-rdfc-2022"""
    _check_suite(options)
    if "created" in options:
        check_created(options["created"])
    config = {key: value for key, value in options.items() if key not in ("proofValue", "@context")}
    context = options.get("@context", _with_suite_context(unsecured.get("@context")))
    return canonical_proof_options(context, config)


def hashing(transformed: str, canonical_proof_config: str) -> bytes:
    """3.3.4 Hashing: SHA-256(proof configuration) || SHA-256(transformed document).
    https://www.w3.org/TR/vc-di-eddsa/#hashing-eddsa-rdfc-2022"""
    config_hash = hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
    return config_hash + hashlib.sha256(transformed.encode("utf-8")).digest()


def proof_serialization(hash_data: bytes, key: PrivateKey) -> bytes:
    """3.3.6 Proof Serialization: the Ed25519 signature of the hash data.
    https://www.w3.org/TR/vc-di-eddsa/#proof-serialization-eddsa-rdfc-2022"""
    return private_key(key).sign(hash_data)


def proof_verification(hash_data: bytes, proof_bytes: bytes, public_key: bytes) -> bool:
    """3.3.7 Proof Verification: Ed25519 verification of the hash data.
    https://www.w3.org/TR/vc-di-eddsa/#proof-verification-eddsa-rdfc-2022"""
    return verify_signature(public_key, proof_bytes, hash_data)


def create_proof(
    document: dict[str, Any],
    private_key: PrivateKey,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """3.3.1 Create Proof: the proof object (``proofValue`` base58btc) for ``document``.
    https://www.w3.org/TR/vc-di-eddsa/#create-proof-eddsa-rdfc-2022"""
    unsecured = unsecured_document(document)
    if _with_suite_context(unsecured.get("@context")) is not unsecured.get("@context"):
        raise InvalidProof(
            f"the document's @context must include {VC_V2_CONTEXT} or {DATA_INTEGRITY_CONTEXT}"
        )
    options = {
        "type": PROOF_TYPE,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": proof_purpose,
    }
    proof_config = proof_configuration(options, unsecured)
    transformed = transformation(unsecured, options)
    proof_bytes = proof_serialization(hashing(transformed, proof_config), private_key)
    return {**options, "proofValue": encode_signature(proof_bytes)}


def add_proof(
    document: dict[str, Any],
    private_key: PrivateKey,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of ``document`` with the new proof appended to its ``proof`` array (a proof set)."""
    secured = dict(document)
    secured["@context"] = _with_suite_context(document.get("@context"))
    proof = create_proof(secured, private_key, verification_method, created, proof_purpose)
    existing = document.get("proof")
    earlier = [] if existing is None else existing if isinstance(existing, list) else [existing]
    secured["proof"] = [*earlier, proof]
    return secured


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    public_key_resolver: PublicKeyResolver,
    *,
    expected_purpose: str = "assertionMethod",
) -> ProofCheck:
    """3.3.2 Verify Proof: whether ``proof`` (one proof of ``document``) is valid, and if not why.
    https://www.w3.org/TR/vc-di-eddsa/#verify-proof-eddsa-rdfc-2022

    ``public_key_resolver(verificationMethod)`` returns the Ed25519 key bytes or raises a
    :class:`KeyResolutionError` (e.g. :func:`credstack.credentials.proofs.did_resolver`).
    """
    method_id = method_of(proof)
    try:
        if not isinstance(proof, dict):
            raise InvalidProof("a proof is a JSON object")
        _check_suite(proof)
        proof_bytes, method_id, public_key = verification_inputs(proof, expected_purpose, public_key_resolver)
        unsecured = unsecured_document(document)
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        hash_data = hashing(transformation(unsecured, options), proof_configuration(options, unsecured))
        if not proof_verification(hash_data, proof_bytes, public_key):
            raise InvalidProof("the signature does not match the document (altered, or another key)")
    except CredentialError as error:
        method_text = method_id if isinstance(method_id, str) else None
        return ProofCheck(False, PROOF_TYPE, CRYPTOSUITE, method_text, str(error), error)
    return ProofCheck(True, PROOF_TYPE, CRYPTOSUITE, method_id, "eddsa-rdfc-2022 signature valid")
