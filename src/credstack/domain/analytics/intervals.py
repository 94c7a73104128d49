"""Estimates with their confidence intervals: a proportion (Wilson score interval), a ratio of
two proportions (Katz log interval), a mean (Student t interval) and quartiles.

Sources: E. B. Wilson, "Probable inference, the law of succession, and statistical
inference", JASA 22 (1927) 209-212; D. Katz, J. Baptista, S. P. Azen, M. C. Pike, "Obtaining
confidence intervals for the risk ratio in cohort studies", Biometrics 34 (1978) 469-474;
R. G. Newcombe, "Two-sided confidence intervals for the single proportion", Statistics in
Medicine 17 (1998) 857-872 (worked examples used by the tests).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from credstack.domain.errors import InvalidInput, Problem


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile for ``confidence`` (1.95996... for 0.95)."""
    check_confidence(confidence)
    return float(stats.norm.ppf(0.5 + confidence / 2))


def check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise InvalidInput(Problem("confidence", "must be between 0 and 1"))


@dataclass(frozen=True, slots=True)
class Proportion:
    """``successes`` of ``trials``, the rate and its Wilson score interval."""

    successes: int
    trials: int
    rate: float
    low: float
    high: float

    def as_json(self) -> dict[str, Any]:
        return {
            "successes": self.successes,
            "trials": self.trials,
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
        }


def wilson(successes: int, trials: int, confidence: float = 0.95) -> Proportion:
    """p = k/n; with z the normal quantile, the interval is
    (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise InvalidInput(
            Problem("successes", f"{successes} of {trials}: need 0 <= successes <= trials > 0")
        )
    z = z_value(confidence)
    n = trials
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At k = 0 or k = n one bound is exactly 0 or 1; rounding must not move it off.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Proportion(successes, trials, p, low, high)


@dataclass(frozen=True, slots=True)
class Ratio:
    """A ratio of two proportions (group over reference) with its confidence interval."""

    value: float
    low: float
    high: float

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high}


def katz_ratio(group: Proportion, reference: Proportion, confidence: float = 0.95) -> Ratio | None:
    """RR = (k1/n1) / (k2/n2); ln RR ± z·sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2), exponentiated.
    None when either proportion has no successes (the log interval is undefined)."""
    if group.successes == 0 or reference.successes == 0:
        return None
    z = z_value(confidence)
    value = group.rate / reference.rate
    se = math.sqrt(
        max(
            0.0,
            1 / group.successes - 1 / group.trials + 1 / reference.successes - 1 / reference.trials,
        )
    )
    log_value = math.log(value)
    return Ratio(value, math.exp(log_value - z * se), math.exp(log_value + z * se))


@dataclass(frozen=True, slots=True)
class Mean:
    """A mean of ``n`` values with its Student t interval (None for fewer than two values)."""

    n: int
    mean: float
    low: float | None
    high: float | None

    def as_json(self) -> dict[str, Any]:
        return {"n": self.n, "mean": self.mean, "low": self.low, "high": self.high}


def t_mean(values: Sequence[float], confidence: float = 0.95) -> Mean | None:
    """mean ± t(n-1) · s/√n, s the sample standard deviation (n - 1 denominator)."""
    check_confidence(confidence)
    n = len(values)
    if n == 0:
        return None
    data = np.asarray(values, dtype=np.float64)
    mean = float(data.mean())
    if n < 2:
        return Mean(n, mean, None, None)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * float(data.std(ddof=1)) / math.sqrt(n)
    return Mean(n, mean, mean - half, mean + half)


@dataclass(frozen=True, slots=True)
class Quartiles:
    """Median and interquartile range of ``n`` values (linear interpolation between order
    statistics: numpy's default, Hyndman and Fan's type 7)."""

    n: int
    q1: float
    median: float
    q3: float

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    def as_json(self) -> dict[str, Any]:
        return {"n": self.n, "q1": self.q1, "median": self.median, "q3": self.q3, "iqr": self.iqr}


def quartiles(values: Sequence[float]) -> Quartiles | None:
    if not values:
        return None
    q1, median, q3 = np.percentile(np.asarray(values, dtype=np.float64), [25, 50, 75])
    return Quartiles(len(values), float(q1), float(median), float(q3))
