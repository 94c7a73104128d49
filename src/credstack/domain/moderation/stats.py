"""Agreement between markers: exact and adjacent agreement, weighted Cohen's kappa,
Krippendorff's alpha and drift of the first marks from the moderators'.

Levels are integers on an ordinal scale (a rubric criterion's performance levels, lowest
first). The arithmetic is the libraries': scikit-learn for kappa, the ``krippendorff``
package for alpha, SciPy for Student's t. A statistic that is undefined for the data
(too few pairs, every mark at one level) is a :class:`Measure` with ``value=None`` and
the reason, never NaN and never an exception. docs/moderation-statistics.md says how to
read each one and where the formulas come from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import krippendorff
import numpy as np
import numpy.typing as npt
from scipy import stats as scipy_stats
from sklearn.metrics import cohen_kappa_score

Weights = Literal["linear", "quadratic"]
LevelOfMeasurement = Literal["nominal", "ordinal", "interval", "ratio"]
IntArray = npt.NDArray[np.int64]

TOO_FEW_PAIRS = "fewer than 2 moderated pairs"
ONE_LEVEL = (
    "every mark is at the same level, so agreement by chance is total and the coefficient is undefined"
)
NO_PAIRABLE_UNIT = "no unit has marks from two raters"
TOO_FEW_DIFFERENCES = "fewer than 2 moderated differences, so there is no interval"


@dataclass(frozen=True)
class Measure:
    """A coefficient, or ``None`` with the reason it is undefined for these data."""

    value: float | None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "reason": self.reason}


def _pairs(first: Sequence[int] | IntArray, second: Sequence[int] | IntArray) -> tuple[IntArray, IntArray]:
    a = np.asarray(first, dtype=np.int64).ravel()
    b = np.asarray(second, dtype=np.int64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"first and second marks differ in number: {a.size} and {b.size}")
    return a, b


@dataclass(frozen=True)
class Agreement:
    """How often the first mark and the moderator's are the same level (exact) or at most
    one level apart (adjacent). Counts are kept so that groups add up to the whole."""

    pairs: int
    exact_count: int
    adjacent_count: int

    @property
    def exact(self) -> float | None:
        return self.exact_count / self.pairs if self.pairs else None

    @property
    def adjacent(self) -> float | None:
        return self.adjacent_count / self.pairs if self.pairs else None

    def as_json(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "exact": self.exact,
            "adjacent": self.adjacent,
            "exact_count": self.exact_count,
            "adjacent_count": self.adjacent_count,
        }


def agreement(first: Sequence[int] | IntArray, second: Sequence[int] | IntArray) -> Agreement:
    a, b = _pairs(first, second)
    gap = np.abs(a - b)
    return Agreement(int(a.size), int(np.count_nonzero(gap == 0)), int(np.count_nonzero(gap <= 1)))


def weighted_kappa(
    first: Sequence[int] | IntArray,
    second: Sequence[int] | IntArray,
    *,
    weights: Weights | None = "quadratic",
) -> Measure:
    """Cohen's kappa (1960), weighted (Cohen 1968) by the distance between levels.

    The labels passed to scikit-learn are every level from the lowest to the highest seen,
    so that a disagreement of two levels weighs as two even when the level between them was
    never used (scikit-learn weighs by label position, not by value).
    """
    a, b = _pairs(first, second)
    if a.size < 2:
        return Measure(None, TOO_FEW_PAIRS)
    low, high = int(min(a.min(), b.min())), int(max(a.max(), b.max()))
    if low == high:
        return Measure(None, ONE_LEVEL)
    value = float(cohen_kappa_score(a, b, labels=np.arange(low, high + 1), weights=weights))
    if not math.isfinite(value):  # not reachable once low < high; kept so NaN never leaks out
        return Measure(None, ONE_LEVEL)
    return Measure(value)


def alpha_from_counts(
    value_counts: npt.ArrayLike, value_domain: npt.ArrayLike, *, level: LevelOfMeasurement = "ordinal"
) -> Measure:
    """Krippendorff's alpha from a units x values table of how many raters gave each value."""
    counts = np.asarray(value_counts)
    pairable = counts[counts.sum(axis=1) >= 2]
    if pairable.shape[0] == 0:
        return Measure(None, NO_PAIRABLE_UNIT)
    if np.count_nonzero(pairable.sum(axis=0)) < 2:
        return Measure(None, ONE_LEVEL)
    value = float(
        krippendorff.alpha(value_counts=pairable, value_domain=value_domain, level_of_measurement=level)
    )
    return Measure(value) if math.isfinite(value) else Measure(None, ONE_LEVEL)


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[float | None]] | npt.NDArray[np.float64],
    *,
    level: LevelOfMeasurement = "ordinal",
) -> Measure:
    """Krippendorff's alpha on the layout of Krippendorff (2011): one row per rater, one
    column per unit, ``None`` or NaN where a rater gave no value."""
    data = np.array(reliability_data, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError("reliability data must be raters x units")
    seen = ~np.isnan(data)
    keep = seen.sum(axis=0) >= 2
    if not keep.any():
        return Measure(None, NO_PAIRABLE_UNIT)
    if np.unique(data[:, keep][seen[:, keep]]).size < 2:
        return Measure(None, ONE_LEVEL)
    value = float(krippendorff.alpha(reliability_data=data[:, keep], level_of_measurement=level))
    return Measure(value) if math.isfinite(value) else Measure(None, ONE_LEVEL)


@dataclass(frozen=True)
class Drift:
    """Mean of (first mark - moderator's mark) with a t-based confidence interval.

    Flagged when the interval excludes 0 and the mean is at least ``threshold`` levels
    from 0: the marker sits systematically above (positive) or below the moderators.
    """

    n: int
    mean: float | None
    low: float | None
    high: float | None
    confidence: float
    threshold: float
    reason: str | None = None

    @property
    def excludes_zero(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)

    @property
    def flagged(self) -> bool:
        return self.excludes_zero and self.mean is not None and abs(self.mean) >= self.threshold

    @property
    def direction(self) -> Literal["above", "below"] | None:
        if not self.flagged or self.mean is None:
            return None
        return "above" if self.mean > 0 else "below"

    def as_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "confidence": self.confidence,
            "threshold": self.threshold,
            "flagged": self.flagged,
            "direction": self.direction,
            "reason": self.reason,
        }


def drift_from_summary(
    n: int, mean: float, sd: float, *, confidence: float = 0.95, threshold: float = 0.25
) -> Drift:
    """The interval mean +/- t(1 - (1 - confidence)/2, n - 1) * sd / sqrt(n)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    if n < 2:
        return Drift(n, mean if n else None, None, None, confidence, threshold, TOO_FEW_DIFFERENCES)
    half = float(scipy_stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return Drift(n, mean, mean - half, mean + half, confidence, threshold)


def drift(
    differences: Sequence[float] | npt.NDArray[np.float64],
    *,
    confidence: float = 0.95,
    threshold: float = 0.25,
) -> Drift:
    """Drift from independent differences (first - moderator), one per moderated unit."""
    d = np.asarray(differences, dtype=np.float64).ravel()
    sd = float(d.std(ddof=1)) if d.size >= 2 else 0.0
    mean = float(d.mean()) if d.size else 0.0
    return drift_from_summary(int(d.size), mean, sd, confidence=confidence, threshold=threshold)
