"""Moderation statistics against worked examples from the literature (each names its source
and the published figure), then properties that must hold for any marks."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.domain.moderation import agreement, drift, krippendorff_alpha, weighted_kappa
from credstack.domain.moderation.stats import (
    LevelOfMeasurement,
    Weights,
    alpha_from_counts,
    drift_from_summary,
)

WEIGHTINGS: tuple[Weights | None, ...] = (None, "linear", "quadratic")


def expand(table: list[list[int]]) -> tuple[list[int], list[int]]:
    """Rater pairs from a contingency table (rows: first rater, columns: second)."""
    first, second = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [i] * count
            second += [j] * count
    return first, second


# --- Cohen's kappa --------------------------------------------------------------------------

# Source: Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals read by
# two readers; both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
# Published: p_o = 0.7, p_e = 0.5, kappa = 0.4.
WIKIPEDIA_GRANTS = [[20, 5], [10, 15]]

# Source: D. G. Altman, Practical Statistics for Medical Research (Chapman & Hall, 1991),
# section 14.3, table 14.4 (from Boyd et al. 1982): two radiologists grading 85
# xeromammograms as normal / benign / suspected cancer / cancer. Published: kappa = 0.47;
# the Stata manual ([R] kappa, "kap rada radb") reproduces it as 0.4728 and gives the
# linearly weighted kappa (Cicchetti-Allison weights, "wgt(w)") as 0.5684.
ALTMAN_MAMMOGRAMS = [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]]


def test_cohen_kappa_wikipedia_grant_proposals() -> None:
    first, second = expand(WIKIPEDIA_GRANTS)
    assert agreement(first, second).exact == pytest.approx(0.7)
    assert weighted_kappa(first, second, weights=None).value == pytest.approx(0.4)


def test_kappa_altman_xeromammograms_unweighted_and_linear() -> None:
    first, second = expand(ALTMAN_MAMMOGRAMS)
    assert len(first) == 85
    kappa = weighted_kappa(first, second, weights=None).value
    assert kappa is not None and round(kappa, 2) == 0.47
    assert kappa == pytest.approx(0.4728, abs=5e-5)
    assert weighted_kappa(first, second, weights="linear").value == pytest.approx(0.5684, abs=5e-5)


def fleiss_cohen_quadratic(first: list[int], second: list[int]) -> float:
    """Quadratically weighted kappa as the moment formula of Fleiss & Cohen (1973), "The
    equivalence of weighted kappa and the intraclass correlation coefficient as measures of
    reliability", Educational and Psychological Measurement 33, 613-619:
    kappa_w = 2 s_xy / (s_x^2 + s_y^2 + (mean_x - mean_y)^2), moments over n (not n - 1)."""
    x, y = np.asarray(first, float), np.asarray(second, float)
    sxy = float(((x - x.mean()) * (y - y.mean())).mean())
    return 2 * sxy / (float(x.var()) + float(y.var()) + float(x.mean() - y.mean()) ** 2)


def test_quadratic_kappa_altman_xeromammograms_by_the_fleiss_cohen_identity() -> None:
    # No printed quadratic figure for this table is quoted here: the value (0.6714) is checked
    # against the published identity above, computed independently of scikit-learn.
    first, second = expand(ALTMAN_MAMMOGRAMS)
    value = weighted_kappa(first, second, weights="quadratic").value
    assert value == pytest.approx(fleiss_cohen_quadratic(first, second), abs=1e-12)
    assert value == pytest.approx(0.6714, abs=5e-5)


def test_kappa_weighs_by_level_distance_not_label_position() -> None:
    # Level 2 never used: 1 vs 3 is two levels apart, not one (scikit-learn on its own would
    # number the labels 0, 1, 3 as positions 0, 1, 2).
    first, second = [0, 1, 3, 3, 0, 1, 3], [1, 0, 3, 1, 0, 3, 3]
    assert weighted_kappa(first, second, weights="quadratic").value == pytest.approx(
        fleiss_cohen_quadratic(first, second)
    )


# --- Krippendorff's alpha -------------------------------------------------------------------

# Source: K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011, Annenberg
# School for Communication, University of Pennsylvania), section C, "Any number of observers,
# missing data": observers A-D over 12 units. Published: nominal 0.743, ordinal 0.815,
# interval 0.849.
_: None = None
KRIPPENDORFF_2011: list[list[float | None]] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_krippendorff_alpha_2011_worked_example(level: LevelOfMeasurement, published: float) -> None:
    value = krippendorff_alpha(KRIPPENDORFF_2011, level=level).value
    assert value is not None and round(value, 3) == published


def test_alpha_from_counts_matches_the_reliability_data_layout() -> None:
    data = np.array(KRIPPENDORFF_2011, dtype=float)
    domain = np.arange(1, 6)
    counts = np.stack([(data == v).sum(axis=0) for v in domain], axis=1)
    assert alpha_from_counts(counts, domain).value == pytest.approx(
        krippendorff_alpha(KRIPPENDORFF_2011).value
    )


# --- drift ----------------------------------------------------------------------------------


def test_drift_interval_by_hand() -> None:
    # Differences 1,0,1,2,1,0,1,1: n = 8, mean = 7/8 = 0.875, sum of squared deviations
    # 5 x 0.125^2 + 2 x 0.875^2 + 1.125^2 = 2.875, s^2 = 2.875 / 7 = 0.410714, s = 0.640870,
    # s / sqrt(8) = 0.226582; t(0.975, 7) = 2.365 (any printed t table), half-width 0.5358:
    # 95% interval [0.339, 1.411]. It excludes 0 and |0.875| >= 0.25: flagged, above.
    d = drift([1, 0, 1, 2, 1, 0, 1, 1])
    assert d.n == 8 and d.mean == pytest.approx(0.875)
    assert d.low == pytest.approx(0.875 - 2.365 * 0.226582, abs=1e-3)
    assert d.high == pytest.approx(0.875 + 2.365 * 0.226582, abs=1e-3)
    assert d.flagged and d.direction == "above"


def test_drift_inside_threshold_or_interval_not_flagged() -> None:
    small = drift([0.1] * 9 + [0.2], threshold=0.25)  # interval excludes 0, mean 0.11
    assert small.excludes_zero and not small.flagged and small.direction is None
    spread = drift([2, -2, 1, -1, 1])  # mean 0.2, interval straddles 0
    assert not spread.excludes_zero and not spread.flagged


def test_drift_below_is_flagged_below() -> None:
    assert drift([-1, -1, 0, -1, -2, -1]).direction == "below"


def test_drift_confidence_widens_interval() -> None:
    d90, d99 = drift([1, 0, 1, 2], confidence=0.9), drift([1, 0, 1, 2], confidence=0.99)
    assert d99.low is not None and d90.low is not None and d99.low < d90.low
    with pytest.raises(ValueError):
        drift_from_summary(3, 0.0, 1.0, confidence=1.0)


# --- degenerate cases: None with a reason, never NaN, never a crash -------------------------


def test_fewer_than_two_pairs() -> None:
    for first, second in (([], []), ([2], [3])):
        for weights in WEIGHTINGS:
            k = weighted_kappa(first, second, weights=weights)
            assert k.value is None and k.reason == "fewer than 2 moderated pairs"
    assert agreement([], []).exact is None
    d = drift([0.5])
    assert d.low is None and d.high is None and not d.flagged and d.reason


def test_every_mark_at_one_level() -> None:
    k = weighted_kappa([2, 2, 2], [2, 2, 2])
    assert k.value is None and k.reason is not None and "same level" in k.reason
    a = krippendorff_alpha([[3, 3, _], [3, 3, 3]])
    assert a.value is None and a.reason is not None and "same level" in a.reason
    assert agreement([2, 2, 2], [2, 2, 2]).exact == 1.0


def test_constant_but_different_raters_give_kappa_zero() -> None:
    # Chance agreement is 0, observed agreement is 0: kappa is defined and 0.
    assert weighted_kappa([1, 1, 1], [2, 2, 2], weights=None).value == 0.0


def test_alpha_without_a_pairable_unit() -> None:
    a = krippendorff_alpha([[1, _, 3], [_, 2, _]])
    assert a.value is None and a.reason == "no unit has marks from two raters"


def test_mismatched_pair_lengths_are_an_error() -> None:
    with pytest.raises(ValueError, match="differ in number"):
        agreement([1, 2], [1])


# --- properties -----------------------------------------------------------------------------

levels = st.integers(min_value=0, max_value=4)
pairs = st.lists(st.tuples(levels, levels), min_size=2, max_size=60)


@settings(max_examples=60, derandomize=True)
@given(st.lists(levels, min_size=2, max_size=60).filter(lambda xs: len(set(xs)) > 1))
def test_perfect_agreement_gives_one(xs: list[int]) -> None:
    assert agreement(xs, xs).exact == 1.0
    for weights in WEIGHTINGS:
        assert weighted_kappa(xs, xs, weights=weights).value == pytest.approx(1.0)
    assert krippendorff_alpha([xs, xs]).value == pytest.approx(1.0)


@settings(max_examples=80, derandomize=True)
@given(pairs)
def test_rates_and_coefficients_in_range_and_symmetric(ps: list[tuple[int, int]]) -> None:
    a, b = [p[0] for p in ps], [p[1] for p in ps]
    agree = agreement(a, b)
    assert agree.exact is not None and agree.adjacent is not None
    assert 0 <= agree.exact <= agree.adjacent <= 1
    for weights in WEIGHTINGS:
        k = weighted_kappa(a, b, weights=weights)
        swapped = weighted_kappa(b, a, weights=weights)
        assert (k.value is None) == (len(set(a) | set(b)) == 1)
        if k.value is not None:
            assert -1 - 1e-9 <= k.value <= 1 + 1e-9 and not math.isnan(k.value)
            assert swapped.value == pytest.approx(k.value)
    alpha = krippendorff_alpha([a, b])
    assert (alpha.value is None) == (len(set(a) | set(b)) == 1)


@settings(max_examples=80, derandomize=True)
@given(pairs, st.integers(min_value=-3, max_value=7))
def test_quadratic_kappa_is_the_fleiss_cohen_moment_formula(ps: list[tuple[int, int]], shift: int) -> None:
    a, b = [p[0] for p in ps], [p[1] for p in ps]
    k = weighted_kappa(a, b, weights="quadratic")
    if k.value is not None:
        assert k.value == pytest.approx(fleiss_cohen_quadratic(a, b), abs=1e-9)
        # Renumbering the scale (levels 1-5 instead of 0-4) changes nothing.
        moved = weighted_kappa([x + shift for x in a], [y + shift for y in b], weights="quadratic")
        assert moved.value == pytest.approx(k.value)


def _kappa(q: list[tuple[int, int]]) -> float | None:
    return weighted_kappa([p[0] for p in q], [p[1] for p in q]).value


def _alpha(q: list[tuple[int, int]]) -> float | None:
    return krippendorff_alpha([[p[0] for p in q], [p[1] for p in q]]).value


def _drift_low(q: list[tuple[int, int]]) -> float | None:
    return drift([p[0] - p[1] for p in q]).low


@settings(max_examples=100, derandomize=True)
@given(pairs, st.randoms(use_true_random=False))
def test_order_of_pairs_does_not_matter(ps: list[tuple[int, int]], rnd: random.Random) -> None:
    shuffled = list(ps)
    rnd.shuffle(shuffled)
    for stat in (_kappa, _alpha, _drift_low):
        before, after = stat(ps), stat(shuffled)
        assert (before is None and after is None) or after == pytest.approx(before)
