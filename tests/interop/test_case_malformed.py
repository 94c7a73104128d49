"""Bad CASE files are refused with errors that name the line, item or association."""

from __future__ import annotations

import json

import pytest

from credstack.domain.errors import InvalidInput
from credstack.interop.case_csv import parse_case_csv
from credstack.interop.case_json import parse_case_json


def package(items=None, assocs=None, **doc):
    return {
        "CFDocument": {
            "identifier": "doc-1",
            "uri": "https://ex.org/doc-1",
            "title": "T",
            "creator": "me",
            **doc,
        },
        "CFItems": items if items is not None else [{"identifier": "i1", "fullStatement": "One"}],
        "CFAssociations": assocs
        if assocs is not None
        else [
            {
                "identifier": "a1",
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": "i1", "uri": "https://ex.org/i1", "title": "One"},
                "destinationNodeURI": {"identifier": "doc-1", "uri": "https://ex.org/doc-1", "title": "T"},
            }
        ],
    }


def problems_of(data) -> list[str]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(InvalidInput) as info:
        parse_case_json(raw, source="f.json")
    return [str(p) for p in info.value.problems]


def test_truncated_json_names_line_and_column():
    text = json.dumps(package(), indent=2).encode()
    [message] = problems_of(text[: len(text) // 2])
    assert message.startswith("line ") and "column" in message and "invalid JSON" in message


def test_duplicate_identifier():
    data = package(
        items=[{"identifier": "i1", "fullStatement": "One"}, {"identifier": "i1", "fullStatement": "Again"}]
    )
    assert any("CFItems[1]" in m and "duplicate identifier 'i1'" in m for m in problems_of(data))


def test_child_missing_from_the_package():
    data = package(
        assocs=[
            {
                "identifier": "a9",
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": "missing-item"},
                "destinationNodeURI": {"identifier": "doc-1"},
            }
        ]
    )
    [message] = problems_of(data)
    assert "CFAssociations[0] (a9)" in message and "'missing-item'" in message


def test_missing_document_and_item_identifier():
    assert problems_of({"CFItems": []}) == ["CFDocument: is missing or not an object"]
    assert problems_of(package(items=[{"fullStatement": "no id"}])) == ["CFItems[0].identifier: is missing"]


def test_association_without_endpoint():
    data = package(
        assocs=[{"identifier": "a1", "associationType": "isRelatedTo", "originNodeURI": {"identifier": "i1"}}]
    )
    assert problems_of(data) == [
        "CFAssociations[0].destinationNodeURI: missing node reference (identifier or uri)"
    ]


def test_explicit_nulls_and_url_identifiers_are_accepted():
    data = package(
        items=[
            {
                "identifier": "https://ex.org/items/1",
                "uri": "https://ex.org/items/1",
                "fullStatement": "One",
                "humanCodingScheme": None,
                "educationLevel": None,
                "notes": None,
                "CFItemType": None,
            }
        ],
        assocs=[
            {
                "identifier": "https://ex.org/assoc/1",
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": "https://ex.org/items/1", "uri": "https://ex.org/items/1"},
                "destinationNodeURI": {"identifier": "something-else", "uri": "https://ex.org/doc-1"},
                "sequenceNumber": None,
            },
            {
                "identifier": "https://ex.org/assoc/2",
                "associationType": "exactMatchOf",
                "originNodeURI": {"identifier": "https://ex.org/items/1"},
                "destinationNodeURI": {"identifier": "https://other.org/x", "uri": "https://other.org/x"},
            },
        ],
        CFPackageURI=None,
        language=None,
    )
    fw = parse_case_json(json.dumps(data).encode()).framework
    assert fw.competencies[0].code is None and fw.competencies[0].education_levels == ()
    assert fw.hierarchy().depths() == {"https://ex.org/items/1": 1}
    assert fw.resolve(fw.associations[1].destination) is None  # kept as an external reference


def test_case_rubrics_are_read():
    data = package()
    data["CFRubrics"] = [
        {
            "identifier": "r1",
            "title": "Essay rubric",
            "CFRubricCriteria": [
                {
                    "identifier": "rc1",
                    "category": "Argument",
                    "weight": 2,
                    "CFItemURI": {"identifier": "i1"},
                    "CFRubricCriterionLevels": [
                        {"identifier": "l2", "quality": "Strong", "score": 2, "position": 2},
                        {"identifier": "l1", "quality": "Weak", "score": 0, "position": 1},
                    ],
                }
            ],
        }
    ]
    [rubric] = parse_case_json(json.dumps(data).encode()).rubrics
    [criterion] = rubric.criteria
    assert criterion.competencies == ("i1",) and [lv.name for lv in criterion.levels] == ["Weak", "Strong"]


CSV_HEADER = '"Identifier","fullStatement","Human Coding Scheme","Is Child Of"\n'


def test_csv_row_with_missing_parent_names_its_line():
    text = CSV_HEADER + '"A","Top","A",""\n"B","Child","A.1","A"\n"C","Orphan","A.2","Z.9"\n'
    with pytest.raises(InvalidInput) as info:
        parse_case_csv(text.encode(), source="f.csv", title="t")
    [problem] = info.value.problems
    assert problem.location == "line 4 (A.2) Is Child Of"
    assert "'Z.9'" in problem.message


def test_csv_duplicate_identifier_and_missing_statement():
    text = CSV_HEADER + '"A","Top","A",""\n"A","Again","B",""\n"C","","C",""\n'
    with pytest.raises(InvalidInput) as info:
        parse_case_csv(text.encode(), source="f.csv", title="t")
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("line 3") and "duplicate Identifier 'A'" in m for m in messages)
    assert any(m.startswith("line 4 (C) fullStatement") for m in messages)


def test_csv_parent_by_identifier_and_relations():
    text = (
        '"Identifier","fullStatement","Human Coding Scheme","Is Child Of","IsRelatedTo"\n'
        '"A","Top","A1","",""\n"B","Child","B1","A","https://other.org/z, A1"\n'
    )
    fw = parse_case_csv(text.encode(), title="t").framework
    assert fw.hierarchy().depths() == {"A": 1, "B": 2}
    related = [a for a in fw.associations if a.type == "isRelatedTo"]
    assert [fw.resolve(a.destination) for a in related] == [None, "A"]
