"""The outcomes API on SQLite and PostgreSQL with real API tokens: CSV imports (problem+json naming
the line, nothing changed), hires and ratings, a learner's own demographic groups, case studies
and the public case portfolio, and who is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.partners import add_partner
from credstack.services.stacking import save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.api.test_partners_api import snapshot
from tests.partners_builders import DATA, HARBOURLINE, Cast, seed_people
from tests.services.test_outcomes import COHORTS, ENROLMENTS, PATHWAY_FILE


@pytest.fixture
def api(engine: Engine) -> Iterator[tuple[TestClient, Cast, Settings]]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="outcomes",
        institution_name="Outcomes Institute",
        base_url="https://learn.example.edu",
    )
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    cast = seed_people(uow, institution, tokens=True)
    save_pathway(uow, institution=institution, data=PATHWAY_FILE, filename="cert-da.yaml", actor="t")
    add_partner(uow, institution=institution, principal=cast["reg"], partner=HARBOURLINE)
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, cast, settings


def _csv(client: TestClient, cast: Cast, kind: str, data: str, who: str = "reg", **params: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/outcomes/imports/{kind}", content=data.encode(), params=params,
        headers={**cast.auth(who), "content-type": "text/csv"},
    )  # fmt: skip


def test_imports_hires_and_ratings(api: tuple[TestClient, Cast, Settings], engine: Engine) -> None:
    client, cast, _ = api
    assert _csv(client, cast, "sponsored-cohorts", COHORTS).json() == {
        "kind": "sponsored-cohorts", "rows": 1, "added": 1, "updated": 0,
    }  # fmt: skip
    assert _csv(client, cast, "enrolments", ENROLMENTS).status_code == 201

    before = snapshot(engine)
    bad = _csv(
        client, cast, "enrolments", "email,name,pathway,started\nada@example.org,Ada,CERT-DA,yesterday\n"
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "line 2 started: 'yesterday' is not a date (YYYY-MM-DD)" in bad.text
    assert snapshot(engine) == before

    hire = client.post(
        "/api/v1/outcomes/hires", headers=cast.auth("reg"),
        json={"email": "ada@example.org", "partner": "harbourline-logistics", "role": "Data analyst", "hired": "2025-09-01"},
    )  # fmt: skip
    assert hire.status_code == 201, hire.text
    hire_id = hire.json()["id"]
    assert hire.json()["employer"] == "Harbourline Logistics"
    rated = client.post(
        f"/api/v1/outcomes/hires/{hire_id}/ratings", headers=cast.auth("reg"),
        json={"kind": "performance", "months": 6, "score": "4.5", "scale_max": 5, "rated_on": "2026-03-01"},
    )  # fmt: skip
    assert rated.status_code == 201, rated.text
    assert rated.json()["ratings"] == [
        {"kind": "performance", "months": 6, "score": "4.50", "scale_max": 5, "rated_on": "2026-03-01"}
    ]
    listed = client.get("/api/v1/outcomes/hires", headers=cast.auth("reg")).json()
    assert [h["id"] for h in listed] == [hire_id]
    # the sponsoring employer (Harbourline's contact) sees its own cohort
    cohorts = client.get("/api/v1/outcomes/sponsored-cohorts", headers=cast.auth("ines")).json()
    assert [(c["code"], c["enrolled"], c["roi_inputs"]["retention_rate"]) for c in cohorts] == [
        ("HL-2025", 1, "0.9000")
    ]
    assert client.get("/api/v1/outcomes/sponsored-cohorts", headers=cast.auth("omar")).json() == []


def test_who_is_refused(api: tuple[TestClient, Cast, Settings], engine: Engine) -> None:
    client, cast, _ = api
    before = snapshot(engine)
    assert _csv(client, cast, "hires", "email,employer,role,hired\n", who="ada").status_code == 403
    assert client.post("/api/v1/outcomes/imports/hires", content=b"x").status_code == 401
    assert client.get("/api/v1/outcomes/hires", headers=cast.auth("ines")).status_code == 403
    assert client.get("/api/v1/outcomes/sponsored-cohorts", headers=cast.auth("ada")).status_code == 403
    assert (
        client.put(
            "/api/v1/me/demographics/gender", headers=cast.auth("reg"), json={"group": "x"}
        ).status_code
        == 403
    )
    assert _csv(client, cast, "nonsense", "a\n1\n").status_code == 422
    assert snapshot(engine) == before


def test_a_learner_manages_their_own_groups_and_case_studies(
    api: tuple[TestClient, Cast, Settings], engine: Engine
) -> None:
    client, cast, settings = api
    mine = cast.auth("ada")
    assert client.put("/api/v1/me/demographics/gender", headers=mine, json={"group": "woman"}).json() == {
        "gender": "woman"
    }
    assert (
        client.put("/api/v1/me/demographics/age-band", headers=mine, json={"group": "25-34"}).status_code
        == 200
    )
    assert client.delete("/api/v1/me/demographics/gender", headers=mine).json() == {"age-band": "25-34"}

    issue_award(
        UnitOfWork(engine), settings=settings, institution=institution_from_settings(settings), actor="t",
        request=IssueRequest(achievement=DATA, learner_email="ada@example.org"),
    )  # fmt: skip
    case = client.post(
        "/api/v1/outcomes/case-studies", headers=cast.auth("reg"),
        json={"achievement": DATA, "email": "ada@example.org", "title": "Depot scans", "task": "Profiled scans",
              "outcome": "Fewer mis-sorts", "partner": "harbourline-logistics"},
    )  # fmt: skip
    assert case.status_code == 201, case.text
    case_id, achievement_id = case.json()["id"], case.json()["achievement_id"]
    assert case.json()["published"] is False
    assert client.get(f"/api/v1/achievements/{achievement_id}/case-studies").json() == []
    assert (
        client.post(f"/api/v1/me/case-studies/{case_id}/consent", headers=cast.auth("ann")).status_code == 403
    )
    consented = client.post(f"/api/v1/me/case-studies/{case_id}/consent", headers=mine)
    assert consented.json()["published"] is True
    shown = client.get(f"/api/v1/achievements/{achievement_id}/case-studies").json()
    assert [(c["title"], c["employer"]) for c in shown] == [("Depot scans", "Harbourline Logistics")]
    assert "email" not in shown[0]
    client.post(f"/api/v1/me/case-studies/{case_id}/withdraw", headers=mine)
    assert client.get(f"/api/v1/achievements/{achievement_id}/case-studies").json() == []
