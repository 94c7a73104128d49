"""Typed errors of the credentials core: every failure says what and where, never a bare assert."""

from __future__ import annotations


class CredentialError(Exception):
    """Base class: anything that makes a credential impossible to sign, verify or read."""


class UnknownContext(CredentialError):
    """A JSON-LD context URL that is not bundled: we never fetch contexts from the network."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unknown JSON-LD context {url!r}: only bundled contexts are used (no network)")
        self.url = url


class InvalidJsonLd(CredentialError):
    """The document is not valid JSON-LD (a JSON-LD 1.1 syntax error, e.g. a non-string @id)."""

    def __init__(self, code: str, detail: object) -> None:
        super().__init__(f"invalid JSON-LD ({code}): {detail!r}")
        self.code = code
        self.detail = detail


class UnsupportedJsonLd(InvalidJsonLd):
    """Valid JSON-LD using a feature credentials do not need (e.g. @reverse, @nest, index maps)."""

    def __init__(self, feature: str, detail: object) -> None:
        CredentialError.__init__(self, f"unsupported JSON-LD feature {feature}: {detail!r}")
        self.code = feature
        self.detail = detail


class UnsafeJsonLd(CredentialError):
    """Safe mode: JSON-LD processing would silently lose data (the reference fails here too).

    ``code`` is the JSON-LD event code the reference implementation (jsonld.js) reports.
    """

    def __init__(self, code: str, detail: object) -> None:
        super().__init__(f"safe mode: {code}: {detail!r} would be dropped or is not absolute")
        self.code = code
        self.detail = detail


class UndefinedTerm(UnsafeJsonLd):
    """A property or type that no context defines (it would be dropped or stay a relative IRI)."""

    def __init__(self, code: str, term: object) -> None:
        CredentialError.__init__(self, f"undefined term {term!r} ({code}): no @context defines it")
        self.code = code
        self.detail = term
        self.term = term


class CanonicalizationError(CredentialError):
    """RDFC-1.0 refused the dataset (too much blank-node work: a poison graph)."""


class MultibaseError(CredentialError):
    """A multibase / Multikey value is malformed (wrong prefix, header or length)."""


class KeyResolutionError(CredentialError):
    """The verification method cannot be turned into a public key."""


class UnsupportedDidMethod(KeyResolutionError):
    """A verification method whose DID method (or URL scheme) we do not resolve."""


class VerificationMethodNotFound(KeyResolutionError):
    """The DID document could not be found, or does not contain the verification method."""


class NotAuthorized(KeyResolutionError):
    """The key exists but its controller does not list it for the proof purpose (assertionMethod)."""


class InvalidProof(CredentialError):
    """A proof is malformed or its signature does not match the document."""
