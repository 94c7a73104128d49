"""The governance pages on SQLite and PostgreSQL: the board's queue (in review with the
approvals so far, reviews overdue) and a definition's history, linked from its achievement page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.governance import Policy, SubjectKind
from credstack.domain.identity import Principal, Role
from credstack.services import governance as gov
from credstack.services.catalog import import_achievements, parse_achievements
from credstack.services.demo import seed_demo
from credstack.services.demo_assessment import BOARD as BOARD_MEMBER
from credstack.services.demo_assessment import staff
from credstack.services.demo_users import DEMO_PASSWORD
from credstack.services.governance import Target
from credstack.services.institutions import ensure_institution, institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.web.authz_builders import sign_in


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), institution_slug="govweb"
    )
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    seed_demo(uow, settings=settings, learners=0)
    draft = {"code": "MC-GOV-1", "name": "Governed module", "kind": "micro-credential", "state": "draft"}
    import_achievements(
        uow, institution=here, parsed=parse_achievements(json.dumps([draft]).encode(), filename="a.json")
    )
    with uow:
        institution_id, _ = ensure_institution(uow, here)
    designer = Principal(1, "dee@example.org", "Dee", institution_id, frozenset({Role.DESIGNER}))
    board = Principal(2, "bo@example.org", "Bo", institution_id, frozenset({Role.BOARD}))
    kw = {"institution": here, "policy": Policy(), "target": Target(SubjectKind.ACHIEVEMENT, "MC-GOV-1")}
    gov.act(uow, principal=designer, action="submit", comment="first draft", **kw)
    gov.act(uow, principal=board, action="approve", comment="looks right", **kw)
    gov.comment(uow, principal=board, text="check the credit value", **kw)
    gov.schedule_review(
        uow,
        principal=board,
        next_review=date(2020, 1, 1),
        **{**kw, "target": Target("achievement", "MC-DA-101")},
    )
    with TestClient(create_app(settings, engine=engine)) as c:
        sign_in(c, staff(BOARD_MEMBER), DEMO_PASSWORD)  # the governance pages are for signed-in staff
        yield c


def test_the_board_page_shows_the_queue_and_overdue_reviews(client: TestClient):
    page = client.get("/governance")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Waiting for the board (1)" in text
    assert (
        "Governed module MC-GOV-1" in text
        and "1 of 2 bo@example.org" in text
        and "by dee@example.org" in text
    )
    assert re.search(r"MC-DA-101 Achievement Overdue 1 January 2020", text)
    assert 'href="/governance/achievement/MC-GOV-1"' in page.text
    assert 'aria-current="page">Governance' in page.text


def test_a_definition_history_page(client: TestClient):
    page = client.get("/governance/achievement/MC-GOV-1")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Draft → In review by dee@example.org: first draft" in text
    assert "approved by bo@example.org" in text and "check the credit value" in text
    assert client.get("/governance/achievement/NOPE").status_code == 404
    assert client.get("/governance/rubric/X").status_code == 404
    pathway = client.get("/governance/pathway/CERT-DA")
    assert pathway.status_code == 200 and "published on save" in pathway.text


def test_the_achievement_page_links_to_its_history(client: TestClient):
    catalog = {a["code"]: a for a in client.get("/api/v1/achievements").json()}
    page = client.get(f"/achievements/{catalog['MC-GOV-1']['id']}")
    assert 'href="/governance/achievement/MC-GOV-1"' in page.text
