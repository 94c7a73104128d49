"""The pathways API on SQLite and PostgreSQL: upload versions (a bad file names its line), read
them, audit a learner with the cheapest completion plans (any pathway: the what-if audit), and
registrars' waivers and substitutions, which issue the stacked award with its CLR."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.services.unit_of_work import UnitOfWork
from tests.api.pathway_builders import (
    DA_FAST,
    N_LINE,
    SECOND_ELECTIVE,
    earn,
    pathway_client,
    price,
)

ADA = "ada@example.org"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with pathway_client(engine) as c:
        yield c


def _node(tree: dict, node_id: str) -> dict:
    if tree["id"] == node_id:
        return tree
    for child in tree.get("children", []):
        if (found := _node(child, node_id)) is not None:
            return found
    return None  # type: ignore[return-value]


def test_upload_versions_list_and_read(client: TestClient) -> None:
    # the same file again (as a multipart upload) changes nothing
    same = client.post("/api/v1/pathways", files={"file": ("da-fast.yaml", DA_FAST, "application/yaml")})
    assert same.status_code == 201
    assert same.json() == {
        "code": "DA-FAST",
        "version": 1,
        "name": "Data Analytics fast track",
        "awards": "CERT-DA",
    }

    # a changed definition, as JSON, is version 2
    changed = yaml.safe_load(DA_FAST)
    changed["requires"]["all"][2]["n_of"]["n"] = 2
    response = client.post(
        "/api/v1/pathways", files={"file": ("da-fast.json", json.dumps(changed).encode(), "application/json")}
    )
    assert response.status_code == 201 and response.json()["version"] == 2

    listed = {p["code"]: p for p in client.get("/api/v1/pathways").json()}
    assert {"DA-FAST", "CLOUD-FAST"} <= set(listed)
    # saved through the API by a designer, version 2 is a draft for review: the list shows the live one
    assert listed["DA-FAST"]["version"] == 1 and listed["CLOUD-FAST"]["awards"] == "CERT-CSE"

    one = client.get("/api/v1/pathways/DA-FAST").json()
    assert [v["version"] for v in one["versions"]] == [1, 2]
    assert one["version"] == 2 and one["definition"]["requires"]["all"][2]["n_of"]["n"] == 2
    first = client.get("/api/v1/pathways/DA-FAST", params={"version": 1}).json()
    assert first["version"] == 1 and first["definition"]["requires"]["all"][2]["n_of"]["n"] == 1

    missing = client.get("/api/v1/pathways/DA-FAST", params={"version": 9})
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/pathways/NOPE").status_code == 404


def test_a_bad_file_is_422_naming_the_line(client: TestClient) -> None:
    response = client.post(
        "/api/v1/pathways",
        files={"file": ("bad.yaml", DA_FAST.replace(b"n: 1", b"n: 5"), "application/yaml")},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] == [
        {"location": f"line {N_LINE}, column 12", "message": "n is 5 but only 2 requirements are listed"}
    ]
    assert problem["detail"].startswith("bad.yaml: line 13")

    typo = client.post("/api/v1/pathways", content=DA_FAST.replace(b"label: Data", b"lable: Data"))
    assert typo.status_code == 422
    (error,) = typo.json()["errors"]
    assert error["location"] == "line 7, column 7" and "unknown key 'lable'" in error["message"]

    unknown = client.post("/api/v1/pathways", content=DA_FAST.replace(b"awards: CERT-DA", b"awards: NOPE"))
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"location": "awards", "message": "no achievement 'NOPE' in the catalog"}
    ]

    empty = client.post("/api/v1/pathways", content=b"")
    assert empty.status_code == 422 and empty.json()["errors"][0]["location"] == "body"
    assert [p["version"] for p in client.get("/api/v1/pathways").json() if p["code"] == "DA-FAST"] == [1]


def test_audit_of_partial_progress_with_the_cheapest_plan(client: TestClient) -> None:
    awards = earn(client, ADA, "MC-DA-101", "MC-SD-101")
    response = client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": ADA})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pathway"] == "DA-FAST" and body["learner"] == ADA and body["met"] is False
    assert body["version_used"] == 1 and body["why"] == "version 1, the current one"
    tree = body["tree"]
    assert tree["status"] == "in_progress"
    assert _node(tree, "foundations")["status"] == "met"
    assert _node(tree, "foundations")["awards"] == [awards["MC-DA-101"]]
    assert _node(tree, "breadth")["status"] == "met" and _node(tree, "breadth")["awards"] == [
        awards["MC-SD-101"]
    ]
    assert _node(tree, "elective")["status"] == "not_started"
    assert _node(tree, "requires/all[1]/achievement")["missing"] == "needs MC-DA-102"
    assert body["assignment"]["foundations"] == [awards["MC-DA-101"]]
    assert body["credits"]["done"] > 0

    # the plan names exactly the missing achievements, the cheapest elective first
    plan = body["plan"]
    assert [a["code"] for a in plan["achievements"]] == ["MC-DA-102", "MC-DA-201"]
    assert plan["price"] == price(client, "MC-DA-102", "MC-DA-201") and plan["currency"] == "EUR"
    assert all(a["url"].startswith("/api/v1/achievements/") for a in plan["achievements"])
    (alternative,) = body["alternatives"]  # a plan plus something more is no alternative
    assert [a["code"] for a in alternative["achievements"]] == ["MC-DA-102", "MC-DA-202"]
    assert alternative["price"] == price(client, "MC-DA-102", "MC-DA-202") > plan["price"]

    by_hours = client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": ADA, "metric": "hours"}).json()
    assert by_hours["metric"] == "hours" and by_hours["plan"]["hours"] is not None

    bad = client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": ADA, "metric": "karma"})
    assert bad.status_code == 422
    assert (
        client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": "who@example.org"}).status_code == 404
    )
    assert client.get("/api/v1/pathways/NOPE/audit", params={"learner": ADA}).status_code == 404


def test_what_if_audit_on_another_pathway(client: TestClient) -> None:
    earn(client, ADA, "MC-DA-101", "MC-SD-201")
    body = client.get("/api/v1/pathways/CLOUD-FAST/audit", params={"learner": ADA}).json()
    assert (
        body["pathway"] == "CLOUD-FAST" and body["met"] is False and body["tree"]["status"] == "in_progress"
    )
    assert body["unused_awards"] and len(body["unused_awards"]) == 1  # MC-DA-101 counts for nothing here
    assert [a["code"] for a in body["plan"]["achievements"]] == ["MC-CI-101"]
    assert body["plan"]["price"] == price(client, "MC-CI-101")


def test_a_waiver_completes_the_pathway_and_the_stacked_award_has_its_clr(
    client: TestClient, engine: Engine
) -> None:
    awards = earn(client, ADA, "MC-DA-101", "MC-DA-102", "MC-SD-101")
    decision = {
        "learner": ADA,
        "node": "elective",
        "kind": "waiver",
        "by": "registrar@example.org",
        "reason": "Three years as a BI analyst; portfolio reviewed",
    }
    response = client.post("/api/v1/pathways/DA-FAST/exceptions", json=decision)
    assert response.status_code == 201, response.text
    done = response.json()
    assert done["created"] is True and done["met"] is True and done["version"] == 1
    (stacked,) = done["stacked"]
    assert stacked["achievement"] == "CERT-DA" and stacked["has_clr"] is True
    assert stacked["url"].endswith(f"/credentials/{stacked['id']}")

    with UnitOfWork(engine) as uow:
        award = uow.awards.by_public_id(stacked["id"])
    assert award is not None and award.clr is not None
    assert award.clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert set(award.components or []) == {awards["MC-DA-101"], awards["MC-DA-102"], awards["MC-SD-101"]}
    mine = client.get("/api/v1/awards", params={"learner": ADA}).json()
    assert "CERT-DA" in {a["achievement"]["code"] for a in mine}

    audit = client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": ADA}).json()
    assert audit["met"] is True
    elective = _node(audit["tree"], "elective")
    assert elective["status"] == "met"
    assert (
        elective["exception"]
        == "waived by registrar@example.org: Three years as a BI analyst; portfolio reviewed"
    )
    assert audit["exceptions"][0] | {"created_at": None} == {
        "node": "elective",
        "kind": "waiver",
        "award": None,
        "by": "registrar@example.org",
        "reason": "Three years as a BI analyst; portfolio reviewed",
        "created_at": None,
    }
    assert audit["plan"]["achievements"] == []  # nothing left to earn

    again = client.post("/api/v1/pathways/DA-FAST/exceptions", json=decision)
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["stacked"] == []
    assert (
        sum(
            a["achievement"]["code"] == "CERT-DA"
            for a in client.get("/api/v1/awards", params={"learner": ADA}).json()
        )
        == 1
    )


def test_a_substitution_lets_another_award_stand_for_a_requirement(client: TestClient) -> None:
    awards = earn(client, ADA, "MC-DA-101", "MC-DA-102", "MC-SD-101", "MC-CI-101")
    response = client.post(
        "/api/v1/pathways/DA-FAST/exceptions",
        json={
            "learner": ADA,
            "node": SECOND_ELECTIVE,
            "kind": "substitution",
            "award": awards["MC-CI-101"],
            "by": "registrar@example.org",
            "reason": "The cloud module covers the SQL outcomes",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["met"] is True and [s["achievement"] for s in response.json()["stacked"]] == [
        "CERT-DA"
    ]
    audit = client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": ADA}).json()
    leaf = _node(audit["tree"], SECOND_ELECTIVE)
    assert leaf["status"] == "met" and leaf["awards"] == [awards["MC-CI-101"]]
    assert "substituted by registrar@example.org" in leaf["exception"]


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"node": "nope"}, "node"),
        ({"reason": "  "}, "reason"),
        ({"by": ""}, "by"),
        ({"learner": "nobody@example.org"}, "learner"),
        ({"award": "BOB"}, "award"),  # a waiver names no award
        ({"kind": "substitution", "award": "BOB", "node": SECOND_ELECTIVE}, "award"),  # not hers
        ({"kind": "substitution", "award": None}, "award"),
        ({"kind": "substitution", "award": "x", "node": "elective"}, "node"),  # a group: substitute a leaf
    ],
)
def test_a_bad_exception_is_422_naming_the_field(client: TestClient, change: dict, location: str) -> None:
    mine = earn(client, ADA, "MC-DA-101")
    bobs = earn(client, "bob@example.org", "MC-DA-202", name="Bob")
    ids = {"x": mine["MC-DA-101"], "BOB": bobs["MC-DA-202"]}
    if change.get("award") in ids:
        change = change | {"award": ids[change["award"]]}
    decision = {"learner": ADA, "node": "elective", "kind": "waiver", "by": "r", "reason": "why"} | change
    response = client.post("/api/v1/pathways/DA-FAST/exceptions", json=decision)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["location"] for e in response.json()["errors"]] == [location]
    audit = client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": ADA}).json()
    assert audit["exceptions"] == []


def test_an_exception_on_an_unknown_pathway_is_404(client: TestClient) -> None:
    earn(client, ADA, "MC-DA-101")
    response = client.post(
        "/api/v1/pathways/NOPE/exceptions",
        json={"learner": ADA, "node": "x", "kind": "waiver", "by": "r", "reason": "why"},
    )
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
    bad_kind = client.post(
        "/api/v1/pathways/DA-FAST/exceptions",
        json={"learner": ADA, "node": "elective", "kind": "pardon", "by": "r", "reason": "why"},
    )
    assert bad_kind.status_code == 422
