"""The achievements API: import definitions (all or nothing), browse with filters, read one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.api.auth import as_staff
from tests.api.builders import CASE_JSON, PROPORTION, RATES, RATIO, achievements, achievements_file
from tests.conftest import snapshot

pytestmark = pytest.mark.interop


@pytest.fixture
def client(engine: Engine, shared: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url="sqlite://unused", institution_slug="test", institution_name="Test Institute"
    )
    with TestClient(create_app(settings, engine=engine)) as c:
        as_staff(c, UnitOfWork(engine), institution_from_settings(settings))
        path = shared / CASE_JSON
        response = c.post(
            "/api/v1/frameworks", files={"file": (path.name, path.read_bytes(), "application/json")}
        )
        assert response.status_code == 201, response.text
        yield c


def _import(
    client: TestClient, data: bytes, name: str = "achievements.json", content_type: str = "application/json"
):
    return client.post("/api/v1/achievements/import", files={"file": (name, data, content_type)})


def _competency_ids(client: TestClient) -> dict[str, int]:
    framework_id = client.get("/api/v1/frameworks").json()[0]["id"]
    rows = client.get(f"/api/v1/frameworks/{framework_id}/competencies").json()
    return {r["code"]: r["id"] for r in rows}


def _codes(client: TestClient, **params: object) -> list[str]:
    response = client.get("/api/v1/achievements", params=params)
    assert response.status_code == 200, response.text
    return [a["code"] for a in response.json()]


def test_import_then_read_with_credits_alignments_and_rubric(client: TestClient) -> None:
    response = _import(client, achievements_file())
    assert response.status_code == 201, response.text
    assert response.json() == {
        "created": 2,
        "unchanged": 0,
        "created_codes": ["RATIO-1", "PROP-1"],
        "unchanged_codes": [],
    }

    listed = client.get("/api/v1/achievements").json()
    assert [a["code"] for a in listed] == ["RATIO-1", "PROP-1"]  # micro-credentials before certificates
    ratio_id = listed[0]["id"]

    ratio = client.get(f"/api/v1/achievements/{ratio_id}").json()
    assert ratio["kind"] == "micro-credential"
    assert ratio["level"] == 4
    assert ratio["credits"] == {"amount": 5, "unit": "ects", "ects": 5, "credit_hours": 2.5}
    assert ratio["price"] == {"amount": 250, "currency": "EUR"}
    assert (ratio["state"], ratio["next_review"], ratio["validity_months"]) == ("published", "2027-06-30", 36)
    assert ratio["employer_partners"] == ["Acme Analytics"]
    assert [(a["code"], a["level_reached"], a["level_name"]) for a in ratio["alignments"]] == [
        (RATIO, 2, "Intermediate"),
        (RATES, 3, "Advanced"),
    ]
    rubric = ratio["rubric"]
    assert rubric["title"] == "Ratio project"
    assert "weighted score of at least 60%" in rubric["pass_rule"]["description"]
    assert [c["code"] for c in rubric["criteria"]] == ["C1", "C2"]
    assert [lv["name"] for lv in rubric["criteria"][1]["levels"]] == ["Beginning", "Developing", "Proficient"]
    assert rubric["criteria"][1]["weight"] == 2

    proportional = client.get(f"/api/v1/achievements/{listed[1]['id']}").json()
    assert proportional["credits"] == {"amount": 3, "unit": "credit-hours", "ects": 6, "credit_hours": 3}
    assert proportional["rubric"] is None


def test_importing_the_same_definitions_again_changes_nothing(client: TestClient) -> None:
    assert _import(client, achievements_file()).status_code == 201
    again = _import(client, achievements_file())
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)


def test_filters_by_kind_level_competency_and_text(client: TestClient) -> None:
    _import(client, achievements_file())
    ids = _competency_ids(client)
    assert _codes(client, kind="certificate") == ["PROP-1"]
    assert _codes(client, kind="micro-credential") == ["RATIO-1"]
    assert _codes(client, level=4) == ["RATIO-1"]
    assert _codes(client, competency=ids[RATES]) == ["RATIO-1"]
    assert _codes(client, competency=ids[PROPORTION]) == ["PROP-1"]
    assert _codes(client, competency=ids["CCSS.Math.Content.7.RP.A.1"]) == []
    assert _codes(client, q="proportional") == ["PROP-1"]
    assert _codes(client, kind="certificate", level=4) == []
    assert _codes(client, state="published") == ["RATIO-1"]


def test_bad_filter_values_are_422(client: TestClient) -> None:
    assert client.get("/api/v1/achievements", params={"level": 9}).status_code == 422
    assert client.get("/api/v1/achievements", params={"kind": "badge"}).status_code == 422


def test_csv_import(client: TestClient) -> None:
    csv = (
        "code,name,kind,level,credits,credit_unit,competencies\n"
        f"RATE-2,Unit rates,micro-credential,3,2,ects,{RATIO}:1; {RATES}:2\n"
    )
    response = _import(client, csv.encode(), "catalog.csv", "text/csv")
    assert response.status_code == 201, response.text
    assert _codes(client) == ["RATE-2"]


def test_a_bad_row_is_422_naming_it_and_nothing_is_created(client: TestClient, engine: Engine) -> None:
    items = achievements()
    items.insert(
        1, {"code": "BAD-1", "name": "Unknown", "competencies": [{"competency": "NOPE.9", "level": 2}]}
    )
    before = snapshot(engine)

    response = _import(client, json.dumps(items).encode())

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert errors[0]["location"] == "[1] (BAD-1) competencies"
    assert "NOPE.9" in errors[0]["message"]
    assert client.get("/api/v1/achievements").json() == []
    assert snapshot(engine) == before


def test_a_malformed_field_is_422_naming_the_line(client: TestClient) -> None:
    csv = "code,name,level\nOK-1,Fine,3\nBAD-2,Too high,12\n"
    response = _import(client, csv.encode(), "catalog.csv", "text/csv")
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "line 3 level"
    assert client.get("/api/v1/achievements").json() == []


def test_an_unknown_achievement_is_404_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/achievements/999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
