"""The small fixed data set the hand computations in the tests are made on.

Pathway "data": modules M1, M2, M3, terminal credential CERT. Dates are day numbers from
1 January 2024 (``day(n)``); the data are read as of day 300.

    learner  start  awards (day)                              other
    a        0      M1 10, M2 40, M3 70, CERT 100             Acme cohort 2024A, north
    b        0      M1 20, M3 50, M2 80, CERT 120             Acme cohort 2024A, north
    c        0      M1 15, M2 45                              Acme cohort 2024A, north
    d        0      M1 30                                     withdrew day 60; Acme 2024A, north
    e        30     M2 40, M1 90, M3 100, CERT 230            cohort 2024B, south
    f        30     (none)                                    cohort 2024B, south
    g        100    M2 110, M1 110 (same day)                 cohort 2024C, south
    h        0      M1 25, M2 55, M3 85, CERT 100             cohort 2024A (self-funded), north
"""

from __future__ import annotations

from datetime import date, timedelta

from credstack.domain.analytics import (
    Award,
    Demographic,
    Hire,
    Learner,
    Performance,
    Satisfaction,
)

BASE = date(2024, 1, 1)
MODULES = ("M1", "M2", "M3")
TERMINAL = "CERT"


def day(n: int) -> date:
    return BASE + timedelta(days=n)


AS_OF = day(300)


def learner(
    id: str,
    start: int,
    *,
    cohort: str = "2024A",
    site: str = "north",
    sponsor: str = "",
    withdrawn: int | None = None,
) -> Learner:
    return Learner(
        id,
        day(start),
        pathway="data",
        cohort=cohort,
        site=site,
        sponsor=sponsor,
        withdrawn=None if withdrawn is None else day(withdrawn),
    )


LEARNERS = [
    learner("a", 0, sponsor="Acme"),
    learner("b", 0, sponsor="Acme"),
    learner("c", 0, sponsor="Acme"),
    learner("d", 0, sponsor="Acme", withdrawn=60),
    learner("e", 30, cohort="2024B", site="south"),
    learner("f", 30, cohort="2024B", site="south"),
    learner("g", 100, cohort="2024C", site="south"),
    learner("h", 0),
]


def _awards(who: str, *earned: tuple[str, int]) -> list[Award]:
    return [Award(who, achievement, day(n)) for achievement, n in earned]


AWARDS = [
    *_awards("a", ("M1", 10), ("M2", 40), ("M3", 70), ("CERT", 100)),
    *_awards("b", ("M1", 20), ("M3", 50), ("M2", 80), ("CERT", 120)),
    *_awards("c", ("M1", 15), ("M2", 45)),
    *_awards("d", ("M1", 30)),
    *_awards("e", ("M2", 40), ("M1", 90), ("M3", 100), ("CERT", 230)),
    *_awards("g", ("M2", 110), ("M1", 110)),
    *_awards("h", ("M1", 25), ("M2", 55), ("M3", 85), ("CERT", 100)),
    Award("a", "M1", day(200)),  # re-issued: the first date counts
    Award("zz", "M1", day(5)),  # a learner not in the data: ignored
]

HIRES = [
    Hire("a", day(130), "Acme"),  # 30 days after CERT
    Hire("b", day(-10), "Old job"),  # before entry: a previous job, ignored
    Hire("b", day(115), "Acme"),  # before CERT (day 120): counts as 0 days
    Hire("h", day(250), "Beta"),  # 150 days after CERT: outside a 90-day window
    Hire("e", day(240), "Beta"),  # e completed on day 230: not 90 days before day 300
]

SATISFACTION = [
    Satisfaction("a", "Acme", 4.0),
    Satisfaction("b", "Acme", 5.0),
    Satisfaction("e", "Beta", 3.5),
    Satisfaction("zz", "Beta", 1.0),  # not a learner of the data: ignored
]

PERFORMANCE = [
    Performance("a", 3, 3.0),
    Performance("b", 3, 4.0),
    Performance("a", 6, 4.0),
    Performance("a", 9, 2.0),  # not one of the intervals asked for
]


def demographics(groups: dict[str, str], *, consented: bool = True) -> list[Demographic]:
    return [Demographic(who, "gender", group, consented) for who, group in groups.items()]
