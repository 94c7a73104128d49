"""Pathways from Badgr exports, CTDL JSON-LD and the CTDL pathway CSV: every corpus file imports,
its counts match EXPECTED_COUNTS.json, and the shapes real publishers use all read."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from credstack.domain.errors import InvalidInput
from credstack.domain.pathways.audit import audit
from credstack.domain.pathways.model import Award, Pathway
from credstack.interop.pathway_file import dump_yaml, load_pathway
from credstack.interop.pathway_import import (
    ctdl_csv_graph,
    from_badgr,
    from_ctdl_csv,
    from_ctdl_pathway,
    summary,
)
from tests.conftest import SHARED

EXPECTED_FILE = SHARED / "corpus" / "EXPECTED_COUNTS.json"
EXPECTED = json.loads(EXPECTED_FILE.read_text()) if EXPECTED_FILE.exists() else {}
PATHWAY_FILES = sorted(k for k in EXPECTED if k.startswith("pathways/"))
CTDL_REQUIRES = sorted(
    k
    for k, v in EXPECTED.items()
    if k.startswith("ctdl/") and v.get("condition_profiles_by_property", {}).get("requires")
)
ETE = (
    "badgr_empowering_teaching_excellence.json",
    "badgr_empowering_teaching_excellence_ctdl.json",
    "badgr_teaching_excellence.csv",
)


def corpus(shared: Path, name: str) -> Path:
    path = shared / "corpus" / name
    if not path.exists():
        pytest.skip(f"{name} is listed but not present")
    return path


def read(path: Path) -> Pathway:
    """Import a corpus file by its kind (Badgr export, CTDL JSON-LD, CSV)."""
    data = path.read_bytes()
    if path.suffix == ".csv":
        return from_ctdl_csv(data, source=path.name)
    doc = json.loads(data)
    is_badgr = isinstance(doc, dict) and ("elementId" in doc or "requirements" in doc)
    return from_badgr(doc, source=path.name) if is_badgr else from_ctdl_pathway(doc, source=path.name)


def ratios(items: list[str]) -> list[str]:
    return sorted(items, key=lambda r: tuple(int(x) for x in r.split("/")))


def test_the_corpus_lists_pathway_files(shared):
    kinds = Counter(EXPECTED[k]["kind"] for k in PATHWAY_FILES)
    assert kinds["badgr"] and kinds["pathway"] and kinds["csv"], kinds


@pytest.mark.interop
@pytest.mark.parametrize("name", PATHWAY_FILES)
def test_pathway_file_imports_and_round_trips(shared, name):
    pathway = read(corpus(shared, name))
    assert pathway.id and pathway.awards and not pathway.root.is_leaf
    assert load_pathway(dump_yaml(pathway), source=name) == pathway
    ids = [n.id for n in pathway.nodes()]
    assert len(ids) == len(set(ids))


@pytest.mark.interop
@pytest.mark.parametrize("name", [k for k in PATHWAY_FILES if EXPECTED[k]["kind"] == "badgr"])
def test_badgr_counts(shared, name):
    expected, got = EXPECTED[name], summary(read(corpus(shared, name)))
    assert got["components"] == expected["elements"]
    assert got["max_depth(root=0)"] == expected["max_depth(root=0)"]
    assert got["achievement_refs"] == expected["required_badges_refs"]
    assert got["award_shortcuts"] + 1 == expected["elements_with_completion_badge"]  # + the root's
    at_least = [re.search(r"atLeast (\d+) of (\d+)$", rule) for rule in expected["atLeastN_rules(nonzero)"]]
    assert ratios(got["requiredNumber_of_targets"]) == ratios([f"{m[1]}/{m[2]}" for m in at_least if m])
    assert got["conditions_with_requiredNumber"] == len(at_least)


@pytest.mark.interop
@pytest.mark.parametrize("name", [k for k in PATHWAY_FILES if EXPECTED[k]["kind"] == "pathway"])
def test_ctdl_pathway_counts(shared, name):
    expected, got = EXPECTED[name], summary(read(corpus(shared, name)))
    assert ratios(got["requiredNumber_of_targets"]) == ratios(expected["requiredNumber_of_targets"])
    assert got["conditions_with_requiredNumber"] == expected["conditions_with_requiredNumber"]
    assert got["n_of_m_conditions(required<options)"] == expected["n_of_m_conditions(required<options)"]
    assert got["component_conditions"] == expected["component_conditions"]
    assert got["max_condition_nesting"] == expected["max_condition_nesting"]
    assert expected["destination_components"] == 1


@pytest.mark.interop
@pytest.mark.parametrize("name", [k for k in PATHWAY_FILES if EXPECTED[k]["kind"] == "csv"])
def test_csv_rows(shared, name):
    path = corpus(shared, name)
    assert len(ctdl_csv_graph(path.read_bytes(), source=name)) == EXPECTED[name]["rows"]
    assert summary(from_ctdl_csv(path.read_bytes(), source=name))["component_conditions"] > 0


@pytest.mark.interop
@pytest.mark.parametrize("name", CTDL_REQUIRES)
def test_ctdl_credential_requirements(shared, name):
    expected, pathway = EXPECTED[name], read(corpus(shared, name))
    got = summary(pathway)
    assert pathway.name == expected["names"][0]
    assert got["component_conditions"] == expected["condition_profiles_by_property"]["requires"]
    assert got["credit_values"] == expected["credit_values_in_conditions"]
    targets = sum(expected[f"target{t}_refs"] for t in ("Credential", "LearningOpportunity", "Assessment"))
    assert got["achievement_refs"] == (targets or expected["hasPart_refs"])
    assert got["competency_refs"] == expected["targetCompetency_refs"]
    assert load_pathway(dump_yaml(pathway)) == pathway


@pytest.mark.interop
def test_the_three_forms_of_one_badgr_pathway_agree(shared):
    badgr, ctdl, csv = (read(corpus(shared, f"pathways/{name}")) for name in ETE)

    def keys(pathway: Pathway, kind: str) -> set[str]:
        return {n.achievement or "" for n in pathway.nodes() if n.type == kind}

    assert keys(badgr, "achievement") == keys(ctdl, "achievement") == keys(csv, "achievement")
    assert keys(badgr, "pathway") == keys(ctdl, "pathway") == keys(csv, "pathway")
    assert badgr.awards == ctdl.awards == csv.awards
    badges, certificates = sorted(keys(badgr, "achievement")), sorted(keys(badgr, "pathway"))
    rng = random.Random(7)
    for _ in range(8):
        held = rng.sample(badges, rng.randint(10, len(badges))) + rng.sample(certificates, rng.randint(0, 3))
        awards = [Award(id=f"a{i}", achievement=a, earned=date(2024, 1, 1)) for i, a in enumerate(held)]
        assert len({audit(p, awards, as_of=date(2025, 1, 1)).met for p in (badgr, ctdl, csv)}) == 1


@pytest.mark.interop
def test_badgr_tree_reads_as_documented(shared):
    pathway = read(corpus(shared, "pathways/badgr_empowering_teaching_excellence.json"))
    assert (
        pathway.awards == "https://api.badgr.io/public/badges/ZBBzK2eUTm60fjbuMYrmGw" and pathway.root.shared
    )
    nodes = {n.id: n for n in pathway.nodes()}
    master = nodes["5d6ef343dd7e9754a21f750d"]
    assert master.label == "Master Teacher Certificate" and master.type == "any"
    assert [c.id.rsplit("/", 1)[-1] for c in master.children] == ["award", "requirements"]
    contribute = nodes["5d6ef1741f92425cfb9c7a69/condition[badges]"]
    assert contribute.type == "n_of" and (contribute.n, len(contribute.children)) == (4, 21)
    scholar_ref = nodes["5d6ef0ff926c20f20cca2653~2"]  # Teaching Scholar, required by Master Contribute
    assert scholar_ref.type == "pathway" and scholar_ref.achievement.endswith("IxA5YrWmQqKCrnAV_8RrLQ")


# ---- the shapes publishers use (no corpus needed) ----------------------------------------

EXPANDED = [
    {
        "@id": "http://ex.org/p",
        "@type": ["https://purl.org/ctdl/terms/Pathway"],
        "https://purl.org/ctdl/terms/hasDestinationComponent": [{"@id": "http://ex.org/bsc"}],
        "https://purl.org/ctdl/terms/name": [{"@language": "en", "@value": "BSc Honours"}],
    },
    {
        "@id": "http://ex.org/bsc",
        "@type": ["https://purl.org/ctdl/terms/CredentialComponent"],
        "https://purl.org/ctdl/terms/name": [{"@language": "en", "@value": "BSc"}],
        "https://purl.org/ctdl/terms/hasCondition": [
            {"@id": "http://ex.org/c1"},
            {"@id": "http://ex.org/c4"},
        ],
        "https://purl.org/ctdl/terms/proxyFor": [{"@id": "http://ex.org/cred/bsc"}],
    },
    {
        "@id": "http://ex.org/c1",
        "@type": ["https://purl.org/ctdl/terms/ComponentCondition"],
        "https://purl.org/ctdl/terms/requiredNumber": [{"@value": "2"}],
        "https://purl.org/ctdl/terms/hasCondition": [
            {"@id": "http://ex.org/c2"},
            {"@id": "http://ex.org/c3"},
        ],
    },
    {
        "@id": "http://ex.org/c2",
        "@type": ["https://purl.org/ctdl/terms/ComponentCondition"],
        "https://purl.org/ctdl/terms/requiredNumber": [{"@value": 1}],
        "https://purl.org/ctdl/terms/targetComponent": [
            {"@id": "http://ex.org/k1"},
            {"@id": "http://ex.org/k2"},
        ],
    },
    {
        "@id": "http://ex.org/c3",
        "@type": ["https://purl.org/ctdl/terms/ComponentCondition"],
        "https://purl.org/ctdl/terms/logicalOperator": [{"@id": "https://purl.org/ctdl/vocabs/logic/Or"}],
        "https://purl.org/ctdl/terms/targetComponent": [
            {"@id": "http://ex.org/k3"},
            {"@id": "http://ex.org/k4"},
        ],
    },
    {
        "@id": "http://ex.org/c4",
        "@type": ["https://purl.org/ctdl/terms/ComponentCondition"],
        "https://purl.org/ctdl/terms/hasConstraint": [{"@id": "_:b1"}, {"@id": "_:b2"}],
        "https://purl.org/ctdl/terms/targetComponent": [
            {"@id": "http://ex.org/k1"},
            {"@id": "http://ex.org/k3"},
        ],
    },
    {
        "@id": "_:b1",
        "@type": ["https://purl.org/ctdl/terms/Constraint"],
        "https://purl.org/ctdl/terms/comparator": [{"@id": "https://purl.org/ctdl/vocabs/compare/GTEQ"}],
        "https://purl.org/ctdl/terms/leftAction": [{"@id": "https://purl.org/ctdl/vocabs/array/Sum"}],
        "https://purl.org/ctdl/terms/leftSource": [{"@id": "https://schema.org/value"}],
        "https://purl.org/ctdl/terms/rightSource": [{"@value": 90}],
    },
    {
        "@id": "_:b2",
        "@type": ["https://purl.org/ctdl/terms/Constraint"],
        "https://purl.org/ctdl/terms/comparator": [{"@id": "https://purl.org/ctdl/vocabs/compare/EQ"}],
        "https://purl.org/ctdl/terms/leftSource": [{"@id": "https://example.edu/studentData/resit"}],
        "https://purl.org/ctdl/terms/rightSource": [{"@value": False}],
    },
    *(
        {
            "@id": f"http://ex.org/k{i}",
            "@type": ["https://purl.org/ctdl/terms/CourseComponent"],
            "https://purl.org/ctdl/terms/name": [{"@language": "en", "@value": f"Course {i}"}],
        }
        for i in range(1, 5)
    ),
]


def test_expanded_json_ld_with_nested_conditions_and_constraints():
    pathway = from_ctdl_pathway(EXPANDED, source="expanded.json")
    assert (pathway.name, pathway.awards) == ("BSc Honours", "http://ex.org/cred/bsc")
    nodes = {n.id: n for n in pathway.nodes()}
    outer = nodes["http://ex.org/bsc/condition[0]"]
    assert (outer.type, outer.n) == ("n_of", 2)
    assert [c.type for c in outer.children] == ["n_of", "any"]
    credits = nodes["http://ex.org/bsc/condition[1]/credits[0]"]
    assert credits.min_credits == 90 and credits.pool.achievements == {"http://ex.org/k1", "http://ex.org/k3"}
    assert "not checked: resit EQ false" in nodes["http://ex.org/bsc/condition[1]"].label
    got = summary(pathway)
    assert got["max_condition_nesting"] == 2 and got["component_conditions"] == 4
    assert got["requiredNumber_of_targets"] == ["2/2", "1/2"] and got["credit_values"] == [90.0]
    assert pathway.root.shared  # k1 and k3 are required in two places
    assert load_pathway(dump_yaml(pathway)) == pathway


def test_legacy_pathway_with_unknown_types_and_placeholder_targets():
    doc = {
        "@graph": [
            {"@type": "Pathway", "@id": "http://x/p", "name": "Programming", "hasRoot": "http://x/root"},
            {
                "@type": "Basic",
                "@id": "http://x/root",
                "name": "Root",
                "isParentOf": ["http://x/c1", "http://x/c2", "http://x/c3"],
            },
            {"@type": "Course", "@id": "http://x/c1", "name": "Business"},
            {"@type": "Certification", "@id": "http://x/c2", "name": "Reliability"},
            {
                "@type": "ceterms:FancyNewComponent",
                "@id": "http://x/c3",
                "ceterms:name": {"en-US": "Welding"},
                "ceterms:hasCondition": [
                    {
                        "@type": "ceterms:ComponentCondition",
                        "ceterms:requiredNumber": "1",
                        "ceterms:targetComponent": ["(5 URIs)"],
                    }
                ],
            },
        ]
    }
    pathway = from_ctdl_pathway(json.dumps(doc))
    nodes = {n.id: n for n in pathway.nodes()}
    assert [c.id for c in pathway.root.children] == ["http://x/c1", "http://x/c2", "http://x/c3"]
    assert nodes["(5 URIs)"].label == "(5 URIs) (not in this file)"
    assert load_pathway(dump_yaml(pathway)) == pathway


def test_duplicate_ids_merge_and_elective_options_are_not_required_twice():
    doc = {
        "@graph": [
            {"@type": "Pathway", "@id": "p", "name": "AS", "hasDestinationComponent": "d"},
            {"@type": "CredentialComponent", "@id": "d", "hasChild": ["a", "sel", "x", "y", "sel"]},
            {"@type": "CourseComponent", "@id": "a", "name": "A", "codedNotation": "A 1"},
            {
                "@type": "CourseComponent",
                "@id": "sel",
                "hasCondition": {"requiredNumber": 1, "targetComponent": ["x", "y"]},
            },
            {
                "@type": "CourseComponent",
                "@id": "sel",
                "hasCondition": {"requiredNumber": "1", "targetComponent": ["z", "w"]},
            },
            *({"@type": "CourseComponent", "@id": c, "name": c} for c in "xyzw"),
        ]
    }
    pathway = from_ctdl_pathway(doc)
    assert [c.id for c in pathway.root.children] == ["a", "sel"]
    assert pathway.root.children[0].label == "A 1 A"
    assert summary(pathway)["requiredNumber_of_targets"] == ["1/2", "1/2"]


def test_credential_with_condition_profiles():
    doc = {
        "@id": "https://r/ce-1",
        "@type": "ceterms:BachelorDegree",
        "ceterms:ctid": "ce-1",
        "ceterms:name": {"en": "BSc"},
        "ceterms:requires": [
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:creditValue": [
                    {"@type": "schema:QuantitativeValue", "schema:minValue": "120", "schema:maxValue": 130}
                ],
                "ceterms:targetCompetency": [
                    {
                        "@type": "ceterms:CredentialAlignmentObject",
                        "ceterms:targetNode": "https://c/1",
                        "ceterms:targetNodeName": {"en": "Numeracy"},
                    }
                ],
                "ceterms:alternativeCondition": [
                    {
                        "@type": "ceterms:ConditionProfile",
                        "ceterms:targetCredential": [
                            {
                                "@type": "ceterms:Diploma",
                                "ceterms:ctid": "ce-dip",
                                "ceterms:name": {"en": "Diploma"},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    pathway = from_ctdl_pathway(doc)
    assert (pathway.id, pathway.awards, pathway.name) == ("ce-1", "ce-1", "BSc")
    nodes = {n.id: n for n in pathway.nodes()}
    choice = nodes["https://r/ce-1/condition[0]"]
    assert choice.type == "any"
    credits = nodes["https://r/ce-1/condition[0]/condition[0]/credits[0]"]
    assert (credits.min_credits, credits.max_credits) == (120, 130)
    assert nodes["https://r/ce-1/condition[0]/condition[0]/competency[0]"].competency == "https://c/1"
    assert nodes["ce-dip"].achievement == "ce-dip"
    assert load_pathway(dump_yaml(pathway)) == pathway


def test_badgr_flat_list_with_child_ids_and_string_counts():
    elements = [
        {
            "elementId": "root",
            "name": "Root",
            "completionBadge": {"badgeUrl": "https://b/root"},
            "children": ["e1", "e2"],
            "requirements": {
                "childElementRequirements": {"countRule": {"@type": "atLeastN", "requiredCount": "1"}}
            },
        },
        {
            "elementId": "e1",
            "name": "One",
            "requirements": {
                "badgeRequirements": {
                    "countRule": {"@type": "all"},
                    "requiredBadges": ["https://b/1", {"badgeUrl": "https://b/2"}],
                }
            },
        },
        {
            "elementId": "e2",
            "name": "Two",
            "completionBadge": "https://b/two",
            "children": ["gone"],
            "requirements": {},
        },
    ]
    pathway = from_badgr(json.dumps(elements))
    assert (pathway.id, pathway.awards) == ("root", "https://b/root")
    choice = pathway.root.children[0]
    assert (choice.type, choice.n) == ("n_of", 1)
    assert [c.id for c in choice.children] == ["e1", "e2"]
    assert {n.achievement for n in pathway.nodes() if n.type == "achievement"} == {
        "https://b/1",
        "https://b/2",
        "badgr-element:gone",
    }


CSV_HEAD = "External Identifier,Pathway Component Type,name,sourceData,hasChild,hasCondition,requiredNumber,targetComponent,hasDestinationComponent\n"


def test_csv_variant_headers_and_multiline_cells():
    text = (
        "\ufeffexternal_identifier,Component Type,Name,Source Data,hasCondition,Required Number,Target Component,Has Destination Component\n"
        "P,Pathway,My pathway,,,,,D\n"
        'D,CredentialComponent,"Cert,\nwith a newline",https://b/d,C1,,,\n'
        "C1,ComponentCondition,Pick,,,2,A | B | C,\n"
        + "".join(f"{x},CourseComponent,{x},,,,,\n" for x in "ABC")
    )
    assert len(ctdl_csv_graph(text)) == 6
    pathway = from_ctdl_csv(text.encode())
    assert pathway.awards == "https://b/d" and summary(pathway)["requiredNumber_of_targets"] == ["2/3"]


# ---- errors name where they are ----------------------------------------------------------


def error(call, *args) -> str:
    with pytest.raises(InvalidInput) as caught:
        call(*args)
    return str(caught.value)


def test_badgr_rule_asking_for_more_than_it_lists():
    doc = {
        "elementId": "r",
        "name": "R",
        "requirements": {
            "badgeRequirements": {
                "countRule": {"@type": "atLeastN", "requiredCount": 3},
                "requiredBadges": ["x", "y"],
            }
        },
    }
    assert (
        error(from_badgr, doc)
        == "badgr: element r (R).requirements.badges.countRule: requires 3 of 2: more than are listed"
    )


def test_badgr_unknown_count_rule():
    doc = {
        "elementId": "r",
        "name": "R",
        "requirements": {"badgeRequirements": {"countRule": {"@type": "most"}, "requiredBadges": ["x"]}},
    }
    assert "unknown count rule 'most'" in error(from_badgr, doc)


def test_badgr_element_requiring_itself():
    doc = {
        "elementId": "r",
        "children": [
            {"elementId": "c", "requirements": {"nonChildElementRequirements": {"elementIds": ["c"]}}}
        ],
    }
    assert "element c (unnamed).requirements: requires itself: r -> c -> c" in error(from_badgr, doc)


def test_badgr_syntax_error_names_the_line():
    assert (
        error(from_badgr, '{\n  "elementId": "r",\n  oops\n}')
        == "badgr: line 3, column 3: invalid JSON: Expecting property name enclosed in double quotes"
    )


def test_ctdl_condition_asking_for_more_than_it_targets():
    doc = {"@graph": [
        {"@type": "Pathway", "@id": "p", "hasDestinationComponent": "d"},
        {"@type": "BasicComponent", "@id": "d", "hasCondition": [{"requiredNumber": 3, "targetComponent": ["a", "b"]}]},
    ]}  # fmt: skip
    assert (
        error(from_ctdl_pathway, doc)
        == "ctdl: d: condition condition[0]: requires 3 of 2: more than are listed"
    )


def test_ctdl_requiredNumber_that_is_not_a_number():
    doc = {"@graph": [
        {"@type": "Pathway", "@id": "p", "hasDestinationComponent": "d"},
        {"@type": "BasicComponent", "@id": "d", "hasCondition": [{"requiredNumber": "some", "targetComponent": ["a"]}]},
    ]}  # fmt: skip
    assert "d: condition condition[0].requiredNumber: 'some' is not a number" in error(from_ctdl_pathway, doc)


def test_ctdl_missing_destination_and_missing_condition():
    assert "has no destination component" in error(from_ctdl_pathway, {"@type": "Pathway", "@id": "p"})
    doc = {
        "@graph": [
            {"@type": "Pathway", "@id": "p", "hasDestinationComponent": "d"},
            {"@id": "d", "hasCondition": ["nowhere"]},
        ]
    }
    assert "names condition 'nowhere', which is not in the file" in error(from_ctdl_pathway, doc)
    assert "neither a Pathway nor a credential" in error(from_ctdl_pathway, [{"@type": "Course", "@id": "c"}])


def test_ctdl_cycle_is_refused():
    doc = {"@graph": [
        {"@type": "Pathway", "@id": "p", "hasDestinationComponent": "a"},
        {"@type": "BasicComponent", "@id": "a", "hasChild": ["b"]},
        {"@type": "BasicComponent", "@id": "b", "hasChild": ["a"]},
    ]}  # fmt: skip
    assert "requires itself: a -> b -> a" in error(from_ctdl_pathway, doc)


def test_csv_errors_name_rows_and_lines():
    text = (
        CSV_HEAD
        + "P,Pathway,x,,,,,,D\nD,CredentialComponent,d,,,,,,\n\nD,CourseComponent,again,,,,,,\n,CourseComponent,,,,,,,\n"
    )
    message = error(from_ctdl_csv, text)
    assert "row 4 (line 5): identifier 'D' again (first at row 2 (line 3))" in message
    assert "row 5 (line 6): needs an External Identifier and a Pathway Component Type" in message
    assert error(from_ctdl_csv, "name,description\nx,y\n") == (
        "pathway.csv: line 1: no External Identifier or Pathway Component Type column"
    )
