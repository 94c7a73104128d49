"""The frameworks API: import CASE JSON and CSV, list, read, export, and its errors."""

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
from tests.api.builders import CASE_CSV, CASE_JSON

pytestmark = pytest.mark.interop


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        database_url="sqlite://unused", institution_slug="test", institution_name="Test Institute"
    )
    with TestClient(create_app(settings, engine=engine)) as c:
        as_staff(c, UnitOfWork(engine), institution_from_settings(settings))
        yield c


def _post_file(client: TestClient, path: Path, content_type: str = "application/json"):
    return client.post("/api/v1/frameworks", files={"file": (path.name, path.read_bytes(), content_type)})


def test_import_case_json_then_the_same_file_changes_nothing(client: TestClient, shared: Path) -> None:
    first = _post_file(client, shared / CASE_JSON)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["competencies"], body["associations"]) == (16, 39)
    assert body["title"] == "What Standards Could Be"
    assert body["association_types"]["isChildOf"] == 16
    assert body["unchanged"] is False

    again = client.post(
        "/api/v1/frameworks",
        content=(shared / CASE_JSON).read_bytes(),
        headers={"content-type": "application/json"},
    )
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] is True
    assert again.json()["framework_id"] == body["framework_id"]
    assert len(client.get("/api/v1/frameworks").json()) == 1


def test_list_and_read_a_framework(client: TestClient, shared: Path) -> None:
    framework_id = _post_file(client, shared / CASE_JSON).json()["framework_id"]

    listed = client.get("/api/v1/frameworks").json()
    assert [(f["id"], f["title"], f["competencies"], f["revision"]) for f in listed] == [
        (framework_id, "What Standards Could Be", 16, 1)
    ]

    detail = client.get(f"/api/v1/frameworks/{framework_id}").json()
    assert detail["creator"] == "Brandon Dorman"
    assert detail["identifier"] == "20c5134f-423d-4097-a971-3dd5152bf507"
    assert (detail["competencies"], detail["associations"], detail["max_depth"]) == (16, 39, 3)
    assert detail["external_associations"] == 21


def test_competencies_are_flat_in_tree_order_with_depth_and_parent(client: TestClient, shared: Path) -> None:
    framework_id = _post_file(client, shared / CASE_JSON).json()["framework_id"]
    rows = client.get(f"/api/v1/frameworks/{framework_id}/competencies").json()
    assert len(rows) == 16
    by_code = {r["code"]: r for r in rows}
    codes = [r["code"] for r in rows]
    assert codes[:2] == ["CCSS.Math.Content.6.RP.A", "CCSS.Math.Content.6.RP.A.1"]
    assert codes.index("CCSS.Math.Content.6.RP.A.3") < codes.index("CCSS.Math.Content.6.RP.A.3a")
    assert codes.index("CCSS.Math.Content.6.RP.A.3d") < codes.index("CCSS.Math.Content.7.RP.A")
    leaf = by_code["CCSS.Math.Content.6.RP.A.3a"]
    assert leaf["depth"] == 3
    assert leaf["parent"] == by_code["CCSS.Math.Content.6.RP.A.3"]["identifier"]
    assert by_code["CCSS.Math.Content.6.RP.A"]["parent"] is None
    assert by_code["CCSS.Math.Content.6.RP.A"]["item_type"] == "Cluster"


def test_case_export_gives_back_every_item_and_association(client: TestClient, shared: Path) -> None:
    source = json.loads((shared / CASE_JSON).read_text())
    framework_id = _post_file(client, shared / CASE_JSON).json()["framework_id"]

    exported = client.get(f"/api/v1/frameworks/{framework_id}/case")
    assert exported.status_code == 200
    package = exported.json()
    assert package["CFDocument"]["identifier"] == source["CFDocument"]["identifier"]
    assert {i["identifier"] for i in package["CFItems"]} == {i["identifier"] for i in source["CFItems"]}
    assert len(package["CFItems"]) == 16
    assert {a["identifier"] for a in package["CFAssociations"]} == {
        a["identifier"] for a in source["CFAssociations"]
    }
    assert len(package["CFAssociations"]) == 39


def test_csv_upload_with_a_title(client: TestClient, shared: Path) -> None:
    path = shared / CASE_CSV
    response = client.post(
        "/api/v1/frameworks",
        files={"file": (path.name, path.read_bytes(), "text/csv")},
        data={"title": "Sample maths"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["title"], body["competencies"], body["max_depth"]) == ("Sample maths", 10, 5)


def test_truncated_json_is_a_problem_naming_the_line_and_stores_nothing(
    client: TestClient, shared: Path
) -> None:
    data = (shared / CASE_JSON).read_bytes()
    response = client.post(
        "/api/v1/frameworks", content=data[: len(data) // 2], headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"][0]["location"].startswith("line ")
    assert "JSON" in problem["errors"][0]["message"]
    assert client.get("/api/v1/frameworks").json() == []


def test_an_empty_body_is_a_problem(client: TestClient) -> None:
    response = client.post("/api/v1/frameworks", content=b"", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/frameworks/999999", "/api/v1/frameworks/999999/case", "/api/v1/frameworks/999999/competencies"],
)
def test_an_unknown_framework_is_404_problem_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["title"] == "Not found"
