"""Learning resources on SQLite and PostgreSQL, through the services, the API and the designers'
page: designers (and administrators) only, CSRF refused without its token, every change in the
audit log, addresses other than http(s) refused, and a CSV import that names each bad row and
changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from credstack.api.app import create_app
from credstack.domain.errors import InvalidInput
from credstack.domain.identity import Forbidden
from credstack.domain.institution import Institution
from credstack.domain.resources import ResourceDraft
from credstack.services import resources as service
from credstack.services.identity import add_user, issue_token
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import audit_log, learning_resources
from tests.conftest import snapshot
from tests.partners_builders import DATA, PROGRAMMING, Cast, seed_people
from tests.pathmap_builders import PASSWORD, csrf, sign_in

HERE = Institution(slug="test", name="Test Institute")
DESIGNER, LEARNER = "web.designer@example.org", "web.learner@example.org"
HEADER = "title,url,kind,minutes,provider,achievement,competency,criterion\n"


@dataclass
class Site:
    engine: Engine
    cast: Cast
    client: TestClient
    tokens: dict[str, str]

    @property
    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def site(engine: Engine) -> Iterator[Site]:
    uow = UnitOfWork(engine)
    cast = seed_people(uow, HERE)
    tokens = {}
    for email, role in ((DESIGNER, "curriculum-designer"), (LEARNER, "learner")):
        add_user(
            uow, institution=HERE, email=email, name=role.title(), roles=[role], actor="t", password=PASSWORD
        )
        tokens[role] = issue_token(uow, institution=HERE, email=email, name="t", actor="t").secret
    settings = Settings(
        database_url="sqlite://unused", institution_slug="test", institution_name="Test Institute"
    )
    with TestClient(create_app(settings, engine=engine)) as client:
        yield Site(engine, cast, client, tokens)


def count(engine: Engine, table=learning_resources) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.action).where(audit_log.c.action.like("resource.%")).order_by(audit_log.c.id)
        )
        return [r.action for r in rows]


def test_designers_add_change_and_remove_resources_with_audit_entries(site: Site) -> None:
    des = site.cast["des"]
    added = service.add_resource(
        site.uow, institution=HERE, principal=des,
        draft=ResourceDraft(" Debugging drills ", "https://e.org/d", "Exercise", 45, None, PROGRAMMING, "SD.1.1", "C1"),
    )  # fmt: skip
    r = added.resource
    assert (r.title, r.kind, r.achievement, r.criterion) == (
        "Debugging drills",
        "exercise",
        PROGRAMMING,
        "C1",
    )
    assert r.competency is not None and r.competency != "SD.1.1"  # stored as the identifier
    assert [s.id for s in service.list_resources(site.uow, institution=HERE, competency="SD.1.1")] == [r.id]
    assert service.list_resources(site.uow, institution=HERE, achievement=DATA) == []
    changed = service.update_resource(
        site.uow, institution=HERE, principal=des, resource_id=r.id,
        draft=ResourceDraft("Debugging drills", "https://e.org/d2", "exercise", 30, "Lab", PROGRAMMING),
    )  # fmt: skip
    assert (changed.resource.url, changed.resource.minutes, changed.resource.competency) == (
        "https://e.org/d2",
        30,
        None,
    )
    service.remove_resource(site.uow, institution=HERE, principal=des, resource_id=r.id)
    assert count(site.engine) == 0
    assert actions(site.engine) == ["resource.added", "resource.changed", "resource.removed"]


@pytest.mark.parametrize("who", ["ada", "reg", "ann"])
def test_others_may_not_edit(site: Site, who: str) -> None:
    with pytest.raises(Forbidden):
        service.add_resource(
            site.uow, institution=HERE, principal=site.cast[who],
            draft=ResourceDraft("X", "https://e.org/x", "video", 5, None, DATA),
        )  # fmt: skip


def test_what_a_resource_names_must_exist(site: Site) -> None:
    before = snapshot(site.engine)
    with pytest.raises(InvalidInput) as caught:
        service.add_resource(
            site.uow, institution=HERE, principal=site.cast["des"],
            draft=ResourceDraft("X", "https://e.org/x", "video", 5, None, "MC-NONE", "ZZ.9", None),
        )  # fmt: skip
    assert {p.location for p in caught.value.problems} == {"achievement", "competency"}
    with pytest.raises(InvalidInput, match="criterion: MC-DA-101 has no criterion 'C99'"):
        service.add_resource(
            site.uow, institution=HERE, principal=site.cast["des"],
            draft=ResourceDraft("X", "https://e.org/x", "video", 5, None, DATA, None, "C99"),
        )  # fmt: skip
    assert snapshot(site.engine) == before


def test_a_csv_import_is_all_or_nothing_and_names_each_bad_row(site: Site) -> None:
    before = snapshot(site.engine)
    bad = (
        HEADER
        + f"Good one,https://e.org/1,video,10,,{DATA},,\n"
        + f"Bad criterion,https://e.org/2,video,10,,{DATA},,C42\n"
        + "Bad achievement,https://e.org/3,video,10,,MC-NOPE,,\n"
        + f"Bad address,javascript:alert(1),video,10,,{DATA},,\n"
    )
    with pytest.raises(InvalidInput) as caught:
        service.import_resources(
            site.uow, institution=HERE, principal=site.cast["des"], data=bad.encode(), filename="r.csv"
        )
    assert [p.location for p in caught.value.problems] == ["row 5.url"]  # the file's own rules first
    with pytest.raises(InvalidInput) as caught:
        service.import_resources(
            site.uow, institution=HERE, principal=site.cast["des"], data=bad.rsplit("Bad address", 1)[0].encode(),
            filename="r.csv",
        )  # fmt: skip
    assert [p.location for p in caught.value.problems] == ["row 3.criterion", "row 4.achievement"]
    assert snapshot(site.engine) == before
    good = HEADER + f"One,https://e.org/1,video,10,,{DATA},,\nTwo,https://e.org/2,reading,15,Lib,,SD.1.1,\n"
    added = service.import_resources(
        site.uow, institution=HERE, principal=site.cast["des"], data=good.encode(), filename="r.csv"
    )
    assert [a.resource.title for a in added] == ["One", "Two"]
    assert actions(site.engine) == ["resource.imported"]


def test_the_api_reads_publicly_and_writes_for_designers(site: Site) -> None:
    body = {
        "title": "Data cleaning",
        "url": "https://e.org/c",
        "kind": "course",
        "minutes": 90,
        "achievement": DATA,
    }
    assert site.client.post("/api/v1/resources", json=body).status_code == 401
    refused = site.client.post("/api/v1/resources", json=body, headers=site.auth("learner"))
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    evil = site.client.post(
        "/api/v1/resources",
        json=body | {"url": "javascript:alert(1)"},
        headers=site.auth("curriculum-designer"),
    )
    assert evil.status_code == 422 and [e["location"] for e in evil.json()["errors"]] == ["url"]
    created = site.client.post("/api/v1/resources", json=body, headers=site.auth("curriculum-designer"))
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    assert [r["id"] for r in site.client.get(f"/api/v1/resources?achievement={DATA}").json()] == [rid]
    assert site.client.get(f"/api/v1/resources?achievement={PROGRAMMING}").json() == []
    assert site.client.get("/api/v1/resources?competency=%00").json() == []  # PostgreSQL text has no NUL
    nul = site.client.post(
        "/api/v1/resources", json=body | {"achievement": "MC\u0000"}, headers=site.auth("curriculum-designer")
    )
    assert nul.status_code == 422 and [e["location"] for e in nul.json()["errors"]] == ["achievement"]
    assert site.client.get(f"/api/v1/resources/{rid}").json()["title"] == "Data cleaning"
    put = site.client.put(
        f"/api/v1/resources/{rid}", json=body | {"minutes": 60}, headers=site.auth("curriculum-designer")
    )
    assert put.status_code == 200 and put.json()["minutes"] == 60
    csv = (HEADER + "Bad,https://e.org,video,0,,,,\n").encode()
    imported = site.client.post(
        "/api/v1/resources/import",
        content=csv,
        headers={"content-type": "text/csv"} | site.auth("curriculum-designer"),
    )
    assert imported.status_code == 422 and [e["location"] for e in imported.json()["errors"]] == [
        "row 2.minutes", "row 2.achievement",
    ]  # fmt: skip
    assert site.client.delete(f"/api/v1/resources/{rid}", headers=site.auth("learner")).status_code == 403
    assert (
        site.client.delete(f"/api/v1/resources/{rid}", headers=site.auth("curriculum-designer")).status_code
        == 204
    )
    assert site.client.get(f"/api/v1/resources/{rid}").status_code == 404


def form(**changes: str) -> dict[str, str]:
    base = {"title": "Charts that tell the truth", "url": "https://e.org/charts", "kind": "reading", "minutes": "25",
            "provider": "", "achievement": DATA, "competency": "", "criterion": ""}  # fmt: skip
    return base | changes


def test_the_designers_page_adds_edits_and_removes(site: Site) -> None:
    sign_in(site.client, DESIGNER)
    page = site.client.get(f"/resources?achievement={DATA}")
    assert page.status_code == 200 and f'<option value="{DATA}" selected>' in page.text
    token = csrf(site.client, "/resources")
    no_token = site.client.post("/resources", data=form(), follow_redirects=False)
    assert no_token.status_code == 403 and count(site.engine) == 0
    evil = site.client.post("/resources", data=form(url="javascript:alert(1)", csrf_token=token))
    assert evil.status_code == 422 and 'id="e-url"' in evil.text and count(site.engine) == 0
    added = site.client.post("/resources", data=form(csrf_token=token), follow_redirects=False)
    assert added.status_code == 303
    rid = site.uow and service.list_resources(site.uow, institution=HERE)[0].id
    edit = site.client.get(f"/resources/{rid}/edit")
    assert edit.status_code == 200 and 'value="Charts that tell the truth"' in edit.text
    saved = site.client.post(
        f"/resources/{rid}/edit", data=form(minutes="40", csrf_token=token), follow_redirects=False
    )
    assert saved.status_code == 303
    assert service.get_resource(site.uow, institution=HERE, resource_id=rid).resource.minutes == 40
    assert site.client.post(f"/resources/{rid}/delete", follow_redirects=False).status_code == 403
    removed = site.client.post(f"/resources/{rid}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert removed.status_code == 303 and count(site.engine) == 0
    assert actions(site.engine) == ["resource.added", "resource.changed", "resource.removed"]


def test_the_designers_page_imports_a_csv_all_or_nothing(site: Site) -> None:
    sign_in(site.client, DESIGNER)
    token = csrf(site.client, "/resources")
    bad = HEADER + f"One,https://e.org/1,video,10,,{DATA},,\nTwo,https://e.org/2,video,10,,MC-NOPE,,\n"
    refused = site.client.post(
        "/resources/import", data={"csrf_token": token}, files={"file": ("r.csv", bad.encode(), "text/csv")}
    )
    assert refused.status_code == 422
    assert "row 3.achievement: no achievement &#39;MC-NOPE&#39; in the catalog" in refused.text
    assert count(site.engine) == 0
    good = bad.replace("MC-NOPE", DATA)
    done = site.client.post(
        "/resources/import", data={"csrf_token": token}, files={"file": ("r.csv", good.encode(), "text/csv")},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and count(site.engine) == 2


def test_the_designers_page_is_for_designers(site: Site) -> None:
    sign_in(site.client, LEARNER)
    assert site.client.get("/resources").status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', site.client.get("/me").text)
    assert token
    assert site.client.post("/resources", data=form(csrf_token=token[1])).status_code == 403
    assert count(site.engine) == 0
    site.client.cookies.clear()
    assert site.client.get("/resources", follow_redirects=False).status_code == 303
