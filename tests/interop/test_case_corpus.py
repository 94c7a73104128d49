"""Every CASE file in ../shared/corpus imports with the counts recorded in EXPECTED_COUNTS.json."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from credstack.interop.case_csv import parse_case_csv
from credstack.interop.case_json import export_case_package, parse_case_json
from tests.conftest import SHARED

EXPECTED_FILE = SHARED / "corpus" / "EXPECTED_COUNTS.json"
EXPECTED = json.loads(EXPECTED_FILE.read_text()) if EXPECTED_FILE.exists() else {}
CASE_JSON = sorted(k for k, v in EXPECTED.items() if v.get("kind") == "case")
CASE_CSV = sorted(k for k, v in EXPECTED.items() if v.get("kind") == "case_csv")


def corpus(shared: Path, name: str) -> Path:
    path = shared / "corpus" / name
    if not path.exists():
        pytest.skip(f"{name} is listed but not present")
    return path


def test_the_corpus_has_case_files(shared):
    assert CASE_JSON and CASE_CSV, "EXPECTED_COUNTS.json lists no CASE files"


@pytest.mark.interop
@pytest.mark.parametrize("name", CASE_JSON)
def test_case_json_counts(shared, name):
    expected = EXPECTED[name]
    package = parse_case_json(corpus(shared, name).read_bytes(), source=name)
    fw = package.framework
    assert fw.identifier == expected["document_identifier"]
    assert fw.title == expected["title"]
    assert fw.creator == expected["creator"]
    assert len(fw.competencies) == expected["items"]
    assert sum(1 for c in fw.competencies if c.code) == expected["items_with_humanCodingScheme"]
    assert len(fw.associations) == expected["associations"]
    assert dict(Counter(a.type for a in fw.associations)) == expected["association_types"]
    depths = fw.hierarchy().depths()
    assert max(depths.values(), default=0) == expected["max_depth"]
    assert {str(k): v for k, v in Counter(depths.values()).items()} == expected["items_per_depth"]
    external = sum(
        1
        for a in fw.associations
        if a.type != "isChildOf" and (fw.resolve(a.origin) is None or fw.resolve(a.destination) is None)
    )
    assert external == expected["non_hierarchy_assocs_to_external_nodes"]
    parents = fw.hierarchy().parents
    assert (
        sum(1 for c in fw.competencies if len(parents.get(c.identifier, [])) > 1)
        == expected["items_with_multiple_parents"]
    )
    item_types = Counter(str(c.item_type) if c.item_type else "null" for c in fw.competencies)
    assert dict(item_types) == expected["CFItemTypes"]
    assert len(package.rubrics) == expected["CFRubrics"]


@pytest.mark.interop
@pytest.mark.parametrize("name", CASE_JSON)
def test_case_json_round_trip_keeps_every_item_and_association(shared, name):
    original = json.loads(corpus(shared, name).read_bytes())
    package = parse_case_json(corpus(shared, name).read_bytes(), source=name)
    exported = export_case_package(package)
    again = parse_case_json(json.dumps(exported).encode(), source="export")
    assert [i["identifier"] for i in exported["CFItems"]] == [i["identifier"] for i in original["CFItems"]]
    assert [a["identifier"] for a in exported["CFAssociations"]] == [
        a["identifier"] for a in original["CFAssociations"]
    ]
    # every field an item or association came with is given back, with its value
    for before, after in zip(original["CFItems"], exported["CFItems"], strict=True):
        for key, value in before.items():
            if value is not None:
                assert after[key] == value, (before["identifier"], key)
    for before, after in zip(original["CFAssociations"], exported["CFAssociations"], strict=True):
        assert after["associationType"] == before["associationType"]
        assert after["originNodeURI"]["identifier"] == before["originNodeURI"]["identifier"]
        assert after["destinationNodeURI"]["identifier"] == before["destinationNodeURI"]["identifier"]
    assert again.framework == package.framework


@pytest.mark.interop
@pytest.mark.parametrize("name", CASE_CSV)
def test_case_csv_rows_and_hierarchy(shared, name):
    expected = EXPECTED[name]
    package = parse_case_csv(corpus(shared, name).read_bytes(), source=name, title="sample")
    fw = package.framework
    assert len(fw.competencies) == expected["rows"]
    hierarchy = fw.hierarchy()
    assert len(hierarchy.roots()) == expected["roots"]
    assert max(hierarchy.depths().values()) == expected["max_depth"]
    header = corpus(shared, name).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.count(",") + 1 == expected["columns"]
