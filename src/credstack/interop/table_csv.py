"""A CSV file read against a declared set of typed columns, every error named by line and column.

The outcome imports (enrolments, hires, ratings, demographics, sponsored cohorts, comparison
cohorts) share one shape: a header row, then one record per row, each cell of a known type. The
standard ``csv`` module splits the cells; this module adds what it lacks and the importers need:
header names matched case- and punctuation-insensitively with aliases, typed and range-checked
cells, and every problem of the file collected with its line and column, so that one bad file is
reported whole and nothing of it is stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.interop.course_csv import decode_text, sniff_delimiter

Parser = Callable[[str], Any]
"""Turns a non-empty cell into its value, or raises ValueError with what is wrong."""


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9:]", "", name.lower())


def text(value: str) -> str:
    return value


def email(value: str) -> str:
    value = value.lower()
    if value.count("@") != 1 or value.startswith("@") or value.endswith("@") or " " in value:
        raise ValueError(f"{value!r} is not an email address")
    return value


def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def whole(low: int | None = None, high: int | None = None) -> Parser:
    def parse(value: str) -> int:
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError(f"{value!r} is not a whole number")
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(f"{number} is out of range ({_range(low, high)})")
        return number

    return parse


def number(low: Decimal | None = None, high: Decimal | None = None) -> Parser:
    def parse(value: str) -> Decimal:
        try:
            found = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if not found.is_finite():
            raise ValueError(f"{value!r} is not a number")
        if (low is not None and found < low) or (high is not None and found > high):
            raise ValueError(f"{value} is out of range ({_range(low, high)})")
        return found

    return parse


def choice(*options: str) -> Parser:
    def parse(value: str) -> str:
        wanted = value.lower()
        if wanted not in options:
            raise ValueError(f"{value!r} is not one of {', '.join(options)}")
        return wanted

    return parse


def currency(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError(f"{value!r} is not a three-letter currency code (e.g. EUR)")
    return value.upper()


def _range(low: object, high: object) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


@dataclass(frozen=True)
class Col:
    """A column: its name in records, the header names it may have, its parser, whether a
    value is required, and what it means (for the error naming the columns and for docs)."""

    name: str
    parse: Parser = text
    required: bool = False
    aliases: tuple[str, ...] = ()
    meaning: str = ""


@dataclass(frozen=True)
class TableSpec:
    """What a file of one kind holds. ``extra`` names a prefix (e.g. ``group:``) under which
    further columns are accepted as free attributes; other unknown columns are an error."""

    kind: str
    columns: tuple[Col, ...]
    extra: str | None = None

    def column_names(self) -> str:
        return ", ".join(c.name for c in self.columns)


@dataclass(frozen=True)
class Record:
    line: int
    values: dict[str, Any]
    extra: dict[str, str] = field(default_factory=dict)

    def where(self, column: str | None = None) -> str:
        return f"line {self.line}" + (f" {column}" if column else "")


def _header(cells: list[str], spec: TableSpec, source: str) -> tuple[dict[str, int], dict[str, int]]:
    names: dict[str, Col] = {}
    for col in spec.columns:
        for alias in (col.name, *col.aliases):
            names[_key(alias)] = col
    roles: dict[str, int] = {}
    extras: dict[str, int] = {}
    problems: list[Problem] = []
    for i, raw in enumerate(cells):
        key = _key(raw)
        known = names.get(key)
        if known is not None:
            if known.name in roles:
                problems.append(Problem(f"line 1 {raw.strip()}", f"a second {known.name} column"))
            roles[known.name] = i
        elif (
            spec.extra
            and raw.strip().lower().startswith(spec.extra)
            and raw.strip()[len(spec.extra) :].strip()
        ):
            extras[raw.strip()[len(spec.extra) :].strip().lower()] = i
        elif raw.strip():
            more = f", or {spec.extra}<attribute>" if spec.extra else ""
            problems.append(
                Problem(f"line 1 {raw.strip()}", f"unknown column; expected: {spec.column_names()}{more}")
            )
    missing = [c.name for c in spec.columns if c.required and c.name not in roles]
    if missing:
        problems.append(Problem("line 1", f"missing column(s): {', '.join(missing)}"))
    if problems:
        raise InvalidInput(problems, source=source)
    return roles, extras


def read_table(data: str | bytes, spec: TableSpec, *, source: str | None = None) -> list[Record]:
    """Every row of the file as a Record, or InvalidInput naming each bad line and column."""
    records, problems = read_rows(data, spec, source=source)
    if problems:
        raise InvalidInput(problems, source=source or f"{spec.kind} CSV")
    return records


def read_rows(
    data: str | bytes, spec: TableSpec, *, source: str | None = None
) -> tuple[list[Record], list[Problem]]:
    """The rows that could be read and the problems of those that could not, so that an importer
    can add what it finds wrong with the readable ones and report the file whole. A file that
    cannot be read at all (not UTF-8, no header, unknown or missing columns) is InvalidInput."""
    source = source or f"{spec.kind} CSV"
    content = decode_text(data, source)
    reader = csv.reader(io.StringIO(content), delimiter=sniff_delimiter(content))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(Problem("line 1", "the file is empty"), source=source) from None
    except csv.Error as exc:
        raise InvalidInput(Problem("line 1", f"not readable as CSV ({exc})"), source=source) from None
    roles, extras = _header(header, spec, source)
    problems: list[Problem] = []
    records: list[Record] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"line {line}", f"not readable as CSV ({exc})"))
            break
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(f"line {line}", "more cells than the header has columns"))
            continue
        values: dict[str, Any] = {}
        bad = False
        for col in spec.columns:
            i = roles.get(col.name)
            raw = cells[i].strip() if i is not None and i < len(cells) else ""
            if not raw:
                if col.required:
                    problems.append(Problem(f"line {line} {col.name}", "is required"))
                    bad = True
                values[col.name] = None
                continue
            try:
                values[col.name] = col.parse(raw)
            except ValueError as exc:
                problems.append(Problem(f"line {line} {col.name}", str(exc)))
                bad = True
        extra = {name: cells[i].strip() for name, i in extras.items() if i < len(cells) and cells[i].strip()}
        if not bad:
            records.append(Record(line, values, extra))
    if not records and not problems:
        raise InvalidInput(Problem("line 2", "no rows: the file has a header only"), source=source)
    return records, problems
