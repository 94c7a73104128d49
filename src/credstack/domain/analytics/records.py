"""The records the analytics read: learners, the awards they earned, employment events and
demographic labels, as plain values (what a store query returns), and the selection that
filters them by pathway, cohort, site, sponsor and entry period."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from credstack.domain.errors import InvalidInput, Problem

Cell = str | int | float | None
"""One value of a table row (CSV cell); ``None`` is an empty cell."""

Row = dict[str, Cell]


@dataclass(frozen=True, slots=True)
class Learner:
    """A learner on a pathway. ``started`` is the entry date every duration is counted from;
    ``withdrawn`` is the date the learner left the pathway (None while still enrolled)."""

    id: str
    started: date
    pathway: str = ""
    cohort: str = ""
    site: str = ""
    sponsor: str = ""  # the employer sponsoring the learner's cohort; "" when self-funded
    withdrawn: date | None = None


@dataclass(frozen=True, slots=True)
class Award:
    """An achievement a learner earned (a module, or the terminal credential of a stack)."""

    learner: str
    achievement: str
    earned: date


@dataclass(frozen=True, slots=True)
class Demographic:
    """A learner's group for one demographic attribute (e.g. attribute "gender"). Only
    records with ``consented`` set are ever read."""

    learner: str
    attribute: str
    group: str
    consented: bool


@dataclass(frozen=True, slots=True)
class Hire:
    """A job a learner started (the first one after entry is the one that counts)."""

    learner: str
    hired: date
    employer: str = ""


@dataclass(frozen=True, slots=True)
class Satisfaction:
    """An employer's satisfaction rating of a hired learner (on the scale the survey uses)."""

    learner: str
    employer: str
    score: float


@dataclass(frozen=True, slots=True)
class Performance:
    """An employer's rating of a hired learner's performance ``months`` after the hire."""

    learner: str
    months: int
    score: float


@dataclass(frozen=True, slots=True)
class Selection:
    """Which learners a metric covers. A field left as None does not filter; the period is
    the entry period: learners whose ``started`` is on or after ``started_from`` and before
    ``started_before``."""

    pathway: str | None = None
    cohort: str | None = None
    site: str | None = None
    sponsor: str | None = None
    started_from: date | None = None
    started_before: date | None = None

    def __post_init__(self) -> None:
        if (
            self.started_from is not None
            and self.started_before is not None
            and self.started_before <= self.started_from
        ):
            raise InvalidInput(Problem("started_before", "must be after started_from"), source="selection")

    def admits(self, learner: Learner) -> bool:
        return (
            (self.pathway is None or learner.pathway == self.pathway)
            and (self.cohort is None or learner.cohort == self.cohort)
            and (self.site is None or learner.site == self.site)
            and (self.sponsor is None or learner.sponsor == self.sponsor)
            and (self.started_from is None or learner.started >= self.started_from)
            and (self.started_before is None or learner.started < self.started_before)
        )

    def apply(self, learners: Iterable[Learner]) -> list[Learner]:
        """The admitted learners, sorted by id; a learner id given twice is an error."""
        chosen: dict[str, Learner] = {}
        problems: list[Problem] = []
        for i, learner in enumerate(learners):
            if learner.id in chosen:
                problems.append(Problem(f"learners[{i}]", f"learner {learner.id!r} given twice"))
            elif self.admits(learner):
                chosen[learner.id] = learner
        if problems:
            raise InvalidInput(problems, source="analytics input")
        return [chosen[key] for key in sorted(chosen)]

    def as_json(self) -> dict[str, Any]:
        return {
            "pathway": self.pathway,
            "cohort": self.cohort,
            "site": self.site,
            "sponsor": self.sponsor,
            "started_from": self.started_from.isoformat() if self.started_from else None,
            "started_before": self.started_before.isoformat() if self.started_before else None,
        }


def earned_by_learner(awards: Iterable[Award], learners: Iterable[str]) -> dict[str, dict[str, date]]:
    """For each of ``learners``, the date each achievement was first earned (a re-issued
    award keeps its first date). Awards of other learners are ignored."""
    wanted = set(learners)
    earned: dict[str, dict[str, date]] = {key: {} for key in wanted}
    for award in awards:
        mine = earned.get(award.learner)
        if mine is None:
            continue
        first = mine.get(award.achievement)
        if first is None or award.earned < first:
            mine[award.achievement] = award.earned
    return earned


def in_order(earned: Mapping[str, date]) -> list[str]:
    """A learner's achievements in the order earned; same-day awards by achievement id."""
    return sorted(earned, key=lambda achievement: (earned[achievement], achievement))
