"""The analytics pages on SQLite and PostgreSQL, over the small fixed history of
tests/analytics_builders.py: who may see them, the figures on the page and in the CSV, the
filters, small-group suppression in table, chart and CSV, and the pilot report (HTML, PDF)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services import analytics as an
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.analytics_builders import AS_OF, seed_equity, seed_small

PASSWORD = "correct horse battery"
USERS = {
    "registrar@example.edu": "registrar",
    "board@example.edu": "governance-board",
    "learner@example.edu": "learner",
    "assessor@example.edu": "assessor",
    "boss@acme.example": "employer",  # Acme's contact
    "nobody@elsewhere.example": "employer",  # no partner of theirs
}
HASH = PasswordHasher().hash(PASSWORD)
PAGES = ("progression", "velocity", "employment", "roi", "equity", "engagement")


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), institution_slug="an")
    institution = institution_from_settings(settings)
    seed_small(UnitOfWork(engine), institution)
    seed_equity(UnitOfWork(engine), institution)
    an.refresh(UnitOfWork(engine), institution=institution, as_of=AS_OF)
    uow = UnitOfWork(engine)
    for email, role in USERS.items():
        user_id, _ = add_user(uow, institution=institution, email=email, name=email, roles=[role], actor="t")
        with uow:
            uow.identity.set_password(user_id, HASH)  # hashed once for the module: argon2 is slow on purpose
            uow.commit()
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


def rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def test_only_signed_in_analysts_see_every_page(client: TestClient) -> None:
    anonymous = client.get("/analytics/progression", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    for who in ("learner@example.edu", "assessor@example.edu"):
        sign_in(client, who)
        for page in PAGES:
            assert client.get(f"/analytics/{page}").status_code == 403, (who, page)
            assert client.get(f"/analytics/{page}.csv").status_code == 403, (who, page)
        assert client.get("/analytics/pilot").status_code == 403
    sign_in(client, "board@example.edu")
    for page in PAGES:
        shown = client.get(f"/analytics/{page}")
        assert shown.status_code == 200, page
        assert "As of 2026-01-01" in text(shown.text)
        assert "<svg" in shown.text or page == "progression"
        assert client.get(f"/analytics/{page}.csv").status_code == 200


def test_an_employer_sees_only_their_own_cohorts_employment_and_roi(client: TestClient) -> None:
    sign_in(client, "boss@acme.example")
    for page in ("progression", "velocity", "equity", "engagement"):
        assert client.get(f"/analytics/{page}").status_code == 403, page
    assert client.get("/analytics/pilot").status_code == 403
    assert client.get("/analytics/roi?sponsor=other").status_code == 403
    assert client.get("/analytics/employment?sponsor=other").status_code == 403
    roi = rows(client.get("/analytics/roi.csv").text)
    assert [(r["sponsor"], r["cohort"], r["roi"]) for r in roi] == [("acme", "ACME-1", "1.6")]
    employment = {r["measure"]: r for r in rows(client.get("/analytics/employment.csv").text)}
    # only L1 and L2 (Acme's cohort): L1 completed at day 100 and was hired 30 days later
    assert employment["hire rate"]["n"] == "1" and employment["hire rate"]["value"] == "1"
    assert employment["time to hire, days (median)"]["value"] == "30"
    sign_in(client, "nobody@elsewhere.example")
    assert client.get("/analytics/roi").status_code == 403


def test_progression_page_and_csv_carry_the_hand_counted_figures(client: TestClient) -> None:
    sign_in(client, "registrar@example.edu")
    page = text(client.get("/analytics/progression?pathway=P").text)
    assert "(start) 4 (67%) 1 (17%)" in page  # 4 of 6 started with M1, 1 with M2
    matrix = {
        (r["from"], r["to"]): int(r["learners"])
        for r in rows(client.get("/analytics/progression.csv?pathway=P&table=matrix").text)
    }
    assert (
        matrix[("M1", "M3")] == 2
        and matrix[("CERT", "(none yet)")] == 3
        and matrix[("(start)", "(none yet)")] == 1
    )
    funnel = [
        (r["stage"], int(r["learners"]))
        for r in rows(client.get("/analytics/progression.csv?pathway=P&table=funnel").text)
    ]
    assert funnel == [("enrolled", 6), ("1 module", 5), ("2 modules", 4), ("3 modules", 2), ("CERT", 3)]
    # filters: site North is L1, L2, L5, L6; entry in July is L4, L5, L6
    north = rows(client.get("/analytics/progression.csv?pathway=P&table=funnel&site=North").text)
    assert north[0]["learners"] == "4" and north[-1]["learners"] == "2"
    july = rows(
        client.get("/analytics/progression.csv?pathway=P&table=funnel&from=2025-07-01&to=2025-07-01").text
    )
    assert july[0]["learners"] == "3" and july[-1]["learners"] == "1"
    sponsored = rows(
        client.get("/analytics/progression.csv?pathway=P&table=funnel&sponsor=acme&cohort=C1").text
    )
    assert sponsored[0]["learners"] == "2"


def test_velocity_censors_withdrawn_learners_or_counts_them_as_not_completing(client: TestClient) -> None:
    sign_in(client, "registrar@example.edu")
    censored = rows(client.get("/analytics/velocity.csv?pathway=P&table=median").text)
    assert censored[0]["completed"] == "2" and censored[0]["median_days"] == ""  # S stays at 0.6
    curve = rows(client.get("/analytics/velocity.csv?pathway=P&table=curve").text)
    assert [(r["day"], r["survival"]) for r in curve][:3] == [("62", "1"), ("100", "0.8"), ("120", "0.6")]
    kept = rows(client.get("/analytics/velocity.csv?pathway=P&table=median&withdrawal=not_completed").text)
    assert kept[0]["completed"] == "3" and kept[0]["median_days"] == "120"
    split = rows(client.get("/analytics/velocity.csv?pathway=P&table=median&split=cohort").text)
    assert [r["curve"] for r in split] == ["all learners", "C1", "C2"]
    assert client.get("/analytics/velocity?withdrawal=sometimes").status_code == 422


def test_bad_filters_are_refused_naming_the_field(client: TestClient) -> None:
    sign_in(client, "registrar@example.edu")
    bad = client.get("/analytics/progression?from=2025-13-01")
    assert bad.status_code == 422 and "period_from" in bad.text
    backwards = client.get("/analytics/progression?from=2025-07-01&to=2025-01-01")
    assert backwards.status_code == 422 and "period_to" in backwards.text
    assert client.get("/analytics/progression?pathway=NOPE").status_code == 422
    assert client.get("/analytics/nothing").status_code == 404


def test_equity_never_shows_a_small_group_in_table_chart_or_csv(client: TestClient) -> None:
    sign_in(client, "registrar@example.edu")
    html = client.get("/analytics/equity?pathway=EQ&attribute=gender&comparison=BSC-2019").text
    body = text(html)
    assert "A (ref.)" in html and ">B<" in html
    for label in ("C", "D"):  # D has 3 learners; C is withheld with it
        assert f">{label}<" not in html and f"{label}:" not in body and f" {label} " not in body
    for count in ("3", "21", "24"):  # neither D's size, nor C's, nor theirs together
        assert f"<td>{count}</td>" not in html.replace(" ", "")
    table = rows(client.get("/analytics/equity.csv?pathway=EQ&attribute=gender&comparison=BSC-2019").text)
    groups = {(r["measure"], r["group"]) for r in table if r["kind"] == "group"}
    assert groups == {("progression", "A"), ("progression", "B"), ("completion", "A"), ("completion", "B")}
    assert all(r["learners"] not in ("3", "21", "24") for r in table)
    by = {(r["measure"], r["group"]): r for r in table if r["kind"] == "group"}
    assert by[("completion", "A")]["successes"] == "20" and by[("completion", "A")]["learners"] == "40"
    assert by[("completion", "B")]["ratio_to_reference"] == "0.8"  # 0.4 / 0.5
    assert by[("completion", "A")]["comparison_rate"] == "0.25"  # 10 of 40 in the BSC cohort
    assert by[("progression", "B")]["rate"] == "0.6"  # 15 of 25
    total = next(r for r in table if r["kind"] == "total" and r["measure"] == "completion")
    assert total["learners"] == "89" and total["successes"] == "41"


def test_roi_shows_the_formula_with_the_numbers(client: TestClient) -> None:
    sign_in(client, "registrar@example.edu")
    page = text(client.get("/analytics/roi").text)
    assert "1 × 0.9 × 10000 × 1 + 1 × (0.9 - 0.7) × 20000 = 9,000.00 + 4,000.00" in page
    assert "= 160.00 %" in page


def test_the_pilot_report_as_html_and_pdf(client: TestClient) -> None:
    sign_in(client, "registrar@example.edu")
    page = client.get("/analytics/pilot?pathway=EQ&from=2024-01-01&to=2024-12-31")
    assert page.status_code == 200
    body = text(page.text)
    for heading in (
        "Learner completion",
        "Employer satisfaction",
        "Learning transfer",
        "Equity",
        "Method",
        "Small groups",
    ):
        assert heading in body
    assert ">D<" not in page.text
    pdf = client.get("/analytics/pilot.pdf?pathway=EQ&from=2024-01-01&to=2024-12-31")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"/Image" in pdf.content
