"""Small readings of CTDL nodes that the pathway importer needs: what a component is called,
which achievement it stands for, whether it is a credential, and which credit amounts a
condition asks for (a ConditionProfile's credit values, or a Constraint summing credit values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from credstack.domain.pathways.model import Node
from credstack.interop.ctdl_graph import Graph, as_list, number, refs, text, types

CREDENTIAL_WORDS = ("Credential", "Certificate", "Certification", "Degree", "Diploma", "Badge", "License")
CREDIT_SOURCES = ("value", "creditvalue", "creditunitvalue")


def is_credential(node: Mapping[str, Any]) -> bool:
    """A CredentialComponent or a credential class (Certification, MasterDegree, DigitalBadge...)."""
    return any(
        t == "CredentialComponent" or (not t.endswith("Component") and t.endswith(CREDENTIAL_WORDS))
        for t in types(node)
        if t != "Pathway"
    )


def key(node: Mapping[str, Any]) -> str:
    """The achievement a component stands for: its sourceData (a badge URL), proxyFor, CTID or @id."""
    for name in ("sourceData", "proxyFor", "ctid", "@id"):
        value = text(node.get(name))
        if value:
            return value
    return str(node["@id"])


def label(node: Mapping[str, Any]) -> str:
    """Name, with the course code in front when there is one (``COMP B11 Programming...``)."""
    name = text(node.get("name")) or ""
    code = text(node.get("codedNotation")) or text(node.get("codeNotation"))
    if code and code not in name:
        return f"{code} {name}".strip()
    return name or text(node.get("description")) or ""


def short(value: Any) -> str:
    """A vocabulary term by its last part (``https://purl.org/ctdl/vocabs/compare/GTEQ`` -> ``GTEQ``)."""
    if isinstance(value, bool):
        return str(value).lower()
    word = text(value) or ""
    return re.split(r"[/:#]", word.rstrip("/"))[-1] if re.match(r"^[\w.+-]*:", word) else word


def competency(ref: Any, node_id: str) -> Node:
    """A ``targetCompetency`` (a CredentialAlignmentObject or a reference) as a competency node."""
    target = ref if isinstance(ref, dict) else {"targetNode": ref}
    identifier = (
        text(target.get("targetNode")) or text(target.get("@id")) or text(target.get("targetNodeName"))
    )
    name = text(target.get("targetNodeName")) or ""
    return Node(id=node_id, type="competency", competency=identifier or node_id, label=name)


def credit_amounts(
    graph: Graph, cond: Mapping[str, Any], where: str
) -> tuple[list[tuple[Decimal, Decimal | None]], list[str]]:
    """The credits a condition asks for (at least, and at most when a range is given), and the
    constraints that cannot be checked from held awards, as text."""
    amounts: list[tuple[Decimal, Decimal | None]] = []
    for name in ("creditValue", "creditUnitValue", "creditHourValue"):
        for value in as_list(cond.get(name)):
            at = f"{where}.{name}"
            low = number(value, where=at, source=graph.source)
            high = (
                number(value.get("maxValue"), where=at, source=graph.source)
                if isinstance(value, dict)
                else None
            )
            if low is not None and low > 0:
                amounts.append((low, high if high is not None and high >= low else None))
    unchecked: list[str] = []
    for ref in refs(cond.get("hasConstraint")):
        constraint = graph.resolve(ref) or {}
        amount = _credit_sum(constraint, where, graph.source)
        if amount is not None:
            amounts.append((amount, None))
        else:
            right = ", ".join(short(v) for v in as_list(constraint.get("rightSource")))
            unchecked.append(
                f"{short(constraint.get('leftSource'))} {short(constraint.get('comparator'))} {right}"
            )
    return amounts, unchecked


def _credit_sum(constraint: Mapping[str, Any], where: str, source: str) -> Decimal | None:
    """N from a Constraint "sum of credit values >= N" (GTEQ, GT or EQ); None for any other."""

    def word(name: str) -> str:
        return short(constraint.get(name)).lower()

    if word("leftAction") != "sum" or word("leftSource") not in CREDIT_SOURCES:
        return None
    if word("comparator") not in ("gteq", "gt", "eq"):
        return None
    return number(constraint.get("rightSource"), where=f"{where}.rightSource", source=source)
