"""The partner pages: the public blueprint (competencies and levels, rubric and pass rule, credits,
method, co-designing partners, EQF and ESCO alignment), the partners list with co-designs and
open projects, and the mentorship page with its sign-off form reached by the mentor's link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.blueprint import AssessmentMethod, AssessmentTask, AssessorKind
from credstack.domain.institution import Institution
from credstack.services import blueprints, mentorships, partners
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.partners_builders import (
    DRAFT,
    HARBOURLINE,
    PROGRAMMING,
    Cast,
    co_design,
    mentorship,
    project,
    seed_people,
)

TODAY = date.today()


@dataclass
class Site:
    client: TestClient
    cast: Cast
    ids: dict[str, int]
    mentorship: str
    key: str


@pytest.fixture
def site(engine: Engine) -> Iterator[Site]:
    settings = Settings(
        database_url="sqlite://unused", institution_slug="test", institution_name="Test Institute"
    )
    uow, here = UnitOfWork(engine), Institution(slug="test", name="Test Institute")
    cast = seed_people(uow, here)
    partners.add_partner(uow, institution=here, principal=cast["reg"], partner=HARBOURLINE)
    partners.add_co_design(uow, institution=here, principal=cast["reg"], co_design=co_design())
    partners.add_project(
        uow, institution=here, principal=cast["reg"],
        project=project(opens=TODAY - timedelta(days=2), closes=TODAY + timedelta(days=40)),
    )  # fmt: skip
    method = AssessmentMethod(
        "A debugging case from a partner's codebase, then a code walk-through.",
        (AssessmentTask("Fix the failing feed", "Three seeded defects."),),
        "Open book.",
        "Two weeks",
        (AssessorKind.FACULTY, AssessorKind.EMPLOYER),
    )
    blueprints.set_method(uow, institution=here, principal=cast["des"], code=PROGRAMMING, method=method)
    new = mentorships.add_mentorship(
        uow, institution=here, principal=cast["reg"],
        mentorship=mentorship(starts=TODAY - timedelta(days=10), ends=TODAY),
    )  # fmt: skip
    with uow:
        found = uow.institutions.get("test")
        assert found is not None
        ids = {c: uow.achievements.id_for_code(found[0], c) or 0 for c in (PROGRAMMING, DRAFT)}
    with TestClient(create_app(settings, engine=engine)) as client:
        yield Site(client, cast, ids, new.stored.public_id, new.key)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_blueprint_page(site: Site) -> None:
    page = site.client.get(f"/achievements/{site.ids[PROGRAMMING]}/blueprint")
    assert page.status_code == 200
    body = text(page.text)
    assert "Published assessment blueprint" in body and "Python Programming Foundations" in body
    # competencies with the level reached, as a table with row headers
    assert re.search(r"SD\.1\.1 .*? Intermediate \(2 of 4\)", body)
    assert '<th scope="row"><span class="code">SD.1.2</span>' in page.text
    # ESCO and EQF alignment, linked
    assert 'href="http://data.europa.eu/snb/eqf/4"' in page.text and "EQF level 4" in body
    assert "computer programming" in body and 'href="http://data.europa.eu/esco/skill/' in page.text
    # the rubric and its pass rule
    assert "To pass: every criterion at 1 point or more and a weighted score of at least 50%." in body
    assert re.search(r'<th scope="col"[^>]*>Proficient \(2 pts\)</th>', page.text)
    # credits in both units, the method, partners and the projects that serve as tasks
    assert "6 ECTS" in body and "3 credit hours" in body
    assert "Fix the failing feed" in body and "Employer assessor" in body and "Open book." in body
    assert 'href="/partners#partner-harbourline-logistics">Harbourline Logistics</a>' in page.text
    assert "Wrote the debugging case study." in body and "Stonecress Software" in body
    assert "Depot scanner clean-up" in body
    assert f'href="/api/v1/achievements/{PROGRAMMING}/blueprint"' in page.text
    achievement = site.client.get(f"/achievements/{site.ids[PROGRAMMING]}")
    assert f'href="/achievements/{site.ids[PROGRAMMING]}/blueprint"' in achievement.text


def test_no_blueprint_page_for_a_draft(site: Site) -> None:
    page = site.client.get(f"/achievements/{site.ids[DRAFT]}/blueprint")
    assert page.status_code == 404 and "Page not found" in page.text
    assert "/blueprint" not in site.client.get(f"/achievements/{site.ids[DRAFT]}").text


def test_the_partners_page(site: Site) -> None:
    page = site.client.get("/partners")
    assert page.status_code == 200
    body = text(page.text)
    assert '<li><a href="/partners" aria-current="page">Partners</a></li>' in page.text
    assert '<li class="card partner-card" id="partner-harbourline-logistics">' in page.text
    assert "Employer" in body and "harbourline.example" in body and "Port and road logistics." in body
    assert "Co-designed" in body and "Wrote the debugging case study." in body
    assert '<th scope="col">Assessment task for</th>' in page.text
    assert "Depot scanner clean-up" in body and "Micro-internship" in body
    assert f'href="/achievements/{site.ids[PROGRAMMING]}/blueprint"' in page.text
    assert "ines@example.org" not in page.text  # the contact person is not published


def test_the_mentor_signs_off_through_the_link(site: Site) -> None:
    url = f"/mentorships/{site.mentorship}"
    before = text(site.client.get(url).text)
    assert "Not signed off yet" in before and "Ada Lovelace" in before and "ada@example.org" not in before
    assert site.client.get(f"{url}/sign-off?key=ms_wrong").status_code == 403
    form = site.client.get(f"{url}/sign-off?key={site.key}")
    assert form.status_code == 200
    assert (
        '<label for="sign-off-statement">' in form.text and "<legend>Was the goal met?</legend>" in form.text
    )
    # the mentor has no account: the form page gave their browser a session with a CSRF token
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found is not None and site.client.cookies.get("credstack_session")
    token = found.group(1)
    statement = {"key": site.key, "statement": "Ada found the duplicated feed.", "outcome": "met"}
    assert site.client.post(f"{url}/sign-off", data=statement).status_code == 403
    assert site.client.post(f"{url}/sign-off", data={**statement, "csrf_token": "forged"}).status_code == 403
    assert "Not signed off yet" in text(site.client.get(url).text)  # nothing changed
    refused = site.client.post(
        f"{url}/sign-off", data={"key": site.key, "statement": " ", "outcome": "met", "csrf_token": token}
    )
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert "Statement: is required" in text(refused.text)
    assert "Not signed off yet" in text(site.client.get(url).text)  # nothing changed
    forged = site.client.post(
        f"{url}/sign-off", data={"key": "ms_x", "statement": "Great", "outcome": "met", "csrf_token": token}
    )
    assert forged.status_code == 403
    done = site.client.post(
        f"{url}/sign-off",
        data={**statement, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert parse_qs(urlsplit(done.headers["location"]).query) == {"done": ["signed"]}
    after = text(site.client.get(done.headers["location"]).text)
    assert (
        "Goal met" in after and "Ada found the duplicated feed." in after and "Harbourline Logistics" in after
    )
    assert "Signed off" in after
    again = site.client.get(f"{url}/sign-off?key={site.key}")
    assert "A sign-off is final" in text(again.text)
