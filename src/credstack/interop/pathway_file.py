"""Pathway files (YAML or JSON): read into :class:`Pathway`, with every error naming its line.

The format is documented in ``docs/pathways.md`` and published as a JSON Schema
(``schemas/pathway.schema.json``, draft 2020-12). Reading goes in three steps, each reporting
every problem it finds with the line and column:

1. the text is parsed into a tree that knows where each value is (:mod:`located`);
2. the tree is validated against the published schema, and each schema error is mapped back
   to the line of the value (or, for an unknown key, of the key) it is about;
3. the rules a schema cannot say are checked while the :class:`Node` tree is built: ``n`` of
   ``n_of`` at most the number of children, credits ``max`` at least ``min``, node ids unique
   (the given ``id``, else the node's path such as ``requires/all[2]/n_of``), and a depth limit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.pathways.model import Node, NodeType, Pathway, Pool
from credstack.interop.located import Located, parse
from credstack.interop.pathway_dump import dump_json, dump_yaml, pathway_to_dict
from credstack.interop.pathway_schema import TYPES, line_order, schema, schema_problems

__all__ = [
    "MAX_DEPTH",
    "dump_json",
    "dump_yaml",
    "load_pathway",
    "pathway_to_dict",
    "read_pathway_file",
    "schema",
]

MAX_DEPTH = 32


def read_pathway_file(path: str | Path) -> Pathway:
    """Read a ``.yaml``/``.yml`` or ``.json`` pathway file."""
    path = Path(path)
    fmt: Literal["yaml", "json"] | None = "json" if path.suffix.lower() == ".json" else None
    return load_pathway(path.read_bytes(), source=path.name, format=fmt)


def load_pathway(
    text: str | bytes, *, source: str = "pathway", format: Literal["yaml", "json"] | None = None
) -> Pathway:
    """Read a pathway from YAML or JSON text; raise :class:`InvalidInput` naming every bad line."""
    doc = parse(text, source=source, format=format)
    if not isinstance(doc.value, dict):
        raise InvalidInput(
            Problem(doc.where, "a pathway file is a mapping (id, name, awards, requires)"), source=source
        )
    deep = _too_deep(doc.get("requires"), 1)
    if deep is not None:
        raise InvalidInput(
            Problem(deep.where, f"requirements nested more than {MAX_DEPTH} deep"), source=source
        )
    problems = schema_problems(doc)
    if problems:
        raise InvalidInput(problems, source=source)
    builder = _Builder()
    root = builder.node(doc.value["requires"], "requires")
    if builder.problems:
        raise InvalidInput(sorted(builder.problems, key=line_order), source=source)
    return Pathway(
        id=doc.value["id"].value,
        name=doc.value["name"].value,
        awards=doc.value["awards"].value,
        root=root,
        version=doc.value["version"].value if "version" in doc.value else 1,
        description=doc.value["description"].value if "description" in doc.value else "",
    )


def _too_deep(node: Located | None, depth: int) -> Located | None:
    """The first requirement deeper than MAX_DEPTH (checked before the recursive schema)."""
    if node is None or not isinstance(node.value, dict):
        return None
    if depth > MAX_DEPTH:
        return node
    kids: list[Located] = []
    for key in ("all", "any"):
        if isinstance(getattr(node.get(key), "value", None), list):
            kids += node.value[key].value
    n_of = node.get("n_of")
    if n_of is not None and isinstance(getattr(n_of.get("of"), "value", None), list):
        kids += n_of.value["of"].value
    return next((d for d in (_too_deep(k, depth + 1) for k in kids) if d is not None), None)


class _Builder:
    """Turns a schema-valid tree into Nodes, checking what the schema cannot."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.ids: dict[str, int] = {}

    def node(self, at: Located, path: str) -> Node:
        entries: dict[str, Located] = at.value
        kind: NodeType = next(t for t in TYPES if t in entries)
        body = entries[kind]
        path = f"{path}/{kind}"
        node_id: str = entries["id"].value if "id" in entries else path
        where = entries["id"].where if "id" in entries else body.key_where
        line = entries["id"].line if "id" in entries else body.key_line
        if node_id in self.ids:
            first = self.ids[node_id]
            self.problems.append(Problem(where, f"duplicate id '{node_id}' (also on line {first})"))
        else:
            self.ids[node_id] = line
        common: dict[str, Any] = {
            "label": entries["label"].value if "label" in entries else "",
            "within_months": entries["within_months"].value if "within_months" in entries else None,
            "not_expired": entries["not_expired"].value if "not_expired" in entries else False,
            "shared": entries["shared"].value if "shared" in entries else False,
        }
        return Node(id=node_id, type=kind, **common, **self.body(kind, body, path))

    def body(self, kind: NodeType, body: Located, path: str) -> dict[str, Any]:
        value = body.value
        if kind in ("all", "any"):
            return {"children": tuple(self.node(c, f"{path}[{i}]") for i, c in enumerate(value))}
        if kind == "n_of":
            of = value["of"].value
            children = tuple(self.node(c, f"{path}/of[{i}]") for i, c in enumerate(of))
            n: int = value["n"].value
            if n > len(of):
                self.problems.append(
                    Problem(value["n"].where, f"n is {n} but only {len(of)} requirements are listed")
                )
            return {"children": children, "n": n}
        if kind == "credits":
            low = self.amount(value["min"], positive=True)
            high = self.amount(value["max"], positive=True) if "max" in value else None
            if low is not None and high is not None and high < low:
                self.problems.append(Problem(value["max"].where, f"max {high} is less than min {low}"))
            return {"min_credits": low, "max_credits": high, "pool": self.pool(value.get("pool"))}
        if kind == "achievement":
            if isinstance(value, str):
                return {"achievement": value}
            result = self.amount(value["min_result"]) if "min_result" in value else None
            return {"achievement": value["code"].value, "min_result": result}
        if kind == "competency":
            if isinstance(value, str):
                return {"competency": value}
            level = value["min_level"].value if "min_level" in value else None
            return {"competency": value["id"].value, "min_level": level}
        return {"achievement": value}  # pathway: the achievement the other pathway awards

    def amount(self, at: Located, *, positive: bool = False) -> Decimal | None:
        try:
            number = Decimal(str(at.value))
        except InvalidOperation:
            self.problems.append(Problem(at.where, f"{at.value!r} is not a number"))
            return None
        if positive and number <= 0:
            self.problems.append(Problem(at.where, f"{number} should be more than 0"))
        return number

    def pool(self, at: Located | None) -> Pool:
        if at is None:
            return Pool()
        entries: dict[str, Located] = at.value

        def items(key: str) -> list[Any]:
            return [v.value for v in entries[key].value] if key in entries else []

        return Pool(
            achievements=frozenset(items("achievements")),
            tags=frozenset(items("tags")),
            levels=frozenset(items("levels")),
            min_level=entries["min_level"].value if "min_level" in entries else None,
            frameworks=frozenset(items("frameworks")),
            kinds=frozenset(items("kinds")),
        )
