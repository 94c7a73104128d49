"""What the Ed25519 suites share: https://www.w3.org/TR/vc-data-integrity/#proofs

Both eddsa-rdfc-2022 and Ed25519Signature2020 sign ``sha256(canonical proof options) ||
sha256(canonical document without its proof)``; they differ in the proof's shape and the
context the proof options are read in.

Speed: canonicalising the proof options means processing the document's full contexts for
five triples. Their canonical form depends on ``created`` only through one literal: the
options are one blank node whose triples all have distinct predicates, so the sorted lines
cannot change order when that literal changes. :func:`canonical_proof_options` therefore
canonicalises each (context, options-without-created) once with a sentinel date, checks those
conditions, and afterwards only splices the real ``created`` in. Anything that does not meet
the conditions (or an unusual ``created``) is canonicalised in full.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from credstack.credentials.canonical import canonicalize
from credstack.credentials.errors import CredentialError, InvalidProof, MultibaseError
from credstack.credentials.multikey import decode_signature

PublicKeyResolver = Callable[[str], bytes]
DATETIME_STAMP = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_SENTINEL = "1111-11-11T11:11:11Z"
_TEMPLATE_LIMIT = 1024
_templates: dict[str, tuple[str, str] | None] = {}


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of verifying one proof: verified, or the typed error saying why not."""

    verified: bool
    proof_type: str | None
    cryptosuite: str | None
    verification_method: str | None
    message: str
    error: CredentialError | None = None


def method_of(proof: object) -> str | None:
    """The id of a proof's ``verificationMethod`` (a string, or an object with an ``id``)."""
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    method_id = method.get("id") if isinstance(method, dict) else method
    return method_id if isinstance(method_id, str) else None


def verification_inputs(
    proof: dict[str, Any], expected_purpose: str, public_key_resolver: PublicKeyResolver
) -> tuple[bytes, str, bytes]:
    """What every Ed25519 suite checks first: the signature bytes, the proof purpose, and the
    verification method with its public key. Raises InvalidProof or a KeyResolutionError."""
    try:
        proof_bytes = decode_signature(proof.get("proofValue"))  # type: ignore[arg-type]
    except MultibaseError as error:
        raise InvalidProof(f"proofValue: {error}") from error
    if proof.get("proofPurpose") != expected_purpose:
        raise InvalidProof(f"proofPurpose is {proof.get('proofPurpose')!r}, expected {expected_purpose!r}")
    method_id = method_of(proof)
    if method_id is None:
        raise InvalidProof("the proof has no verificationMethod")
    return proof_bytes, method_id, public_key_resolver(method_id)


def check_created(created: object) -> str:
    """``created`` must be an XML Schema dateTimeStamp (a date-time with a time zone)."""
    if not isinstance(created, str) or not DATETIME_STAMP.match(created):
        raise InvalidProof(f"proof 'created' is not a dateTimeStamp: {created!r}")
    return created


def format_created(created: datetime | str) -> str:
    """A timezone-aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (or a string, checked)."""
    if isinstance(created, datetime):
        if created.tzinfo is None:
            raise InvalidProof("'created' must be timezone-aware")
        return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return check_created(created)


def unsecured_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its ``proof`` (what every proof in a proof set signs)."""
    if not isinstance(document, dict):
        raise InvalidProof("a secured document is a JSON object")
    return {key: value for key, value in document.items() if key != "proof"}


def _template(context: Any, options: dict[str, Any]) -> tuple[str, str] | None:
    nquads = canonicalize({"@context": context, **options, "created": _SENTINEL})
    lines = nquads.splitlines(keepends=True)
    marked = [line for line in lines if f'"{_SENTINEL}"' in line]
    if nquads.count(_SENTINEL) != 1 or "_:c14n1" in nquads or len(marked) != 1:
        return None
    subject, predicate, _ = marked[0].split(" ", 2)
    if sum(line.startswith(f"{subject} {predicate} ") for line in lines) != 1:
        return None
    before, after = nquads.split(_SENTINEL)
    return before, after


def canonical_proof_options(context: Any, options: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of the proof options read in ``context`` (see module docstring)."""
    created = options.get("created")
    if not isinstance(created, str) or not DATETIME_STAMP.match(created):
        return canonicalize({"@context": context, **options})
    rest = {key: value for key, value in options.items() if key != "created"}
    try:
        key = json.dumps([context, rest], sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return canonicalize({"@context": context, **options})
    if key in _templates:
        template = _templates.get(key)
    else:
        if len(_templates) >= _TEMPLATE_LIMIT:
            _templates.clear()
        template = _templates[key] = _template(context, rest)
    if template is None:
        return canonicalize({"@context": context, **options})
    before, after = template
    return before + created + after
