"""Employer return on investment for a sponsored cohort, from what the employer supplies.

For a cohort with C completers (learners of the cohort holding the terminal credential):

    productivity benefit = C * retention rate * yearly productivity gain per completer * years
    retention benefit    = C * (retention rate - baseline retention rate) * replacement cost
    benefit              = productivity benefit + retention benefit
    ROI                  = (benefit - cost) / cost

The productivity gain counts only for the completers the employer keeps; the retention
benefit is the leavers avoided (a negative rate difference makes it a loss) times what
replacing one costs. This is the benefit-cost form of the Phillips ROI methodology (J. J.
Phillips, "Return on Investment in Training and Performance Improvement Programs", 2nd ed.,
2003): ROI % = net programme benefits / programme costs * 100. Money is exact (Decimal); the
result carries the formula with the numbers put in, so a reader can redo the sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from credstack.domain.analytics.records import Award, Learner, Row, Selection, earned_by_learner
from credstack.domain.errors import InvalidInput, Problem


@dataclass(frozen=True, slots=True)
class RoiInputs:
    """What the sponsoring employer supplies for one cohort. Rates are shares (0 to 1)."""

    sponsor: str
    cohort: str
    productivity_gain: Decimal  # yearly value of one completer's productivity gain
    retention_rate: Decimal  # share of completers still employed at the end of the period
    baseline_retention_rate: Decimal  # the same share for comparable staff without the programme
    replacement_cost: Decimal  # cost of replacing one leaver
    cost: Decimal  # everything the cohort cost the employer: fees, time released, ...
    years: Decimal = Decimal(1)  # period the productivity gain is counted over
    currency: str = "EUR"

    def problems(self) -> list[Problem]:
        where = f"cohort {self.cohort!r} of {self.sponsor!r}"
        found = []
        for name in ("retention_rate", "baseline_retention_rate"):
            if not Decimal(0) <= getattr(self, name) <= Decimal(1):
                found.append(Problem(f"{where}: {name}", "must be between 0 and 1"))
        for name in ("productivity_gain", "replacement_cost"):
            if getattr(self, name) < 0:
                found.append(Problem(f"{where}: {name}", "must be 0 or more"))
        if self.cost <= 0:
            found.append(Problem(f"{where}: cost", "must be more than 0 (ROI divides by it)"))
        if self.years <= 0:
            found.append(Problem(f"{where}: years", "must be more than 0"))
        return found


@dataclass(frozen=True)
class Roi:
    inputs: RoiInputs
    participants: int
    completers: int
    productivity_benefit: Decimal
    retention_benefit: Decimal

    @property
    def benefit(self) -> Decimal:
        return self.productivity_benefit + self.retention_benefit

    @property
    def net(self) -> Decimal:
        return self.benefit - self.inputs.cost

    @property
    def roi(self) -> Decimal:
        """Net benefit over cost, as a share (0.59 is 59 %)."""
        return self.net / self.inputs.cost

    @property
    def formula(self) -> str:
        i, c = self.inputs, self.completers
        return (
            "ROI = (benefit - cost) / cost; "
            "benefit = completers × retention × productivity gain × years"
            " + completers × (retention - baseline retention) × replacement cost"
            f" = {c} × {_n(i.retention_rate)} × {_n(i.productivity_gain)} × {_n(i.years)}"
            f" + {c} × ({_n(i.retention_rate)} - {_n(i.baseline_retention_rate)}) × {_n(i.replacement_cost)}"
            f" = {_money(self.productivity_benefit)} + {_money(self.retention_benefit)}"
            f" = {_money(self.benefit)} {i.currency}; "
            f"ROI = ({_money(self.benefit)} - {_money(i.cost)}) / {_money(i.cost)}"
            f" = {_money(self.net)} / {_money(i.cost)} = {_percent(self.roi)}"
        )

    def as_json(self) -> dict[str, Any]:
        i = self.inputs
        return {
            "sponsor": i.sponsor,
            "cohort": i.cohort,
            "currency": i.currency,
            "participants": self.participants,
            "completers": self.completers,
            "inputs": {
                "productivity_gain": float(i.productivity_gain),
                "retention_rate": float(i.retention_rate),
                "baseline_retention_rate": float(i.baseline_retention_rate),
                "replacement_cost": float(i.replacement_cost),
                "cost": float(i.cost),
                "years": float(i.years),
            },
            "productivity_benefit": float(self.productivity_benefit),
            "retention_benefit": float(self.retention_benefit),
            "benefit": float(self.benefit),
            "net": float(self.net),
            "roi": float(self.roi),
            "formula": self.formula,
        }

    def row(self) -> Row:
        i = self.inputs
        return {
            "sponsor": i.sponsor,
            "cohort": i.cohort,
            "currency": i.currency,
            "participants": self.participants,
            "completers": self.completers,
            "cost": float(i.cost),
            "benefit": float(self.benefit),
            "net": float(self.net),
            "roi": float(self.roi),
            "formula": self.formula,
        }


@dataclass(frozen=True)
class RoiReport:
    """ROI per sponsored cohort, sorted by sponsor then cohort."""

    terminal: str
    as_of: date
    cohorts: tuple[Roi, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "terminal": self.terminal,
            "as_of": self.as_of.isoformat(),
            "cohorts": [r.as_json() for r in self.cohorts],
        }

    def rows(self) -> list[Row]:
        return [r.row() for r in self.cohorts]


def employer_roi(
    learners: Iterable[Learner],
    awards: Iterable[Award],
    inputs: Iterable[RoiInputs],
    *,
    terminal: str,
    as_of: date,
) -> RoiReport:
    """ROI of each cohort in ``inputs``; its participants are the learners whose cohort and
    sponsor match, its completers those of them holding ``terminal`` by ``as_of``."""
    given = sorted(inputs, key=lambda i: (i.sponsor, i.cohort))
    problems = [p for i in given for p in i.problems()]
    keys = [(i.sponsor, i.cohort) for i in given]
    problems += [
        Problem(f"cohort {cohort!r} of {sponsor!r}", "given twice")
        for n, (sponsor, cohort) in enumerate(keys)
        if n and keys[n - 1] == (sponsor, cohort)
    ]
    if problems:
        raise InvalidInput(problems, source="employer ROI inputs")
    members: dict[tuple[str, str], list[str]] = {key: [] for key in keys}
    for learner in Selection().apply(learners):
        key = (learner.sponsor, learner.cohort)
        if key in members:
            members[key].append(learner.id)
    earned = earned_by_learner(awards, (m for ids in members.values() for m in ids))
    results = []
    for i in given:
        ids = members[(i.sponsor, i.cohort)]
        completers = sum(1 for m in ids if (done := earned[m].get(terminal)) is not None and done <= as_of)
        c = Decimal(completers)
        results.append(
            Roi(
                inputs=i,
                participants=len(ids),
                completers=completers,
                productivity_benefit=c * i.retention_rate * i.productivity_gain * i.years,
                retention_benefit=c * (i.retention_rate - i.baseline_retention_rate) * i.replacement_cost,
            )
        )
    return RoiReport(terminal, as_of, tuple(results))


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), ",f")


def _percent(value: Decimal) -> str:
    return f"{format((value * 100).quantize(Decimal('0.01')), 'f')} %"
