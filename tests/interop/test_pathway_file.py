"""Pathway files: the documented examples load and validate, every error names its line, and
writing a pathway then reading it back gives the same pathway."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.domain.errors import InvalidInput
from credstack.interop.pathway_file import (
    MAX_DEPTH,
    dump_json,
    dump_yaml,
    load_pathway,
    pathway_to_dict,
    read_pathway_file,
    schema,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "docs" / "examples" / "pathways").glob("*.yaml"))


def problems(text: str, *, format: str | None = None) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_pathway(textwrap.dedent(text), source="test.yaml", format=format)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


# ---- the documented examples ------------------------------------------------------------


def test_there_are_three_examples():
    assert len(EXAMPLES) == 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_against_the_published_schema(path):
    jsonschema.Draft202012Validator(schema()).validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_loads_and_round_trips(path):
    pathway = read_pathway_file(path)
    assert load_pathway(dump_yaml(pathway)) == pathway
    assert load_pathway(dump_json(pathway)) == pathway


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_shown_in_the_reference(path):
    assert path.read_text().strip() in (ROOT / "docs" / "pathways.md").read_text()


def test_the_schema_is_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_certificate_example_reads_as_documented():
    pathway = read_pathway_file(ROOT / "docs/examples/pathways/certificate-data-analytics.yaml")
    assert (pathway.id, pathway.awards, pathway.version) == ("CERT-DA", "CERT-DA", 2)
    core, electives = pathway.root.children
    assert core.id == "core" and [c.id for c in core.children] == [
        "requires/all[0]/all[0]/achievement",
        "requires/all[0]/all[1]/achievement",
    ]
    assert core.children[1].min_result == Decimal(60)
    assert electives.type == "credits" and electives.min_credits == 5 and electives.within_months == 36
    assert electives.pool.tags == {"data"} and electives.pool.min_level == 5


def test_every_node_type_and_common_key():
    pathway = load_pathway(
        textwrap.dedent("""
        id: P
        name: All kinds
        awards: P
        requires:
          all:
            - any: [{achievement: A}, {achievement: {code: B, min_result: 70.5}}]
            - n_of: {n: 1, of: [{competency: C.1}, {competency: {id: C.2, min_level: 3}}]}
            - credits: {min: "7.5", max: 10, pool: {achievements: [A], levels: [5, 6], frameworks: [F], kinds: [certificate]}}
              id: cr
              label: Credits
              within_months: 12
              not_expired: true
              shared: true
            - pathway: CERT-X
        """)
    )
    any_, n_of, credits, nested = pathway.root.children
    assert [c.achievement for c in any_.children] == ["A", "B"] and any_.children[1].min_result == Decimal(
        "70.5"
    )
    assert n_of.id == "requires/all[1]/n_of" and n_of.n == 1
    assert [(c.competency, c.min_level) for c in n_of.children] == [("C.1", None), ("C.2", 3)]
    assert (credits.id, credits.label, credits.min_credits, credits.max_credits) == (
        "cr",
        "Credits",
        Decimal("7.5"),
        10,
    )
    assert credits.within_months == 12 and credits.not_expired and credits.shared
    assert credits.pool.levels == {5, 6} and credits.pool.kinds == {"certificate"}
    assert (nested.type, nested.achievement, nested.id) == ("pathway", "CERT-X", "requires/all[3]/pathway")
    assert pathway.version == 1 and pathway.description == ""


def test_path_ids_follow_the_documented_grammar():
    pathway = load_pathway(
        "id: P\nname: P\nawards: P\nrequires:\n  all:\n    - achievement: A\n    - achievement: B\n"
        "    - n_of:\n        n: 1\n        of:\n          - achievement: C\n"
    )
    assert [n.id for n in pathway.nodes()] == [
        "requires/all",
        "requires/all[0]/achievement",
        "requires/all[1]/achievement",
        "requires/all[2]/n_of",
        "requires/all[2]/n_of/of[0]/achievement",
    ]


def test_json_and_yaml_files_read_alike(tmp_path):
    yaml_file = ROOT / "docs/examples/pathways/diploma-digital-business.yaml"
    json_file = tmp_path / "diploma.json"
    json_file.write_text(json.dumps(yaml.safe_load(yaml_file.read_text()), indent=2))
    assert read_pathway_file(json_file) == read_pathway_file(yaml_file)


# ---- every error names its line ---------------------------------------------------------

HEAD = "id: P\nname: P\nawards: P\n"

ERRORS = [
    pytest.param(
        HEAD + "requires:\n  all:\n    - achievement: A\n      lable: x\n",
        ["line 7, column 7: unknown key 'lable'; allowed here: all, any, n_of, credits, achievement"],
        id="unknown-node-key",
    ),
    pytest.param(
        HEAD + "colour: red\nrequires:\n  achievement: A\n",
        ["line 4, column 1: unknown key 'colour'; allowed here: $schema, id, name, awards, version"],
        id="unknown-top-key",
    ),
    pytest.param(
        HEAD + "requires:\n  credits:\n    min: 5\n    pool: {tags: [x], colour: red}\n",
        ["line 7, column 23: unknown key 'colour'; allowed here: achievements, tags, levels, min_level"],
        id="unknown-pool-key",
    ),
    pytest.param(
        HEAD + "requires:\n  achievement: {code: A, min_reslt: 70}\n",
        ["line 5, column 26: unknown key 'min_reslt'; allowed here: code, min_result"],
        id="unknown-achievement-key",
    ),
    pytest.param(
        HEAD + "requires:\n  n_of:\n    n: 3\n    of:\n      - achievement: A\n      - achievement: B\n",
        ["line 6, column 8: n is 3 but only 2 requirements are listed"],
        id="n-above-children",
    ),
    pytest.param(
        HEAD + "requires:\n  n_of:\n    n: 0\n    of:\n      - achievement: A\n",
        ["line 6, column 8: 0 should be at least 1"],
        id="n-zero",
    ),
    pytest.param(
        HEAD + "requires:\n  credits: {min: 0}\n",
        ["line 5, column 18: 0 should be more than 0"],
        id="credits-min-zero",
    ),
    pytest.param(
        HEAD + "requires:\n  credits: {min: '0'}\n",
        ["line 5, column 18: 0 should be more than 0"],
        id="credits-min-zero-as-text",
    ),
    pytest.param(
        HEAD + "requires:\n  credits:\n    min: 12\n    max: 6\n",
        ["line 7, column 10: max 6 is less than min 12"],
        id="credits-max-below-min",
    ),
    pytest.param(
        HEAD + "requires:\n  all:\n    - id: x\n      achievement: A\n    - id: x\n      achievement: B\n",
        ["line 8, column 11: duplicate id 'x' (also on line 6)"],
        id="duplicate-ids",
    ),
    pytest.param(
        HEAD
        + "requires:\n  all:\n    - achievement: A\n    - id: requires/all[0]/achievement\n      achievement: B\n",
        ["line 7, column 11: duplicate id 'requires/all[0]/achievement' (also on line 6)"],
        id="id-equal-to-a-path",
    ),
    pytest.param(
        HEAD + "requires:\n  all: []\n",
        ["line 5, column 8: lists no requirements; give at least one"],
        id="empty-children",
    ),
    pytest.param(
        HEAD + "requires:\n  n_of:\n    n: 1\n    of: []\n",
        ["line 7, column 9: lists no requirements; give at least one"],
        id="empty-n_of",
    ),
    pytest.param(
        HEAD + "requires:\n  all:\n    - achievement: A\n      pathway: B\n",
        [
            "line 6, column 7: a requirement needs exactly one of all, any, n_of, credits, achievement, competency, pathway (has achievement and pathway; use one)"
        ],
        id="two-types",
    ),
    pytest.param(
        HEAD + "requires:\n  all:\n    - label: nothing\n",
        [
            "line 6, column 7: a requirement needs exactly one of all, any, n_of, credits, achievement, competency, pathway (has none)"
        ],
        id="no-type",
    ),
    pytest.param(
        HEAD + "requires:\n  n_of: {n: two, of: [{achievement: A}]}\n",
        ["line 5, column 13: 'two' should be a whole number"],
        id="wrong-type",
    ),
    pytest.param(
        HEAD + "requires:\n  achievement: 101\n",
        ["line 5, column 16: 101 should be text (quote it) or a mapping"],
        id="unquoted-numeric-code",
    ),
    pytest.param(
        "id: P\nname: P\nrequires:\n  achievement: A\n",
        ["line 1, column 1: 'awards' is missing"],
        id="missing-top-key",
    ),
    pytest.param(
        HEAD + "requires:\n  competency: {id: C, min_level: 0}\n",
        ["line 5, column 34: 0 should be at least 1"],
        id="competency-level-zero",
    ),
    pytest.param(
        HEAD + "requires:\n  achievement: A\n  within_months: 0\n",
        ["line 6, column 18: 0 should be at least 1"],
        id="recency-zero",
    ),
    pytest.param(
        HEAD + "version: 0\nrequires:\n  achievement: A\n",
        ["line 4, column 10: 0 should be at least 1"],
        id="version-zero",
    ),
    pytest.param(
        HEAD + "requires:\n  all:\n    - achievement: A\n   - achievement: B\n",
        ["line 7, column 4: invalid YAML"],
        id="yaml-syntax",
    ),
    pytest.param(
        HEAD + "requires:\n  achievement: A\n  achievement: B\n",
        ["line 6, column 3: duplicate key 'achievement' (first on line 5)"],
        id="yaml-duplicate-key",
    ),
    pytest.param("- a\n- b\n", ["line 1, column 1: a pathway file is a mapping"], id="not-a-mapping"),
    pytest.param("   \n", ["line 1: the file is empty"], id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS)
def test_error_names_the_line(text, expected):
    found = problems(text)
    assert len(found) == len(expected), found
    for got, want in zip(found, expected, strict=True):
        assert got.startswith(want), got


def test_every_problem_is_reported_in_line_order():
    found = problems(
        HEAD + "requires:\n  all:\n    - achievement: A\n      colour: red\n    - n_of: {n: 1, of: []}\n"
        "    - credits: {min: -1}\n"
    )
    assert [p.split(":")[0] for p in found] == ["line 7, column 7", "line 8, column 24", "line 9, column 22"]


def test_semantic_errors_are_all_reported():
    found = problems(
        HEAD + "requires:\n  all:\n    - id: a\n      n_of: {n: 2, of: [{achievement: A}]}\n"
        "    - id: a\n      credits: {min: 5, max: 1}\n"
    )
    assert found == [
        "line 7, column 17: n is 2 but only 1 requirements are listed",
        "line 8, column 11: duplicate id 'a' (also on line 6)",
        "line 9, column 30: max 1 is less than min 5",
    ]


JSON_DOC = """{
  "id": "P",
  "name": "P",
  "awards": "P",
  "requires": {
    "all": [
      {"achievement": "A"},
      {"n_of": {"n": 3, "of": [{"achievement": "B"}]}},
      {"achievement": "C", "lable": "x"}
    ]
  }
}
"""


def test_json_schema_errors_name_the_line_of_the_key():
    assert problems(JSON_DOC) == [
        "line 9, column 28: unknown key 'lable'; allowed here: all, any, n_of, credits, achievement, "
        "competency, pathway, id, label, within_months, not_expired, shared"
    ]


def test_json_semantic_errors_name_the_line_of_the_value():
    assert problems(JSON_DOC.replace(', "lable": "x"', "")) == [
        "line 8, column 22: n is 3 but only 1 requirements are listed"
    ]


def test_json_duplicate_ids_name_both_lines():
    doc = JSON_DOC.replace(', "lable": "x"', ', "id": "k"').replace(
        '{"achievement": "A"}', '{"achievement": "A", "id": "k"}'
    )
    assert "line 9, column 34: duplicate id 'k' (also on line 7)" in problems(doc.replace('"n": 3', '"n": 1'))


def test_json_syntax_error_names_line_and_column():
    assert problems('{\n  "id": "P",\n  "name": "P"\n  "awards": "P"\n}\n') == [
        "line 4, column 3: invalid JSON: Expecting ',' delimiter"
    ]


def test_json_duplicate_key_names_both_lines():
    assert problems('{"id": "P",\n "id": "Q"}') == ["line 2, column 2: duplicate key 'id' (first on line 1)"]


def test_json_rejects_nan():
    assert problems('{"id": NaN}', format="json")[0].startswith("line 1: invalid JSON")


def test_a_yaml_flow_mapping_is_not_mistaken_for_json():
    pathway = load_pathway("{id: P, name: P, awards: P, requires: {achievement: A}}")
    assert pathway.root.achievement == "A"


def nested(depth: int) -> str:
    text = "achievement: A"
    for _ in range(depth - 1):
        text = "all:\n- " + text.replace("\n", "\n  ")
    return HEAD + "requires:\n  " + text.replace("\n", "\n  ") + "\n"


def test_nesting_at_the_limit_is_accepted():
    assert sum(1 for _ in load_pathway(nested(MAX_DEPTH)).nodes()) == MAX_DEPTH


def test_nesting_beyond_the_limit_names_the_line():
    found = problems(nested(MAX_DEPTH + 1))
    assert found == [
        f"line {5 + MAX_DEPTH}, column {3 + 2 * MAX_DEPTH}: requirements nested more than 32 deep"
    ]


def test_deep_json_nesting_is_refused_without_a_crash():
    text = '{"id": "P", "name": "P", "awards": "P", "requires": ' + '{"all": [' * 600 + "]}" * 600 + "}"
    assert "nested" in problems(text)[0]


def test_yaml_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for name in "bcdef":
        prev = chr(ord(name) - 1)
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    assert "more than 100000 values" in problems(bomb)[0]


def test_bytes_with_a_bom_are_read():
    text = "\ufeff" + HEAD + "requires:\n  achievement: A\n"
    assert load_pathway(text.encode("utf-8")).root.achievement == "A"


def test_bytes_that_are_not_utf8_are_refused():
    with pytest.raises(InvalidInput, match="not UTF-8"):
        load_pathway(b"id: \xff\n")


# ---- round trip --------------------------------------------------------------------------


def test_numbers_round_trip_exactly():
    pathway = load_pathway(HEAD + "requires:\n  credits: {min: '12.345678901234567890123', max: 20.5}\n")
    assert pathway.root.min_credits == Decimal("12.345678901234567890123")
    assert pathway_to_dict(pathway)["requires"]["credits"] == {"min": "12.345678901234567890123", "max": 20.5}
    assert load_pathway(dump_yaml(pathway)) == pathway


def test_codes_that_look_like_numbers_or_dates_stay_text():
    pathway = load_pathway(
        HEAD + "requires:\n  all: [{achievement: '101'}, {achievement: '2024-01-01'}, {pathway: 'yes'}]\n"
    )
    assert load_pathway(dump_yaml(pathway)) == pathway


def test_dump_writes_ids_only_where_they_differ_from_the_path():
    pathway = load_pathway(
        HEAD + "requires:\n  all:\n    - achievement: A\n    - id: b\n      achievement: B\n"
    )
    assert pathway_to_dict(pathway)["requires"] == {
        "all": [{"achievement": "A"}, {"id": "b", "achievement": "B"}]
    }


CODES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, object]:
    """Random valid pathway documents (the file format as plain data)."""
    counter = iter(range(10_000))

    def common(node: dict[str, object]) -> dict[str, object]:
        if draw(st.booleans()):
            node["id"] = f"n{next(counter)}"
        if draw(st.booleans()):
            node["label"] = draw(CODES)
        if draw(st.integers(0, 3)) == 0:
            node["within_months"] = draw(st.integers(1, 120))
        if draw(st.integers(0, 3)) == 0:
            node["not_expired"] = True
        if draw(st.integers(0, 3)) == 0:
            node["shared"] = True
        return node

    def leaf() -> dict[str, object]:
        kind = draw(
            st.sampled_from(
                ["achievement", "achievement+", "competency", "competency+", "pathway", "credits"]
            )
        )
        if kind == "achievement":
            return common({"achievement": draw(CODES)})
        if kind == "achievement+":
            return common({"achievement": {"code": draw(CODES), "min_result": draw(AMOUNTS)}})
        if kind == "competency":
            return common({"competency": draw(CODES)})
        if kind == "competency+":
            return common({"competency": {"id": draw(CODES), "min_level": draw(st.integers(1, 8))}})
        if kind == "pathway":
            return common({"pathway": draw(CODES)})
        low = draw(AMOUNTS)
        body: dict[str, object] = {"min": low}
        if draw(st.booleans()):
            body["max"] = low + draw(AMOUNTS)
        if draw(st.booleans()):
            body["pool"] = {
                "tags": draw(st.lists(CODES, max_size=3)),
                "levels": draw(st.lists(st.integers(0, 8), max_size=3)),
                "min_level": draw(st.integers(0, 8)),
            }
        return common({"credits": body})

    def node(depth: int) -> dict[str, object]:
        if depth >= 4 or draw(st.integers(0, 2)) == 0:
            return leaf()
        children = [node(depth + 1) for _ in range(draw(st.integers(1, 4)))]
        kind = draw(st.sampled_from(["all", "any", "n_of"]))
        if kind == "n_of":
            return common({"n_of": {"n": draw(st.integers(1, len(children))), "of": children}})
        return common({kind: children})

    doc: dict[str, object] = {"id": draw(CODES), "name": draw(CODES), "awards": draw(CODES)}
    if draw(st.booleans()):
        doc["version"] = draw(st.integers(1, 50))
    if draw(st.booleans()):
        doc["description"] = draw(st.text(max_size=40))
    doc["requires"] = node(1)
    return doc


def _json_ready(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


@settings(max_examples=150, deadline=None)
@given(documents())
def test_random_valid_trees_round_trip(doc):
    first = load_pathway(json.dumps(_json_ready(doc)), format="json")
    assert load_pathway(dump_yaml(first)) == first
    assert load_pathway(dump_json(first), format="json") == first
    again = load_pathway(dump_yaml(first))
    assert pathway_to_dict(again) == pathway_to_dict(first)
    jsonschema.Draft202012Validator(schema()).validate(json.loads(dump_json(first)))
