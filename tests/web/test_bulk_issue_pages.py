"""Bulk issuance on the web on SQLite and PostgreSQL: a preview that issues nothing, a file with
bad rows refused with every row named by its line and nothing issued, the issue step with a
link per credential, the same file again issuing nothing new, and refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from credstack.api.app import create_app
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.tables import awards
from tests.assessment_builders import DRAFT, WEB, email, seed_people, settings_for
from tests.conftest import snapshot
from tests.web.test_marking_pages import PASSWORD, csrf, sign_in, text

GOOD = (
    "achievement,email,name,marks\n"
    f"{WEB},ada@example.org,Ada Lovelace,C1=Proficient;C2=Exemplary;C3=Proficient\n"
    f"{WEB},grace@example.org,Grace Hopper,\n"
    f"{WEB},katherine@example.org,Katherine Johnson,\n"
).encode()


@dataclass
class Env:
    client: TestClient
    engine: Engine


@pytest.fixture
def env(engine: Engine, tmp_path: Path) -> Iterator[Env]:
    settings = settings_for(engine.url.render_as_string(hide_password=False), tmp_path / "uploads")
    settings = settings.model_copy(update={"base_url": "https://testserver"})
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    for who, role in (("reg", "registrar"), ("ann", "assessor")):
        add_user(uow, institution=institution, email=email(who), name=who.title(), roles=[role], actor="t",
                 password=PASSWORD)  # fmt: skip
    seed_people(uow, institution)
    with TestClient(create_app(settings, engine=engine), base_url="https://testserver") as client:
        sign_in(client, "reg")
        yield Env(client, engine)


def _upload(client: TestClient, data: bytes, name: str = "learners.csv"):
    token = csrf(client, "/issue/bulk")
    return client.post("/issue/bulk", data={"csrf_token": token}, files={"file": (name, data, "text/csv")})


def _issue(client: TestClient, preview_html: str):
    csv = re.search(r'name="csv" value="([^"]*)"', preview_html, re.S)
    assert csv is not None
    from html import unescape

    token = csrf(client, "/issue/bulk")
    return client.post(
        "/issue/bulk/issue",
        data={"csrf_token": token, "csv": unescape(csv.group(1)), "filename": "learners.csv"},
    )


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(awards)).scalar_one())


def test_preview_then_issue_then_the_same_file_issues_nothing_new(env: Env) -> None:
    preview = _upload(env.client, GOOD)
    assert preview.status_code == 200
    shown = text(preview.text)
    assert "Preview: 3 rows from learners.csv" in shown and "3 to issue" in shown
    assert "Issue 3 credentials" in shown and "grace@example.org" in shown
    assert _count(env.engine) == 0  # a preview issues nothing

    done = _issue(env.client, preview.text)
    assert done.status_code == 200
    assert "3 issued, 0 already issued" in text(done.text)
    links = re.findall(r'href="/credentials/([0-9a-f-]{36})"', done.text)
    assert len(set(links)) == 3 and _count(env.engine) == 3
    page = env.client.get(f"/credentials/{links[0]}")
    assert page.status_code == 200 and "Ada Lovelace" in page.text

    again = _upload(env.client, GOOD)
    assert "0 to issue, 3 already issued" in text(again.text)
    repeated = _issue(env.client, again.text)
    assert "0 issued, 3 already issued" in text(repeated.text)
    assert sorted(re.findall(r'href="/credentials/([0-9a-f-]{36})"', repeated.text)) == sorted(links)
    assert _count(env.engine) == 3


def test_a_file_with_bad_rows_names_each_line_and_issues_nothing(env: Env) -> None:
    bad = (
        GOOD
        + (
            f"{WEB},not-an-email,Nobody,\n"
            "NOPE-1,bob@example.org,Bob,\n"
            f"{DRAFT},cy@example.org,Cy,\n"
            f"{WEB},dee@example.org,Dee,C1=Not yet;C2=Proficient;C3=Proficient\n"
        ).encode()
    )
    before = snapshot(env.engine)
    page = _upload(env.client, bad)
    assert page.status_code == 422
    shown = text(page.text)
    assert (
        "Nothing was issued: 1 problem" in shown and "line 5 email: 'not-an-email' is not an email" in shown
    )
    fixed = bad.replace(b"not-an-email", b"nina@example.org")
    page = _upload(env.client, fixed)
    assert page.status_code == 422
    shown = text(page.text)
    assert "Nothing was issued: 3 problems" in shown
    assert "line 6 achievement: no achievement with code 'NOPE-1'" in shown
    assert f"line 7 achievement: {DRAFT} is draft" in shown
    assert f"line 8 achievement: {WEB}: the marks do not meet the pass rule" in shown
    assert 'name="csv"' not in page.text  # no way on to issuing
    # the issue step checks again: a tampered form issues nothing either
    token = csrf(env.client, "/issue/bulk")
    tampered = env.client.post("/issue/bulk/issue", data={"csrf_token": token, "csv": fixed.decode()})
    assert tampered.status_code == 422 and "line 6 achievement" in text(tampered.text)
    assert snapshot(env.engine) == before


def test_refusals(env: Env) -> None:
    before = snapshot(env.engine)
    empty = _upload(env.client, b"")
    assert empty.status_code == 422 and "choose a CSV file" in text(empty.text)
    header_only = _upload(env.client, b"achievement,email\n")
    assert header_only.status_code == 422 and "has no learner rows" in text(header_only.text)
    no_token = env.client.post("/issue/bulk/issue", data={"csv": GOOD.decode()})
    assert no_token.status_code == 403
    sign_in(env.client, "ann")
    assert env.client.get("/issue/bulk").status_code == 403
    env.client.cookies.clear()
    signed_out = env.client.get("/issue/bulk", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/signin?next=/issue/bulk"
    assert snapshot(env.engine) == before
