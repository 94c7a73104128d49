"""Our canonical N-Quads are byte-identical to the reference's (jsonld.js + rdf-canonize, safe mode).

Every credential JSON in ../shared/interop/samples and ../shared/corpus/{ob3,clr} whose contexts
are all bundled, plus the hand-made edge cases of ``canon_cases``, each both as it is (a signed
file canonicalises its proof as a named graph) and without its ``proof`` (what a proof signs).
Where the reference fails (safe mode, bad JSON-LD), ours must fail too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credstack.credentials.canonical import canonicalize
from credstack.credentials.errors import CredentialError, UnknownContext
from credstack.credentials.loader import is_bundled
from tests.credentials import canon_cases
from tests.credentials.reference_kit import ensure_reference, reference_canon

pytestmark = pytest.mark.interop
SAMPLE = "interop/samples/signed/mc-01-python-data-wrangling.json"


def context_urls(node: Any) -> list[str]:
    """Every context URL a document names, at any depth."""
    if isinstance(node, list):
        return [url for item in node for url in context_urls(item)]
    if not isinstance(node, dict):
        return []
    urls = []
    for key, value in node.items():
        if key == "@context":
            urls += [c for c in (value if isinstance(value, list) else [value]) if isinstance(c, str)]
        urls += context_urls(value)
    return urls


def credential_files(shared: Path) -> list[Path]:
    roots = [shared / "interop/samples", shared / "corpus/ob3", shared / "corpus/clr"]
    files = sorted(p for root in roots for p in root.rglob("*.json") if p.name != "EXPECTED.json")
    return [
        p
        for p in files
        if isinstance(json.loads(p.read_text()), dict) and "@context" in json.loads(p.read_text())
    ]


def mine(document: dict[str, Any]) -> str | dict[str, str]:
    try:
        return canonicalize(document)
    except CredentialError as error:
        return {"error": f"{type(error).__name__}: {error}"}


@pytest.fixture(scope="module")
def corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Any]:
    """file -> reference result, for every file whose contexts are all bundled."""
    ensure_reference(shared)
    files = [
        p for p in credential_files(shared) if all(map(is_bundled, context_urls(json.loads(p.read_text()))))
    ]
    folder = tmp_path_factory.mktemp("canon-cases")
    base = json.loads((shared / SAMPLE).read_text())
    base.pop("proof")
    for name, document in canon_cases.cases(base).items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(document, ensure_ascii=False))
        files.append(path)
    results = reference_canon(files)
    return {path: results[str(path)] for path in files}


def test_the_corpus_is_not_empty(corpus: dict[Path, Any]) -> None:
    assert len(corpus) >= 80
    assert sum(isinstance(r["unsigned"], str) for r in corpus.values()) >= 60


def test_byte_identical_to_the_reference(corpus: dict[Path, Any]) -> None:
    mismatches = []
    for path, reference in corpus.items():
        document = json.loads(path.read_text())
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        for variant, doc in (("full", document), ("unsigned", unsigned)):
            ours, theirs = mine(doc), reference[variant]
            agree = ours == theirs if isinstance(theirs, str) else isinstance(ours, dict)
            if not agree:
                mismatches.append(
                    f"{path.name} ({variant}): reference {str(theirs)[:120]!r}, ours {str(ours)[:120]!r}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_the_edge_cases_fail_exactly_where_expected(corpus: dict[Path, Any]) -> None:
    for path, reference in corpus.items():
        if path.parent.name.startswith("canon-cases"):
            assert isinstance(reference["full"], dict) == path.name.startswith("ERR-"), path.name


def test_documents_with_unbundled_contexts_are_refused(shared: Path) -> None:
    refused = 0
    for path in credential_files(shared):
        document = json.loads(path.read_text())
        if not all(map(is_bundled, context_urls(document))):
            with pytest.raises(UnknownContext):
                canonicalize(document)
            refused += 1
    assert refused >= 1
