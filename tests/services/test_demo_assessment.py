"""The demo's assessments: two campuses, two terms, moderated marks in which the generous
assessor stands out, submissions on their way, and every pass awarded; seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from credstack.services.demo import seed_demo
from credstack.services.demo_assessment import GENEROUS, staff
from credstack.services.institutions import institution_from_settings
from credstack.services.moderation import report_from_store
from credstack.settings import Settings
from credstack.store.tables import decisions, marks, submissions
from tests.conftest import snapshot


def test_the_demo_has_moderated_marks_with_one_drifting_assessor(uow, engine) -> None:
    settings = Settings(database_url="sqlite://", institution_slug="demo")
    seed_demo(uow, settings=settings, learners=150)
    report = report_from_store(uow, institution=institution_from_settings(settings))
    assert 400 <= report.overall.marks <= 900
    assert {g.group["site"] for g in report.breakdowns["site"]} == {"City campus", "Harbourside campus"}
    flagged = [g.group for g in report.flagged]
    assert flagged == [{"assessor": staff(GENEROUS)}]
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(select(submissions.c.status, func.count()).group_by(submissions.c.status)).all()
        )
        unawarded = conn.execute(
            select(func.count()).where(decisions.c.passed.is_(True), decisions.c.award_public_id.is_(None))
        ).scalar_one()
        assert conn.execute(select(func.count()).select_from(marks)).scalar_one() == report.overall.marks
    assert statuses == {"decided": 96, "draft": 1, "submitted": 1, "in-marking": 1, "in-moderation": 1}
    assert unawarded == 0
    before = snapshot(engine)
    seed_demo(uow, settings=settings, learners=150)
    assert snapshot(engine) == before
