"""The demo's outcome history: deterministic, real signed awards that verify, made once, and
the analytics refreshed over it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from credstack.credentials.verifier import verify_credential
from credstack.domain.institution import Learner
from credstack.services.demo import seed_demo
from credstack.services.demo_history import FIRST_LEARNER, plan_history
from credstack.services.institutions import institution_from_settings
from credstack.services.verification import environment
from credstack.settings import Settings
from credstack.store import tables as t

TODAY = date(2026, 11, 1)


def _people(n: int) -> list[tuple[int, Learner]]:
    return [(i, Learner(f"p{i}@example.org", f"P {i}")) for i in range(n)]


def test_the_plan_is_seeded_and_shaped_like_a_cohort() -> None:
    first, again = plan_history(_people(400), TODAY), plan_history(_people(400), TODAY)
    assert [(p.pathway, p.started, p.awards, p.withdrawn, p.groups) for p in first] == [
        (p.pathway, p.started, p.awards, p.withdrawn, p.groups) for p in again
    ]
    assert {p.started.year for p in first} == {2024, 2025, 2026}  # three years of intakes
    completed = [p for p in first if any(code == p.pathway for code, _ in p.awards)]
    nothing = [p for p in first if not p.awards]
    assert 0.2 < len(completed) / len(first) < 0.6 and nothing  # some finish, some never start
    assert any(p.withdrawn for p in first) and any(p.sponsored is not None for p in first)
    assert 0.7 < sum(1 for p in first if p.groups) / len(first) < 0.99  # most, not all, consent
    for p in first:
        days = [on for _, on in p.awards]
        assert days == sorted(days) and all(p.started < on <= TODAY for on in days)


def test_the_demo_history_is_real_awards_made_once(uow, engine) -> None:
    settings = Settings(database_url="sqlite://", institution_slug="demo")
    report = seed_demo(uow, settings=settings, learners=FIRST_LEARNER + 40)
    with engine.connect() as conn:
        enrolled = conn.execute(select(func.count()).select_from(t.enrolments)).scalar_one()
        stored = conn.execute(
            select(t.awards.c.credential, t.awards.c.components).where(
                t.awards.c.idempotency_key.like("demo-history:%")
            )
        ).all()
        refreshed = conn.execute(select(t.analytics_refreshes.c.learners)).scalar_one()
    assert enrolled == 40 and refreshed == 40 and stored and report.awards_created >= len(stored)
    env = environment(uow, settings=settings, institution=institution_from_settings(settings))
    for credential, _ in stored[:3]:
        verdict = verify_credential(credential, env)
        assert verdict.verified, verdict.errors
    stacked = [components for _, components in stored if components]
    assert all(len(c) == 4 for c in stacked)
    again = seed_demo(uow, settings=settings, learners=FIRST_LEARNER + 40)
    assert again.awards_created == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.enrolments)).scalar_one() == 40
