"""The analytics through the SQL path (stored rows -> refresh -> aggregate queries -> statistics),
on SQLite and PostgreSQL: every metric on the small fixed history against values worked out by
hand, and on seeded random histories against the domain functions fed the same records."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from credstack.domain.analytics import (
    Award,
    Learner,
    Selection,
    completion_curve,
    funnel,
    transition_matrix,
)
from credstack.domain.errors import InvalidInput
from credstack.domain.identity import Forbidden, Principal, Role
from credstack.domain.institution import Institution
from credstack.services import analytics as an
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from tests.analytics_builders import AS_OF, Builder, seed_small

REGISTRAR = Principal(1, "reg@example.org", "Reg", 1, frozenset({Role.REGISTRAR}))
P = an.AnalyticsFilter(pathway="P")


@pytest.fixture
def small(engine: Engine, institution: Institution) -> UnitOfWork:
    seed_small(UnitOfWork(engine), institution)
    done = an.refresh(UnitOfWork(engine), institution=institution, as_of=AS_OF)
    assert done.learners == 6
    return UnitOfWork(engine)


def test_progression_by_hand(small: UnitOfWork, institution: Institution) -> None:
    r = an.progression(small, institution=institution, principal=REGISTRAR, flt=P)
    m = r.matrix
    assert m.states == ("(start)", "M1", "M2", "M3", "CERT")
    assert m.counts == (
        # M1 M2 M3 CERT (none yet)
        (4, 1, 0, 0, 1),  # (start): L1 L2 L5 L6 / L3 / L4
        (0, 2, 2, 0, 1),  # M1: L1 L6 -> M2; L2 L3 -> M3; L5 stops (its M2 is revoked)
        (1, 0, 1, 1, 0),  # M2: L3 -> M1, L1 -> M3, L6 -> CERT
        (0, 0, 0, 2, 1),  # M3: L1 L3 -> CERT; L2 stops
        (0, 0, 0, 0, 3),
    )
    assert [(s.name, s.learners) for s in r.funnel.stages] == [
        ("enrolled", 6),
        ("1 module", 5),
        ("2 modules", 4),
        ("3 modules", 2),
        ("CERT", 3),
    ]


def test_velocity_by_hand(small: UnitOfWork, institution: Institution) -> None:
    censored = an.velocity(small, institution=institution, principal=REGISTRAR, flt=P).curves[0][1]
    # L6 completed at day 92 after withdrawing at day 62: censored at 62. Then L1 at 100 (5 at
    # risk: S = 4/5), L3 at 120 (4 at risk: S = 0.8 * 3/4 = 0.6); L2 censored at 180, L4 L5 at 184
    assert [(s.day, s.at_risk, s.completed, s.censored) for s in censored.steps] == [
        (62, 6, 0, 1),
        (100, 5, 1, 0),
        (120, 4, 1, 0),
        (180, 3, 0, 1),
        (184, 2, 0, 2),
    ]
    assert censored.survival_at(119) == pytest.approx(0.8)
    assert censored.survival_at(120) == pytest.approx(0.6)
    assert censored.median.days is None
    kept = an.velocity(small, institution=institution, principal=REGISTRAR, flt=P, withdrawal="not_completed")
    curve = kept.curves[0][1]
    # L6 completes at 92 (S = 5/6), L1 at 100 (4/6), L3 at 120 (3/6 = 0.5: the median)
    assert curve.completed == 3 and curve.median.days == 120
    assert curve.survival_at(100) == pytest.approx(4 / 6)


def test_employment_by_hand(small: UnitOfWork, institution: Institution) -> None:
    r = an.employment(small, institution=institution, principal=REGISTRAR, flt=P)
    o = r.outcomes
    # completers with 180 days behind them: L1 (day 100) and L3 (day 120), not L6 (92 of 184)
    assert o.completers == 2
    assert o.hire_rate is not None and (o.hire_rate.successes, o.hire_rate.trials) == (2, 2)
    assert o.time_to_hire is not None  # waits 30 (L1) and 0 (L3)
    assert (o.time_to_hire.q1, o.time_to_hire.median, o.time_to_hire.q3) == (7.5, 15.0, 22.5)
    assert o.satisfaction is not None and (o.satisfaction.n, o.satisfaction.mean) == (2, 4.5)  # 4/5 and 10/10
    three, six, twelve = (m for _, m in o.performance)
    assert three is not None and (three.n, three.mean) == (2, 3.5)
    assert six is not None and (six.n, six.mean, six.low) == (1, 4.0, None)
    assert twelve is None
    # L2's hire on entry day, a year before the as-of date, ended after five months
    assert r.retention is not None and (r.retention.successes, r.retention.trials) == (0, 1)
    north = an.employment(
        small, institution=institution, principal=REGISTRAR, flt=an.AnalyticsFilter("P", site="North")
    )
    assert north.outcomes.completers == 1  # L1


def test_roi_and_engagement_by_hand(small: UnitOfWork, institution: Institution) -> None:
    r = an.roi(small, institution=institution, principal=REGISTRAR, flt=an.AnalyticsFilter())
    (one,) = r.report.cohorts
    assert (one.participants, one.completers) == (2, 1)  # L1 and L2; L1 holds CERT
    assert float(one.benefit) == 13000 and float(one.roi) == 1.6
    e = an.engagement(small, institution=institution, principal=REGISTRAR, flt=an.AnalyticsFilter())
    assert e.counts["partners"] == 2 and e.counts["active partners"] == 1
    assert e.counts["verifications by employers"] == 1 and e.counts["sponsored seats"] == 20
    assert e.counts["hires"] == 4 and e.counts["co-designed modules"] == 1
    acme = an.engagement(
        small, institution=institution, principal=REGISTRAR, flt=an.AnalyticsFilter(sponsor="acme")
    )
    assert acme.counts["hires"] == 2  # L1's and L2's hires were with Acme


def test_access_and_bad_filters(small: UnitOfWork, institution: Institution) -> None:
    for role in (Role.LEARNER, Role.ASSESSOR, Role.DESIGNER):
        someone = Principal(2, "x@example.org", "X", 1, frozenset({role}))
        with pytest.raises(Forbidden):
            an.progression(small, institution=institution, principal=someone, flt=P)
    boss = Principal(3, "boss@acme.example", "Boss", 1, frozenset({Role.EMPLOYER}))
    with pytest.raises(Forbidden):
        an.equity(small, institution=institution, principal=boss, flt=P)
    mine = an.roi(small, institution=institution, principal=boss, flt=an.AnalyticsFilter())
    assert [c.inputs.sponsor for c in mine.report.cohorts] == ["acme"]
    with pytest.raises(Forbidden):
        an.roi(small, institution=institution, principal=boss, flt=an.AnalyticsFilter(sponsor="other"))
    with pytest.raises(InvalidInput, match="period_to"):
        an.progression(
            small,
            institution=institution,
            principal=REGISTRAR,
            flt=an.AnalyticsFilter("P", period_from="2025-02-01", period_to="2025-01-01"),
        )
    with pytest.raises(InvalidInput, match="withdrawal"):
        an.velocity(small, institution=institution, principal=REGISTRAR, flt=P, withdrawal="maybe")


def test_a_second_refresh_replaces_the_first(small: UnitOfWork, institution: Institution) -> None:
    later = an.refresh(small, institution=institution, as_of=AS_OF + timedelta(days=365))
    assert later.learners == 6
    curve = an.velocity(small, institution=institution, principal=REGISTRAR, flt=P).curves[0][1]
    assert curve.learners == 6 and curve.as_of == AS_OF + timedelta(days=365)
    earlier = an.refresh(small, institution=institution, as_of=date(2025, 3, 1))  # before the July entrants
    assert earlier.learners == 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_path_matches_the_domain_on_random_histories(
    engine: Engine, institution: Institution, seed: int
) -> None:
    rng = random.Random(seed)
    codes = ["A1", "A2", "A3", "A4", "FIN"]
    learners: list[Learner] = []
    awards: list[Award] = []
    with UnitOfWork(engine) as uow:
        institution_id, _ = ensure_institution(uow, institution)
        b = Builder(uow.conn, institution_id)
        b.achievements(*codes)
        b.pathway("R", codes[:4], "FIN")
        for i in range(60):
            name = f"R{i}"
            started = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 500))
            site = rng.choice(["X", "Y"])
            withdrawn = started + timedelta(days=rng.randrange(10, 300)) if rng.random() < 0.3 else None
            if withdrawn is not None and withdrawn > AS_OF:
                withdrawn = None
            b.learners(name)
            b.enrol(name, "R", started, f"C{started.month % 3}", site, withdrawn=withdrawn)
            learners.append(Learner(name, started, "R", f"C{started.month % 3}", site, "", withdrawn))
            for code in rng.sample(codes, rng.randrange(0, 6)):
                on = started + timedelta(days=rng.randrange(1, 700))
                if on <= AS_OF:
                    b.award(name, code, on)
                    awards.append(Award(name, code, on))
        uow.commit()
    an.refresh(UnitOfWork(engine), institution=institution, as_of=AS_OF)
    for flt, selection in (
        (an.AnalyticsFilter("R"), Selection(pathway="R")),
        (an.AnalyticsFilter("R", site="X"), Selection(pathway="R", site="X")),
        (
            an.AnalyticsFilter("R", cohort="C1", period_from="2024-03-01", period_to="2024-12-31"),
            Selection(
                pathway="R", cohort="C1", started_from=date(2024, 3, 1), started_before=date(2025, 1, 1)
            ),
        ),
    ):
        got = an.progression(UnitOfWork(engine), institution=institution, principal=REGISTRAR, flt=flt)
        want = transition_matrix(learners, awards, selection=selection, achievements=codes, as_of=AS_OF)
        assert got.matrix.counts == want.counts
        want_funnel = funnel(
            learners, awards, terminal="FIN", selection=selection, modules=codes[:4], as_of=AS_OF
        )
        assert got.funnel.stages == want_funnel.stages
        for rule in ("censored", "not_completed"):
            mine = an.velocity(
                UnitOfWork(engine), institution=institution, principal=REGISTRAR, flt=flt, withdrawal=rule
            )
            theirs = completion_curve(
                learners, awards, terminal="FIN", as_of=AS_OF, selection=selection, withdrawal=rule
            )  # type: ignore[arg-type]
            assert mine.curves[0][1].steps == theirs.steps
            assert mine.curves[0][1].median == theirs.median
