"""Achievement definitions from CSV and JSON files.

CSV: one row per achievement. Lists inside a cell are separated by ``;``; the
``competencies`` cell lists ``KEY:LEVEL`` pairs where KEY is a competency's code,
identifier or URI (e.g. ``DA.1.2:2; DA.2.1:3``). JSON: a list of objects (or
``{"achievements": [...]}``) with the same field names; ``competencies`` is a list of
``{"competency": KEY, "level": N, "framework": ID?}`` and an optional ``rubric`` object.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.domain.achievement import (
    Achievement,
    AchievementKind,
    Alignment,
    CreditUnit,
    CreditValue,
    LifecycleState,
    Money,
)
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.rubric import PassRule, PerformanceLevel, Rubric, RubricCriterion
from credstack.interop.jsonfile import loads

CSV_COLUMNS = (
    "code",
    "name",
    "kind",
    "description",
    "criteria",
    "level",
    "credits",
    "credit_unit",
    "validity_months",
    "price",
    "currency",
    "state",
    "next_review",
    "tags",
    "expected_hours",
    "employer_partners",
    "competencies",
)
REQUIRED = ("code", "name")


@dataclass(frozen=True)
class ParsedAchievement:
    """An achievement read from a file, with where it came from (row or index)."""

    where: str
    achievement: Achievement


class _Fields:
    """Typed reads from one record; every problem is recorded with the field's location."""

    def __init__(self, record: dict[str, Any], where: str, problems: list[Problem]) -> None:
        self.record = record
        self.where = where
        self.problems = problems

    def _bad(self, name: str, message: str) -> None:
        self.problems.append(Problem(f"{self.where} {name}", message))

    def text(self, name: str) -> str:
        value = self.record.get(name)
        return "" if value is None else str(value).strip()

    def optional_int(self, name: str, low: int | None = None, high: int | None = None) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            self._bad(name, f"{raw!r} is not a whole number")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self._bad(name, f"{value} is outside {low}-{high}")
        return value

    def optional_decimal(self, name: str) -> Decimal | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self._bad(name, f"{raw!r} is not a number")
            return None
        if value < 0:
            self._bad(name, "must not be negative")
        return value

    def choice(self, name: str, enum: type[Any], default: Any) -> Any:
        raw = self.text(name).lower().replace("_", "-").replace(" ", "-")
        if not raw:
            return default
        try:
            return enum(raw)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self._bad(name, f"{self.text(name)!r} is not one of: {allowed}")
            return default

    def optional_date(self, name: str) -> date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self._bad(name, f"{raw!r} is not a date (YYYY-MM-DD)")
            return None

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.record.get(name)
        if value is None:
            return ()
        if isinstance(value, list):
            return tuple(str(v).strip() for v in value if str(v).strip())
        return tuple(v.strip() for v in str(value).split(";") if v.strip())


def _alignments(value: Any, f: _Fields) -> list[Alignment]:
    out: list[Alignment] = []
    if value is None or value == "":
        return out
    if isinstance(value, str):
        for part in (p.strip() for p in value.split(";")):
            if not part:
                continue
            key, sep, level = part.rpartition(":")
            if not sep or not key.strip():
                f._bad("competencies", f"{part!r} should be KEY:LEVEL (e.g. DA.1.2:2)")
                continue
            try:
                out.append(Alignment(key.strip(), int(level)))
            except ValueError:
                f._bad("competencies", f"level {level!r} of {key.strip()!r} is not a whole number")
        return out
    if not isinstance(value, list):
        f._bad("competencies", "must be a list")
        return out
    for i, entry in enumerate(value):
        if isinstance(entry, dict) and entry.get("competency"):
            try:
                out.append(
                    Alignment(str(entry["competency"]), int(entry.get("level", 1)), entry.get("framework"))
                )
            except (TypeError, ValueError):
                f._bad(f"competencies[{i}].level", f"{entry.get('level')!r} is not a whole number")
        else:
            f._bad(f"competencies[{i}]", 'must be {"competency": KEY, "level": N}')
    return out


def _rubric(value: Any, f: _Fields) -> Rubric | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        f._bad("rubric", "must be an object")
        return None
    try:
        rule = value.get("pass_rule") or {}
        criteria = [
            RubricCriterion(
                code=str(c["code"]),
                title=str(c.get("title") or c["code"]),
                description=str(c.get("description") or ""),
                weight=Decimal(str(c.get("weight", 1))),
                competencies=tuple(str(x) for x in c.get("competencies", ())),
                levels=[
                    PerformanceLevel(
                        str(lv["name"]), Decimal(str(lv["points"])), str(lv.get("description") or "")
                    )
                    for lv in c.get("levels", ())
                ],
            )
            for c in value.get("criteria", ())
        ]
        return Rubric(
            title=str(value.get("title") or "Assessment rubric"),
            description=str(value.get("description") or ""),
            criteria=criteria,
            pass_rule=PassRule(
                min_points_each=None
                if rule.get("min_points_each") is None
                else Decimal(str(rule["min_points_each"])),
                min_percent=None if rule.get("min_percent") is None else Decimal(str(rule["min_percent"])),
                critical=tuple(rule.get("critical", ())),
            ),
        )
    except (KeyError, TypeError, InvalidOperation, AttributeError) as exc:
        f._bad("rubric", f"is malformed ({exc.__class__.__name__}: {exc})")
        return None


def _record(record: dict[str, Any], where: str, problems: list[Problem], currency: str) -> Achievement | None:
    f = _Fields(record, where, problems)
    before = len(problems)
    for name in REQUIRED:
        if not f.text(name):
            f._bad(name, "is required")
    credits = f.optional_decimal("credits")
    price = f.optional_decimal("price")
    achievement = Achievement(
        code=f.text("code"),
        name=f.text("name"),
        kind=f.choice("kind", AchievementKind, AchievementKind.MICRO_CREDENTIAL),
        description=f.text("description"),
        criteria=f.text("criteria"),
        level=f.optional_int("level", 1, 8),
        credits=CreditValue(credits, f.choice("credit_unit", CreditUnit, CreditUnit.ECTS))
        if credits is not None
        else None,
        alignments=_alignments(record.get("competencies"), f),
        validity_months=f.optional_int("validity_months", 1, 1200),
        price=Money(price, f.text("currency").upper() or currency) if price is not None else None,
        state=f.choice("state", LifecycleState, LifecycleState.DRAFT),
        next_review=f.optional_date("next_review"),
        tags=f.strings("tags"),
        expected_hours=f.optional_int("expected_hours", 0, 100000),
        employer_partners=f.strings("employer_partners"),
        rubric=_rubric(record.get("rubric"), f),
    )
    if len(problems) == before:
        problems.extend(achievement.validate(where))
    return achievement if len(problems) == before else None


def _check_duplicates(parsed: list[ParsedAchievement], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for p in parsed:
        code = p.achievement.code
        if code in seen:
            problems.append(Problem(f"{p.where} code", f"duplicate code {code!r} (also {seen[code]})"))
        seen.setdefault(code, p.where)


def parse_achievements_csv(
    data: str | bytes, *, source: str = "achievements CSV", currency: str = "EUR"
) -> list[ParsedAchievement]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(Problem(f"byte {exc.start}", "not UTF-8 text"), source=source) from exc
    reader = csv.DictReader(io.StringIO(data))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise InvalidInput(Problem("line 1", "the file is empty"), source=source)
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise InvalidInput(
            Problem(
                "line 1",
                f"unknown column(s) {', '.join(unknown)}; expected some of: {', '.join(CSV_COLUMNS)}",
            ),
            source=source,
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput(Problem("line 1", f"missing column(s): {', '.join(missing)}"), source=source)
    reader.fieldnames = header
    problems: list[Problem] = []
    parsed: list[ParsedAchievement] = []
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row:
            problems.append(Problem(where, "more cells than the header has columns"))
            continue
        if not any((v or "").strip() for v in row.values()):
            continue
        achievement = _record(row, where, problems, currency)
        if achievement is not None:
            parsed.append(ParsedAchievement(where, achievement))
    _check_duplicates(parsed, problems)
    if problems:
        raise InvalidInput(problems, source=source)
    return parsed


def parse_achievements_json(
    data: str | bytes, *, source: str = "achievements JSON", currency: str = "EUR"
) -> list[ParsedAchievement]:
    raw = loads(data, source=source)
    if isinstance(raw, dict) and isinstance(raw.get("achievements"), list):
        raw = raw["achievements"]
    if not isinstance(raw, list):
        raise InvalidInput(
            Problem("(root)", 'expected a list of achievements or {"achievements": [...]}'), source=source
        )
    problems: list[Problem] = []
    parsed: list[ParsedAchievement] = []
    for i, record in enumerate(raw):
        where = f"[{i}]"
        if not isinstance(record, dict):
            problems.append(Problem(where, "must be an object"))
            continue
        unknown = sorted(set(record) - set(CSV_COLUMNS) - {"rubric"})
        if unknown:
            problems.append(Problem(where, f"unknown field(s): {', '.join(unknown)}"))
            continue
        where = f"[{i}] ({record.get('code')})" if record.get("code") else where
        achievement = _record(record, where, problems, currency)
        if achievement is not None:
            parsed.append(ParsedAchievement(where, achievement))
    _check_duplicates(parsed, problems)
    if problems:
        raise InvalidInput(problems, source=source)
    return parsed
