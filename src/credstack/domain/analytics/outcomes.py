"""Employment outcomes of the learners who completed a stack: hire rate, time to hire,
employer satisfaction and post-hire performance at intervals.

- Completers: selected learners holding the terminal credential. Only those who completed at
  least ``window_days`` before ``as_of`` count for hiring, so every one of them had the whole
  window to be hired (no censoring to correct for).
- Hired: a completer whose first job started on or after entry (``Learner.started``) began
  no later than ``window_days`` after completion. Hire rate = hired / completers, with the
  Wilson interval.
- Time to hire: days from completion to that job among the hired (0 for a job started
  before completion, as a sponsored employee's often is): median and interquartile range.
- Employer satisfaction: the mean of every rating given for a selected learner, with the
  Student t interval.
- Performance: for each interval (3, 6 and 12 months by default) the mean rating at that
  interval after hire, with the Student t interval.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from credstack.domain.analytics.intervals import (
    Mean,
    Proportion,
    Quartiles,
    check_confidence,
    quartiles,
    t_mean,
    wilson,
)
from credstack.domain.analytics.records import (
    Award,
    Hire,
    Learner,
    Performance,
    Row,
    Satisfaction,
    Selection,
    earned_by_learner,
)
from credstack.domain.errors import InvalidInput, Problem


@dataclass(frozen=True)
class EmploymentOutcomes:
    selection: Selection
    terminal: str
    as_of: date
    window_days: int
    confidence: float
    completers: int  # those who completed at least window_days before as_of
    hire_rate: Proportion | None
    time_to_hire: Quartiles | None  # days
    satisfaction: Mean | None
    performance: tuple[tuple[int, Mean | None], ...]  # (months after hire, mean rating)

    def as_json(self) -> dict[str, Any]:
        return {
            "selection": self.selection.as_json(),
            "terminal": self.terminal,
            "as_of": self.as_of.isoformat(),
            "window_days": self.window_days,
            "confidence": self.confidence,
            "completers": self.completers,
            "hire_rate": self.hire_rate.as_json() if self.hire_rate else None,
            "time_to_hire_days": self.time_to_hire.as_json() if self.time_to_hire else None,
            "satisfaction": self.satisfaction.as_json() if self.satisfaction else None,
            "performance": [
                {"months": months, **(mean.as_json() if mean else {"n": 0})}
                for months, mean in self.performance
            ],
        }

    def rows(self) -> list[Row]:
        """One row per measure: n, the estimate and its range (``range`` says which)."""
        ci = f"{self.confidence:.0%} CI"
        h, t, s = self.hire_rate, self.time_to_hire, self.satisfaction
        rows: list[Row] = [
            _row(
                "hire rate",
                h.trials if h else 0,
                h.rate if h else None,
                ci,
                h.low if h else None,
                h.high if h else None,
            ),
            _row(
                "time to hire, days (median)",
                t.n if t else 0,
                t.median if t else None,
                "IQR",
                t.q1 if t else None,
                t.q3 if t else None,
            ),
            _row(
                "employer satisfaction (mean)",
                s.n if s else 0,
                s.mean if s else None,
                ci,
                s.low if s else None,
                s.high if s else None,
            ),
        ]
        for months, m in self.performance:
            rows.append(
                _row(
                    f"performance at {months} months (mean)",
                    m.n if m else 0,
                    m.mean if m else None,
                    ci,
                    m.low if m else None,
                    m.high if m else None,
                )
            )
        return rows


def _row(measure: str, n: int, value: float | None, kind: str, low: float | None, high: float | None) -> Row:
    return {"measure": measure, "n": n, "value": value, "range": kind, "low": low, "high": high}


def employment_outcomes(
    learners: Iterable[Learner],
    awards: Iterable[Award],
    hires: Iterable[Hire],
    satisfaction: Iterable[Satisfaction],
    performance: Iterable[Performance],
    *,
    terminal: str,
    as_of: date,
    selection: Selection = Selection(),
    window_days: int = 180,
    intervals: Sequence[int] = (3, 6, 12),
    confidence: float = 0.95,
) -> EmploymentOutcomes:
    check_confidence(confidence)
    if window_days < 0:
        raise InvalidInput(Problem("window_days", "must be 0 or more"))
    chosen = selection.apply(learners)
    ids = {learner.id for learner in chosen}
    earned = earned_by_learner(awards, ids)
    first_job: dict[str, date] = {}
    started = {learner.id: learner.started for learner in chosen}
    for hire in hires:
        if hire.learner in ids and started[hire.learner] <= hire.hired <= as_of:
            known = first_job.get(hire.learner)
            if known is None or hire.hired < known:
                first_job[hire.learner] = hire.hired
    window = timedelta(days=window_days)
    completers = 0
    waits: list[float] = []
    for learner in chosen:
        done = earned[learner.id].get(terminal)
        if done is None or done + window > as_of:
            continue
        completers += 1
        job = first_job.get(learner.id)
        if job is not None and job <= done + window:
            waits.append(float(max(0, (job - done).days)))
    ratings = [r.score for r in satisfaction if r.learner in ids]
    by_interval: dict[int, list[float]] = {months: [] for months in intervals}
    for p in performance:
        if p.learner in ids and p.months in by_interval:
            by_interval[p.months].append(p.score)
    return EmploymentOutcomes(
        selection=selection,
        terminal=terminal,
        as_of=as_of,
        window_days=window_days,
        confidence=confidence,
        completers=completers,
        hire_rate=wilson(len(waits), completers, confidence) if completers else None,
        time_to_hire=quartiles(waits),
        satisfaction=t_mean(ratings, confidence),
        performance=tuple((months, t_mean(by_interval[months], confidence)) for months in intervals),
    )
