"""Employment outcomes on the fixed data set of builders.py, computed by hand."""

from __future__ import annotations

import pytest

from credstack.domain.analytics import Selection, employment_outcomes
from tests.domain.analytics.builders import (
    AS_OF,
    AWARDS,
    HIRES,
    LEARNERS,
    PERFORMANCE,
    SATISFACTION,
    TERMINAL,
)


def outcomes(**kwargs: object):  # type: ignore[no-untyped-def]
    return employment_outcomes(
        LEARNERS, AWARDS, HIRES, SATISFACTION, PERFORMANCE, terminal=TERMINAL, as_of=AS_OF, **kwargs
    )


def test_employment_outcomes_by_hand() -> None:
    # Window 90 days, as of day 300: completers with CERT by day 210 are a (100), b (120),
    # h (100); e (230) is too recent. Hired within 90 days of CERT: a (day 130: 30 days),
    # b (day 115, before CERT: 0 days; its day -10 job predates entry); h's job on day 250
    # is 150 days after. Hire rate 2/3.
    # Wilson, z = 1.959964, z^2 = 3.841459: (p + z^2/2n ± z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    #   = (0.666667 + 0.640243 ± 1.959964 * sqrt(0.074074 + 0.106707)) / 2.280486
    #   = (0.573081 ± 0.365427) -> (0.2076596, 0.9385081)
    # Time to hire [0, 30]: median 15; quartiles by linear interpolation 7.5 and 22.5.
    # Satisfaction for selected learners: 4, 5, 3.5 (zz is not a learner): mean 4.1666667,
    #   s = sqrt(((-1/6)^2 + (5/6)^2 + (-2/3)^2) / 2) = 0.7637626, t(2) = 4.3026527,
    #   half-width 4.3026527 * 0.7637626 / sqrt(3) = 1.8972915 -> (2.2693751, 6.0639582)
    # Performance at 3 months: 3, 4 -> mean 3.5, s = 0.7071068, t(1) = 12.7062047,
    #   half-width 12.7062047 * 0.5 = 6.3531024 -> (-2.8531024, 9.8531024);
    #   at 6 months one rating (4): no interval; at 12 months none.
    o = outcomes(window_days=90)
    assert o.completers == 3
    assert o.hire_rate is not None
    assert (o.hire_rate.successes, o.hire_rate.trials) == (2, 3)
    assert (o.hire_rate.low, o.hire_rate.high) == pytest.approx((0.2076596, 0.9385081), abs=1e-7)
    assert o.time_to_hire is not None
    assert (o.time_to_hire.q1, o.time_to_hire.median, o.time_to_hire.q3, o.time_to_hire.iqr) == (
        7.5,
        15,
        22.5,
        15,
    )
    assert o.satisfaction is not None
    assert o.satisfaction.mean == pytest.approx(4.1666667)
    assert (o.satisfaction.low, o.satisfaction.high) == pytest.approx((2.2693751, 6.0639582), abs=1e-7)
    three, six, twelve = o.performance
    assert three[0] == 3 and three[1] is not None
    assert (three[1].mean, three[1].low, three[1].high) == pytest.approx(
        (3.5, -2.8531024, 9.8531024), abs=1e-7
    )
    assert six[1] is not None and (six[1].n, six[1].mean, six[1].low) == (1, 4.0, None)
    assert twelve == (12, None)
    rows = o.rows()
    assert [r["measure"] for r in rows] == [
        "hire rate",
        "time to hire, days (median)",
        "employer satisfaction (mean)",
        "performance at 3 months (mean)",
        "performance at 6 months (mean)",
        "performance at 12 months (mean)",
    ]
    assert rows[1] == {
        "measure": "time to hire, days (median)",
        "n": 2,
        "value": 15.0,
        "range": "IQR",
        "low": 7.5,
        "high": 22.5,
    }
    assert rows[5]["n"] == 0 and rows[5]["value"] is None
    assert o.as_json()["performance"][2] == {"months": 12, "n": 0}


def test_a_longer_window_and_a_selection() -> None:
    # Window 180 days: only completers by day 120 count: a, b, h; h hired 150 days after,
    # within 180 now: 3/3; waits 0, 30, 150 -> median 30, quartiles 15 and 90.
    o = outcomes(window_days=180)
    assert o.hire_rate is not None and (o.hire_rate.successes, o.hire_rate.trials) == (3, 3)
    assert o.hire_rate.high == 1.0
    assert o.time_to_hire is not None and (o.time_to_hire.q1, o.time_to_hire.median, o.time_to_hire.q3) == (
        15,
        30,
        90,
    )
    # Site south has e only as a completer, too recent for the window: no hire rate.
    south = outcomes(window_days=90, selection=Selection(site="south"))
    assert south.completers == 0 and south.hire_rate is None and south.time_to_hire is None
    assert south.satisfaction is not None and south.satisfaction.n == 1
    assert south.rows()[0] == {
        "measure": "hire rate",
        "n": 0,
        "value": None,
        "range": "95% CI",
        "low": None,
        "high": None,
    }
