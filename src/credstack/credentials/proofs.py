"""Verify every embedded proof of a credential, whatever its suite: one :class:`ProofCheck` each.

https://www.w3.org/TR/vc-data-integrity/#verify-proof -- a document may carry one proof (an
object) or a proof set (an array); each proof signs the document without ``proof``.
"""

from __future__ import annotations

from typing import Any

from credstack.credentials import ed25519_2020, eddsa_rdfc_2022
from credstack.credentials.data_integrity import ProofCheck, PublicKeyResolver
from credstack.credentials.did import WebDocuments, resolve_verification_method
from credstack.credentials.errors import InvalidProof


def did_resolver(web_documents: WebDocuments | None = None) -> PublicKeyResolver:
    """A key resolver for did:key (offline) and did:web (through ``web_documents(url)``)."""

    def no_web(url: str) -> None:
        return None

    documents = web_documents or no_web
    return lambda method_id: resolve_verification_method(method_id, documents)


def embedded_proofs(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof") if isinstance(document, dict) else None
    return [] if proof is None else proof if isinstance(proof, list) else [proof]


def verify(document: dict[str, Any], proof: Any, public_key_resolver: PublicKeyResolver) -> ProofCheck:
    """Check one proof of ``document`` with the suite its ``type`` / ``cryptosuite`` names."""
    kind = proof.get("type") if isinstance(proof, dict) else None
    suite = proof.get("cryptosuite") if isinstance(proof, dict) else None
    if kind == eddsa_rdfc_2022.PROOF_TYPE and suite == eddsa_rdfc_2022.CRYPTOSUITE:
        return eddsa_rdfc_2022.verify_proof(document, proof, public_key_resolver)
    if kind == ed25519_2020.PROOF_TYPE:
        return ed25519_2020.verify_proof(document, proof, public_key_resolver)
    error = InvalidProof(f"unsupported proof type {kind!r} / cryptosuite {suite!r}")
    return ProofCheck(False, str(kind), suite if isinstance(suite, str) else None, None, str(error), error)


def verify_proofs(document: dict[str, Any], public_key_resolver: PublicKeyResolver) -> list[ProofCheck]:
    """A check per embedded proof (an empty list: the document is not signed)."""
    return [verify(document, proof, public_key_resolver) for proof in embedded_proofs(document)]
