"""YAML or JSON text read into a tree that remembers where every value is (line and column).

Errors about a hand-written file must name the line. PyYAML's composer gives every node a
start mark, so YAML is composed (not constructed) and converted here. The standard ``json``
module reports positions only for syntax errors, so JSON is read twice: ``json.loads`` first
(the exact JSON rules, and its line and column when the text is not JSON), then a small
recursive-descent pass over the same, now known-valid, text that records where each key and
value starts. Strings in that pass are read with ``json.decoder.scanstring``, the decoder's own
string scanner, so escapes and positions agree with ``json.loads``.

Numbers that are not integers become ``Decimal`` (from their text, so nothing is lost to binary
floating point); YAML dates and custom tags stay text. Nesting depth and the number of values
are bounded, which also defuses YAML alias bombs.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import yaml
from yaml.constructor import SafeConstructor

from credstack.domain.errors import InvalidInput, Problem

MAX_NESTING = 200
MAX_VALUES = 100_000
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


@dataclass
class Located:
    """A value and where it starts; a mapping's children also know where their key is."""

    value: Any  # dict[str, Located] | list[Located] | str | int | Decimal | bool | None
    line: int
    column: int
    key_line: int = 0
    key_column: int = 0

    @property
    def where(self) -> str:
        return f"line {self.line}, column {self.column}"

    @property
    def key_where(self) -> str:
        return f"line {self.key_line}, column {self.key_column}" if self.key_line else self.where

    def get(self, key: str) -> Located | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def at(self, path: Sequence[str | int]) -> Located:
        """The deepest value along a path of keys and indices (as far as the path exists)."""
        here = self
        for step in path:
            found: Located | None = None
            if isinstance(here.value, dict) and isinstance(step, str):
                found = here.value.get(step)
            elif isinstance(here.value, list) and isinstance(step, int) and 0 <= step < len(here.value):
                found = here.value[step]
            if found is None:
                break
            here = found
        return here

    def plain(self) -> Any:
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def parse(text: str | bytes, *, source: str, format: Literal["yaml", "json"] | None = None) -> Located:
    """Parse YAML or JSON (``format``; if None: JSON when the text starts with ``{`` and is JSON)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(Problem(f"byte {exc.start}", "not UTF-8 text"), source=source) from exc
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InvalidInput(Problem("line 1", "the file is empty"), source=source)
    if format == "yaml" or (format is None and not text.lstrip().startswith("{")):
        return _Yaml(source).parse(text)
    try:
        return _Json(text, source).parse()
    except InvalidInput as not_json:
        if format == "json":
            raise
        try:  # a YAML flow mapping also starts with "{"
            return _Yaml(source).parse(text)
        except InvalidInput:
            raise not_json from None


class _Limits:
    def __init__(self, source: str) -> None:
        self.source, self.count = source, 0

    def check(self, depth: int, line: int, column: int) -> None:
        self.count += 1
        where = f"line {line}, column {column}"
        if depth > MAX_NESTING:
            raise InvalidInput(
                Problem(where, f"nested more than {MAX_NESTING} levels deep"), source=self.source
            )
        if self.count > MAX_VALUES:
            raise InvalidInput(Problem(where, f"more than {MAX_VALUES} values"), source=self.source)


class _Yaml(_Limits):
    _constructor = SafeConstructor()

    def parse(self, text: str) -> Located:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "line 1"
            raise InvalidInput(
                Problem(where, f"invalid YAML: {exc.problem or exc.context}"), source=self.source
            ) from exc
        except yaml.YAMLError as exc:
            raise InvalidInput(Problem("line 1", f"invalid YAML: {exc}"), source=self.source) from exc
        except RecursionError as exc:
            raise InvalidInput(Problem("line 1", "nested too deeply"), source=self.source) from exc
        if node is None:
            raise InvalidInput(Problem("line 1", "the file is empty"), source=self.source)
        return self.convert(node, 1)

    def convert(self, node: yaml.Node, depth: int) -> Located:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        self.check(depth, line, column)
        if isinstance(node, yaml.MappingNode):
            entries: dict[str, Located] = {}
            for key_node, value_node in node.value:
                kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    raise InvalidInput(
                        Problem(f"line {kline}, column {kcol}", "a key must be plain text"),
                        source=self.source,
                    )
                key = str(key_node.value)
                if key in entries:
                    first = entries[key].key_line
                    raise InvalidInput(
                        Problem(
                            f"line {kline}, column {kcol}", f"duplicate key '{key}' (first on line {first})"
                        ),
                        source=self.source,
                    )
                child = self.convert(value_node, depth + 1)
                child.key_line, child.key_column = kline, kcol
                entries[key] = child
            return Located(entries, line, column)
        if isinstance(node, yaml.SequenceNode):
            return Located([self.convert(n, depth + 1) for n in node.value], line, column)
        if not isinstance(node, yaml.ScalarNode):
            raise InvalidInput(
                Problem(f"line {line}, column {column}", "unreadable value"), source=self.source
            )
        return Located(self._scalar(node), line, column)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag, raw = node.tag, str(node.value)
        if tag.endswith(":int"):
            return self._constructor.construct_yaml_int(node)
        if tag.endswith(":float"):
            return _decimal(raw.replace("_", "")) or raw
        if tag.endswith(":bool"):
            return self._constructor.construct_yaml_bool(node)
        if tag.endswith(":null"):
            return None
        return raw  # str, and dates or custom tags kept as the text written


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class _Json(_Limits):
    def __init__(self, text: str, source: str) -> None:
        super().__init__(source)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def parse(self) -> Located:
        try:
            json.loads(self.text, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise InvalidInput(Problem(where, f"invalid JSON: {exc.msg}"), source=self.source) from exc
        except ValueError as exc:  # NaN / Infinity
            raise InvalidInput(Problem("line 1", f"invalid JSON: {exc}"), source=self.source) from exc
        except RecursionError as exc:
            raise InvalidInput(Problem("line 1", "nested too deeply"), source=self.source) from exc
        value, _ = self.value(_WS.match(self.text, 0).end(), 1)  # type: ignore[union-attr]
        return value

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def skip(self, offset: int) -> int:
        return _WS.match(self.text, offset).end()  # type: ignore[union-attr]

    def value(self, at: int, depth: int) -> tuple[Located, int]:
        line, column = self.position(at)
        self.check(depth, line, column)
        char = self.text[at]
        if char == "{":
            entries: dict[str, Located] = {}
            at = self.skip(at + 1)
            while self.text[at] != "}":
                kline, kcol = self.position(at)
                key, at = json.decoder.scanstring(self.text, at + 1)  # type: ignore[attr-defined]
                if key in entries:
                    where = f"line {kline}, column {kcol}"
                    problem = Problem(where, f"duplicate key '{key}' (first on line {entries[key].key_line})")
                    raise InvalidInput(problem, source=self.source)
                at = self.skip(self.skip(at) + 1)  # past the colon
                child, at = self.value(at, depth + 1)
                child.key_line, child.key_column = kline, kcol
                entries[key] = child
                at = self.skip(at)
                at = self.skip(at + 1) if self.text[at] == "," else at
            return Located(entries, line, column), at + 1
        if char == "[":
            items: list[Located] = []
            at = self.skip(at + 1)
            while self.text[at] != "]":
                child, at = self.value(at, depth + 1)
                items.append(child)
                at = self.skip(at)
                at = self.skip(at + 1) if self.text[at] == "," else at
            return Located(items, line, column), at + 1
        if char == '"':
            text, end = json.decoder.scanstring(self.text, at + 1)  # type: ignore[attr-defined]
            return Located(text, line, column), end
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, at):
                return Located(literal, line, column), at + len(word)
        match = _NUMBER.match(self.text, at)
        if match is None:  # cannot happen: the text passed json.loads
            raise InvalidInput(Problem(f"line {line}, column {column}", "invalid JSON"), source=self.source)
        token = match.group(0)
        number: int | Decimal = Decimal(token) if match.group(1) or match.group(2) else int(token)
        return Located(number, line, column), match.end()


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
