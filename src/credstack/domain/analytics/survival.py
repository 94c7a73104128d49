"""Stack completion velocity: the Kaplan-Meier curve of the time from entry to the terminal
credential, with pointwise confidence intervals and the median time with its interval.

Time is counted in days from ``Learner.started``. A learner who earned the terminal
credential by ``as_of`` is an event at that time (a credential recognised before entry, e.g.
through transfer, counts at day 0). A learner still enrolled is censored at ``as_of``. A
learner who withdrew without the credential is, by default, kept at risk until ``as_of`` too
(``withdrawal="not_completed"``): withdrawal is an outcome, not a loss to follow-up, and with
censoring only at the as-of date the curve is then 1 - the cumulative incidence of completion.
``withdrawal="censored"`` censors at the withdrawal date instead (the classic but optimistic
reading that withdrawn learners would have completed like those who stayed).

The estimate and its interval come from SciPy: ``scipy.stats.ecdf`` on ``CensoredData``, whose
``sf`` is the Kaplan-Meier estimator, and ``sf.confidence_interval(method="log-log")``, the
interval of log(-log S) with Greenwood's variance (Kalbfleisch and Prentice 2002, sec. 1.4).
Where S is 1 (no completion yet) the interval is [1, 1] and where S is 0 it is [0, 0], as
lifelines reports them (SciPy leaves them undefined).

The median is the first time S <= 0.5. Its interval is read off the pointwise band: from the
first time the lower bound is <= 0.5 to the first time the upper bound is <= 0.5 (open when
it never is). That is the Brookmeyer-Crowley test inversion on the log-log scale (times whose
pointwise interval holds 0.5), as R's survival package and lifelines report it. Brookmeyer R.,
Crowley J., "A confidence interval for the median survival time", Biometrics 38 (1982) 29-41.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from credstack.domain.analytics.intervals import check_confidence
from credstack.domain.analytics.records import Award, Learner, Row, Selection, earned_by_learner
from credstack.domain.errors import InvalidInput, Problem

WithdrawalRule = Literal["not_completed", "censored"]
_HALF = 0.5 + 1e-12  # S(t) <= 0.5, allowing for the rounding of a product of fractions


@dataclass(frozen=True, slots=True)
class Step:
    """The curve just after ``day``: learners at risk at ``day``, completions and
    censorings on it, and S with its interval."""

    day: float
    at_risk: int
    completed: int
    censored: int
    survival: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class MedianTime:
    """Median days to the credential and its interval; None where not reached."""

    days: float | None
    low: float | None
    high: float | None

    def as_json(self) -> dict[str, Any]:
        return {"days": self.days, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class CompletionCurve:
    selection: Selection
    terminal: str
    as_of: date
    withdrawal: WithdrawalRule
    confidence: float
    learners: int
    completed: int
    steps: tuple[Step, ...]
    median: MedianTime

    @property
    def censored(self) -> int:
        return self.learners - self.completed

    def survival_at(self, day: float) -> float:
        """S(day): the share not yet holding the credential ``day`` days after entry."""
        value = 1.0
        for step in self.steps:
            if step.day > day:
                break
            value = step.survival
        return value

    def as_json(self) -> dict[str, Any]:
        return {
            "selection": self.selection.as_json(),
            "terminal": self.terminal,
            "as_of": self.as_of.isoformat(),
            "withdrawal": self.withdrawal,
            "confidence": self.confidence,
            "learners": self.learners,
            "completed": self.completed,
            "censored": self.censored,
            "median": self.median.as_json(),
            "steps": self.rows(),
            "method": (
                "Kaplan-Meier (scipy.stats.ecdf), log-log pointwise interval with Greenwood's "
                "variance; median interval where the pointwise band crosses 0.5"
            ),
        }

    def rows(self) -> list[Row]:
        return [
            {
                "day": s.day,
                "at_risk": s.at_risk,
                "completed": s.completed,
                "censored": s.censored,
                "survival": s.survival,
                "completion": 1 - s.survival,
                "low": s.low,
                "high": s.high,
            }
            for s in self.steps
        ]


def durations(
    learners: Iterable[Learner],
    awards: Iterable[Award],
    *,
    terminal: str,
    as_of: date,
    selection: Selection = Selection(),
    withdrawal: WithdrawalRule = "not_completed",
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Days observed and whether the credential was earned, one entry per selected learner
    who had started by ``as_of`` (sorted by learner id)."""
    if withdrawal not in ("not_completed", "censored"):
        raise InvalidInput(Problem("withdrawal", "must be 'not_completed' or 'censored'"))
    chosen = [learner for learner in selection.apply(learners) if learner.started <= as_of]
    earned = earned_by_learner(awards, (learner.id for learner in chosen))
    days: list[float] = []
    events: list[bool] = []
    for learner in chosen:
        finished = earned[learner.id].get(terminal)
        if finished is not None and finished > as_of:
            finished = None
        left = learner.withdrawn
        if finished is not None and (left is None or finished <= left or withdrawal == "not_completed"):
            days.append(max(0, (finished - learner.started).days))
            events.append(True)
        elif left is not None and left <= as_of and withdrawal == "censored":
            days.append(max(0, (left - learner.started).days))
            events.append(False)
        else:
            days.append((as_of - learner.started).days)
            events.append(False)
    return np.asarray(days, dtype=np.float64), np.asarray(events, dtype=np.bool_)


def kaplan_meier(
    days: npt.NDArray[np.float64], completed: npt.NDArray[np.bool_], confidence: float = 0.95
) -> tuple[tuple[Step, ...], MedianTime]:
    """The curve's steps (one per distinct observed time) and the median."""
    check_confidence(confidence)
    if days.size == 0:
        return (), MedianTime(None, None, None)
    times, inverse = np.unique(days, return_inverse=True)
    events = np.bincount(inverse, weights=completed, minlength=times.size).astype(np.int64)
    observed = np.bincount(inverse, minlength=times.size)
    at_risk = days.size - np.concatenate(([0], np.cumsum(observed)[:-1]))
    sample = stats.CensoredData(uncensored=days[completed], right=days[~completed])
    sf = stats.ecdf(sample).sf
    survival = np.clip(sf.evaluate(times), 0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined where S is 0 or 1: set below
        band = sf.confidence_interval(confidence, method="log-log")
        low = band.low.evaluate(times)
        high = band.high.evaluate(times)
    low = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 0.0, low))
    high = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 0.0, high))
    steps = tuple(
        Step(
            float(times[i]),
            int(at_risk[i]),
            int(events[i]),
            int(observed[i] - events[i]),
            float(survival[i]),
            float(low[i]),
            float(high[i]),
        )
        for i in range(times.size)
    )
    median = MedianTime(_crossing(times, survival), _crossing(times, low), _crossing(times, high))
    return steps, median


def completion_curve(
    learners: Iterable[Learner],
    awards: Iterable[Award],
    *,
    terminal: str,
    as_of: date,
    selection: Selection = Selection(),
    withdrawal: WithdrawalRule = "not_completed",
    confidence: float = 0.95,
) -> CompletionCurve:
    days, completed = durations(
        learners, awards, terminal=terminal, as_of=as_of, selection=selection, withdrawal=withdrawal
    )
    steps, median = kaplan_meier(days, completed, confidence)
    return CompletionCurve(
        selection=selection,
        terminal=terminal,
        as_of=as_of,
        withdrawal=withdrawal,
        confidence=confidence,
        learners=int(days.size),
        completed=int(completed.sum()),
        steps=steps,
        median=median,
    )


def _crossing(times: npt.NDArray[np.float64], curve: npt.NDArray[np.float64]) -> float | None:
    below = np.flatnonzero(curve <= _HALF)
    return float(times[below[0]]) if below.size else None
