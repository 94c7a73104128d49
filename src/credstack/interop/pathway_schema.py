"""The published JSON Schema of pathway files, and its errors said at the line they are about.

Each schema error is mapped back through the located tree to the value it concerns (or, for an
unknown key, to the key), and worded for a person: an unknown key lists the keys allowed there;
a requirement without exactly one type key says which it has; of a choice of shapes ("a code, or
{code, min_result}"), the shape that fits the value's type is the one explained.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from credstack.domain.errors import Problem
from credstack.domain.pathways.model import NodeType
from credstack.interop.located import Located

TYPES: tuple[NodeType, ...] = ("all", "any", "n_of", "credits", "achievement", "competency", "pathway")


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of the pathway file format."""
    text = resources.files("credstack.interop").joinpath("schemas/pathway.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_problems(doc: Located) -> list[Problem]:
    """Every schema error, at the line of the value it is about."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = [p for e in validator.iter_errors(doc.plain()) for p in _explain(e, doc)]
    return sorted(set(problems), key=line_order)


def line_order(problem: Problem) -> tuple[int, int]:
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
        kinds: list[str] = []
        for misfit_error in misfit:
            wanted: Any = misfit_error.validator_value
            kinds += [wanted] if isinstance(wanted, str) else list(wanted)
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
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return repr(value) if isinstance(value, str) else str(value)


def _kind(expected: str | list[str]) -> str:
    names = {
        "string": "text (quote it)",
        "integer": "a whole number",
        "object": "a mapping",
        "array": "a list",
    }
    kinds = [expected] if isinstance(expected, str) else expected
    return " or ".join(names.get(k, k) for k in kinds)
