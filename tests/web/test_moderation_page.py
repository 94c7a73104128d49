"""The moderation report page on SQLite and PostgreSQL: for signed-in board members and
registrars only; the demo's generous assessor is flagged; filters narrow it; the CSV matches."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.demo import seed_demo
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), institution_slug="mod")
    seed_demo(UnitOfWork(engine), settings=settings, learners=140)  # the demo marks learners 30 to 126
    for email, role in (("board@example.edu", "governance-board"), ("learner@example.edu", "learner")):
        add_user(
            UnitOfWork(engine), institution=institution_from_settings(settings), email=email, name=email,
            roles=[role], actor="t", password=PASSWORD,
        )  # fmt: skip
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


def sign_in(client: TestClient, email: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text)
    assert token
    signed = client.post(
        "/signin",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_board_sees_the_report_with_the_drifting_assessor_flagged(client: TestClient) -> None:
    anonymous = client.get("/moderation", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    sign_in(client, "learner@example.edu")
    assert client.get("/moderation").status_code == 403
    sign_in(client, "board@example.edu")
    page = client.get("/moderation")
    assert page.status_code == 200
    body = text(page.text)
    flagged = re.search(r"Flagged \((\d+)\)", body)
    assert flagged and int(flagged.group(1)) >= 1
    assert "r.haddad" in body.split("All marks")[0]  # the demo's generous assessor, in the flagged list
    rows = list(csv.reader(io.StringIO(client.get("/moderation.csv").text)))
    assert rows[0][:3] == ["dimension", "group", "marks"]
    flagged_csv = [r for r in rows[1:] if r[14] == "yes"]
    assert len(flagged_csv) == int(flagged.group(1))
    narrowed = client.get("/moderation", params={"site": "nowhere"})
    assert narrowed.status_code == 200 and "Flagged (0)" in text(narrowed.text)
