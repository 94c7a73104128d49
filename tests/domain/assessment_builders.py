"""Readable rubrics and markings for the assessment tests."""

from __future__ import annotations

from decimal import Decimal

from credstack.domain.assessment import CriterionMark
from credstack.domain.rubric import PassRule, PerformanceLevel, Rubric, RubricCriterion

LEVELS = ("Not yet", "Developing", "Proficient", "Exemplary")


def rubric(criteria: int = 3, *, critical: tuple[str, ...] = (), min_percent: int | None = 50) -> Rubric:
    return Rubric(
        title="Project rubric",
        criteria=[
            RubricCriterion(
                code=f"C{i}",
                title=f"Criterion {i}",
                levels=[PerformanceLevel(name, Decimal(p)) for p, name in enumerate(LEVELS)],
            )
            for i in range(1, criteria + 1)
        ],
        pass_rule=PassRule(
            min_points_each=Decimal(1),
            min_percent=Decimal(min_percent) if min_percent is not None else None,
            critical=critical,
        ),
    )


def marking(*levels: str | int, comment: str = "Clear evidence.") -> dict[str, CriterionMark]:
    """A marking: C1, C2 ... at the levels given (names or points)."""
    return {
        f"C{i}": CriterionMark(LEVELS[lv] if isinstance(lv, int) else lv, comment)
        for i, lv in enumerate(levels, start=1)
    }
