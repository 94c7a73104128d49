"""Feedback per rubric criterion as a learner reads it: the level reached, the level needed,
and whether the first reaches the second.

The level needed comes from the rubric's pass rule: the lowest level worth at least the
minimum points each criterion must reach and, for a critical criterion, its top-but-one level.
A pass rule with no per-criterion part asks for no particular level (the lowest one will do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from credstack.domain.rubric import PerformanceLevel, Rubric, RubricCriterion


def needed_level(rubric: Rubric, criterion: RubricCriterion) -> PerformanceLevel | None:
    """The lowest level of ``criterion`` that the pass rule accepts (None: no level has)."""
    ordered = sorted(criterion.levels, key=lambda lv: lv.points)
    if not ordered:
        return None
    floor = rubric.pass_rule.min_points_each
    if criterion.code in rubric.pass_rule.critical and len(ordered) > 1:
        critical = ordered[-2].points
        floor = critical if floor is None else max(floor, critical)
    return next((lv for lv in ordered if floor is None or lv.points >= floor), None)


@dataclass(frozen=True)
class CriterionFeedback:
    criterion: RubricCriterion
    reached: PerformanceLevel | None  # None: not marked yet (or its mark is not shown yet)
    needed: PerformanceLevel | None

    @property
    def met(self) -> bool | None:
        """True when the level reached is at least the one needed; None when not marked yet."""
        if self.reached is None:
            return None
        return self.needed is None or self.reached.points >= self.needed.points


def feedback(rubric: Rubric, result: Mapping[str, str] | None) -> list[CriterionFeedback]:
    """Per criterion, in the rubric's order, the level reached in ``result`` (criterion code to
    level name; None before a decision) beside the level needed."""
    out = []
    for c in rubric.criteria:
        given = (result or {}).get(c.code)
        out.append(
            CriterionFeedback(c, c.level(given) if given is not None else None, needed_level(rubric, c))
        )
    return out
