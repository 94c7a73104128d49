"""Write a :class:`Pathway` in the pathway file format, so that reading it back gives it again.

A node's ``id`` is written only when it differs from the node's path (the id the reader would
give it anyway), and a number is written as a YAML/JSON number unless that would lose digits,
in which case it is written as decimal text (which the reader accepts).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from credstack.domain.pathways.model import Node, Pathway, Pool


def pathway_to_dict(pathway: Pathway) -> dict[str, Any]:
    """The pathway as plain data in the file format (JSON- and YAML-ready)."""
    out: dict[str, Any] = {"id": pathway.id, "name": pathway.name, "awards": pathway.awards}
    out["version"] = pathway.version
    if pathway.description:
        out["description"] = pathway.description
    out["requires"] = _node(pathway.root, "requires")
    return out


class _Dumper(yaml.SafeDumper):
    """Block style, except that a list of plain values is written on one line: ``tags: [a, b]``."""

    def represent_list(self, data: Any) -> yaml.SequenceNode:
        flow = bool(data) and all(isinstance(v, str | int | float) for v in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    def represent_text(self, data: Any) -> yaml.ScalarNode:
        # PyYAML reads U+0085 (NEL) back as a line break: write such text with escapes.
        style = '"' if any(c in data for c in "\x85\u2028\u2029") else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _Dumper.represent_list)
_Dumper.add_representer(str, _Dumper.represent_text)


def dump_yaml(pathway: Pathway) -> str:
    return yaml.dump(pathway_to_dict(pathway), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def dump_json(pathway: Pathway) -> str:
    return json.dumps(pathway_to_dict(pathway), indent=2, ensure_ascii=False) + "\n"


def _node(node: Node, path: str) -> dict[str, Any]:
    path = f"{path}/{node.type}"
    out: dict[str, Any] = {}
    if node.id != path:
        out["id"] = node.id
    if node.label:
        out["label"] = node.label
    out[node.type] = _body(node, path)
    if node.within_months is not None:
        out["within_months"] = node.within_months
    if node.not_expired:
        out["not_expired"] = True
    if node.shared:
        out["shared"] = True
    return out


def _body(node: Node, path: str) -> Any:
    match node.type:
        case "all" | "any":
            return [_node(c, f"{path}[{i}]") for i, c in enumerate(node.children)]
        case "n_of":
            return {"n": node.n, "of": [_node(c, f"{path}/of[{i}]") for i, c in enumerate(node.children)]}
        case "credits":
            body: dict[str, Any] = {"min": _number(node.min_credits or Decimal(0))}
            if node.max_credits is not None:
                body["max"] = _number(node.max_credits)
            pool = _pool(node.pool)
            if pool:
                body["pool"] = pool
            return body
        case "achievement":
            if node.min_result is None:
                return node.achievement
            return {"code": node.achievement, "min_result": _number(node.min_result)}
        case "competency":
            if node.min_level is None:
                return node.competency
            return {"id": node.competency, "min_level": node.min_level}
    return node.achievement  # pathway


def _pool(pool: Pool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("achievements", "tags", "levels"):
        values = getattr(pool, key)
        if values:
            out[key] = sorted(values)
    if pool.min_level is not None:
        out["min_level"] = pool.min_level
    for key in ("frameworks", "kinds"):
        values = getattr(pool, key)
        if values:
            out[key] = sorted(values)
    return out


def _number(value: Decimal) -> int | float | str:
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else format(value, "f")
