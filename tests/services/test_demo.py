"""The demo institution: realistic content, and seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from credstack.services.demo import seed_demo
from credstack.settings import Settings
from credstack.store.tables import achievements, competencies, frameworks, learners, metadata
from tests.conftest import snapshot


def test_seed_twice_does_not_duplicate(uow, engine):
    settings = Settings(database_url="sqlite://", institution_slug="demo")
    first = seed_demo(uow, settings=settings, learners=150)
    assert (first.framework_competencies, first.achievements_created, first.learners_created) == (41, 15, 150)
    before = snapshot(engine)
    second = seed_demo(uow, settings=settings, learners=150)
    assert (second.achievements_created, second.achievements_unchanged, second.learners_created) == (0, 15, 0)
    assert snapshot(engine) == before
    with engine.connect() as conn:
        count = {
            t: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables
        }
        assert count[frameworks] == 1 and count[competencies] == 41
        assert count[achievements] == 15 and count[learners] == 150
        depths = conn.execute(select(func.max(competencies.c.depth))).scalar_one()
        assert depths == 3
