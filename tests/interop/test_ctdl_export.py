"""CTDL export: pathways publish as CTDL Pathway graphs that read back (through the CTDL
importer) to the same requirements; achievements publish as CTDL credentials."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from credstack.domain.achievement import (
    Achievement,
    AchievementKind,
    Alignment,
    CreditConversion,
    CreditUnit,
    CreditValue,
    Money,
)
from credstack.domain.pathways.model import Node
from credstack.interop.ctdl_export import achievement_ctdl, pathway_ctdl
from credstack.interop.pathway_file import read_pathway_file
from credstack.interop.pathway_import import from_ctdl_pathway

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "pathways"


def normal(node: Node) -> tuple[object, ...]:
    """The requirement's meaning: all = n of n, single-child groups collapsed, children unordered."""
    if node.is_leaf:
        key = node.achievement if node.type in ("achievement", "pathway") else node.min_credits
        return ("credits" if node.type == "credits" else "award", str(key))
    children = [normal(c) for c in node.children]
    if node.required == 1 and len(children) == 1:
        return children[0]
    return ("n_of", node.required, tuple(sorted(map(repr, children))))


@pytest.mark.parametrize("name", ["certificate-data-analytics.yaml", "diploma-digital-business.yaml"])
def test_a_pathway_reads_back_to_the_same_requirements(name):
    pathway = read_pathway_file(EXAMPLES / name)
    graph = pathway_ctdl(pathway, base="https://credstack.test", achievement_urls={})
    assert graph["@context"] == "https://credreg.net/ctdl/schema/context/json"
    types = [n["@type"] for n in graph["@graph"]]
    assert types[0] == "ceterms:Pathway" and "ceterms:ComponentCondition" in types
    back = from_ctdl_pathway(json.dumps(graph))
    assert back.name == pathway.name
    assert normal(back.root) == normal(pathway.root)


def test_an_achievement_as_a_ctdl_credential():
    a = Achievement(
        "MC-1",
        "Data cleaning",
        AchievementKind.MICRO_CREDENTIAL,
        description="Clean data.",
        criteria="Pass.",
        credits=CreditValue(Decimal(3), CreditUnit.CREDIT_HOURS),
        price=Money(Decimal(290)),
        alignments=[Alignment("c-1", 2)],
    )
    node = achievement_ctdl(
        a,
        url="https://x.test/achievements/1",
        owner="https://x.test",
        conversion=CreditConversion(Decimal(2)),
        competencies={"c-1": "https://x.test/c/1"},
    )
    assert node["@type"] == "ceterms:MicroCredential" and node["ceterms:ctid"].startswith("ce-")
    assert node["ceterms:creditValue"][0]["qdata:value"] == 6
    assert node["ceterms:estimatedCost"][0]["ceterms:price"] == 290
    assert (
        node["ceterms:requires"][0]["ceterms:targetCompetency"][0]["ceterms:targetNode"]
        == "https://x.test/c/1"
    )
