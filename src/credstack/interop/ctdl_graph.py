"""CTDL JSON-LD read as one simple graph, whatever shape the publisher used.

Accepted: ``{"@graph": [...]}`` (compact, as the Credential Registry publishes it), a list of
nodes (expanded JSON-LD, full IRIs and ``{"@value": ...}`` wrappers), or a single record. Keys
are reduced to their local names (``ceterms:name``, ``https://purl.org/ctdl/terms/name`` and
``name`` are all ``name``); ``{"@id": x}`` becomes ``x``; ``{"@value": v}`` becomes ``v``; a
language map or a list of language-tagged texts becomes the English (else the first) text.
Two nodes with the same ``@id`` are one node (JSON-LD merges them). A reference resolves by
``@id``, then by CTID, then by its last path segment, so ``ce-...`` CTIDs, registry URLs and
``res:ce-...`` compact IRIs meet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.interop.jsonfile import loads

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
CtdlNode = dict[str, Any]


def local(name: str) -> str:
    """``ceterms:name``, ``https://purl.org/ctdl/terms/name``, ``:name`` -> ``name``."""
    return name if name.startswith("@") else re.split(r"[/#:]", name)[-1]


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 else items
    if not isinstance(value, Mapping):
        return value
    keys = set(value)
    if "@value" in value:
        return value["@value"]
    if keys == {"@id"}:
        return value["@id"]
    if "@list" in value:
        return _normal(value["@list"])
    if keys and all(_LANGUAGE.match(k) for k in keys):  # a language map
        return text(
            next((value[k] for k in ("en", "en-US", "en-GB") if value.get(k)), None) or list(value.values())
        )
    out: CtdlNode = {}
    for key, item in value.items():
        name = local(str(key))
        item = [local(str(t)) for t in as_list(item)] if name == "@type" else _normal(item)
        out.setdefault(name, item)
    return out


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def refs(value: Any) -> list[Any]:
    """The references a property holds: identifiers (str) or inline nodes (dict)."""
    return [v for v in as_list(value) if isinstance(v, str | dict) and v != ""]


def text(value: Any) -> str | None:
    """The first text in a value (a string, a list of them, a number)."""
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, int | float | Decimal) and not isinstance(item, bool):
            return str(item)
    return None


def number(value: Any, *, where: str, source: str) -> Decimal | None:
    """A number written as a number, as text ("3"), or as a QuantitativeValue / ValueProfile."""
    for item in as_list(value):
        if isinstance(item, dict):
            for key in ("value", "minValue", "creditUnitValue", "maxValue"):
                if key in item:
                    return number(item[key], where=where, source=source)
            continue
        if item is None or isinstance(item, bool) or item == "":
            continue
        try:
            return Decimal(str(item).strip())
        except InvalidOperation:
            raise InvalidInput(Problem(where, f"{item!r} is not a number"), source=source) from None
    return None


class Graph:
    """The nodes of a CTDL document, in document order, with references resolvable."""

    def __init__(self, data: str | bytes | Mapping[str, Any] | list[Any], *, source: str) -> None:
        doc = loads(data, source=source) if isinstance(data, str | bytes) else data
        self.source = source
        raw = self._flatten(doc)
        if not raw:
            raise InvalidInput(
                Problem("(root)", "no JSON-LD nodes (expected @graph, a list or an object)"), source=source
            )
        self.nodes: list[CtdlNode] = []
        self.by_id: dict[str, CtdlNode] = {}
        for index, item in enumerate(raw):
            node = _normal(item)
            if not isinstance(node, dict):
                continue
            node_id = text(node.get("@id")) or f"_:node{index}"
            node["@id"] = node_id
            if node_id in self.by_id:
                _merge(self.by_id[node_id], node)
            else:
                self.by_id[node_id] = node
                self.nodes.append(node)
        self.inline = 0
        self.alias: dict[str, CtdlNode | None] = {}
        for node in self.nodes:
            for key in (text(node.get("ctid")), _tail(node["@id"])):
                if key and key != node["@id"] and self.alias.get(key) is not node:
                    self.alias[key] = node if key not in self.alias else None  # twice: ambiguous

    @staticmethod
    def _flatten(doc: Any) -> list[Any]:
        if isinstance(doc, list):
            return [n for item in doc for n in Graph._flatten(item)]
        if isinstance(doc, Mapping):
            if "@graph" in doc:
                return Graph._flatten(doc["@graph"])
            return [doc]
        return []

    def resolve(self, ref: Any) -> CtdlNode | None:
        if isinstance(ref, dict):
            inner = text(ref.get("@id"))
            if inner and set(ref) <= {"@id", "@type"}:
                return self.by_id.get(inner, ref)
            if not inner:  # an inline node without an identifier: give it one, once
                self.inline += 1
                ref["@id"] = text(ref.get("ctid")) or f"_:inline{self.inline}"
            return ref
        if not isinstance(ref, str):
            return None
        return self.by_id.get(ref) or self.alias.get(ref) or self.alias.get(_tail(ref) or "")

    def of_type(self, *names: str) -> list[CtdlNode]:
        return [n for n in self.nodes if set(n.get("@type", [])) & set(names)]


def types(node: Mapping[str, Any]) -> list[str]:
    return [str(t) for t in as_list(node.get("@type"))]


def _tail(identifier: str) -> str | None:
    tail = re.split(r"[/:#]", identifier.rstrip("/"))[-1]
    return tail or None


def _merge(into: CtdlNode, other: CtdlNode) -> None:
    for key, value in other.items():
        if key not in into:
            into[key] = value
        elif key not in ("@id", "@type") and into[key] != value:
            into[key] = [*as_list(into[key]), *[v for v in as_list(value) if v not in as_list(into[key])]]
        elif key == "@type":
            into[key] = [*into[key], *[t for t in value if t not in into[key]]]
