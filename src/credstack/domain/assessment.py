"""Assessment of a submission against its rubric: statuses, marking, moderation, the decision.

A learner's submission goes draft -> submitted -> in marking -> (in moderation ->) decided.
A first marker gives every criterion a level with a comment. If the submission is not sampled
for moderation, the first marks decide it. If it is, a second marker marks it blind; when the
two agree (same pass or fail, and no criterion more than one level apart) the first marks stand,
otherwise a third marker reconciles and their marks decide. Every mark is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from credstack.domain.errors import InvalidInput, InvalidTransition, Problem
from credstack.domain.rubric import Rubric, RubricVerdict

MarkerRole = Literal["first", "second", "third"]
MARKER_ROLES: tuple[MarkerRole, ...] = ("first", "second", "third")
MAX_COMMENT = 4000


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_MARKING = "in-marking"
    IN_MODERATION = "in-moderation"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.DRAFT: "Draft: add evidence, then submit",
    Status.SUBMITTED: "Submitted: waiting for a marker",
    Status.IN_MARKING: "In marking",
    Status.IN_MODERATION: "In moderation: being second-marked",
    Status.DECIDED: "Decided",
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.IN_MARKING}),
    Status.IN_MARKING: frozenset({Status.IN_MODERATION, Status.DECIDED}),
    Status.IN_MODERATION: frozenset({Status.DECIDED}),
    Status.DECIDED: frozenset(),
}


def transition(current: Status, target: Status) -> Status:
    """``target`` if the lifecycle allows it from ``current``; InvalidTransition otherwise."""
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is final)"
        raise InvalidTransition(f"a submission that is {current} cannot become {target} (allowed: {allowed})")
    return target


@dataclass(frozen=True)
class CriterionMark:
    level: str  # the performance level's name
    comment: str


Marking = Mapping[str, CriterionMark]  # criterion code -> its mark


def check_marking(rubric: Rubric, marking: Marking) -> list[Problem]:
    """A complete marking: every criterion of the rubric, a level it has, and a comment."""
    problems = []
    for code in marking:
        if rubric.criterion(code) is None:
            problems.append(Problem(f"marks[{code}]", "no such criterion in the rubric"))
    for criterion in rubric.criteria:
        mark = marking.get(criterion.code)
        where = f"marks[{criterion.code}]"
        if mark is None:
            problems.append(Problem(where, "not marked: every criterion needs a level and a comment"))
            continue
        if criterion.level(mark.level) is None:
            names = ", ".join(lv.name for lv in criterion.levels)
            problems.append(
                Problem(f"{where}.level", f"{mark.level!r} is not a level of {criterion.code} ({names})")
            )
        if not mark.comment.strip():
            problems.append(Problem(f"{where}.comment", "a comment is needed"))
        elif len(mark.comment) > MAX_COMMENT:
            problems.append(Problem(f"{where}.comment", f"a comment is at most {MAX_COMMENT} characters"))
    return problems


def require_complete(rubric: Rubric, marking: Marking) -> None:
    problems = check_marking(rubric, marking)
    if problems:
        raise InvalidInput(problems, source="marking")


def levels_of(marking: Marking) -> dict[str, str]:
    return {code: mark.level for code, mark in marking.items()}


def level_index(rubric: Rubric, code: str, level: str) -> int:
    """The level's rank within its criterion, 0 for the lowest (what moderation compares)."""
    criterion = rubric.criterion(code)
    found = criterion.level(level) if criterion else None
    if criterion is None or found is None:
        raise InvalidInput(Problem(f"marks[{code}]", f"no level {level!r}"))
    return sorted(lv.points for lv in criterion.levels).index(found.points)


def verdict(rubric: Rubric, marking: Marking) -> RubricVerdict:
    return rubric.evaluate(levels_of(marking))


def disagreement(rubric: Rubric, first: Marking, second: Marking) -> tuple[str, ...]:
    """Why two markings need a third marker: a different pass or fail, or a criterion more
    than one level apart. Empty when they agree."""
    reasons = []
    a, b = verdict(rubric, first), verdict(rubric, second)
    if a.passed != b.passed:
        reasons.append(
            f"the first marking {'passes' if a.passed else 'fails'}, the second {'passes' if b.passed else 'fails'}"
        )
    for criterion in rubric.criteria:
        x = level_index(rubric, criterion.code, first[criterion.code].level)
        y = level_index(rubric, criterion.code, second[criterion.code].level)
        if abs(x - y) > 1:
            reasons.append(
                f"{criterion.code}: {first[criterion.code].level} and {second[criterion.code].level} "
                f"are {abs(x - y)} levels apart"
            )
    return tuple(reasons)


How = Literal["single", "agreed", "reconciled"]


@dataclass(frozen=True)
class Decision:
    """The final result: the marks that decide (criterion -> level), whether they pass, and how
    it was reached: ``single`` (first marks, not sampled), ``agreed`` (first marks, confirmed by
    a blind second marking) or ``reconciled`` (a third marker's marks, after a disagreement)."""

    result: dict[str, str]
    passed: bool
    how: How
    verdict: RubricVerdict
    reasons: tuple[str, ...] = ()  # for a reconciled decision: what the first two disagreed on

    def as_json(self) -> dict[str, object]:
        return {
            "result": dict(self.result),
            "passed": self.passed,
            "how": self.how,
            "score": str(self.verdict.score),
            "max_score": str(self.verdict.max_score),
            "percent": str(self.verdict.percent),
            "shortfalls": list(self.verdict.shortfalls),
            "disagreement": list(self.reasons),
        }


@dataclass(frozen=True)
class Pending:
    """Marking that cannot be decided yet: whose marks are awaited, and why."""

    awaiting: MarkerRole
    reasons: tuple[str, ...] = ()


def next_step(
    rubric: Rubric,
    *,
    first: Marking | None,
    sampled: bool,
    second: Marking | None = None,
    third: Marking | None = None,
) -> Decision | Pending:
    """The decision the marks so far allow, or the marker still awaited."""
    if first is None:
        return Pending("first")
    require_complete(rubric, first)
    if not sampled:
        v = verdict(rubric, first)
        return Decision(levels_of(first), v.passed, "single", v)
    if second is None:
        return Pending("second")
    require_complete(rubric, second)
    reasons = disagreement(rubric, first, second)
    if not reasons:
        v = verdict(rubric, first)
        return Decision(levels_of(first), v.passed, "agreed", v)
    if third is None:
        return Pending("third", reasons)
    require_complete(rubric, third)
    v = verdict(rubric, third)
    return Decision(levels_of(third), v.passed, "reconciled", v, reasons)
