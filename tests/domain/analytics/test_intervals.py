"""Wilson, Katz and t intervals against published worked examples and well-kept libraries."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.stats.contingency import relative_risk
from statsmodels.stats.proportion import proportion_confint

from credstack.domain.analytics import katz_ratio, quartiles, t_mean, wilson
from credstack.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # R. G. Newcombe, Statistics in Medicine 17 (1998) 857-872, Table I, method 3 (score
        # interval without continuity correction), 95 %:
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_worked_examples(k: int, n: int, low: float, high: float) -> None:
    p = wilson(k, n)
    assert (p.low, p.high) == pytest.approx((low, high), abs=5e-5)


def test_wilson_matches_statsmodels() -> None:
    for n in (1, 2, 3, 7, 20, 63, 250):
        for k in range(n + 1):
            for confidence in (0.9, 0.95, 0.99):
                p = wilson(k, n, confidence)
                low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
                assert (p.low, p.high) == pytest.approx((low, high), abs=1e-12)


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(InvalidInput):
        wilson(3, 2)
    with pytest.raises(InvalidInput):
        wilson(0, 0)


def test_katz_ratio_matches_scipy_relative_risk() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        n1, n2 = rng.integers(1, 400, size=2)
        k1, k2 = rng.integers(1, n1 + 1), rng.integers(1, n2 + 1)
        ratio = katz_ratio(wilson(int(k1), int(n1)), wilson(int(k2), int(n2)))
        reference = relative_risk(int(k1), int(n1), int(k2), int(n2))
        band = reference.confidence_interval(0.95)
        assert ratio is not None
        assert (ratio.value, ratio.low, ratio.high) == pytest.approx(
            (reference.relative_risk, band.low, band.high), rel=1e-12
        )


def test_katz_ratio_by_hand_and_undefined_without_successes() -> None:
    # 5/12 against 10/20: RR = 0.4166667 / 0.5 = 0.8333333;
    # se = sqrt(1/5 - 1/12 + 1/10 - 1/20) = sqrt(0.1666667) = 0.4082483;
    # RR * exp(±1.959964 * 0.4082483) = 0.8333333 * (0.4492607, 2.2258791) -> (0.3743839, 1.8548993)
    ratio = katz_ratio(wilson(5, 12), wilson(10, 20))
    assert ratio is not None
    assert (ratio.value, ratio.low, ratio.high) == pytest.approx((0.8333333, 0.3743839, 1.8548993), abs=1e-7)
    assert katz_ratio(wilson(0, 12), wilson(10, 20)) is None


def test_t_mean_matches_scipy() -> None:
    values = [3.0, 4.5, 2.0, 5.0, 4.0, 4.0]
    mean = t_mean(values, 0.9)
    assert mean is not None
    low, high = stats.t.interval(0.9, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))
    assert (mean.low, mean.high) == pytest.approx((low, high), rel=1e-12)
    assert t_mean([]) is None


def test_quartiles_interpolate_linearly() -> None:
    # Sorted 1, 2, 4, 10: positions (n-1)p = 0.75, 1.5, 2.25 -> 1.75, 3, 5.5.
    q = quartiles([10, 1, 4, 2])
    assert q is not None and (q.q1, q.median, q.q3, q.iqr) == (1.75, 3.0, 5.5, 3.75)
    assert quartiles([]) is None
