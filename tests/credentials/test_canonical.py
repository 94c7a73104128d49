"""Canonicalisation: RDFC-1.0 vectors, random datasets against the reference rdf-canonize,
JavaScript number formatting, safe mode, the proof-options shortcut, threads."""

from __future__ import annotations

import json
import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.credentials.canonical import canonicalize
from credstack.credentials.data_integrity import canonical_proof_options
from credstack.credentials.errors import CanonicalizationError, UndefinedTerm, UnsafeJsonLd
from credstack.credentials.rdf_terms import js_number, value_object
from credstack.credentials.rdfc10 import canonical_nquads
from credstack.credentials.to_rdf import Quad
from tests.credentials.credential_builder import CONTEXT, credential, method_for
from tests.credentials.reference_kit import HERE, ensure_reference

# RDFC-1.0 specification examples: unique first-degree hashes, then shared hashes.
UNIQUE = """<http://example.com/#p> <http://example.com/#q> _:e0 .
<http://example.com/#p> <http://example.com/#r> _:e1 .
_:e0 <http://example.com/#s> <http://example.com/#u> .
_:e1 <http://example.com/#t> <http://example.com/#u> .
"""
SHARED = """<http://example.com/#p> <http://example.com/#q> _:e0 .
<http://example.com/#p> <http://example.com/#q> _:e1 .
_:e0 <http://example.com/#p> _:e2 .
_:e1 <http://example.com/#p> _:e3 .
_:e2 <http://example.com/#r> _:e3 .
"""
SHARED_CANONICAL = """<http://example.com/#p> <http://example.com/#q> _:c14n2 .
<http://example.com/#p> <http://example.com/#q> _:c14n3 .
_:c14n0 <http://example.com/#r> _:c14n1 .
_:c14n2 <http://example.com/#p> _:c14n1 .
_:c14n3 <http://example.com/#p> _:c14n0 .
"""


def parse(nquads: str) -> list[Quad]:
    quads = []
    for line in nquads.strip().splitlines():
        s, p, o, *g = line.removesuffix(" .").split(" ")
        quads.append((s, p, o, g[0] if g else ""))
    return quads


def test_rdfc10_specification_examples() -> None:
    assert canonical_nquads(parse(UNIQUE)) == UNIQUE.replace("_:e", "_:c14n")
    assert canonical_nquads(parse(SHARED)) == SHARED_CANONICAL


def test_a_poison_dataset_is_refused() -> None:
    clique = [(f"_:n{i}", "<http://ex/p>", f"_:n{j}", "") for i in range(8) for j in range(8) if i != j]
    with pytest.raises(CanonicalizationError):
        canonical_nquads(clique)


NODES = [f"_:n{i}" for i in range(6)]
OBJECTS = [*NODES, "<http://ex/a>", "<http://ex/b>", '"x"', '"y"^^<http://ex/t>', '"z"@en']


def random_dataset(rng: random.Random) -> list[Quad]:
    """A small dataset, dense in blank nodes (self-loops, cycles, automorphisms) and named graphs."""
    quads = set()
    for _ in range(rng.randint(1, 14)):
        subject = rng.choice([*NODES, "<http://ex/s>"])
        graph = rng.choice(["", "", "", "_:g0", "<http://ex/g>"])
        quads.add((subject, rng.choice(["<http://ex/p>", "<http://ex/q>"]), rng.choice(OBJECTS), graph))
    return sorted(quads)


def nquads(quads: list[Quad]) -> str:
    return "".join(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)


@pytest.mark.interop
def test_rdfc10_equals_the_reference_on_random_datasets(shared: Path) -> None:
    ensure_reference(shared)
    datasets = [random_dataset(random.Random(seed)) for seed in range(400)]
    result = subprocess.run(
        ["node", str(HERE / "reference_rdfc.mjs")],
        input=json.dumps([nquads(d) for d in datasets]),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    for dataset, reference in zip(datasets, json.loads(result.stdout), strict=True):
        if isinstance(reference, dict):
            with pytest.raises(CanonicalizationError):
                canonical_nquads(dataset)
        else:
            assert canonical_nquads(dataset) == reference, nquads(dataset)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(seed=st.integers(), shuffle=st.integers())
def test_rdfc10_ignores_blank_node_labels_and_quad_order(seed: int, shuffle: int) -> None:
    quads = random_dataset(random.Random(seed))
    try:
        expected = canonical_nquads(quads)
    except CanonicalizationError:
        return
    rng = random.Random(shuffle)
    labels = {
        node: f"_:other{j}" for node, j in zip([*NODES, "_:g0"], rng.sample(range(100), 7), strict=True)
    }
    relabelled: list[Quad] = [
        (labels.get(s, s), p, labels.get(o, o), labels.get(g, g)) for s, p, o, g in quads
    ]
    rng.shuffle(relabelled)
    assert canonical_nquads(relabelled) == expected


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (7, "7"),
        (100.0, "100"),
        (-2.5, "-2.5"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (123456789012345680000.0, "123456789012345680000"),
    ],
)
def test_javascript_number_to_string(number: float, text: str) -> None:
    assert js_number(number) == text


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ({"@value": 1.5}, '"1.5E0"^^<http://www.w3.org/2001/XMLSchema#double>'),
        ({"@value": 5.0}, '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ({"@value": 1e21}, '"1.0E21"^^<http://www.w3.org/2001/XMLSchema#double>'),
        ({"@value": True}, '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ({"@value": 'a\t"b"\x01'}, '"a\\t\\"b\\"\\u0001"'),
        ({"@value": "hi", "@language": "en"}, '"hi"@en'),
        (
            {"@value": {"b": 1, "a": [1.0, None]}, "@type": "@json"},
            '"{\\"a\\":[1,null],\\"b\\":1}"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>',
        ),
    ],
)
def test_literals_as_the_reference_writes_them(value: dict[str, object], literal: str) -> None:
    assert value_object(value) == literal


def test_safe_mode_errors() -> None:
    with pytest.raises(UndefinedTerm) as caught:
        canonicalize({**credential(), "foo": "bar"})
    assert caught.value.term == "foo" and caught.value.code == "invalid property"
    with pytest.raises(UndefinedTerm):
        canonicalize({**credential(), "type": ["VerifiableCredential", "Nope"]})
    with pytest.raises(UnsafeJsonLd):
        canonicalize({**credential(), "id": "not-absolute"})
    with pytest.raises(UnsafeJsonLd):
        canonicalize({"@context": CONTEXT, "name": {"@value": None}})


@pytest.mark.parametrize("created", ["2025-03-01T12:00:00Z", "1999-12-31T23:59:59.123+05:30", "2025-03-01"])
def test_the_proof_options_shortcut_equals_full_canonicalisation(created: str) -> None:
    options = {
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": method_for(),
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }
    for _ in range(2):  # the second call uses the cached template
        assert canonical_proof_options(CONTEXT, options) == canonicalize({"@context": CONTEXT, **options})


def test_concurrent_canonicalisation_is_consistent() -> None:
    """pyld's context caches are not thread-safe (fact 15): our expansion runs under a lock."""
    documents = [credential(suffix=str(i)) for i in range(8)]
    expected = [canonicalize(d) for d in documents]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            assert list(pool.map(canonicalize, documents)) == expected
