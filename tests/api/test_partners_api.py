"""The partners API and the blueprint on SQLite and PostgreSQL, with real API tokens: public reads,
403 for a learner who tries to add a partner and for a mentor signing off another mentor's
mentorship, 401 without a token, bad bodies that name their field and change nothing, and the
blueprint JSON (competencies, levels, rubric, credits, partners, ESCO and EQF alignment)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.identity import add_user, issue_token
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.conftest import snapshot as every_row
from tests.partners_builders import PROGRAMMING, Cast, email, seed_people

TODAY = date.today()


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row but the API tokens' (their first use is noted on them)."""
    rows = every_row(engine)
    rows.pop("api_tokens")
    return rows


@pytest.fixture
def api(engine: Engine) -> Iterator[tuple[TestClient, Cast]]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="partners",
        institution_name="Partner Institute",
        base_url="https://learn.example.edu",
    )
    cast = seed_people(UnitOfWork(engine), institution_from_settings(settings), tokens=True)
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, cast


HARBOURLINE: dict[str, Any] = {
    "name": "Harbourline Logistics",
    "website": "https://harbourline.example",
    "contact_name": "Ines Varga",
    "contact_email": "ines@example.org",
    "description": "Port and road logistics.",
}


def _project(**changes: Any) -> dict[str, Any]:
    body = {
        "achievement": PROGRAMMING,
        "title": "Depot scanner clean-up",
        "brief": "Two weeks with the operations team.",
        "places": 3,
        "opens": str(TODAY - timedelta(days=3)),
        "closes": str(TODAY + timedelta(days=30)),
    }
    return {**body, **changes}


def _mentorship(mentor: str = "ines", **changes: Any) -> dict[str, Any]:
    body = {
        "partner": "harbourline-logistics",
        "mentor_name": mentor.title(),
        "mentor_email": email(mentor),
        "learner": email("ada"),
        "goal": "Profile a week of depot scan data",
        "starts": str(TODAY - timedelta(days=20)),
        "ends": str(TODAY - timedelta(days=1)),
        "hours": 24,
        "achievement": PROGRAMMING,
    }
    return {**body, **changes}


def _partner(client: TestClient, cast: Cast) -> None:
    r = client.post("/api/v1/partners", json=HARBOURLINE, headers=cast.auth("reg"))
    assert r.status_code == 201, r.text
    assert r.json()["slug"] == "harbourline-logistics" and r.json()["contact_email"] == "ines@example.org"


def test_partners_crud_and_the_public_listing(api: tuple[TestClient, Cast]) -> None:
    client, cast = api
    _partner(client, cast)
    r = client.post(
        "/api/v1/partners/harbourline-logistics/co-designs",
        json={"achievement": PROGRAMMING, "contribution": "Wrote the debugging case.", "since": "2025-09-01"},
        headers=cast.auth("des"),
    )
    assert r.status_code == 201, r.text
    r = client.post(
        "/api/v1/partners/harbourline-logistics/projects", json=_project(), headers=cast.auth("reg")
    )
    assert r.status_code == 201, r.text
    project_id = r.json()["id"]
    listing = client.get("/api/v1/partners")  # public: no token
    assert listing.status_code == 200
    [partner] = listing.json()
    assert partner["name"] == "Harbourline Logistics" and "contact_email" not in partner
    assert [d["achievement"] for d in partner["co_designs"]] == [PROGRAMMING]
    assert [p["title"] for p in partner["open_projects"]] == ["Depot scanner clean-up"]
    assert [p["id"] for p in client.get("/api/v1/projects").json()] == [project_id]
    assert client.get(f"/api/v1/projects?achievement={PROGRAMMING}").json()[0]["places"] == 3
    r = client.patch(
        "/api/v1/partners/harbourline-logistics", json={"kind": "professional-body"}, headers=cast.auth("des")
    )
    assert r.status_code == 200 and r.json()["kind"] == "professional-body"
    assert r.json()["website"] == "https://harbourline.example"  # untouched
    r = client.post(
        f"/api/v1/projects/{project_id}/status", json={"status": "closed"}, headers=cast.auth("reg")
    )
    assert r.status_code == 200 and client.get("/api/v1/projects").json() == []
    all_projects = client.get("/api/v1/partners/harbourline-logistics/projects", headers=cast.auth("reg"))
    assert [p["status"] for p in all_projects.json()] == ["closed"]
    r = client.delete("/api/v1/partners/harbourline-logistics", headers=cast.auth("reg"))
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    client.post("/api/v1/partners", json={"name": "Brief Acquaintance"}, headers=cast.auth("reg"))
    assert client.delete("/api/v1/partners/brief-acquaintance", headers=cast.auth("reg")).status_code == 204
    assert client.get("/api/v1/partners/brief-acquaintance").status_code == 404


def test_a_learner_cannot_create_partners_and_nothing_changes(
    api: tuple[TestClient, Cast], engine: Engine
) -> None:
    client, cast = api
    before = snapshot(engine)
    r = client.post("/api/v1/partners", json=HARBOURLINE, headers=cast.auth("ada"))
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert "registrar or curriculum designer" in r.json()["detail"]
    assert client.post("/api/v1/partners", json=HARBOURLINE).status_code == 401
    r = client.post("/api/v1/partners", json=HARBOURLINE, headers={"Authorization": "Bearer cs_nope"})
    assert r.status_code == 401
    assert snapshot(engine) == before


def test_bad_input_names_its_field_and_changes_nothing(api: tuple[TestClient, Cast], engine: Engine) -> None:
    client, cast = api
    _partner(client, cast)
    before = snapshot(engine)
    r = client.post(
        "/api/v1/partners",
        json={**HARBOURLINE, "name": "Acme", "website": "acme dot com"},
        headers=cast.auth("reg"),
    )
    assert r.status_code == 422
    assert [e["location"] for e in r.json()["errors"]] == ["website"]
    r = client.post(
        "/api/v1/partners/harbourline-logistics/projects",
        json=_project(achievement="NOPE-1", places=0),
        headers=cast.auth("reg"),
    )
    assert r.status_code == 422 and {e["location"] for e in r.json()["errors"]} == {"achievement", "places"}
    r = client.post(
        "/api/v1/mentorships", json=_mentorship(learner="nobody@example.org"), headers=cast.auth("reg")
    )
    assert r.status_code == 422 and [e["location"] for e in r.json()["errors"]] == ["learner"]
    r = client.post("/api/v1/partners", json={"name": "X", "kind": "charity"}, headers=cast.auth("reg"))
    assert r.status_code == 422 and r.json()["errors"][0]["location"] == "body.kind"  # pydantic names it too
    assert snapshot(engine) == before


def test_only_the_mentor_signs_off_and_the_sign_off_is_evidence(
    api: tuple[TestClient, Cast], engine: Engine
) -> None:
    client, cast = api
    _partner(client, cast)
    r = client.post("/api/v1/mentorships", json=_mentorship(), headers=cast.auth("reg"))
    assert r.status_code == 201, r.text
    created = r.json()
    public_id = created["id"]
    assert created["sign_off_link"].startswith(
        f"https://learn.example.edu/mentorships/{public_id}/sign-off?key=ms_"
    )
    assert created["status"] == "awaiting sign-off" and created["sign_off"] is None
    body = {"statement": "Ada profiled 40,000 scans and found the duplicated feed.", "outcome": "met"}
    before = snapshot(engine)
    r = client.post(f"/api/v1/mentorships/{public_id}/sign-off", json=body, headers=cast.auth("omar"))
    assert r.status_code == 403 and "only the mentor" in r.json()["detail"]
    r = client.post(f"/api/v1/mentorships/{public_id}/sign-off", json=body, headers=cast.auth("ada"))
    assert r.status_code == 403
    assert client.get(f"/api/v1/mentorships/{public_id}", headers=cast.auth("omar")).status_code == 404
    assert (
        client.get(f"/api/v1/mentorships/{public_id}/evidence", headers=cast.auth("ada")).status_code == 409
    )
    assert snapshot(engine) == before
    r = client.post(f"/api/v1/mentorships/{public_id}/sign-off", json=body, headers=cast.auth("ines"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "signed off" and r.json()["sign_off"]["outcome"] == "met"
    again = client.post(f"/api/v1/mentorships/{public_id}/sign-off", json=body, headers=cast.auth("ines"))
    assert again.status_code == 409
    mine = client.get("/api/v1/mentorships", headers=cast.auth("ines")).json()
    assert [m["id"] for m in mine] == [public_id]
    assert client.get("/api/v1/mentorships", headers=cast.auth("omar")).json() == []
    evidence = client.get(f"/api/v1/mentorships/{public_id}/evidence", headers=cast.auth("ada")).json()
    assert evidence["kind"] == "mentor-signoff"
    assert evidence["url"] == f"https://learn.example.edu/mentorships/{public_id}"
    assert evidence["attested_by"] == "Ines (Harbourline Logistics)"


def test_the_blueprint_json(api: tuple[TestClient, Cast]) -> None:
    client, cast = api
    _partner(client, cast)
    client.post(
        "/api/v1/partners/harbourline-logistics/co-designs",
        json={"achievement": PROGRAMMING, "contribution": "Wrote the debugging case.", "since": "2025-09-01"},
        headers=cast.auth("reg"),
    )
    client.post("/api/v1/partners/harbourline-logistics/projects", json=_project(), headers=cast.auth("reg"))
    method = {
        "narrative": "A debugging case from a partner's codebase.",
        "tasks": [{"title": "Fix the failing feed"}],
        "conditions": "Open book.",
        "duration": "Two weeks",
        "assessors": ["faculty", "employer"],
    }
    r = client.put(
        f"/api/v1/achievements/{PROGRAMMING}/blueprint/method", json=method, headers=cast.auth("reg")
    )
    assert r.status_code == 403
    r = client.put(
        f"/api/v1/achievements/{PROGRAMMING}/blueprint/method", json=method, headers=cast.auth("des")
    )
    assert r.status_code == 200, r.text
    r = client.get(f"/api/v1/achievements/{PROGRAMMING}/blueprint")  # public
    assert r.status_code == 200, r.text
    bp = r.json()
    assert (bp["code"], bp["eqf_level"], bp["state"]) == (PROGRAMMING, 4, "published")
    assert bp["url"].startswith("https://learn.example.edu/achievements/") and bp["url"].endswith(
        "/blueprint"
    )
    assert [(c["code"], c["level_reached"], c["level_name"]) for c in bp["competencies"]] == [
        ("SD.1.1", 2, "Intermediate"),
        ("SD.1.2", 1, "Foundational"),
        ("SD.2.2", 1, "Foundational"),
    ]
    assert bp["credits"] == {"ects": 6, "credit_hours": 3, "defined_in": "ects"}
    rubric = bp["rubric"]
    assert rubric["pass_rule"] == {
        "text": "every criterion at 1 point or more and a weighted score of at least 50%",
        "min_points_each": 1,
        "min_percent": 50,
        "critical": [],
    }
    assert [lv["name"] for lv in rubric["criteria"][0]["levels"]] == [
        "Not yet",
        "Developing",
        "Proficient",
        "Exemplary",
    ]
    assert bp["method"]["assessors"] == ["faculty", "employer"]
    assert [(d["name"], d["partner"]) for d in bp["co_designers"]] == [
        ("Harbourline Logistics", "harbourline-logistics"),
        ("Stonecress Software", None),
    ]
    assert [t["title"] for t in bp["assessment_tasks_offered"]] == ["Depot scanner clean-up"]
    eqf, *skills = bp["alignments"]
    assert eqf == {
        "type": ["Alignment"],
        "targetName": "EQF level 4",
        "targetUrl": "http://data.europa.eu/snb/eqf/4",
        "targetFramework": "EQF",
        "targetType": "ext:EQFLevel",
        "relation": "level",
        "targetCode": "4",
    }
    assert {(s["targetFramework"], s["targetName"]) for s in skills} == {
        ("ESCO", "computer programming"),
        ("ESCO", "solve technical problems"),
    }
    assert all(s["targetUrl"].startswith("http://data.europa.eu/esco/skill/") for s in skills)
    assert bp["competencies"][0]["alignments"][0]["targetName"] == "computer programming"
    assert client.get("/api/v1/achievements/MC-DRAFT-1/blueprint").status_code == 404


def test_a_learner_files_their_mentors_sign_off_as_evidence(api: tuple[TestClient, Cast]) -> None:
    client, cast = api
    _partner(client, cast)
    created = client.post("/api/v1/mentorships", json=_mentorship(), headers=cast.auth("reg")).json()
    statement = {"statement": "Ada profiled the scan data and fixed the feed.", "outcome": "met"}
    signed = client.post(
        f"/api/v1/mentorships/{created['id']}/sign-off", json=statement, headers=cast.auth("ines")
    )
    assert signed.status_code == 200, signed.text
    draft = client.post(
        "/api/v1/submissions", json={"achievement": PROGRAMMING, "cohort": "2026", "site": "North"},
        headers=cast.auth("ada"),
    )  # fmt: skip
    assert draft.status_code == 201, draft.text
    sub = draft.json()["id"]
    typed = client.post(
        f"/api/v1/submissions/{sub}/evidence",
        data={"kind": "mentor-signoff", "title": "My mentor says so", "url": "https://example.org/me"},
        headers=cast.auth("ada"),
    )
    assert typed.status_code == 422 and "mentorship" in typed.text  # a sign-off cannot be typed in
    filed = client.post(
        f"/api/v1/submissions/{sub}/evidence",
        data={"kind": "mentor-signoff", "title": "ignored", "mentorship": created["id"]},
        headers=cast.auth("ada"),
    )
    assert filed.status_code == 201, filed.text
    item = filed.json()
    assert item["url"] == f"https://learn.example.edu/mentorships/{created['id']}"
    assert item["attested_by"] == "Ines (Harbourline Logistics)"


def test_a_learner_cannot_file_another_learners_sign_off(
    api: tuple[TestClient, Cast], engine: Engine
) -> None:
    client, cast = api
    _partner(client, cast)
    created = client.post("/api/v1/mentorships", json=_mentorship(), headers=cast.auth("reg")).json()
    statement = {"statement": "Ada profiled the scan data.", "outcome": "met"}
    client.post(f"/api/v1/mentorships/{created['id']}/sign-off", json=statement, headers=cast.auth("ines"))
    uow = UnitOfWork(engine)
    add_user(
        uow, institution=cast.institution, email="bea@example.org", name="Bea", roles=["learner"], actor="t"
    )
    bea = issue_token(uow, institution=cast.institution, email="bea@example.org", name="t", actor="t").secret
    headers = {"Authorization": f"Bearer {bea}"}
    draft = client.post(
        "/api/v1/submissions",
        json={"achievement": PROGRAMMING, "cohort": "2026", "site": "North"},
        headers=headers,
    )
    assert draft.status_code == 201, draft.text
    borrowed = client.post(
        f"/api/v1/submissions/{draft.json()['id']}/evidence",
        data={"kind": "mentor-signoff", "title": "x", "mentorship": created["id"]},
        headers=headers,
    )
    assert borrowed.status_code == 404
