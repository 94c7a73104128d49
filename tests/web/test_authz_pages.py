"""Who may use which page, on SQLite and PostgreSQL. For every state-changing form: anonymous →
sent to /signin, wrong role → 403, missing or wrong CSRF token → 403 and nothing changed, the
right role with the token → done (and the audit log names the person). Pages that show one
learner's records are closed to the public; the credential page stays public."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from credstack.services.audit_trail import audit_entries
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.tables import awards, trusted_issuers
from tests.web.authz_builders import ADA, BEN, app_client, csrf, person, seed, settings_for, sign_in, text

REGISTRAR = "reg@example.edu"
ASSESSOR = "ass@example.edu"
BOARD = "board@example.edu"
DESIGNER = "dee@example.edu"
EMPLOYER = "emp@example.com"
ADMIN = "root@example.edu"
ISSUER = "did:web:partner.example"


@dataclass
class Site:
    client: TestClient
    engine: Engine
    public_id: str
    achievement_id: int

    def count(self, table: Any) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def status(self) -> str:
        with self.engine.connect() as conn:
            return str(
                conn.execute(select(awards.c.status).where(awards.c.public_id == self.public_id)).scalar_one()
            )

    def as_(self, email: str | None) -> TestClient:
        if email is None:
            self.client.cookies.clear()
        else:
            sign_in(self.client, email)
        return self.client


@pytest.fixture
def site(engine: Engine) -> Iterator[Site]:
    settings = settings_for(engine)
    public_id = seed(engine, settings)
    here = institution_from_settings(settings)
    for email, role in (
        (REGISTRAR, "registrar"), (ASSESSOR, "assessor"), (BOARD, "governance-board"),
        (DESIGNER, "curriculum-designer"), (EMPLOYER, "employer"), (ADMIN, "admin"), (ADA, "learner"),
        (BEN, "learner"),
    ):  # fmt: skip
        person(engine, here, email, role)
    with app_client(engine) as client:
        ids = {a["code"]: a["id"] for a in client.get("/api/v1/achievements").json()}
        yield Site(client, engine, public_id, ids["AZ-2"])


def refused_anonymous(response: Any) -> None:
    assert response.status_code == 303 and response.headers["location"].startswith("/signin?next=/")


def test_the_issue_form(site: Site) -> None:
    page, path = f"/achievements/{site.achievement_id}", f"/achievements/{site.achievement_id}/issue"
    form = {"learner_email": BEN, "learner_name": "Ben"}
    before = site.count(awards)

    anonymous = site.as_(None)
    assert f'action="{path}"' not in anonymous.get(page).text
    assert "Registrars issue this credential from this page once signed in" in text(anonymous.get(page).text)
    token = csrf(anonymous, "/signin")
    back = anonymous.post(
        path, data={**form, "csrf_token": token}, headers={"referer": f"https://testserver{page}"}
    )
    assert back.headers["location"] == f"/signin?next={page}"  # back to the form's page, not the post
    refused_anonymous(anonymous.post(path, data={**form, "csrf_token": token}))

    learner = site.as_(ADA)
    assert f'action="{path}"' not in learner.get(page).text
    wrong_role = learner.post(path, data={**form, "csrf_token": csrf(learner, page)})
    assert wrong_role.status_code == 403 and "registrar" in text(wrong_role.text)

    registrar = site.as_(REGISTRAR)
    assert f'action="{path}"' in registrar.get(page).text
    assert registrar.post(path, data=form).status_code == 403
    assert registrar.post(path, data={**form, "csrf_token": "forged"}).status_code == 403
    assert site.count(awards) == before

    done = registrar.post(path, data={**form, "csrf_token": csrf(registrar, page)})
    assert done.status_code == 303 and done.headers["location"].startswith("/credentials/")
    assert site.count(awards) == before + 1
    issued = [
        e
        for e in audit_entries(UnitOfWork(site.engine), subject_type="award")
        if e["action"] == "award.issued"
    ]
    assert issued[0]["actor"] == REGISTRAR


def test_the_status_panel(site: Site) -> None:
    page, path = f"/credentials/{site.public_id}", f"/credentials/{site.public_id}/status"
    form = {"action": "suspend", "reason": "Under investigation"}

    anonymous = site.as_(None)
    public = anonymous.get(page)
    assert public.status_code == 200 and "Awarded to Ada Lovelace" in text(public.text)  # public by design
    assert f'action="{path}"' not in public.text and "Registrar: change the status" not in public.text
    refused_anonymous(anonymous.post(path, data={**form, "csrf_token": csrf(anonymous, "/signin")}))

    for email in (ADA, ASSESSOR, EMPLOYER):
        client = site.as_(email)
        assert f'action="{path}"' not in client.get(page).text
        assert client.post(path, data={**form, "csrf_token": csrf(client, page)}).status_code == 403

    registrar = site.as_(REGISTRAR)
    assert registrar.post(path, data=form).status_code == 403
    assert registrar.post(path, data={**form, "csrf_token": "x" * 43}).status_code == 403
    assert site.status() == "active"

    done = registrar.post(path, data={**form, "csrf_token": csrf(registrar, page)})
    assert done.status_code == 303, done.text
    assert site.status() == "suspended"
    changed = audit_entries(UnitOfWork(site.engine), subject_type="award")[0]
    assert changed["actor"] == REGISTRAR and changed["after"]["status"] == "suspended"


def test_the_trusted_issuer_forms(site: Site) -> None:
    add = {"issuer": ISSUER, "name": "Partner University"}

    anonymous = site.as_(None)
    page = anonymous.get("/trusted-issuers")
    assert page.status_code == 200 and 'action="/trusted-issuers"' not in page.text
    refused_anonymous(
        anonymous.post("/trusted-issuers", data={**add, "csrf_token": csrf(anonymous, "/signin")})
    )

    learner = site.as_(BEN)
    assert (
        learner.post("/trusted-issuers", data={**add, "csrf_token": csrf(learner, "/me")}).status_code == 403
    )

    registrar = site.as_(REGISTRAR)
    assert registrar.post("/trusted-issuers", data=add).status_code == 403
    assert site.count(trusted_issuers) == 0
    token = csrf(registrar, "/trusted-issuers")
    assert registrar.post("/trusted-issuers", data={**add, "csrf_token": token}).status_code == 303
    assert site.count(trusted_issuers) == 1
    assert audit_entries(UnitOfWork(site.engine), subject_type="trusted_issuer")[0]["actor"] == REGISTRAR

    admin = site.as_(ADMIN)  # administrators hold every role
    assert 'action="/trusted-issuers/remove"' in admin.get("/trusted-issuers").text
    assert admin.post("/trusted-issuers/remove", data={"issuer": ISSUER}).status_code == 403
    assert site.count(trusted_issuers) == 1
    removed = admin.post("/trusted-issuers/remove", data={"issuer": ISSUER, "csrf_token": csrf(admin, "/me")})
    assert removed.status_code == 303 and site.count(trusted_issuers) == 0


def test_governance_pages_are_for_the_board_designers_registrars_and_admins(site: Site) -> None:
    refused_anonymous(site.as_(None).get("/governance"))
    refused_anonymous(site.client.get("/governance/achievement/AZ-1"))
    assert ">Governance</a>" not in site.client.get("/").text
    for email in (ADA, ASSESSOR, EMPLOYER):
        client = site.as_(email)
        assert client.get("/governance").status_code == 403
        assert client.get("/governance/achievement/AZ-1").status_code == 403
        assert ">Governance</a>" not in client.get("/").text
    for email in (BOARD, DESIGNER, REGISTRAR, ADMIN):
        client = site.as_(email)
        assert client.get("/governance").status_code == 200
        assert client.get("/governance/achievement/AZ-1").status_code == 200
        assert ">Governance</a>" in client.get("/").text


def test_a_pathway_audit_is_for_staff_and_the_learner_themself(site: Site) -> None:
    audit = "/pathways/AZ-PATH/audit"
    refused_anonymous(site.as_(None).get(audit, params={"learner": ADA}))
    assert ADA not in site.client.get("/pathways/AZ-PATH").text  # no suggested learners for the public

    ada = site.as_(ADA)
    own = ada.get(audit, params={"learner": ADA.upper()})
    assert own.status_code == 200 and "For Ada Lovelace" in text(own.text)
    assert f'value="{ADA}"' in ada.get("/pathways/AZ-PATH").text  # her own email, prefilled
    assert ada.get(audit, params={"learner": BEN}).status_code == 403
    assert site.as_(EMPLOYER).get(audit, params={"learner": ADA}).status_code == 403
    assert site.as_(BEN).get(audit, params={"learner": ADA}).status_code == 403

    for email in (REGISTRAR, ASSESSOR, ADMIN):
        client = site.as_(email)
        assert client.get(audit, params={"learner": ADA}).status_code == 200
        assert f'<option value="{ADA}">' in client.get("/pathways/AZ-PATH").text


def test_the_home_page_lists_awards_to_staff_and_a_learner_their_own(site: Site) -> None:
    assert "Ada Lovelace" not in site.as_(None).get("/").text
    assert "Ada Lovelace" not in site.as_(BEN).get("/").text
    mine = site.as_(ADA).get("/").text
    assert "Your recent credentials" in mine and "Awarded to Ada Lovelace" in text(mine)
    assert "Awarded to Ada Lovelace" in text(site.as_(REGISTRAR).get("/").text)
