"""Rubrics: criteria x performance levels, each criterion aligned to competencies, with a pass rule.

The pass rule explains its verdict: every criterion that fell short is named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from credstack.domain.errors import Problem


@dataclass(frozen=True)
class PerformanceLevel:
    """One column of the rubric: a named level worth some points (higher is better)."""

    name: str
    points: Decimal
    description: str = ""
    identifier: str | None = None


@dataclass
class RubricCriterion:
    """One row of the rubric, with its own ordered levels (lowest first)."""

    code: str
    title: str
    levels: list[PerformanceLevel]
    description: str = ""
    weight: Decimal = Decimal(1)
    competencies: tuple[str, ...] = ()
    identifier: str | None = None

    @property
    def max_points(self) -> Decimal:
        return max((lv.points for lv in self.levels), default=Decimal(0))

    def level(self, name_or_points: str | Decimal | int) -> PerformanceLevel | None:
        for lv in self.levels:
            if isinstance(name_or_points, str) and lv.name.lower() == name_or_points.lower():
                return lv
            if not isinstance(name_or_points, str) and lv.points == Decimal(name_or_points):
                return lv
        return None


@dataclass(frozen=True)
class PassRule:
    """A submission passes when each criterion reaches its minimum points and the
    weighted score reaches ``min_percent`` of the maximum (either part may be absent)."""

    min_points_each: Decimal | None = Decimal(1)
    min_percent: Decimal | None = None
    critical: tuple[str, ...] = ()  # criteria that must reach their top-but-one level or more

    def describe(self) -> str:
        parts = []
        if self.min_points_each is not None:
            unit = "point" if self.min_points_each == 1 else "points"
            parts.append(f"every criterion at {self.min_points_each} {unit} or more")
        if self.min_percent is not None:
            parts.append(f"a weighted score of at least {self.min_percent}%")
        if self.critical:
            parts.append("critical criteria " + ", ".join(self.critical) + " at proficient or above")
        return " and ".join(parts) or "any complete marking"


@dataclass(frozen=True)
class RubricVerdict:
    passed: bool
    score: Decimal
    max_score: Decimal
    shortfalls: tuple[str, ...]

    @property
    def percent(self) -> Decimal:
        return (self.score * 100 / self.max_score).quantize(Decimal("0.1")) if self.max_score else Decimal(0)


@dataclass
class Rubric:
    """An assessment blueprint: criteria, their levels, and the rule that decides a pass."""

    title: str
    criteria: list[RubricCriterion]
    pass_rule: PassRule = field(default_factory=PassRule)
    description: str = ""
    identifier: str | None = None

    def criterion(self, code: str) -> RubricCriterion | None:
        return next((c for c in self.criteria if c.code == code), None)

    def validate(self, where: str = "rubric") -> list[Problem]:
        problems: list[Problem] = []
        if not self.criteria:
            problems.append(Problem(where, "a rubric needs at least one criterion"))
        codes: set[str] = set()
        for c in self.criteria:
            loc = f"{where}.criteria[{c.code}]"
            if c.code in codes:
                problems.append(Problem(loc, "duplicate criterion code"))
            codes.add(c.code)
            if not c.levels:
                problems.append(Problem(loc, "a criterion needs at least one performance level"))
            if c.weight <= 0:
                problems.append(Problem(loc, "weight must be positive"))
        for code in self.pass_rule.critical:
            if code not in codes:
                problems.append(
                    Problem(f"{where}.pass_rule", f"critical criterion {code!r} is not in the rubric")
                )
        return problems

    def evaluate(self, marks: Mapping[str, str | Decimal | int]) -> RubricVerdict:
        """Apply the pass rule to marks given per criterion code (level name or points)."""
        shortfalls: list[str] = []
        score = Decimal(0)
        max_score = Decimal(0)
        for c in self.criteria:
            max_score += c.max_points * c.weight
            given = marks.get(c.code)
            level = c.level(given) if given is not None else None
            if level is None:
                shortfalls.append(
                    f"{c.code}: not marked" if given is None else f"{c.code}: no level {given!r}"
                )
                continue
            score += level.points * c.weight
            rule = self.pass_rule
            if rule.min_points_each is not None and level.points < rule.min_points_each:
                shortfalls.append(
                    f"{c.code}: {level.name} is below the minimum of {rule.min_points_each} points"
                )
            if c.code in rule.critical and len(c.levels) > 1:
                needed = sorted(lv.points for lv in c.levels)[-2]
                if level.points < needed:
                    shortfalls.append(f"{c.code}: critical criterion below proficient")
        if self.pass_rule.min_percent is not None and max_score:
            percent = score * 100 / max_score
            if percent < self.pass_rule.min_percent:
                shortfalls.append(f"weighted score {percent:.1f}% is below {self.pass_rule.min_percent}%")
        return RubricVerdict(not shortfalls, score, max_score, tuple(shortfalls))
