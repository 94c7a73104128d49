"""Kaplan-Meier completion curves: by hand on the fixed data set, and against lifelines on
a larger synthetic one."""

from __future__ import annotations

import lifelines
import numpy as np
import pytest
from lifelines.utils import median_survival_times

from credstack.domain.analytics import Selection, completion_curve, kaplan_meier
from tests.domain.analytics.builders import AS_OF, AWARDS, LEARNERS, TERMINAL


def test_curve_by_hand_with_withdrawn_learners_kept_at_risk() -> None:
    # Days to CERT (event E) or to day 300 (censored C); d withdrew and is kept at risk:
    #   a 100 E, b 120 E, c 300 C, d 300 C, e 230-30 = 200 E, f 300-30 = 270 C,
    #   g 300-100 = 200 C, h 100 E.
    # S(t) = prod (1 - d_i / n_i):
    #   t=100: n=8, d=2 -> 6/8 = 0.75
    #   t=120: n=6, d=1 -> 0.75 * 5/6 = 0.625
    #   t=200: n=5, d=1 (and 1 censored) -> 0.625 * 4/5 = 0.5; flat after (270, 300 censored)
    # Log-log band: Greenwood sum G = sum d/(n(n-d)); sigma = sqrt(G) / |ln S|;
    # bounds S^exp(+z sigma), S^exp(-z sigma), z = 1.959964:
    #   t=100: G = 2/48 = 0.0416667   -> (0.3148071, 0.9308983)
    #   t=120: G + 1/30 = 0.075       -> (0.2293333, 0.8606983)
    #   t=200: G + 1/20 = 0.125       -> (0.1520359, 0.7748650)
    # Median: first S <= 0.5 -> day 200. Lower band <= 0.5 first at day 100; the upper band
    # never gets to 0.5 -> the interval is open above.
    curve = completion_curve(LEARNERS, AWARDS, terminal=TERMINAL, as_of=AS_OF)
    assert (curve.learners, curve.completed, curve.censored) == (8, 4, 4)
    table = [(s.day, s.at_risk, s.completed, s.censored) for s in curve.steps]
    assert table == [(100, 8, 2, 0), (120, 6, 1, 0), (200, 5, 1, 1), (270, 3, 0, 1), (300, 2, 0, 2)]
    assert [s.survival for s in curve.steps] == pytest.approx([0.75, 0.625, 0.5, 0.5, 0.5])
    assert [s.low for s in curve.steps[:3]] == pytest.approx([0.3148071, 0.2293333, 0.1520359], abs=1e-7)
    assert [s.high for s in curve.steps[:3]] == pytest.approx([0.9308983, 0.8606983, 0.7748650], abs=1e-7)
    assert (curve.median.days, curve.median.low, curve.median.high) == (200, 100, None)
    assert curve.survival_at(119) == 0.75 and curve.survival_at(50) == 1.0
    assert curve.rows()[0]["completion"] == pytest.approx(0.25)
    assert curve.as_json()["median"] == {"days": 200.0, "low": 100.0, "high": None}


def test_curve_with_withdrawn_learners_censored() -> None:
    # As above, but d is censored at day 60:
    #   t=60: n=8, censored 1 -> S stays 1, band [1, 1]
    #   t=100: n=7, d=2 -> 5/7 = 0.7142857;   G = 2/35          -> (0.2581537, 0.9197975)
    #   t=120: n=5, d=1 -> 5/7 * 4/5 = 0.5714286; G + 1/20      -> (0.1718660, 0.8370828)
    #   t=200: n=4, d=1 -> 4/7 * 3/4 = 0.4285714; G + 1/12      -> (0.0977522, 0.7343734)
    curve = completion_curve(LEARNERS, AWARDS, terminal=TERMINAL, as_of=AS_OF, withdrawal="censored")
    first = curve.steps[0]
    assert (first.day, first.at_risk, first.censored, first.survival, first.low, first.high) == (
        60,
        8,
        1,
        1.0,
        1.0,
        1.0,
    )
    assert [s.survival for s in curve.steps[1:4]] == pytest.approx([5 / 7, 4 / 7, 3 / 7])
    assert [s.low for s in curve.steps[1:4]] == pytest.approx([0.2581537, 0.1718660, 0.0977522], abs=1e-7)
    assert [s.high for s in curve.steps[1:4]] == pytest.approx([0.9197975, 0.8370828, 0.7343734], abs=1e-7)
    assert curve.median.days == 200


def test_selection_and_no_completions() -> None:
    # Site south: e completes on day 200 of its time, g is censored on day 200, f on 270.
    south = completion_curve(
        LEARNERS, AWARDS, terminal=TERMINAL, as_of=AS_OF, selection=Selection(site="south")
    )
    assert [(s.day, s.at_risk, s.completed, s.censored) for s in south.steps] == [
        (200, 3, 1, 1),
        (270, 1, 0, 1),
    ]
    assert south.steps[0].survival == pytest.approx(2 / 3)
    assert south.median.days is None  # S never reaches 0.5
    nothing = completion_curve(LEARNERS, AWARDS, terminal="NOPE", as_of=AS_OF)
    assert nothing.completed == 0 and all(s.survival == 1.0 for s in nothing.steps)
    assert nothing.median == type(nothing.median)(None, None, None)
    empty = completion_curve(
        LEARNERS, AWARDS, terminal=TERMINAL, as_of=AS_OF, selection=Selection(cohort="x")
    )
    assert empty.steps == () and empty.learners == 0


def test_everyone_completing_ends_at_zero() -> None:
    steps, median = kaplan_meier(np.array([3.0, 5.0, 5.0, 9.0]), np.array([True, True, True, True]))
    assert [s.survival for s in steps] == pytest.approx([0.75, 0.25, 0.0])
    assert (steps[-1].low, steps[-1].high) == (0.0, 0.0)  # as lifelines reports S = 0
    assert median.days == 5


def _synthetic(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Whole days to completion (gamma, many ties) against staggered entry (administrative
    censoring) and withdrawal (random censoring): about 40 % censored."""
    rng = np.random.default_rng(seed)
    completion = np.ceil(rng.gamma(shape=3.0, scale=90.0, size=n))
    follow_up = rng.integers(30, 720, size=n).astype(float)
    withdrawal = np.ceil(rng.exponential(900.0, size=n))
    end = np.minimum(follow_up, withdrawal)
    observed = completion <= end
    return np.where(observed, completion, end), observed


@pytest.mark.parametrize(("n", "seed"), [(4000, 7), (2500, 11), (60, 3)])
def test_matches_lifelines(n: int, seed: int) -> None:
    days, observed = _synthetic(n, seed)
    assert 0.2 < 1 - observed.mean() < 0.7
    steps, median = kaplan_meier(days, observed)
    reference = lifelines.KaplanMeierFitter(alpha=0.05).fit(days, observed)
    ref_times = reference.survival_function_.index.to_numpy()[1:]  # lifelines starts at t=0
    ref_sf = reference.survival_function_["KM_estimate"].to_numpy()[1:]
    ref_band = reference.confidence_interval_.to_numpy()[1:]
    table = reference.event_table.iloc[1:] if reference.event_table.index[0] == 0 else reference.event_table
    np.testing.assert_array_equal([s.day for s in steps], ref_times)
    np.testing.assert_allclose([s.survival for s in steps], ref_sf, rtol=0, atol=1e-12)
    np.testing.assert_allclose([s.low for s in steps], ref_band[:, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose([s.high for s in steps], ref_band[:, 1], rtol=0, atol=1e-9)
    np.testing.assert_array_equal([s.at_risk for s in steps], table["at_risk"].to_numpy())
    np.testing.assert_array_equal([s.completed for s in steps], table["observed"].to_numpy())
    np.testing.assert_array_equal([s.censored for s in steps], table["censored"].to_numpy())
    assert median.days is not None  # the data reach the median
    assert median.days == reference.median_survival_time_
    ref_low, ref_high = median_survival_times(reference.confidence_interval_).to_numpy()[0]
    assert median.low == ref_low
    assert (median.high if median.high is not None else np.inf) == ref_high
