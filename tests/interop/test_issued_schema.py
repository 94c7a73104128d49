"""Nothing credstack issues fails the official 1EdTech AchievementCredential JSON Schema:
every achievement of the demo catalog (micro-credentials with rubric results and evidence,
certificates, the diploma), under did:key and did:web."""

from __future__ import annotations

from pathlib import Path

import pytest

from credstack.credentials.ob3 import EvidenceItem
from credstack.services.demo import seed_demo
from credstack.services.demo_data import build_demo_catalog
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import schema_checker
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate

pytestmark = pytest.mark.interop


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8000", "https://credstack.test"], ids=["did-key", "did-web"]
)
def test_every_issued_credential_passes_the_official_schema(
    shared: Path, tmp_path: Path, base_url: str
) -> None:
    check = schema_checker(str(shared / "interop/schemas"))
    assert check is not None
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", base_url=base_url)
    engine = make_engine(settings.database_url)
    migrate(engine)
    uow = UnitOfWork(engine)
    seed_demo(uow, settings=settings, learners=0)
    institution = institution_from_settings(settings)
    catalog = build_demo_catalog(learner_count=0)
    for achievement in catalog.achievements:
        marks = {c.code: c.levels[-1].name for c in achievement.rubric.criteria} if achievement.rubric else {}
        award = issue_award(
            uow,
            settings=settings,
            institution=institution,
            actor="test",
            request=IssueRequest(
                achievement.code,
                "grace@example.org",
                "Grace Hopper",
                marks=marks,
                evidence=[EvidenceItem("https://github.com/grace/cobol", name="Repository", genre="Code")],
            ),
        ).award
        assert check(award.credential, "ob3") == [], achievement.code
        assert award.credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
        assert isinstance(award.credential["proof"], list)
