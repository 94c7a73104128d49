"""The course catalogue CSV: the institution's existing courses and the competencies they teach.

One header row, then one row per course. Columns (header names are case-insensitive; order is
free):

| column | required | meaning |
| --- | --- | --- |
| ``code`` | yes | the course code, unique in the file |
| ``title`` (or ``name``) | yes | the course title |
| ``credits`` | no | a number (ECTS), not negative |
| ``level`` (or ``eqf``) | no | the EQF level, 1-8 |
| ``competencies`` | no | ``KEY:LEVEL`` pairs, e.g. ``DA.1.1:2; SD.1.2:3`` |

In ``competencies`` KEY is a competency's code, identifier or URI and LEVEL the proficiency
level the course reaches (1-4); pairs are separated by ``;``, ``,`` or line breaks (the split
is on the last ``:`` of a pair, so a URI key keeps its ``https:``). The file is UTF-8 (a byte
order mark is fine), separated by commas, or by semicolons or tabs when the header is. A
competency key is resolved against the institution's frameworks when the file is imported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from credstack.domain.achievement import PROFICIENCY_LEVELS
from credstack.domain.curriculum import Course
from credstack.domain.errors import InvalidInput, Problem

COLUMNS = {
    "code": "code",
    "title": "title",
    "name": "title",
    "credits": "credits",
    "level": "level",
    "eqf": "level",
    "eqflevel": "level",
    "competencies": "competencies",
}
REQUIRED = ("code", "title")
MAX_LEVEL = max(PROFICIENCY_LEVELS)
_LIST = re.compile(r"[;,\n]")


@dataclass(frozen=True)
class ParsedCourse:
    """A course as the file gives it (competency keys not yet resolved), with its line."""

    where: str  # "line 4 (BUS101)"
    course: Course


def decode_text(data: str | bytes, source: str) -> str:
    """The file as text: UTF-8, a byte order mark dropped; otherwise InvalidInput naming the byte."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(Problem(f"byte {exc.start}", "not UTF-8 text"), source=source) from exc


def sniff_delimiter(text: str) -> str:
    """Comma, or semicolon or tab when the header row uses more of those."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: list[str], source: str) -> dict[str, int]:
    roles: dict[str, int] = {}
    unknown = []
    for i, name in enumerate(cells):
        key = re.sub(r"[^a-z]", "", name.lower())
        role = COLUMNS.get(key)
        if role is None:
            if name.strip():
                unknown.append(name.strip())
            continue
        if role in roles:
            raise InvalidInput(Problem(f"line 1 {name.strip()}", f"a second {role} column"), source=source)
        roles[role] = i
    if unknown:
        allowed = "code, title, credits, level, competencies"
        raise InvalidInput(
            Problem("line 1", f"unknown column(s) {', '.join(unknown)}; expected: {allowed}"), source=source
        )
    missing = [c for c in REQUIRED if c not in roles]
    if missing:
        raise InvalidInput(Problem("line 1", f"missing column(s): {', '.join(missing)}"), source=source)
    return roles


def _competencies(value: str, where: str, problems: list[Problem]) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for part in (p.strip() for p in _LIST.split(value)):
        if not part:
            continue
        key, sep, level = part.rpartition(":")
        key = key.strip()
        if not sep or not key or not level.strip().isdigit():
            problems.append(Problem(f"{where} competencies", f"{part!r} should be KEY:LEVEL (e.g. DA.1.2:2)"))
            continue
        number = int(level)
        if not 1 <= number <= MAX_LEVEL:
            problems.append(
                Problem(f"{where} competencies", f"level of {key!r} must be 1-{MAX_LEVEL}, not {number}")
            )
        elif key in out:
            problems.append(Problem(f"{where} competencies", f"{key!r} is listed twice"))
        else:
            out[key] = number
    return tuple(out.items())


def _row(cells: list[str], roles: dict[str, int], line: int, problems: list[Problem]) -> Course | None:
    def cell(role: str) -> str:
        i = roles.get(role)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    code = cell("code")
    where = f"line {line} ({code})" if code else f"line {line}"
    before = len(problems)
    for name in REQUIRED:
        if not cell(name):
            problems.append(Problem(f"{where} {name}", "is required"))
    credits: Decimal | None = None
    if raw := cell("credits"):
        try:
            credits = Decimal(raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw)
        except InvalidOperation:
            problems.append(Problem(f"{where} credits", f"{raw!r} is not a number"))
        else:
            if not credits.is_finite() or credits < 0:
                problems.append(Problem(f"{where} credits", f"{raw!r} must be a number of at least 0"))
    level: int | None = None
    if raw := cell("level"):
        digits = raw.upper().removeprefix("EQF").strip()
        if not digits.isdigit() or not 1 <= int(digits) <= 8:
            problems.append(Problem(f"{where} level", f"{raw!r} is not an EQF level 1-8"))
        else:
            level = int(digits)
    competencies = _competencies(cell("competencies"), where, problems)
    if len(problems) > before:
        return None
    return Course(code, cell("title"), credits, level, competencies)


def parse_course_csv(data: str | bytes, *, source: str = "course catalogue") -> list[ParsedCourse]:
    """Every course of the file, or InvalidInput naming each bad line and field."""
    text = decode_text(data, source)
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(Problem("line 1", "the file is empty"), source=source) from None
    except csv.Error as exc:
        raise InvalidInput(Problem("line 1", f"not readable as CSV ({exc})"), source=source) from None
    roles = _header(header, source)
    problems: list[Problem] = []
    parsed: list[ParsedCourse] = []
    seen: dict[str, int] = {}
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
        course = _row(cells, roles, line, problems)
        if course is None:
            continue
        if course.code in seen:
            problems.append(
                Problem(
                    f"line {line} ({course.code}) code", f"duplicate code (also on line {seen[course.code]})"
                )
            )
            continue
        seen[course.code] = line
        parsed.append(ParsedCourse(f"line {line} ({course.code})", course))
    if not parsed and not problems:
        problems.append(Problem("line 2", "no courses: the file has a header only"))
    if problems:
        raise InvalidInput(problems, source=source)
    return parsed
