"""Hand-made JSON-LD edge cases for the byte-identity test against the reference canonicaliser.

Each is a variant of a real credential that stresses one rule: string escaping, JavaScript
number formatting, inline contexts (@json, @list, language, @vocab, coercions), symmetric
blank nodes (RDFC-1.0's N-degree hashing), duplicates, named graphs, and every safe-mode error.
"""

from __future__ import annotations

import copy
from typing import Any

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
UNDEFINED_TERMS = "https://www.w3.org/ns/credentials/undefined-terms/v2"
TRICKY = (
    'Tab\there "quoted" back\\slash\nnew\rline \x01\x7f\x0b\x0c\x08 é ü 中文 😀 \ufeff \u2028 \U0001f600<>{}'
)
NUMBERS = [
    0,
    -0.0,
    1e21,
    1e-7,
    123456789012345678901234,
    0.1,
    1e300,
    -2.5,
    12345678901234567890,
    5e-324,
    100.0,
    7,
]
INLINE = {
    "ex": "https://example.org/vocab#",
    "custom": {"@id": "ex:custom"},
    "jsonish": {"@id": "ex:jsonish", "@type": "@json"},
    "listy": {"@id": "ex:listy", "@container": "@list"},
    "lang": {"@id": "ex:lang", "@language": "EN-gb"},
    "ref": {"@id": "ex:ref", "@type": "@id"},
    "vocabref": {"@id": "ex:vocabref", "@type": "@vocab"},
    "flt": {"@id": "ex:flt", "@type": "xsd:double"},
}


def _variant(base: dict[str, Any], edit: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    edit(doc)
    return doc


def _set(path: str, value: Any) -> Any:
    def edit(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = target[key]
        target[last] = value

    return edit


def _inline(doc: dict[str, Any]) -> None:
    doc["@context"].append(INLINE)
    doc.update(custom="x", lang="hello", ref="did:example:123", vocabref="custom", flt=3)
    doc["jsonish"] = {"b": [1, 2.5, "s", None, True], "a": {"é": 1, "z": -0.0}, "😀": 1e21}
    doc["listy"] = ["a", {"@value": "b", "@language": "FR"}, [1, 2], {"custom": "nested"}]


def _symmetric(doc: dict[str, Any]) -> None:
    doc["evidence"] += [{"type": ["Evidence"], "name": "Same"} for _ in range(3)]


def _duplicate_nodes(doc: dict[str, Any]) -> None:
    results = doc["credentialSubject"]["result"]
    results[0].pop("resultDescription")
    results.append(copy.deepcopy(results[0]))


def _extra_context(context: Any, **entries: Any) -> Any:
    def edit(doc: dict[str, Any]) -> None:
        doc["@context"].append(context)
        doc.update(entries)

    return edit


def _scoped(propagate: bool) -> Any:
    scoped = {"@propagate": propagate, "inner": "https://example.org/inner"}
    terms = {
        "thing": "https://example.org/thing",
        "Thing": {"@id": "https://example.org/Thing", "@context": scoped},
    }

    def edit(doc: dict[str, Any]) -> None:
        doc["@context"].append(terms)
        doc["thing"] = {"type": "Thing", "inner": {"inner": "nested"}}

    return edit


def _graph_document(_: dict[str, Any]) -> dict[str, Any]:
    nodes = [{"id": "urn:a", "type": "Profile", "name": "A"}, {"id": "urn:b", "type": "Profile", "name": "B"}]
    return {"@context": [V2, OB], "@graph": nodes}


def cases(base: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> document (``base`` is an unsigned OB 3.0 credential; it is not modified)."""
    achievement = "credentialSubject.achievement"
    edits: dict[str, Any] = {
        "strings": _set(f"{achievement}.name", TRICKY),
        "floats": _set("credentialSubject.creditsEarned", 1.5),
        "inline-context": _inline,
        "symmetric-blank-nodes": _symmetric,
        "duplicate-nodes": _duplicate_nodes,
        "duplicate-values": _set(f"{achievement}.tag", ["a", "a", "b"]),
        "direction": _set(f"{achievement}.name", {"@value": "Naam", "@language": "nl", "@direction": "rtl"}),
        "language-value": _set(f"{achievement}.name", {"@value": "Name", "@language": "EN-us"}),
        "typed-value": _set(f"{achievement}.name", {"@value": "x", "@type": "https://example.org/dt"}),
        "boolean": _set(f"{achievement}.name", True),
        "null-property": _set(f"{achievement}.name", None),
        "empty-array": _set(f"{achievement}.name", []),
        "empty-nested-object": _set(f"{achievement}.criteria", {}),
        "blank-node-labels": _set(
            "evidence", [{"id": "_:e", "name": "E"}, {"id": "_:e", "type": ["Evidence"]}]
        ),
        "blank-node-type": _set("type", ["VerifiableCredential", "_:blank"]),
        "number-as-date": _set("validFrom", 20250101),
        "undefined-terms-context": _extra_context(UNDEFINED_TERMS, foo=1),
        "vocab-inline": _extra_context({"@vocab": "https://example.org/undefined#"}, x=1),
        "ERR-import-context": _extra_context(
            {"@import": UNDEFINED_TERMS, "x": "https://example.org/x"}, x=1, y=2
        ),
        "type-scoped-propagating": _scoped(True),
        "ERR-type-scoped-not-propagating": _scoped(False),
        "with-proof": _set("proof", {"type": "DataIntegrityProof", "created": "2025-01-01T00:00:00Z"}),
        # safe mode: the reference fails, so must we
        "ERR-undefined-top": _set("foo", "bar"),
        "ERR-undefined-nested": _set("credentialSubject.foo", "bar"),
        "ERR-undefined-type": _set("type", ["VerifiableCredential", "NoSuchType"]),
        "ERR-relative-id": _set("issuer.id", "relative/path"),
        "ERR-null-value": _set(f"{achievement}.name", {"@value": None}),
        "ERR-bad-language": _set(f"{achievement}.name", {"@value": "x", "@language": "not valid!"}),
        "ERR-reserved-term": _extra_context({"@reserved": "x"}),
        "ERR-relative-vocab": _extra_context({"@vocab": "relative"}, x=1),
        "ERR-graph-reference-only": _set("proof", [{"id": "urn:p1"}]),
    }
    documents = {
        f"number-{i}": _variant(base, _set("credentialSubject.creditsEarned", n))
        for i, n in enumerate(NUMBERS)
    }
    documents.update({name: _variant(base, edit) for name, edit in edits.items()})
    documents["top-level-graph"] = _graph_document(base)
    return documents
