"""Equity: progression and completion by demographic group, against a reference group and
against a traditional-degree cohort, with every count protected by small-group suppression.

Who counts: the selected learners who gave their group for ``attribute`` with consent (a
learner who did not consent is left out entirely, not counted as "unknown"), and who
started at least ``horizon_days`` before ``as_of``, so that each had the whole horizon.

- Progression: earned at least two modules (achievements other than the terminal one) or
  the terminal credential within ``horizon_days`` of entry.
- Completion: earned the terminal credential within ``horizon_days`` of entry.

Both measures are over the same learners, so their group sizes, and which groups are
withheld, are the same. For each group shown: the rate with its Wilson interval, the
disparity ratio (group rate / reference group rate) with its Katz log interval, and the same
group's rate in the comparison cohort with the ratio against it. The reference group is the
one named, or else the largest group shown. The comparison cohort arrives as counts by group
and is protected in the same way; its groups that the learners' table withholds (or does not
have) are withheld from it too, so nothing is shown about a group withheld.

Ratios and intervals are computed from shown counts only: they reveal nothing the counts
beside them do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from credstack.domain.analytics.intervals import Proportion, Ratio, check_confidence, katz_ratio
from credstack.domain.analytics.records import (
    Award,
    Demographic,
    Learner,
    Row,
    Selection,
    earned_by_learner,
)
from credstack.domain.analytics.suppression import ProtectedCounts, SuppressionPolicy, protect
from credstack.domain.errors import InvalidInput, Problem

Measure = Literal["progression", "completion"]
MEASURES: tuple[Measure, ...] = ("progression", "completion")


@dataclass(frozen=True, slots=True)
class ComparisonCount:
    """One group's figures in the comparison (traditional-degree) cohort for one measure."""

    measure: Measure
    group: str
    learners: int
    successes: int


@dataclass(frozen=True)
class Comparison:
    name: str  # e.g. "BSc Computing entrants 2019, 3-year completion"
    counts: tuple[ComparisonCount, ...]


@dataclass(frozen=True, slots=True)
class GroupResult:
    """One group shown, for one measure. ``rate`` is None when the group's outcome is
    withheld; ratios are None when either side is withheld or has no successes."""

    group: str
    learners: int
    is_reference: bool
    rate: Proportion | None
    vs_reference: Ratio | None
    comparison: Proportion | None
    vs_comparison: Ratio | None

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "learners": self.learners,
            "is_reference": self.is_reference,
            "rate": self.rate.as_json() if self.rate else None,
            "vs_reference": self.vs_reference.as_json() if self.vs_reference else None,
            "comparison": self.comparison.as_json() if self.comparison else None,
            "vs_comparison": self.vs_comparison.as_json() if self.vs_comparison else None,
        }


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    counts: ProtectedCounts  # the learners' table, protected
    comparison_counts: ProtectedCounts | None  # the comparison cohort's, protected
    confidence: float
    reference: str | None

    @property
    def overall(self) -> Proportion | None:
        return self.counts.total(self.confidence)

    @property
    def groups(self) -> tuple[GroupResult, ...]:
        ref = self.counts.proportion(self.reference, self.confidence) if self.reference else None
        results = []
        for shown in self.counts.groups:
            rate = self.counts.proportion(shown.group, self.confidence)
            other = (
                self.comparison_counts.proportion(shown.group, self.confidence)
                if self.comparison_counts
                else None
            )
            is_reference = shown.group == self.reference
            results.append(
                GroupResult(
                    group=shown.group,
                    learners=shown.learners,
                    is_reference=is_reference,
                    rate=rate,
                    vs_reference=(
                        katz_ratio(rate, ref, self.confidence) if rate and ref and not is_reference else None
                    ),
                    comparison=other,
                    vs_comparison=katz_ratio(rate, other, self.confidence) if rate and other else None,
                )
            )
        return tuple(results)

    def as_json(self) -> dict[str, Any]:
        overall = self.overall
        other = self.comparison_counts
        return {
            "measure": self.measure,
            "learners": self.counts.learners,
            "successes": self.counts.successes,
            "overall": overall.as_json() if overall else None,
            "withheld": self.counts.withheld,
            "groups": [g.as_json() for g in self.groups],
            "comparison": (
                None
                if other is None
                else {
                    "learners": other.learners,
                    "successes": other.successes,
                    "overall": (total.as_json() if (total := other.total(self.confidence)) else None),
                    "withheld": other.withheld,
                }
            ),
        }

    def rows(self) -> list[Row]:
        rows = [_row(self.measure, "group", g.group, g.learners, g.rate, g) for g in self.groups]
        total = self.overall
        rows.append(_row(self.measure, "total", None, self.counts.learners, total, None))
        other = self.comparison_counts
        if other is not None:
            rows.append(
                _row(
                    self.measure, "comparison total", None, other.learners, other.total(self.confidence), None
                )
            )
        return rows


@dataclass(frozen=True)
class EquityReport:
    attribute: str
    selection: Selection
    terminal: str
    as_of: date
    horizon_days: int
    confidence: float
    policy: SuppressionPolicy
    reference: str | None  # the reference group, None when withheld or there are no groups
    comparison: str | None  # the comparison cohort's name
    measures: tuple[MeasureResult, ...]

    def measure(self, name: Measure) -> MeasureResult:
        return next(m for m in self.measures if m.measure == name)

    def as_json(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "selection": self.selection.as_json(),
            "terminal": self.terminal,
            "as_of": self.as_of.isoformat(),
            "horizon_days": self.horizon_days,
            "confidence": self.confidence,
            "suppression": self.policy.as_json(),
            "reference": self.reference,
            "comparison": self.comparison,
            "measures": [m.as_json() for m in self.measures],
        }

    def rows(self) -> list[Row]:
        return [row for m in self.measures for row in m.rows()]


def equity_report(
    learners: Iterable[Learner],
    awards: Iterable[Award],
    demographics: Iterable[Demographic],
    *,
    attribute: str,
    terminal: str,
    as_of: date,
    horizon_days: int,
    selection: Selection = Selection(),
    reference: str | None = None,
    comparison: Comparison | None = None,
    policy: SuppressionPolicy = SuppressionPolicy(),
    confidence: float = 0.95,
) -> EquityReport:
    check_confidence(confidence)
    if horizon_days < 0:
        raise InvalidInput(Problem("horizon_days", "must be 0 or more"))
    horizon = timedelta(days=horizon_days)
    labels = consented_groups(demographics, attribute)
    chosen = [
        learner
        for learner in selection.apply(learners)
        if learner.id in labels and learner.started + horizon <= as_of
    ]
    earned = earned_by_learner(awards, (learner.id for learner in chosen))
    tallies: dict[Measure, dict[str, list[int]]] = {m: {} for m in MEASURES}
    for learner in chosen:
        within = {a for a, d in earned[learner.id].items() if d <= learner.started + horizon}
        completed = terminal in within
        progressed = completed or len(within - {terminal}) >= 2
        group = labels[learner.id]
        outcomes: tuple[tuple[Measure, bool], ...] = (("progression", progressed), ("completion", completed))
        for measure, success in outcomes:
            tally = tallies[measure].setdefault(group, [0, 0])
            tally[0] += 1
            tally[1] += int(success)

    return equity_from_counts(
        {m: {g: (n, k) for g, (n, k) in tallies[m].items()} for m in MEASURES},
        attribute=attribute,
        terminal=terminal,
        as_of=as_of,
        horizon_days=horizon_days,
        selection=selection,
        reference=reference,
        comparison=comparison,
        policy=policy,
        confidence=confidence,
    )


def equity_from_counts(
    counts: Mapping[Measure, Mapping[str, tuple[int, int]]],
    *,
    attribute: str,
    terminal: str,
    as_of: date,
    horizon_days: int,
    selection: Selection = Selection(),
    reference: str | None = None,
    comparison: Comparison | None = None,
    policy: SuppressionPolicy = SuppressionPolicy(),
    confidence: float = 0.95,
) -> EquityReport:
    """The report from ``{measure: {group: (learners, successes)}}`` counted as
    ``equity_report`` counts them (e.g. by a database query over the same rules)."""
    check_confidence(confidence)
    tables = {m: protect(dict(counts.get(m, {})), policy) for m in MEASURES}
    shown = {g.group: g.learners for g in tables["progression"].groups}
    if reference is None and shown:
        reference = min(shown, key=lambda g: (-shown[g], g))
    elif reference is not None and reference not in shown:
        reference = None  # withheld (or absent): no ratios against it
    others = _comparison_tables(comparison, shown, policy)
    return EquityReport(
        attribute=attribute,
        selection=selection,
        terminal=terminal,
        as_of=as_of,
        horizon_days=horizon_days,
        confidence=confidence,
        policy=policy,
        reference=reference,
        comparison=comparison.name if comparison else None,
        measures=tuple(MeasureResult(m, tables[m], others.get(m), confidence, reference) for m in MEASURES),
    )


def consented_groups(demographics: Iterable[Demographic], attribute: str) -> dict[str, str]:
    """Each learner's group for ``attribute`` from consented records only; a learner given
    two different groups is an error."""
    groups: dict[str, str] = {}
    problems: list[Problem] = []
    for i, record in enumerate(demographics):
        if record.attribute != attribute or not record.consented:
            continue
        known = groups.setdefault(record.learner, record.group)
        if known != record.group:
            problems.append(
                Problem(
                    f"demographics[{i}]", f"learner {record.learner!r} is in {known!r} and {record.group!r}"
                )
            )
    if problems:
        raise InvalidInput(problems, source=f"demographics for {attribute!r}")
    return groups


def _comparison_tables(
    comparison: Comparison | None, shown: dict[str, int], policy: SuppressionPolicy
) -> dict[Measure, ProtectedCounts]:
    if comparison is None:
        return {}
    by_measure: dict[Measure, dict[str, tuple[int, int]]] = {}
    problems: list[Problem] = []
    for i, c in enumerate(comparison.counts):
        table = by_measure.setdefault(c.measure, {})
        if c.measure not in MEASURES:
            problems.append(Problem(f"counts[{i}].measure", f"must be one of {', '.join(MEASURES)}"))
        elif c.group in table:
            problems.append(Problem(f"counts[{i}]", f"group {c.group!r} given twice for {c.measure}"))
        table[c.group] = (c.learners, c.successes)
    if problems:
        raise InvalidInput(problems, source=f"comparison {comparison.name!r}")
    return {
        m: protect(table, policy, withhold=[g for g in table if g not in shown])
        for m, table in sorted(by_measure.items())
    }


def _row(
    measure: str,
    kind: str,
    group: str | None,
    learners: int | None,
    rate: Proportion | None,
    g: GroupResult | None,
) -> Row:
    ratio = g.vs_reference if g else None
    other = g.comparison if g else None
    versus = g.vs_comparison if g else None
    return {
        "measure": measure,
        "kind": kind,
        "group": group,
        "learners": learners,
        "successes": rate.successes if rate else None,
        "rate": rate.rate if rate else None,
        "low": rate.low if rate else None,
        "high": rate.high if rate else None,
        "is_reference": g.is_reference if g else None,
        "ratio_to_reference": ratio.value if ratio else None,
        "ratio_low": ratio.low if ratio else None,
        "ratio_high": ratio.high if ratio else None,
        "comparison_learners": other.trials if other else None,
        "comparison_successes": other.successes if other else None,
        "comparison_rate": other.rate if other else None,
        "comparison_low": other.low if other else None,
        "comparison_high": other.high if other else None,
        "ratio_to_comparison": versus.value if versus else None,
        "ratio_to_comparison_low": versus.low if versus else None,
        "ratio_to_comparison_high": versus.high if versus else None,
    }
