"""Marks as the moderation statistics see them, and their encoding into arrays.

A submission is first-marked by an assessor on every rubric criterion; a sample is
second-marked blind by a moderator; disagreements are reconciled by a third marker. One
*unit* is one (submission, criterion); its marks are at most one per role. A unit takes its
grouping keys (achievement, cohort, site, assessor) from its first mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from credstack.domain.errors import InvalidInput, Problem

Role = Literal["first", "second", "third"]
ROLES: tuple[Role, ...] = ("first", "second", "third")
GROUP_KEYS = ("achievement", "cohort", "site", "assessor")
_ROLE_INDEX: dict[str, int] = {role: i for i, role in enumerate(ROLES)}
_MAX_PROBLEMS = 10


@dataclass(frozen=True, slots=True)
class Mark:
    """One rater's level on one criterion of one submission, with the grouping keys."""

    submission: str
    criterion: str
    rater: str
    role: Role
    level: int
    achievement: str
    cohort: str
    site: str
    assessor: str  # the first marker of the submission


@dataclass(frozen=True)
class MarkTable:
    """The same marks as columns (what a store query returns), one entry per mark."""

    submission: Sequence[str]
    criterion: Sequence[str]
    rater: Sequence[str]
    role: Sequence[str]
    level: Sequence[int] | npt.NDArray[np.int64]
    achievement: Sequence[str]
    cohort: Sequence[str]
    site: Sequence[str]
    assessor: Sequence[str]

    @classmethod
    def from_marks(cls, marks: Iterable[Mark]) -> MarkTable:
        rows = list(marks)
        return cls(
            submission=[m.submission for m in rows],
            criterion=[m.criterion for m in rows],
            rater=[m.rater for m in rows],
            role=[m.role for m in rows],
            level=[m.level for m in rows],
            achievement=[m.achievement for m in rows],
            cohort=[m.cohort for m in rows],
            site=[m.site for m in rows],
            assessor=[m.assessor for m in rows],
        )

    def __len__(self) -> int:
        return len(self.submission)


@dataclass(frozen=True)
class Units:
    """One row per unit. ``levels`` is units x roles (first, second, third), NaN where a
    role did not mark; ``groups`` holds each grouping key's code per unit and ``labels``
    the names behind the codes."""

    levels: npt.NDArray[np.float64]
    submission: npt.NDArray[np.int64]
    marks: npt.NDArray[np.int64]
    groups: dict[str, npt.NDArray[np.int64]]
    labels: dict[str, list[str]]


def _codes(values: Sequence[str]) -> tuple[npt.NDArray[np.int64], list[str]]:
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(index)


def _reject(rows: npt.NDArray[np.intp], message: str) -> None:
    if rows.size:
        problems = [Problem(f"marks[{int(i)}]", message) for i in rows[:_MAX_PROBLEMS]]
        if rows.size > _MAX_PROBLEMS:
            problems.append(Problem("marks", f"{rows.size - _MAX_PROBLEMS} more marks: {message}"))
        raise InvalidInput(problems, source="moderation marks")


def encode(table: MarkTable) -> Units:
    """Check the marks and lay them out per unit; raises InvalidInput naming the rows."""
    n = len(table)
    columns = {
        name: len(getattr(table, name)) for name in ("criterion", "rater", "role", "level", *GROUP_KEYS)
    }
    for name, size in columns.items():
        if size != n:
            raise InvalidInput(Problem(name, f"has {size} entries for {n} marks"), source="moderation marks")
    role = np.fromiter((_ROLE_INDEX.get(r, -1) for r in table.role), dtype=np.int64, count=n)
    _reject(np.flatnonzero(role < 0), "role must be first, second or third")
    try:
        level = np.asarray(table.level, dtype=np.int64).reshape(n)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(Problem("level", f"every level must be an integer ({exc})")) from exc

    submission, _ = _codes(table.submission)
    criterion, criteria = _codes(table.criterion)
    unit_ids, unit = np.unique(submission * max(len(criteria), 1) + criterion, return_inverse=True)
    units = unit_ids.size
    slot = unit * 3 + role
    order = np.argsort(slot, kind="stable")
    repeated = order[1:][np.diff(slot[order]) == 0]
    _reject(np.sort(repeated), "a second mark in the same role on the same submission and criterion")

    levels = np.full(units * 3, np.nan)
    levels[slot] = level
    levels = levels.reshape(units, 3)
    rater, _ = _codes(table.rater)
    raters = np.full(units * 3, -1, dtype=np.int64)
    raters[slot] = rater
    raters = raters.reshape(units, 3)
    orphan = np.isnan(levels[unit, 0])
    _reject(np.flatnonzero(orphan), "no first mark on this submission and criterion")
    own = (raters[unit, 0] == rater) & (role > 0)
    _reject(np.flatnonzero(own), "the first marker cannot also moderate or reconcile the same mark")

    first = np.flatnonzero(role == 0)
    groups, labels = {}, {}
    for key in GROUP_KEYS:
        column = getattr(table, key)
        codes, names = _codes([column[i] for i in first.tolist()])
        per_unit = np.empty(units, dtype=np.int64)
        per_unit[unit[first]] = codes
        groups[key], labels[key] = per_unit, names
    per_unit_submission = np.empty(units, dtype=np.int64)
    per_unit_submission[unit] = submission
    return Units(
        levels=levels,
        submission=per_unit_submission,
        marks=np.bincount(unit, minlength=units).astype(np.int64),
        groups=groups,
        labels=labels,
    )
