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

import json
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.pathways.model import Node, NodeType, Pathway, Pool
from credstack.interop.located import Located, parse
from credstack.interop.pathway_dump import dump_json, dump_yaml, pathway_to_dict

__all__ = ["MAX_DEPTH", "dump_json", "dump_yaml", "load_pathway", "pathway_to_dict", "read_pathway_file"]

MAX_DEPTH = 32
TYPES: tuple[NodeType, ...] = ("all", "any", "n_of", "credits", "achievement", "competency", "pathway")


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of the pathway file format."""
    text = resources.files("credstack.interop").joinpath("schemas/pathway.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


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
        raise InvalidInput(sorted(builder.problems, key=_line_of), source=source)
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


def schema_problems(doc: Located) -> list[Problem]:
    """Every schema error, at the line of the value it is about."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = [p for e in validator.iter_errors(doc.plain()) for p in _explain(e, doc)]
    return sorted(set(problems), key=_line_of)


def _line_of(problem: Problem) -> tuple[int, int]:
    parts = problem.location.replace(",", "").split()
    try:
        return int(parts[1]), int(parts[3]) if len(parts) > 3 else 0
    except (IndexError, ValueError):
        return 0, 0


def _explain(error: ValidationError, doc: Located) -> list[Problem]:
    here = doc.at(list(error.absolute_path))
    rule: Any = error.schema
    expected: Any = error.validator_value
    if error.validator == "additionalProperties" and isinstance(here.value, dict):
        allowed = list(rule.get("properties", {}))
        return [
            Problem(value.key_where, f"unknown key '{key}'; allowed here: {', '.join(allowed)}")
            for key, value in here.value.items()
            if key not in allowed
        ]
    if error.validator == "oneOf" and all(set(s) == {"required"} for s in expected):
        found = [t for t in TYPES if isinstance(here.value, dict) and t in here.value]
        what = f"has {' and '.join(found)}; use one" if found else "has none"
        return [Problem(here.where, f"a requirement needs exactly one of {', '.join(TYPES)} ({what})")]
    if error.validator in ("anyOf", "oneOf") and error.context:
        # A branch whose type does not fit says nothing useful ("should be text") when another
        # branch fits the type; if none fits, say which types would.
        same = list(error.absolute_path)
        misfit = [e for e in error.context if e.validator == "type" and list(e.absolute_path) == same]
        rest = [e for e in error.context if e not in misfit]
        if rest:
            return _explain(best_match(rest), doc)
        kinds = [
            k
            for e in misfit
            for k in ([e.validator_value] if isinstance(e.validator_value, str) else e.validator_value)
        ]
        return [Problem(here.where, f"{_show(here.value)} should be {_kind(list(dict.fromkeys(kinds)))}")]
    if error.validator == "required":
        missing = [k for k in expected if isinstance(here.value, dict) and k not in here.value]
        return [Problem(here.where, f"'{k}' is missing") for k in missing]
    if error.validator == "type":
        return [Problem(here.where, f"{_show(here.value)} should be {_kind(expected)}")]
    if error.validator == "minItems":
        return [Problem(here.where, "lists no requirements; give at least one")]
    if error.validator in ("minimum", "exclusiveMinimum"):
        sign = "at least" if error.validator == "minimum" else "more than"
        return [Problem(here.where, f"{_show(here.value)} should be {sign} {expected}")]
    return [Problem(here.where, error.message)]


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if isinstance(value, str) else str(value).lower() if value is None else str(value)


def _kind(expected: str | list[str]) -> str:
    names = {
        "string": "text (quote it)",
        "integer": "a whole number",
        "object": "a mapping",
        "array": "a list",
    }
    kinds = [expected] if isinstance(expected, str) else expected
    return " or ".join(names.get(k, k) for k in kinds)


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
