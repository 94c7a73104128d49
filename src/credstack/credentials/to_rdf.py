"""Expanded JSON-LD to an RDF dataset: https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm

The spec goes through a node map; because the dataset is canonicalised next (RDFC-1.0
relabels every blank node), walking the expanded tree and emitting each quad once gives the
same dataset, so we do that. Quads are 4-tuples of N-Quads terms (``<iri>``, ``_:label``,
``"literal"``; graph ``""`` for the default graph). Relative IRIs and blank-node predicates
are errors (the reference's safe mode), never dropped.
"""

from __future__ import annotations

from typing import Any

from credstack.credentials.errors import UnsafeJsonLd
from credstack.credentials.jsonld_context import ABSOLUTE_IRI
from credstack.credentials.rdf_terms import RDF, iri, value_object

Quad = tuple[str, str, str, str]
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = (iri(RDF + t) for t in ("type", "first", "rest", "nil"))


class DatasetBuilder:
    """Collects the quads of one expanded document (duplicates collapse: a dataset is a set)."""

    def __init__(self) -> None:
        self.quads: dict[Quad, None] = {}
        self._labels: dict[str, str] = {}
        self._count = 0

    def add_document(self, expanded: list[Any]) -> list[Quad]:
        for node in expanded:
            self._node(node, "")
        return list(self.quads)

    def _fresh(self) -> str:
        self._count += 1
        return f"_:b{self._count}"

    def _blank(self, label: str) -> str:
        """The document's own blank node labels, renamed so they cannot meet ours."""
        if label not in self._labels:
            self._labels[label] = self._fresh()
        return self._labels[label]

    def _reference(self, value: str, code: str) -> str:
        if value.startswith("_:"):
            return self._blank(value)
        if not ABSOLUTE_IRI.match(value):
            raise UnsafeJsonLd(code, value)
        return iri(value)

    def _node(self, node: dict[str, Any], graph: str, code: str = "relative subject reference") -> str:
        subject = self._reference(node["@id"], code) if "@id" in node else self._fresh()
        for type_iri in node.get("@type", ()):
            self.quads[(subject, RDF_TYPE, self._reference(type_iri, "relative @type reference"), graph)] = (
                None
            )
        if "@graph" in node:
            for inner in node["@graph"]:
                self._node(inner, subject)
        for prop, values in node.items():
            if prop[0] == "@":
                continue
            if prop.startswith("_:"):
                raise UnsafeJsonLd("blank node predicate", prop)
            predicate = iri(prop)
            for value in values:
                self.quads[(subject, predicate, self._object(value, graph), graph)] = None
        return subject

    def _object(self, value: dict[str, Any], graph: str) -> str:
        if "@value" in value:
            return value_object(value)
        if "@list" in value:
            return self._list(value["@list"], graph)
        return self._node(value, graph, "relative object reference")

    def _list(self, items: list[Any], graph: str) -> str:
        if not items:
            return RDF_NIL
        cells = [self._fresh() for _ in items]
        for index, item in enumerate(items):
            rest = cells[index + 1] if index + 1 < len(cells) else RDF_NIL
            self.quads[(cells[index], RDF_FIRST, self._object(item, graph), graph)] = None
            self.quads[(cells[index], RDF_REST, rest, graph)] = None
        return cells[0]
