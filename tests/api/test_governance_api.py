"""The governance API on SQLite and PostgreSQL: every call needs a token (401), the role decides
(403, also for an author approving their own definition), the workflow through to publication,
comments, the review date and the board's queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.catalog import import_achievements, parse_achievements
from credstack.services.demo import seed_demo
from credstack.services.identity import add_user, issue_token
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

BASE = "/api/v1/governance/achievement/MC-GOV-1"


@dataclass
class Board:
    client: TestClient
    tokens: dict[str, dict[str, str]]  # who -> Authorization header

    def post(self, who: str | None, path: str, **kw: object):
        headers = self.tokens[who] if who else {}
        return self.client.post(path, headers=headers, **kw)  # type: ignore[arg-type]

    def get(self, who: str, path: str, **kw: object):
        return self.client.get(path, headers=self.tokens[who], **kw)  # type: ignore[arg-type]


PEOPLE = {
    "author": ["curriculum-designer", "governance-board"],
    "designer": ["curriculum-designer"],
    "alice": ["governance-board"],
    "bob": ["governance-board"],
    "learner": ["learner"],
}


@pytest.fixture
def board(engine: Engine) -> Iterator[Board]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), institution_slug="govapi"
    )
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    seed_demo(uow, settings=settings, learners=0)
    draft = {"code": "MC-GOV-1", "name": "Governed module", "kind": "micro-credential", "state": "draft"}
    import_achievements(
        uow, institution=here, parsed=parse_achievements(json.dumps([draft]).encode(), filename="a.json")
    )
    tokens = {}
    for who, roles in PEOPLE.items():
        email = f"{who}@example.org"
        add_user(uow, institution=here, email=email, name=who.title(), roles=roles, actor="test")
        secret = issue_token(uow, institution=here, email=email, name="t", actor="test").secret
        tokens[who] = {"Authorization": f"Bearer {secret}"}
    add_user(
        uow, institution=here, email="reader@example.org", name="R", roles=["governance-board"], actor="test"
    )
    reader = issue_token(
        uow, institution=here, email="reader@example.org", name="t", scopes=["read"], actor="test"
    )
    tokens["reader"] = {"Authorization": f"Bearer {reader.secret}"}
    with TestClient(create_app(settings, engine=engine)) as client:
        yield Board(client, tokens)


def test_no_token_is_401_as_problem_json(board: Board):
    response = board.post(None, f"{BASE}/submit")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert board.client.get("/api/v1/governance/queue").status_code == 401


def test_a_learner_token_is_403(board: Board):
    board.post("author", f"{BASE}/submit")
    response = board.post("learner", f"{BASE}/approve")
    assert response.status_code == 403 and "governance board member" in response.json()["detail"]
    assert board.get("learner", "/api/v1/governance/queue").status_code == 403


def test_an_author_cannot_approve_their_own_definition_but_another_member_can(board: Board):
    submitted = board.post("author", f"{BASE}/submit", json={"comment": "ready for the board"})
    assert submitted.status_code == 200 and submitted.json()["state"] == "in-review"
    own = board.post("author", f"{BASE}/approve")
    assert own.status_code == 403
    assert own.json()["detail"] == "an author cannot approve their own definition (achievement MC-GOV-1)"
    first = board.post("alice", f"{BASE}/approve", json={"comment": "clear criteria"})
    assert first.status_code == 200
    assert first.json()["approvals"] == {"required": 2, "approvers": ["alice@example.org"], "missing": 1}
    assert board.post("alice", f"{BASE}/approve").status_code == 409  # once per round
    second = board.post("bob", f"{BASE}/approve").json()
    assert second["state"] == "approved"
    published = board.post("designer", f"{BASE}/publish").json()
    assert published["state"] == "published" and published["review"] == "scheduled"
    assert [(t["from_state"], t["to_state"], t["by"]) for t in published["transitions"]] == [
        ("draft", "in-review", "author@example.org"),
        ("in-review", "approved", "bob@example.org"),
        ("approved", "published", "designer@example.org"),
    ]
    assert board.post("designer", f"{BASE}/retire").status_code == 403
    assert board.post("alice", f"{BASE}/retire").json()["state"] == "retired"


def test_requests_for_changes_comments_and_bad_requests(board: Board):
    board.post("designer", f"{BASE}/submit")
    assert board.post("alice", f"{BASE}/request-changes").status_code == 422
    back = board.post("alice", f"{BASE}/request-changes", json={"comment": "name the dataset"})
    assert back.json()["state"] == "draft" and back.json()["decisions"][0]["comment"] == "name the dataset"
    said = board.post("designer", f"{BASE}/comments", json={"text": "dataset named in criteria"})
    assert said.status_code == 201 and said.json()["comments"][0]["by"] == "designer@example.org"
    assert board.post("designer", f"{BASE}/frobnicate").status_code == 422
    assert board.post("designer", "/api/v1/governance/rubric/X/submit").status_code == 422
    assert board.post("designer", "/api/v1/governance/achievement/NOPE/submit").status_code == 404
    assert board.post("designer", f"{BASE}/publish").status_code == 409
    assert board.post("reader", f"{BASE}/submit").status_code == 403  # a read-only token
    history = board.get("reader", f"{BASE}/history").json()
    assert [c["text"] for c in history["comments"]] == ["dataset named in criteria"]


def test_the_queue_and_review_dates(board: Board):
    board.post("designer", f"{BASE}/submit")
    board.post("alice", f"{BASE}/approve")
    moved = board.client.put(
        "/api/v1/governance/achievement/MC-DA-101/next-review",
        headers=board.tokens["alice"],
        json={"next_review": "2020-01-01", "comment": "review missed"},
    )
    assert moved.status_code == 200 and moved.json()["review"] == "overdue"
    queue = board.get("bob", "/api/v1/governance/queue").json()
    assert queue["approvals_required"] == 2
    (waiting,) = queue["waiting"]
    assert (waiting["code"], waiting["approvals"]["approvers"], waiting["submitted_by"]) == (
        "MC-GOV-1",
        ["alice@example.org"],
        ["designer@example.org"],
    )
    assert queue["reviews"][0]["code"] == "MC-DA-101" and queue["reviews"][0]["review"] == "overdue"
    assert board.client.get(waiting["url"], headers=board.tokens["bob"]).json()["round"] == 1


def test_a_designer_proposes_a_pathway_version_as_a_draft(board: Board):
    body = b"id: GOV-PATH\nname: Governed pathway\nawards: CERT-DA\nrequires:\n  achievement: MC-DA-101\n"
    headers = {**board.tokens["designer"], "content-type": "application/yaml"}
    saved = board.client.post("/api/v1/governance/pathways", content=body, headers=headers)
    assert saved.status_code == 201 and saved.json()["version"] == 1
    history = board.get("designer", "/api/v1/governance/pathway/GOV-PATH/history").json()
    assert history["state"] == "draft" and history["transitions"][0]["by"] == "designer@example.org"
    refused = board.client.post(
        "/api/v1/governance/pathways",
        content=body,
        headers={**board.tokens["alice"], "content-type": "application/yaml"},
    )
    assert refused.status_code == 403
