"""/api/v1/analytics on SQLite and PostgreSQL: a registrar's token reads every metric; an
employer's only their own cohorts' employment and ROI; others are refused; filters are checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services import analytics as an
from credstack.services.identity import add_user, issue_token
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.analytics_builders import AS_OF, seed_small

PEOPLE = {"reg@example.org": "registrar", "boss@acme.example": "employer", "ada@example.org": "learner"}


@pytest.fixture
def api(engine: Engine) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), institution_slug="api-an"
    )
    institution = institution_from_settings(settings)
    seed_small(UnitOfWork(engine), institution)
    an.refresh(UnitOfWork(engine), institution=institution, as_of=AS_OF)
    auth = {}
    for email, role in PEOPLE.items():
        add_user(
            UnitOfWork(engine), institution=institution, email=email, name=email, roles=[role], actor="t"
        )
        token = issue_token(
            UnitOfWork(engine), institution=institution, email=email, name="t", actor="t"
        ).secret
        auth[email] = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, auth


def test_the_metrics_as_json(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, auth = api
    reg = auth["reg@example.org"]
    assert client.get("/api/v1/analytics/progression").status_code == 401
    progression = client.get("/api/v1/analytics/progression?pathway=P", headers=reg).json()
    assert progression["as_of"] == "2026-01-01" and progression["matrix"]["counts"][0] == [4, 1, 0, 0, 1]
    velocity = client.get("/api/v1/analytics/velocity?pathway=P&withdrawal=not_completed", headers=reg).json()
    assert velocity["curves"][0]["median"]["days"] == 120
    roi = client.get("/api/v1/analytics/roi", headers=reg).json()
    assert roi["report"]["cohorts"][0]["roi"] == 1.6
    for metric in ("employment", "equity", "engagement"):
        assert client.get(f"/api/v1/analytics/{metric}?pathway=P", headers=reg).status_code == 200
    bad = client.get("/api/v1/analytics/progression?from=yesterday", headers=reg)
    assert bad.status_code == 422 and "period_from" in bad.text
    learner = auth["ada@example.org"]
    assert client.get("/api/v1/analytics/progression", headers=learner).status_code == 403
    boss = auth["boss@acme.example"]
    assert client.get("/api/v1/analytics/progression", headers=boss).status_code == 403
    assert client.get("/api/v1/analytics/roi?sponsor=other", headers=boss).status_code == 403
    own = client.get("/api/v1/analytics/roi", headers=boss).json()
    assert [c["sponsor"] for c in own["report"]["cohorts"]] == ["acme"]
    employment = client.get("/api/v1/analytics/employment?pathway=P", headers=boss).json()
    assert employment["selection"]["sponsor"] == "acme" and employment["outcomes"]["completers"] == 1
