"""Publish achievements and pathways as Credential Engine CTDL JSON-LD.

Achievements become CTDL credentials (``ceterms:MicroCredential``, ``ceterms:Certificate``,
``ceterms:Diploma``) with their credit value (``qdata:ValueProfile`` in ECTS), cost and the
competencies they require; a pathway becomes a ``ceterms:Pathway`` whose destination component
``hasCondition`` a tree of ``ceterms:ComponentCondition`` (``requiredNumber`` of its
``targetComponent`` and nested conditions), with a credits rule as a ``ceterms:Constraint``
summing credit values. Terms follow https://credreg.net/ctdl/terms; the export reads back with
credstack's CTDL importer.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from credstack.domain.achievement import Achievement, AchievementKind, CreditConversion
from credstack.domain.pathways.model import Node, Pathway

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
CTID_NAMESPACE = uuid.UUID("5d1a8b0e-3c4f-4e55-9a2d-7b6c1f0e9a31")
CREDENTIAL_TYPES = {
    AchievementKind.MICRO_CREDENTIAL: "ceterms:MicroCredential",
    AchievementKind.CERTIFICATE: "ceterms:Certificate",
    AchievementKind.DIPLOMA: "ceterms:Diploma",
    AchievementKind.DEGREE_CREDIT: "ceterms:Credential",
}


def ctid(kind: str, key: str) -> str:
    """A stable Credential Registry identifier (``ce-`` + a UUID derived from the key)."""
    return f"ce-{uuid.uuid5(CTID_NAMESPACE, f'{kind}:{key}')}"


def _text(value: str) -> dict[str, str]:
    return {"en": value}


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def achievement_ctdl(
    achievement: Achievement,
    *,
    url: str,
    owner: str,
    conversion: CreditConversion,
    competencies: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One achievement as a CTDL credential; ``competencies`` maps aligned ids to their URLs."""
    a = achievement
    node: dict[str, Any] = {
        "@id": url,
        "@type": CREDENTIAL_TYPES[a.kind],
        "ceterms:ctid": ctid("credential", url),
        "ceterms:name": _text(a.name),
        "ceterms:description": _text(a.description or a.name),
        "ceterms:subjectWebpage": url,
        "ceterms:ownedBy": [owner],
        "ceterms:codedNotation": a.code,
        "ceterms:inLanguage": ["en"],
    }
    if a.credits is not None:
        node["ceterms:creditValue"] = [
            {
                "@type": "qdata:ValueProfile",
                "qdata:value": _number(conversion.ects(a.credits)),
                "ceterms:creditUnitType": ["creditUnit:ECTSCredit"],
            }
        ]
    if a.price is not None:
        node["ceterms:estimatedCost"] = [
            {
                "@type": "ceterms:CostProfile",
                "ceterms:price": _number(a.price.amount),
                "ceterms:currency": a.price.currency,
                "ceterms:description": _text("Price per module"),
            }
        ]
    targets = [
        {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNode": (competencies or {}).get(al.competency, al.competency),
        }
        for al in a.alignments
    ]
    if a.criteria or targets:
        requires: dict[str, Any] = {
            "@type": "ceterms:ConditionProfile",
            "ceterms:description": _text(a.criteria or a.name),
        }
        if targets:
            requires["ceterms:targetCompetency"] = targets
        node["ceterms:requires"] = [requires]
    return node


class _PathwayGraph:
    def __init__(self, pathway: Pathway, base: str, achievement_urls: Mapping[str, str]) -> None:
        self.pathway, self.urls = pathway, achievement_urls
        self.base = f"{base.rstrip('/')}/pathways/{pathway.id}"
        self.nodes: list[dict[str, Any]] = []

    def url_of(self, code: str) -> str:
        return self.urls.get(code, code)

    def component(self, node: Node) -> str:
        cid = f"{self.base}/components/{node.id}"
        if node.type == "competency":
            self.nodes.append(
                {
                    "@id": cid,
                    "@type": "ceterms:CompetencyComponent",
                    "ceterms:name": _text(node.describe()),
                    "ceterms:targetCompetency": [
                        {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": node.competency}
                    ],
                }
            )
        else:
            code = node.achievement or ""
            self.nodes.append(
                {
                    "@id": cid,
                    "@type": "ceterms:CredentialComponent",
                    "ceterms:name": _text(node.label or code),
                    "ceterms:proxyFor": self.url_of(code),
                    "ceterms:codedNotation": code,
                }
            )
        return cid

    def condition(self, node: Node) -> str:
        cid = f"{self.base}/conditions/{node.id}"
        doc: dict[str, Any] = {
            "@id": cid,
            "@type": "ceterms:ComponentCondition",
            "ceterms:name": _text(node.describe()),
        }
        if node.type == "credits":
            pool = node.pool
            targets = [
                self.component(Node(f"{node.id}/{code}", "achievement", achievement=code))
                for code in sorted(pool.achievements)
            ]
            doc["ceterms:description"] = _text(
                f"At least {node.min_credits} credits"
                + (f", at most {node.max_credits} counted" if node.max_credits is not None else "")
                + (f", from modules tagged {', '.join(sorted(pool.tags))}" if pool.tags else "")
            )
            doc["ceterms:hasConstraint"] = [
                {
                    "@type": "ceterms:Constraint",
                    "ceterms:leftSource": ["ceterms:creditValue"],
                    "ceterms:leftAction": "ceterms:Sum",
                    "ceterms:comparator": "comparator:GTEQ",
                    "ceterms:rightSource": [str(node.min_credits)],
                }
            ]
            if targets:
                doc["ceterms:targetComponent"] = targets
        elif node.is_leaf:
            doc["ceterms:requiredNumber"] = 1
            doc["ceterms:targetComponent"] = [self.component(node)]
        else:
            doc["ceterms:requiredNumber"] = node.required
            leaves = [c for c in node.children if c.is_leaf and c.type != "credits"]
            inner = [c for c in node.children if not (c.is_leaf and c.type != "credits")]
            if leaves:
                doc["ceterms:targetComponent"] = [self.component(c) for c in leaves]
            if inner:
                doc["ceterms:hasCondition"] = [self.condition(c) for c in inner]
        self.nodes.append(doc)
        return cid

    def build(self) -> dict[str, Any]:
        destination = f"{self.base}/components/destination"
        root_condition = self.condition(self.pathway.root)
        self.nodes[:0] = [
            {
                "@id": self.base,
                "@type": "ceterms:Pathway",
                "ceterms:ctid": ctid("pathway", self.base),
                "ceterms:name": _text(self.pathway.name),
                "ceterms:description": _text(self.pathway.description or self.pathway.name),
                "ceterms:hasDestinationComponent": [destination],
            },
            {
                "@id": destination,
                "@type": "ceterms:CredentialComponent",
                "ceterms:name": _text(self.pathway.name),
                "ceterms:proxyFor": self.url_of(self.pathway.awards),
                "ceterms:codedNotation": self.pathway.awards,
                "ceterms:hasCondition": [root_condition],
            },
        ]
        return {"@context": CONTEXT, "@graph": self.nodes}


def pathway_ctdl(pathway: Pathway, *, base: str, achievement_urls: Mapping[str, str]) -> dict[str, Any]:
    """A pathway as a CTDL Pathway graph (JSON-LD with ``@graph``)."""
    return _PathwayGraph(pathway, base, achievement_urls).build()
