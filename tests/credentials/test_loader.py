"""Bundled contexts: complete, unmodified, offline; an unknown URL is an error."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from credstack.credentials.canonical import canonicalize
from credstack.credentials.errors import UnknownContext
from credstack.credentials.loader import bundled_contexts, context_index, document_loader, load_context

NEEDED = [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/v1",
    "https://w3id.org/security/v2",
    "https://www.w3.org/ns/did/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://www.w3.org/ns/credentials/undefined-terms/v2",
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
]


def test_every_needed_context_is_bundled_with_its_source_and_hash() -> None:
    index = context_index()
    assert set(NEEDED) <= set(index)
    folder = resources.files("credstack.credentials").joinpath("contexts")
    for url, entry in index.items():
        assert hashlib.sha256(folder.joinpath(entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        assert entry["source"]["published_at"] == url
        assert "npm" in entry["source"] or "repository" in entry["source"]
    assert set(bundled_contexts()) == set(index)


@pytest.mark.interop
def test_the_bundled_contexts_are_the_kits(shared: Path) -> None:
    kit = json.loads((shared / "interop/contexts/index.json").read_text())
    for url, entry in context_index().items():
        assert kit[url]["sha256"] == entry["sha256"], url


def test_unknown_contexts_are_errors_never_fetched() -> None:
    with pytest.raises(UnknownContext) as caught:
        load_context("https://example.org/context.json")
    assert caught.value.url == "https://example.org/context.json"
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/c"], "name": "x"}
    with pytest.raises(UnknownContext):
        canonicalize(document)
    with pytest.raises(UnknownContext):
        canonicalize({"@context": {"@import": "https://example.org/c"}, "name": "x"})


def test_the_pyld_loader_marks_contexts_static() -> None:
    loaded = document_loader("https://www.w3.org/ns/credentials/v2")
    assert loaded["tag"] == "static" and loaded["documentUrl"] == "https://www.w3.org/ns/credentials/v2"
    assert loaded["document"]["@context"]["@protected"] is True
