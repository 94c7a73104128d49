"""Invitations end to end on SQLite and PostgreSQL: an administrator invites on /admin/users and
sees the link once; the invitee opens it, sets name and password, and is signed in; the link
then shows a clear page; expiry and withdrawal refuse; role changes; the API and the CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from credstack.cli import app
from credstack.domain.institution import Institution
from credstack.services import invitations as service
from credstack.services.audit_trail import audit_entries
from credstack.services.identity import issue_token
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.db import make_engine, migrate
from credstack.store.tables import invitations, users
from tests.web.authz_builders import PASSWORD, app_client, csrf, person, settings_for, sign_in, text

ADMIN = "root@example.edu"
REGISTRAR = "reg@example.edu"
NEW = "nia@example.org"


@pytest.fixture
def here(engine: Engine) -> Institution:
    institution = institution_from_settings(settings_for(engine))
    person(engine, institution, ADMIN, "admin")
    person(engine, institution, REGISTRAR, "registrar")
    return institution


@pytest.fixture
def client(engine: Engine, here: Institution) -> Iterator[TestClient]:
    with app_client(engine) as c:
        yield c


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def invite(client: TestClient, **fields: Any) -> Any:
    data = {"email": NEW, "name": "Nia", "roles": ["assessor", "learner"]} | fields
    return client.post("/admin/users/invite", data={**data, "csrf_token": csrf(client, "/admin/users")})


def link_path(page: str) -> str:
    found = re.search(r'id="invite-link"[^>]*value="https://credstack\.test(/invite/[^"]+)"', page)
    assert found, "no invitation link on the page"
    return found.group(1)


def test_only_administrators_reach_the_users_page(engine: Engine, client: TestClient) -> None:
    anonymous = client.get("/admin/users")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/signin?next=/admin/users"
    sign_in(client, REGISTRAR)
    assert client.get("/admin/users").status_code == 403
    refused = client.post(
        "/admin/users/invite", data={"email": NEW, "roles": "learner", "csrf_token": csrf(client, "/me")}
    )
    assert refused.status_code == 403 and count(engine, invitations) == 0
    sign_in(client, ADMIN)
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert REGISTRAR in page.text and '<label for="invite-email">Email</label>' in page.text
    assert 'href="/admin/users"' in client.get("/me").text  # the administrator's home links it
    missing = client.post("/admin/users/invite", data={"email": NEW, "roles": "learner"})
    assert missing.status_code == 403 and count(engine, invitations) == 0


def test_invite_accept_sign_in_and_the_link_is_spent(engine: Engine, client: TestClient) -> None:
    sign_in(client, ADMIN)
    bad = invite(client, email="nope", roles=[])
    assert bad.status_code == 422 and count(engine, invitations) == 0
    assert "Nobody was invited" in text(bad.text) and "Roles: choose at least one role" in text(bad.text)

    made = invite(client)
    assert made.status_code == 201 and made.headers["referrer-policy"] == "no-referrer"
    path = link_path(made.text)
    assert "It is shown only now" in text(made.text)
    assert path not in client.get("/admin/users").text  # shown once

    client.cookies.clear()  # the invitee, in their own browser
    form = client.get(path)
    assert form.status_code == 200 and form.headers["referrer-policy"] == "no-referrer"
    assert "You are invited as assessor, learner" in text(form.text) and NEW in form.text
    token = csrf(client, path)
    assert (
        client.post(path, data={"name": "Nia A", "password": PASSWORD, "confirm": PASSWORD}).status_code
        == 403
    )
    differ = client.post(
        path, data={"name": "Nia A", "password": PASSWORD, "confirm": "other", "csrf_token": token}
    )
    assert differ.status_code == 422 and "The two passwords differ" in differ.text
    short = client.post(
        path, data={"name": "Nia A", "password": "short", "confirm": "short", "csrf_token": token}
    )
    assert short.status_code == 422 and "must be at least 12 characters" in short.text
    assert count(engine, users) == 2

    done = client.post(
        path, data={"name": "Nia A", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}
    )
    assert done.status_code == 303 and done.headers["location"] == "/me"
    me = client.get("/me")
    assert me.status_code == 200 and "Nia A" in me.text
    assert 'data-role="assessor"' in me.text and 'data-role="learner"' in me.text

    client.cookies.clear()
    spent = client.get(path)
    assert spent.status_code == 410 and "This invitation has already been used" in text(spent.text)
    again = client.post(
        path,
        data={
            "name": "Eve",
            "password": "another password!",
            "confirm": "another password!",
            "csrf_token": csrf(client, "/signin"),
        },
    )
    assert again.status_code == 410 and count(engine, users) == 3
    sign_in(client, NEW)  # the password chosen works; the second try changed nothing
    assert client.get("/invite/not-a-real-link").status_code == 404


def test_expired_and_withdrawn_links_show_a_clear_page(
    engine: Engine, here: Institution, client: TestClient
) -> None:
    old = service.invite(
        UnitOfWork(engine), institution=here, base_url="https://credstack.test", email="old@example.org", name="",
        roles=["learner"], actor="t", days=1, now=datetime.now(UTC) - timedelta(days=2),
    )  # fmt: skip
    expired = client.get(old.link.removeprefix("https://credstack.test"))
    assert expired.status_code == 410 and "This invitation has expired" in text(expired.text)

    sign_in(client, ADMIN)
    path = link_path(invite(client).text)
    inv_id = service.invitations(UnitOfWork(engine), institution=here)[0].id
    page = client.get("/admin/users").text
    assert f'action="/admin/invitations/{inv_id}/revoke"' in page
    assert client.post(f"/admin/invitations/{inv_id}/revoke").status_code == 403
    withdrawn = client.post(
        f"/admin/invitations/{inv_id}/revoke", data={"csrf_token": csrf(client, "/admin/users")}
    )
    assert withdrawn.status_code == 303
    assert "is withdrawn" in text(client.get(withdrawn.headers["location"]).text)
    client.cookies.clear()
    refused = client.post(
        path,
        data={"name": "N", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf(client, "/signin")},
    )
    assert refused.status_code == 410 and "withdrawn" in refused.text and count(engine, users) == 2


def test_an_administrator_changes_roles(engine: Engine, client: TestClient) -> None:
    sign_in(client, ADMIN)
    page = client.get("/admin/users").text
    reg_id = int(re.search(r'id="member-(\d+)">\s*<h3 class="member__name">Reg</h3>', page).group(1))  # type: ignore[union-attr]
    path = f"/admin/users/{reg_id}/roles"
    assert client.post(path, data={"roles": ["assessor"]}).status_code == 403
    saved = client.post(
        path, data={"roles": ["assessor", "registrar"], "csrf_token": csrf(client, "/admin/users")}
    )
    assert saved.status_code == 303 and "assessor, registrar" in text(
        client.get(saved.headers["location"]).text
    )
    changed = audit_entries(UnitOfWork(engine), subject_type="user")[0]
    assert changed["actor"] == ADMIN and changed["after"] == {"roles": ["assessor", "registrar"]}

    root_id = int(re.search(r'id="member-(\d+)">\s*<h3 class="member__name">Root</h3>', page).group(1))  # type: ignore[union-attr]
    last = client.post(
        f"/admin/users/{root_id}/roles",
        data={"roles": ["learner"], "csrf_token": csrf(client, "/admin/users")},
    )
    assert last.status_code == 409 and "the only administrator" in last.text


def test_the_invitations_api(engine: Engine, here: Institution, client: TestClient) -> None:
    def token(email: str, scopes: list[str]) -> dict[str, str]:
        issued = issue_token(
            UnitOfWork(engine), institution=here, email=email, name="t", scopes=scopes, actor="t"
        )
        return {"Authorization": f"Bearer {issued.secret}"}

    admin, registrar, read_only = token(ADMIN, ["*"]), token(REGISTRAR, ["*"]), token(ADMIN, ["read"])
    body = {"email": NEW, "roles": ["registrar"]}
    assert client.post("/api/v1/invitations", json=body).status_code == 401
    assert client.post("/api/v1/invitations", json=body, headers=registrar).status_code == 403
    assert client.post("/api/v1/invitations", json=body, headers=read_only).status_code == 403
    assert client.get("/api/v1/invitations", headers=registrar).status_code == 403
    assert (
        client.post("/api/v1/invitations", json={**body, "roles": ["wizard"]}, headers=admin).status_code
        == 422
    )
    assert count(engine, invitations) == 0

    made = client.post("/api/v1/invitations", json=body, headers=admin)
    assert made.status_code == 201, made.text
    assert (
        made.json()["link"].startswith("https://credstack.test/invite/") and made.json()["state"] == "pending"
    )
    listed = client.get("/api/v1/invitations", headers=admin).json()
    assert [(i["email"], i["roles"], i["state"]) for i in listed] == [(NEW, ["registrar"], "pending")]
    assert "link" not in listed[0]
    revoked = client.post(f"/api/v1/invitations/{listed[0]['id']}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert client.post(f"/api/v1/invitations/{listed[0]['id']}/revoke", headers=admin).status_code == 409


def test_users_invite_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate(make_engine(db))
    runner = CliRunner()
    done = runner.invoke(
        app, ["--database", db, "users", "invite", "Nia@Example.org", "--role", "assessor", "--days", "3"]
    )
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["email"] == NEW and out["roles"] == ["assessor"] and "/invite/" in out["link"]
    bad = runner.invoke(app, ["--database", db, "users", "invite", "nia@example.org", "--role", "wizard"])
    assert bad.exit_code == 2 and "unknown role 'wizard'" in bad.stderr
    engine = make_engine(db)
    assert count(engine, invitations) == 1
    engine.dispose()
