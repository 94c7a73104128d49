"""Progression through a stack: the transition matrix (from each achievement to the next one
a learner earned) and the funnel from enrolment through the modules to the terminal
credential.

Each learner's achievements are put in the order earned (first award per achievement; awards
on the same day by achievement id). The matrix has a row for the start, one for each
achievement, and a column ``(none yet)`` for learners whose latest award it is; so each row's
total is the number of learners who earned that achievement (the start row: every learner
selected) and the row shares are the shares of those learners by the next thing they earned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from credstack.domain.analytics.records import (
    Award,
    Learner,
    Row,
    Selection,
    earned_by_learner,
    in_order,
)

START = "(start)"
END = "(none yet)"


@dataclass(frozen=True)
class TransitionMatrix:
    """``counts[i][j]``: learners whose next award after ``states[i]`` was ``columns[j]``."""

    selection: Selection
    as_of: date | None
    states: tuple[str, ...]  # rows: START, then the achievements
    columns: tuple[str, ...]  # the achievements, then END
    counts: tuple[tuple[int, ...], ...]

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.counts)

    @property
    def shares(self) -> tuple[tuple[float | None, ...], ...]:
        return tuple(
            tuple(count / total if total else None for count in row)
            for row, total in zip(self.counts, self.row_totals, strict=True)
        )

    def count(self, from_state: str, to_state: str) -> int:
        return self.counts[self.states.index(from_state)][self.columns.index(to_state)]

    def as_json(self) -> dict[str, Any]:
        return {
            "selection": self.selection.as_json(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "states": list(self.states),
            "columns": list(self.columns),
            "counts": [list(row) for row in self.counts],
            "row_totals": list(self.row_totals),
            "shares": [list(row) for row in self.shares],
        }

    def rows(self) -> list[Row]:
        """One row per transition that happened (long form), matrix order."""
        out: list[Row] = []
        for state, row, total, shares in zip(
            self.states, self.counts, self.row_totals, self.shares, strict=True
        ):
            for column, count, share in zip(self.columns, row, shares, strict=True):
                if count:
                    out.append({"from": state, "to": column, "learners": count, "of": total, "share": share})
        return out


def transition_matrix(
    learners: Iterable[Learner],
    awards: Iterable[Award],
    *,
    selection: Selection = Selection(),
    achievements: Sequence[str] | None = None,
    as_of: date | None = None,
) -> TransitionMatrix:
    """The matrix for the selected learners. ``achievements`` (e.g. a pathway's modules then
    its terminal credential) restricts the awards counted and orders the rows; without it
    every achievement counts, in order of id. Awards after ``as_of`` are not counted."""
    chosen = selection.apply(learners)
    sequences = _sequences(chosen, awards, achievements, as_of)
    pairs: Counter[tuple[str, str]] = Counter()
    seen: set[str] = set()
    for sequence in sequences:
        path = [START, *sequence, END]
        seen.update(sequence)
        pairs.update(pairwise(path))
    order = list(achievements) if achievements is not None else sorted(seen)
    states = (START, *order)
    columns = (*order, END)
    counts = tuple(tuple(pairs[(state, column)] for column in columns) for state in states)
    return TransitionMatrix(selection, as_of, states, columns, counts)


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    learners: int
    share_of_start: float | None
    share_of_previous: float | None


@dataclass(frozen=True)
class Funnel:
    """Learners reaching each stage: enrolled, at least k modules (k = 1 ... the most), the
    terminal credential."""

    selection: Selection
    terminal: str
    as_of: date | None
    stages: tuple[Stage, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "selection": self.selection.as_json(),
            "terminal": self.terminal,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "stages": [
                {
                    "stage": s.name,
                    "learners": s.learners,
                    "share_of_start": s.share_of_start,
                    "share_of_previous": s.share_of_previous,
                }
                for s in self.stages
            ],
        }

    def rows(self) -> list[Row]:
        return [
            {
                "stage": s.name,
                "learners": s.learners,
                "share_of_start": s.share_of_start,
                "share_of_previous": s.share_of_previous,
            }
            for s in self.stages
        ]


def funnel(
    learners: Iterable[Learner],
    awards: Iterable[Award],
    *,
    terminal: str,
    selection: Selection = Selection(),
    modules: Sequence[str] | None = None,
    as_of: date | None = None,
) -> Funnel:
    """Stage k counts the selected learners who earned at least k distinct modules: the
    achievements in ``modules`` or, without it, every achievement but ``terminal``. The
    number of module stages is ``len(modules)`` or the most any learner earned. The last
    stage counts the learners holding ``terminal`` (however they earned it)."""
    chosen = selection.apply(learners)
    earned = _earned(chosen, awards, as_of)
    allowed = set(modules) if modules is not None else None
    module_counts = [
        sum(1 for a in mine if a != terminal and (allowed is None or a in allowed)) for mine in earned
    ]
    finished = sum(1 for mine in earned if terminal in mine)
    depth = len(set(modules) - {terminal}) if modules is not None else max(module_counts, default=0)
    reached = [len(chosen)]
    names = ["enrolled"]
    for k in range(1, depth + 1):
        reached.append(sum(1 for count in module_counts if count >= k))
        names.append(f"{k} module" if k == 1 else f"{k} modules")
    reached.append(finished)
    names.append(terminal)
    start = reached[0]
    stages = tuple(
        Stage(
            name,
            count,
            count / start if start else None,
            None if i == 0 else (count / reached[i - 1] if reached[i - 1] else None),
        )
        for i, (name, count) in enumerate(zip(names, reached, strict=True))
    )
    return Funnel(selection, terminal, as_of, stages)


def _earned(chosen: Sequence[Learner], awards: Iterable[Award], as_of: date | None) -> list[dict[str, date]]:
    by_learner = earned_by_learner(awards, (learner.id for learner in chosen))
    return [
        {a: d for a, d in by_learner[learner.id].items() if as_of is None or d <= as_of} for learner in chosen
    ]


def _sequences(
    chosen: Sequence[Learner],
    awards: Iterable[Award],
    achievements: Sequence[str] | None,
    as_of: date | None,
) -> list[list[str]]:
    allowed = set(achievements) if achievements is not None else None
    return [
        in_order({a: d for a, d in mine.items() if allowed is None or a in allowed})
        for mine in _earned(chosen, awards, as_of)
    ]
