"""Property: any change to a signed credential makes its proof fail -- never valid.

Hypothesis picks a JSON path anywhere in the document (``@context`` included, ``proof``
excluded) and a change: edit a string, change a number, remove a key, add a key or add a list
item. The change must alter what is signed, so added items are new values (a duplicate list
item is the same RDF statement and rightly leaves the signature valid) and numbers change value
(``1`` and ``1.0`` are the same JSON-LD number).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from credstack.credentials import ed25519_2020, eddsa_rdfc_2022
from credstack.credentials.errors import InvalidJsonLd, InvalidProof, UnknownContext, UnsafeJsonLd
from credstack.credentials.proofs import did_resolver, verify_proofs
from tests.credentials.credential_builder import CREATED, SEED, credential, method_for

SIGNED = {
    "eddsa-rdfc-2022": eddsa_rdfc_2022.add_proof(credential(), SEED, method_for(), CREATED),
    "Ed25519Signature2020": ed25519_2020.add_proof(credential(), SEED, method_for(), CREATED),
}
FAILURES = (InvalidProof, UnsafeJsonLd, UnknownContext, InvalidJsonLd)
Path = tuple[str | int, ...]


def paths(node: Any, prefix: Path = ()) -> list[Path]:
    """Every path to a value below the root (the proof excluded)."""
    found: list[Path] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        if prefix == () and key == "proof":
            continue
        found.append((*prefix, key))
        found += paths(value, (*prefix, key))
    return found


def at(document: Any, path: Path) -> Any:
    for key in path:
        document = document[key]
    return document


@st.composite
def tampered(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    path = draw(st.sampled_from(paths(document)))
    parent, key = at(changed, path[:-1]), path[-1]
    value = parent[key]
    kind = draw(st.sampled_from(["edit", "remove", "add"]))
    if kind == "remove":
        del parent[key]  # removes a key, or an item from a list
    elif kind == "add" and isinstance(value, list):
        value.append("added " + draw(st.text(max_size=8)))
    elif kind == "add" and isinstance(value, dict):
        value["added" + draw(st.text(alphabet="abcxyz", max_size=4))] = draw(st.text(max_size=8))
    elif isinstance(value, str):
        position = draw(st.integers(0, len(value)))
        parent[key] = value[:position] + draw(st.text(min_size=1, max_size=3)) + value[position + 1 :]
        assume(parent[key] != value)
    elif isinstance(value, bool):
        parent[key] = not value
    elif isinstance(value, int | float):
        parent[key] = draw(st.integers(-1000, 1000) | st.floats(allow_nan=False, allow_infinity=False))
        assume(parent[key] != value)
    else:
        assume(False)
    return changed


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data(), suite=st.sampled_from(sorted(SIGNED)))
def test_any_change_breaks_the_proof(data: st.DataObject, suite: str) -> None:
    changed = data.draw(tampered(SIGNED[suite]))
    [check] = verify_proofs(changed, did_resolver())
    assert not check.verified
    assert isinstance(check.error, FAILURES), check


def test_the_untouched_credentials_verify() -> None:
    for signed in SIGNED.values():
        assert [c.verified for c in verify_proofs(signed, did_resolver())] == [True]
