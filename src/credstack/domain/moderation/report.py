"""The moderation report: agreement, kappa, alpha and drift for the whole set of marks and
for each achievement, cohort, site and assessor (or any crossing of those keys).

Counts, agreement and the drift moments are computed for every group at once with
``numpy.bincount``; kappa and alpha are computed per group by the libraries in stats.py.
Drift is measured per moderated *submission* (the mean of its criteria's differences), so
that the criteria of one script, which share a marker and a sitting, do not pass for
independent evidence and narrow the interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.moderation.marks import GROUP_KEYS, Mark, MarkTable, Units, encode
from credstack.domain.moderation.stats import (
    Agreement,
    Drift,
    Measure,
    alpha_from_counts,
    drift_from_summary,
    weighted_kappa,
)

Dimension = tuple[str, ...]
DEFAULT_DIMENSIONS: tuple[Dimension, ...] = tuple((key,) for key in GROUP_KEYS)


@dataclass(frozen=True)
class ModerationPolicy:
    """How drift is judged, and which groupings the report breaks the marks down by."""

    confidence: float = 0.95
    drift_threshold: float = 0.25  # in levels of the rubric scale
    dimensions: tuple[Dimension, ...] = DEFAULT_DIMENSIONS

    def __post_init__(self) -> None:
        problems = []
        if not 0 < self.confidence < 1:
            problems.append(Problem("confidence", "must be between 0 and 1"))
        if not self.drift_threshold >= 0:
            problems.append(Problem("drift_threshold", "must be 0 or more levels"))
        for dim in self.dimensions:
            unknown = [key for key in dim if key not in GROUP_KEYS]
            if unknown or not dim or len(set(dim)) != len(dim):
                problems.append(
                    Problem("dimensions", f"{dim!r}: use distinct keys of {', '.join(GROUP_KEYS)}")
                )
        if problems:
            raise InvalidInput(problems, source="moderation policy")

    def as_json(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "drift_threshold": self.drift_threshold,
            "dimensions": ["+".join(d) for d in self.dimensions],
        }


@dataclass(frozen=True)
class GroupReport:
    """The statistics of one group: ``group`` maps each key of ``dimension`` to its value
    (both empty for the whole set)."""

    dimension: Dimension
    group: dict[str, str]
    marks: int
    units: int
    agreement: Agreement
    kappa_linear: Measure
    kappa_quadratic: Measure
    alpha_ordinal: Measure
    drift: Drift

    @property
    def name(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.group.items()) or "all marks"

    def as_json(self) -> dict[str, Any]:
        return {
            "dimension": "+".join(self.dimension) or "all",
            "group": dict(self.group),
            "marks": self.marks,
            "units": self.units,
            "agreement": self.agreement.as_json(),
            "kappa_linear": self.kappa_linear.as_json(),
            "kappa_quadratic": self.kappa_quadratic.as_json(),
            "alpha_ordinal": self.alpha_ordinal.as_json(),
            "drift": self.drift.as_json(),
        }


@dataclass(frozen=True)
class ModerationReport:
    policy: ModerationPolicy
    overall: GroupReport
    breakdowns: dict[str, tuple[GroupReport, ...]] = field(default_factory=dict)

    @property
    def flagged(self) -> tuple[GroupReport, ...]:
        """Every group, the whole set included, whose drift is flagged."""
        everything = (self.overall, *(g for groups in self.breakdowns.values() for g in groups))
        return tuple(g for g in everything if g.drift.flagged)

    def as_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy.as_json(),
            "overall": self.overall.as_json(),
            "breakdowns": {name: [g.as_json() for g in groups] for name, groups in self.breakdowns.items()},
            "flagged": [
                {"dimension": "+".join(g.dimension) or "all", "group": dict(g.group), **g.drift.as_json()}
                for g in self.flagged
            ],
        }


def moderation_report(
    marks: Iterable[Mark] | MarkTable, policy: ModerationPolicy | None = None
) -> ModerationReport:
    """The report over ``marks``; raises InvalidInput naming the rows it cannot accept."""
    policy = policy or ModerationPolicy()
    table = marks if isinstance(marks, MarkTable) else MarkTable.from_marks(marks)
    units = encode(table)
    counts, domain = _value_counts(units.levels)
    overall = _breakdown(units, (), policy, counts, domain)[0]
    breakdowns = {"+".join(dim): _breakdown(units, dim, policy, counts, domain) for dim in policy.dimensions}
    return ModerationReport(policy, overall, breakdowns)


def _value_counts(levels: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Units x levels: how many raters gave each level (the input of Krippendorff's alpha)."""
    seen = ~np.isnan(levels)
    low = int(levels[seen].min()) if seen.any() else 0
    high = int(levels[seen].max()) if seen.any() else 0
    counts = np.zeros((levels.shape[0], high - low + 1), dtype=np.int64)
    for role in range(levels.shape[1]):
        rows = np.flatnonzero(seen[:, role])
        counts[rows, levels[rows, role].astype(np.int64) - low] += 1
    return counts, np.arange(low, high + 1)


def _slices(group_of: npt.NDArray[np.int64], size: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """The order that sorts items by group, and each group's bounds in that order."""
    order = np.argsort(group_of, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(group_of, minlength=size))))
    return order, bounds.astype(np.int64)


def _breakdown(
    units: Units,
    dimension: Dimension,
    policy: ModerationPolicy,
    counts: npt.NDArray[np.int64],
    domain: npt.NDArray[np.int64],
) -> tuple[GroupReport, ...]:
    combined = np.zeros(units.levels.shape[0], dtype=np.int64)
    for key in dimension:
        combined = combined * len(units.labels[key]) + units.groups[key]
    ids, group_of = np.unique(combined, return_inverse=True)
    if dimension == ():
        ids, group_of = np.zeros(1, dtype=np.int64), np.zeros(combined.size, dtype=np.int64)
    size = ids.size

    moderated = ~np.isnan(units.levels[:, 1])
    first = units.levels[moderated, 0].astype(np.int64)
    second = units.levels[moderated, 1].astype(np.int64)
    pair_group = group_of[moderated]
    gap = np.abs(first - second)
    pairs = np.bincount(pair_group, minlength=size)
    exact = np.bincount(pair_group, weights=gap == 0, minlength=size).round().astype(np.int64)
    adjacent = np.bincount(pair_group, weights=gap <= 1, minlength=size).round().astype(np.int64)
    pair_order, pair_bounds = _slices(pair_group, size)
    first, second = first[pair_order], second[pair_order]

    pairable = np.flatnonzero(counts.sum(axis=1) >= 2)
    alpha_order, alpha_bounds = _slices(group_of[pairable], size)
    pairable_counts = counts[pairable[alpha_order]]

    n_sub, mean, sd = _submission_drift(units, moderated, pair_group, size)
    unit_count = np.bincount(group_of, minlength=size)
    mark_count = np.bincount(group_of, weights=units.marks, minlength=size).round().astype(np.int64)

    reports = []
    for g in range(size):
        a = first[pair_bounds[g] : pair_bounds[g + 1]]
        b = second[pair_bounds[g] : pair_bounds[g + 1]]
        reports.append(
            GroupReport(
                dimension=dimension,
                group=_names(units, dimension, int(ids[g])),
                marks=int(mark_count[g]),
                units=int(unit_count[g]),
                agreement=Agreement(int(pairs[g]), int(exact[g]), int(adjacent[g])),
                kappa_linear=weighted_kappa(a, b, weights="linear"),
                kappa_quadratic=weighted_kappa(a, b, weights="quadratic"),
                alpha_ordinal=alpha_from_counts(
                    pairable_counts[alpha_bounds[g] : alpha_bounds[g + 1]], domain, level="ordinal"
                ),
                drift=drift_from_summary(
                    int(n_sub[g]),
                    float(mean[g]),
                    float(sd[g]),
                    confidence=policy.confidence,
                    threshold=policy.drift_threshold,
                ),
            )
        )
    return tuple(sorted(reports, key=lambda r: tuple(r.group.values())))


def _submission_drift(
    units: Units, moderated: npt.NDArray[np.bool_], pair_group: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per group: the number of moderated submissions, the mean of their mean (first -
    moderator) differences, and the standard deviation of those means."""
    difference = units.levels[moderated, 0] - units.levels[moderated, 1]
    stride = int(units.submission.max()) + 1 if units.submission.size else 1
    clusters, cluster_of = np.unique(pair_group * stride + units.submission[moderated], return_inverse=True)
    per_submission = np.bincount(cluster_of, weights=difference) / np.bincount(cluster_of)
    group = clusters // stride
    n = np.bincount(group, minlength=size)
    mean = np.bincount(group, weights=per_submission, minlength=size) / np.maximum(n, 1)
    squares = np.bincount(group, weights=(per_submission - mean[group]) ** 2, minlength=size)
    sd = np.sqrt(squares / np.maximum(n - 1, 1))
    return n, mean, sd


def _names(units: Units, dimension: Dimension, code: int) -> dict[str, str]:
    names = {}
    for key in reversed(dimension):
        labels = units.labels[key]
        code, index = divmod(code, len(labels))
        names[key] = labels[index]
    return {key: names[key] for key in dimension}
