"""The curriculum API on SQLite and PostgreSQL: course catalogue uploads (multipart or raw CSV;
the same file again changes nothing; a bad file is problem+json naming each line and field),
the list of terminal credentials, and one credential's map."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.pathway_builders import pathway_client
from tests.conftest import snapshot

COURSES = b"""\
code,title,credits,level,competencies
FIN-300,Cloud FinOps,5,6,CI.1.2:2
PY-100,Python Basics,5,4,SD.1.1:1
"""


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with pathway_client(engine) as c:
        yield c


def gap_of(body: dict, code: str) -> dict:
    return next(g for c in body["gaps"] for g in c["gaps"] if g["competency"]["code"] == code)


def test_upload_a_catalogue_then_the_same_again(client: TestClient) -> None:
    response = client.post("/api/v1/courses", files={"file": ("finops.csv", COURSES, "text/csv")})
    assert response.status_code == 201, response.text
    assert response.json() == {"courses": 2, "replaced": 12, "unchanged": False, "source": "finops.csv"}
    listed = client.get("/api/v1/courses").json()
    assert [(c["code"], c["level"], c["credits"], c["source"]) for c in listed] == [
        ("FIN-300", 6, "5", "finops.csv"),
        ("PY-100", 4, "5", "finops.csv"),
    ]
    cert = client.get("/api/v1/curriculum/CERT-CSE").json()
    cost = gap_of(cert, "CI.1.2")
    assert listed[0]["competencies"] == [{"competency": cost["competency"]["identifier"], "level": 2}]
    assert cost["remedy"] == "course" and cost["courses"] == [
        {"code": "FIN-300", "title": "Cloud FinOps", "level": 2, "meets": True}
    ]

    again = client.post("/api/v1/courses", content=COURSES, headers={"content-type": "text/csv"})
    assert again.status_code == 200
    assert again.json() == {"courses": 2, "replaced": 2, "unchanged": True, "source": "request body"}


def test_a_bad_catalogue_is_a_problem_naming_lines_and_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    before = snapshot(engine)
    bad = b"code,title,level,competencies\nA-1,Fine,5,DA.1.1:2\nB-2,,12,DA.1.1\n"
    response = client.post("/api/v1/courses", files={"file": ("bad.csv", bad, "text/csv")})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"location": "line 3 (B-2) title", "message": "is required"},
        {"location": "line 3 (B-2) level", "message": "'12' is not an EQF level 1-8"},
        {"location": "line 3 (B-2) competencies", "message": "'DA.1.1' should be KEY:LEVEL (e.g. DA.1.2:2)"},
    ]
    unknown = b"code,title,competencies\nA-1,Fine,DA.1.1:2; NOPE.1:3\n"
    response = client.post("/api/v1/courses", content=unknown, headers={"content-type": "text/csv"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"location": "line 2 (A-1) competencies", "message": "no competency 'NOPE.1' in any framework"}
    ]
    assert client.post("/api/v1/courses", content=b"  ").status_code == 422
    assert snapshot(engine) == before


def test_the_terminal_credentials(client: TestClient) -> None:
    found = {t["code"]: t for t in client.get("/api/v1/curriculum").json()}
    assert sorted(found) == ["CERT-CSE", "CERT-DA", "DIP-DBT"]
    assert found["CERT-DA"]["pathways"] == ["CERT-DA", "DA-FAST"]
    dip = found["DIP-DBT"]
    assert (dip["kind"], dip["outcomes"], dip["url"]) == ("diploma", 5, "/api/v1/curriculum/DIP-DBT")
    assert dip["statuses"] == {"covered": 3, "partial": 2, "too-low": 0, "uncovered": 0}


def test_one_credentials_map(client: TestClient) -> None:
    body = client.get("/api/v1/curriculum/DIP-DBT").json()
    assert (body["code"], body["pathway"], body["pathway_version"]) == ("DIP-DBT", "DIP-DBT", 1)
    assert [o["code"] for o in body["outcomes"]] == ["DA", "SD", "CI", "DB.1", "PP.1"]
    stack = {m["code"]: m for m in body["stack"]}
    assert stack["CERT-DA"]["stacked"] and not stack["MC-DA-101"]["stacked"]
    assert stack["MC-DA-101"]["stacks_into"] == ["CERT-DA"]
    assert [s["node"] for s in stack["MC-DA-101"]["routes"][0]] == [
        "DIP-DBT",
        "DIP-DBT/CERT-DA",
        "CERT-DA",
        "CERT-DA/MC-DA-101",
    ]
    columns = body["matrix"]["columns"]
    assert columns == [m["code"] for m in body["stack"] if not m["stacked"]]
    sd = next(r for r in body["matrix"]["rows"] if r["competency"]["code"] == "SD")
    assert (sd["depth"], sd["required"], sd["best"], sd["covered"]) == (0, 2, 3, 1)
    assert sd["cells"][columns.index("MC-DA-101")] == {"level": 1, "meets": False, "via": ["SD.1.1"]}
    sd_back = next(b for b in body["backmapping"] if b["outcome"]["code"] == "SD")
    assert ("MC-SD-202", "SD.3.1", 3, False) in [
        (x["achievement"], x["competency"]["code"], x["level"], x["direct"]) for x in sd_back["contributions"]
    ]
    python = gap_of(body, "SD.1.1")
    assert (python["status"], python["best"], python["remedy"]) == ("too-low", 1, "course")
    assert python["achievements"] == {"MC-SD-101": 2}
    assert [f["kind"] for f in body["coherence"]] == ["overlap", "overlap", "overlap"]


def test_another_pathway_and_what_is_not_found(client: TestClient) -> None:
    fast = client.get("/api/v1/curriculum/CERT-DA", params={"pathway": "DA-FAST"}).json()
    assert fast["pathway"] == "DA-FAST" and fast["pathways"] == ["CERT-DA", "DA-FAST"]
    stack = {m["code"]: m for m in fast["stack"]}
    assert stack["MC-DA-101"]["required"] and not stack["MC-DA-201"]["required"]  # one of two
    assert not stack["MC-SD-101"]["required"]  # an option of the credits pool
    assert "DIP-DBT" not in stack  # earned after CERT-DA, never toward it
    missing = client.get("/api/v1/curriculum/MC-DA-101")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "pathway that awards 'MC-DA-101' not found"
    assert client.get("/api/v1/curriculum/CERT-DA", params={"pathway": "NOPE"}).status_code == 404
