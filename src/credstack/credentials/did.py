"""DIDs for issuers: did:key (self-describing) and did:web (a did.json on the issuer's site).

* did:key https://w3c-ccg.github.io/did-key-spec/ -- ``did:key:z6Mk...``; its verification
  method is ``did:key:z6Mk...#z6Mk...`` (the fragment repeats the key: a bare DID is not a key),
  presented as a ``Multikey`` (https://www.w3.org/TR/cid-1.0/#Multikey).
* did:web https://w3c-ccg.github.io/did-method-web/ -- ``did:web:example.com`` is
  ``https://example.com/.well-known/did.json``; ``did:web:example.com:issuers:a`` is
  ``https://example.com/issuers/a/did.json``; a port is percent-encoded (``localhost%3A8443``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote

from credstack.credentials.errors import (
    MultibaseError,
    NotAuthorized,
    UnsupportedDidMethod,
    VerificationMethodNotFound,
)
from credstack.credentials.keys import public_key_from_verification_method
from credstack.credentials.multikey import multikey_to_public_key, public_key_to_multikey

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")
WebDocuments = Callable[[str], dict[str, Any] | None]


def did_key(public_key: bytes) -> str:
    return "did:key:" + public_key_to_multikey(public_key)


def did_key_verification_method(public_key: bytes) -> str:
    """``did:key:z6Mk...#z6Mk...``: what a proof's ``verificationMethod`` must say."""
    multikey = public_key_to_multikey(public_key)
    return f"did:key:{multikey}#{multikey}"


def _multikey_method(controller: str, multikey: str, fragment: str) -> dict[str, Any]:
    return {
        "id": f"{controller}#{fragment}",
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": multikey,
    }


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of a did:key (Ed25519 only), its key as a Multikey."""
    multikey = did.removeprefix("did:key:")
    if not did.startswith("did:key:") or "#" in did:
        raise UnsupportedDidMethod(f"not a did:key DID: {did!r}")
    try:
        multikey_to_public_key(multikey)
    except MultibaseError as error:
        raise VerificationMethodNotFound(f"{did!r} is not an Ed25519 did:key: {error}") from error
    method = _multikey_method(did, multikey, multikey)
    relationships = ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation")
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [method],
        **{relation: [method["id"]] for relation in relationships},
    }


def did_web(host: str, *path: str) -> str:
    """``did:web`` for a host (``example.com`` or ``localhost:8443``) and optional path segments."""
    if not _HOST.match(host):
        raise UnsupportedDidMethod(f"not a host name for did:web: {host!r}")
    return ":".join(["did:web", quote(host, safe=""), *(quote(segment, safe="") for segment in path)])


def did_web_url(did: str) -> str:
    """The https URL of a did:web DID document."""
    if not did.startswith("did:web:") or "#" in did or "?" in did:
        raise UnsupportedDidMethod(f"not a did:web DID: {did!r}")
    host, *path = did.removeprefix("did:web:").split(":")
    host = unquote(host)
    if not _HOST.match(host) or not all(path):
        raise UnsupportedDidMethod(f"malformed did:web DID: {did!r}")
    return f"https://{host}/{'/'.join(path)}/did.json" if path else f"https://{host}/.well-known/did.json"


def did_web_document(did: str, public_keys: Iterable[bytes]) -> dict[str, Any]:
    """A did:web DID document listing each key (fragment = its Multikey) for assertionMethod.

    Keep retired keys in the list: credentials signed with them must still verify.
    """
    did_web_url(did)
    methods = [_multikey_method(did, mk, mk) for mk in map(public_key_to_multikey, public_keys)]
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def _find_method(document: dict[str, Any], method_id: str, did: str) -> dict[str, Any] | None:
    fragment = method_id[len(did) :]
    candidates = list(document.get("verificationMethod") or [])
    candidates += [m for m in document.get("assertionMethod") or [] if isinstance(m, dict)]
    return next((m for m in candidates if isinstance(m, dict) and m.get("id") in (method_id, fragment)), None)


def _authorized(document: dict[str, Any], method_id: str, did: str, purpose: str) -> bool:
    fragment = method_id[len(did) :]
    for entry in document.get(purpose) or []:
        if (entry.get("id") if isinstance(entry, dict) else entry) in (method_id, fragment):
            return True
    return False


def resolve_verification_method(
    method_id: str, web_documents: WebDocuments, *, purpose: str = "assertionMethod"
) -> bytes:
    """The Ed25519 public key a proof's ``verificationMethod`` designates, checked for ``purpose``.

    ``web_documents(url)`` returns the did:web document at ``url`` (or None): the caller decides
    how (a database, a cache, an HTTP client); nothing here touches the network.
    """
    did, hash_, _fragment = method_id.partition("#")
    if not hash_:
        raise VerificationMethodNotFound(f"{method_id!r} has no #fragment: a DID is not a key (use DID#key)")
    if did.startswith("did:key:"):
        document = did_key_document(did)
    elif did.startswith("did:web:"):
        found = web_documents(did_web_url(did))
        if found is None:
            raise VerificationMethodNotFound(f"no DID document for {did} at {did_web_url(did)}")
        document = found
        if document.get("id") != did:
            raise VerificationMethodNotFound(
                f"the document at {did_web_url(did)} is for {document.get('id')!r}"
            )
    else:
        raise UnsupportedDidMethod(f"cannot resolve {method_id!r}: only did:key and did:web are supported")
    method = _find_method(document, method_id, did)
    if method is None:
        raise VerificationMethodNotFound(f"{did} has no verification method {method_id!r}")
    if method.get("controller", did) != did:
        raise NotAuthorized(f"{method_id} is controlled by {method.get('controller')!r}, not {did}")
    if not _authorized(document, method_id, did, purpose):
        raise NotAuthorized(f"{did} does not list {method_id} under {purpose}")
    return public_key_from_verification_method(method)
