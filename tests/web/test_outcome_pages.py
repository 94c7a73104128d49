"""The outcome pages on SQLite and PostgreSQL: a registrar imports a CSV file (a bad one lists each
problem by line and stores nothing), records a hire and rates it; a learner gives and withdraws a
demographic group and consents to a case study, which then shows on the public case portfolio;
other roles and forms without the CSRF token are refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.outcomes import CaseStudy
from credstack.services import outcomes
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.partners import add_partner
from credstack.services.stacking import save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.conftest import snapshot
from tests.partners_builders import DATA, HARBOURLINE, Cast, seed_people
from tests.services.test_outcomes import COHORTS, ENROLMENTS, PATHWAY_FILE
from tests.web.test_transfer_pages import csrf, sign_in, text


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[TestClient, Cast, Settings]]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="outcomes",
        institution_name="Outcomes Institute",
        base_url="https://learn.example.edu",
    )
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    cast = seed_people(uow, institution)
    save_pathway(uow, institution=institution, data=PATHWAY_FILE, filename="cert-da.yaml", actor="t")
    add_partner(uow, institution=institution, principal=cast["reg"], partner=HARBOURLINE)
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, cast, settings


def _upload(client: TestClient, kind: str, data: str, token: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/outcomes/import",
        data={"kind": kind, "csrf_token": token if token is not None else csrf(client, "/outcomes")},
        files={"file": (f"{kind}.csv", data.encode(), "text/csv")},
        follow_redirects=False,
    )


def test_a_registrar_imports_records_and_rates(
    site: tuple[TestClient, Cast, Settings], engine: Engine
) -> None:
    client, _, _ = site
    sign_in(client, engine, "registrar@example.edu", ["registrar"])
    page = client.get("/outcomes")
    assert page.status_code == 200 and "Import a CSV file" in page.text

    assert _upload(client, "sponsored-cohorts", COHORTS).status_code == 303
    done = client.get(_upload(client, "enrolments", ENROLMENTS).headers["location"])
    assert "Enrolments: 2 rows, 2 added, 0 updated" in text(done.text)
    assert "Harbourline analysts 2025" in done.text

    before = snapshot(engine)
    bad = _upload(
        client,
        "hires",
        "email,employer,role,hired\nada@example.org,X,Analyst,2025-02-30\nzed,X,Y,2025-01-01\n",
    )
    assert bad.status_code == 422
    shown = text(bad.text)
    assert "Nothing was imported" in shown
    assert "line 2 hired: '2025-02-30' is not a date (YYYY-MM-DD)" in shown
    assert "line 3 email: 'zed' is not an email address" in shown
    assert snapshot(engine) == before
    assert (
        _upload(
            client, "hires", "email,employer,role,hired\nada@example.org,X,Y,2025-01-01\n", token="forged"
        ).status_code
        == 403
    )
    assert snapshot(engine) == before

    hired = client.post(
        "/outcomes/hires",
        data={"email": "ada@example.org", "employer": "Quayside Ltd", "role": "Analyst", "hired": "2025-09-01",
              "csrf_token": csrf(client, "/outcomes")},
        follow_redirects=False,
    )  # fmt: skip
    assert hired.status_code == 303
    (hire,) = outcomes.hires(
        UnitOfWork(engine),
        institution=institution_from_settings(client.app.state.settings),
        principal=_reg(client, engine),
    )  # type: ignore[attr-defined]
    rated = client.post(
        f"/outcomes/hires/{hire.id}/ratings",
        data={"kind": "performance", "months": "3", "score": "4", "scale_max": "5", "rated_on": "2025-12-01",
              "csrf_token": csrf(client, "/outcomes")},
        follow_redirects=False,
    )  # fmt: skip
    assert rated.status_code == 303
    assert "performance at 3 months: 4 of 5" in text(client.get("/outcomes").text)
    too_high = client.post(
        f"/outcomes/hires/{hire.id}/ratings",
        data={"kind": "satisfaction", "score": "9", "scale_max": "5", "rated_on": "2025-12-01", "csrf_token": csrf(client, "/outcomes")},
    )  # fmt: skip
    assert too_high.status_code == 422 and "9 is not on the scale 0 to 5" in text(too_high.text)


def _reg(client: TestClient, engine: Engine):  # type: ignore[no-untyped-def]
    from credstack.services.identity import acting_as

    settings = client.app.state.settings  # type: ignore[attr-defined]
    return acting_as(
        UnitOfWork(engine), institution=institution_from_settings(settings), email="registrar@example.edu"
    )


def test_other_roles_are_refused(site: tuple[TestClient, Cast, Settings], engine: Engine) -> None:
    client, _, _ = site
    assert client.get("/outcomes", follow_redirects=False).headers["location"].startswith("/signin")
    sign_in(client, engine, "assessor@example.edu", ["assessor"])
    assert client.get("/outcomes").status_code == 403
    assert client.get("/me/privacy").status_code == 403


def test_a_learner_gives_groups_and_consents_to_a_case_study(
    site: tuple[TestClient, Cast, Settings], engine: Engine
) -> None:
    client, cast, settings = site
    institution = institution_from_settings(settings)
    issue_award(
        UnitOfWork(engine), settings=settings, institution=institution, actor="t",
        request=IssueRequest(achievement=DATA, learner_email="lin@example.org", learner_name="Lin Ito"),
    )  # fmt: skip
    case = outcomes.add_case_study(
        UnitOfWork(engine), institution=institution, principal=cast["reg"],
        case=CaseStudy(DATA, "lin@example.org", "Depot scans", "Profiled a week of scans", "Fewer mis-sorts"),
    )  # fmt: skip
    portfolio = f"/achievements/{case.achievement_id}/cases"
    assert "No case studies are published" in client.get(portfolio).text

    sign_in(client, engine, "lin@example.org", ["learner"])
    saved = client.post(
        "/me/privacy/groups",
        data={"attribute": "gender", "group": "woman", "csrf_token": csrf(client, "/me/privacy")},
        follow_redirects=True,
    )
    assert "gender : woman" in text(saved.text)
    client.post(
        "/me/privacy/groups",
        data={"attribute": "gender", "action": "withdraw", "csrf_token": csrf(client, "/me/privacy")},
    )
    assert "You have given none." in client.get("/me/privacy").text

    assert client.post(f"/me/privacy/case-studies/{case.id}", data={"decision": "consent"}).status_code == 403
    client.post(
        f"/me/privacy/case-studies/{case.id}",
        data={"decision": "consent", "csrf_token": csrf(client, "/me/privacy")},
    )
    shown = text(client.get(portfolio).text)
    assert "Depot scans" in shown and "Lin Ito" in shown
    client.post(
        f"/me/privacy/case-studies/{case.id}",
        data={"decision": "withdraw", "csrf_token": csrf(client, "/me/privacy")},
    )
    assert "No case studies are published" in client.get(portfolio).text

    # another learner's case study: nothing to consent to
    sign_in(client, engine, "kim@example.org", ["learner"])
    other = client.post(
        f"/me/privacy/case-studies/{case.id}",
        data={"decision": "consent", "csrf_token": csrf(client, "/me/privacy")},
    )
    assert other.status_code == 404
