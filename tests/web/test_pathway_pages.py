"""The pathway pages on SQLite and PostgreSQL: the list, a definition as a tree, and a learner's
audit with statuses in words, the awards counted where, the plan with prices and catalog links,
exceptions with who and why, and the what-if selector."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.services.demo_assessment import REGISTRAR, staff
from credstack.services.demo_users import DEMO_PASSWORD
from tests.api.pathway_builders import SECOND_ELECTIVE, catalog, earn, pathway_client
from tests.web.authz_builders import sign_in

ADA = "ada@example.org"


class Requirements(HTMLParser):
    """The requirement tree: for each node (its li id) the status class and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: dict[str, dict[str, str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "li" and "req" in classes:
            status = next((c.removeprefix("req--") for c in classes if c.startswith("req--")), "")
            ident = a.get("id") or ""
            self.nodes[ident] = {"status": status, "text": ""}
            self._open.append(ident)
        elif tag == "li" and self._open:
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._open:
            if ident:
                self.nodes[ident]["text"] += data


def requirements(html: str) -> dict[str, dict[str, str]]:
    reader = Requirements()
    reader.feed(html)
    return {k: {"status": v["status"], "text": " ".join(v["text"].split())} for k, v in reader.nodes.items()}


def main(html: str) -> str:
    inner = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", inner).split())


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with pathway_client(engine, follow_redirects=False) as c:
        c.base_url = "https://testserver"  # type: ignore[assignment]  # Secure session cookies
        sign_in(c, staff(REGISTRAR), DEMO_PASSWORD)  # a learner's audit is for staff (or themself)
        yield c


def test_the_list_links_each_pathway(client: TestClient) -> None:
    page = client.get("/pathways")
    assert page.status_code == 200
    assert '<a href="/pathways" aria-current="page">Pathways</a>' in page.text
    assert '<a href="/pathways/DA-FAST">Data Analytics fast track</a>' in page.text
    assert '<a href="/pathways/CLOUD-FAST">Cloud fast track</a>' in page.text
    text = main(page.text)
    assert "All 4 of these" in text and "1 of these 2 (One analytics elective)" in text
    ids = {code: a["id"] for code, a in catalog(client).items()}
    assert f'<a href="/achievements/{ids["CERT-DA"]}">' in page.text  # what it awards


def test_the_definition_is_a_readable_tree(client: TestClient) -> None:
    page = client.get("/pathways/DA-FAST")
    assert page.status_code == 200
    nodes = requirements(page.text)
    assert set(nodes) >= {"req-foundations", "req-elective", "req-breadth", "req-requires-all-1-achievement"}
    assert all(n["status"] == "" for n in nodes.values())  # a definition has no statuses
    assert nodes["req-elective"]["text"].startswith("1 of these 2: One analytics elective")
    assert "5 ECTS credits at EQF level 4 or above" in nodes["req-breadth"]["text"]
    ids = {code: a["id"] for code, a in catalog(client).items()}
    assert (
        f'<a href="/achievements/{ids["MC-DA-102"]}">Applied Statistics for Business Decisions</a>'
        in page.text
    )
    assert '<form class="filters audit-form" method="get" action="/pathways/DA-FAST/audit"' in page.text
    assert client.get("/pathways/NOPE").status_code == 404
    assert client.get("/pathways/DA-FAST?version=7").status_code == 404


def test_the_audit_page_shows_statuses_awards_and_the_plan(client: TestClient) -> None:
    awards = earn(client, ADA, "MC-DA-101", "MC-SD-101")
    page = client.get("/pathways/DA-FAST/audit", params={"learner": ADA})
    assert page.status_code == 200, page.text
    nodes = requirements(page.text)
    root = nodes["req-requires-all"]
    assert root["status"] == "in_progress" and root["text"].startswith("In progress All 4 of these")
    assert nodes["req-foundations"]["status"] == "met"
    assert nodes["req-foundations"]["text"].startswith("Met Achievement Data foundations MC-DA-101")
    assert "Counted: Data Preparation with Python, the credential (earned" in nodes["req-foundations"]["text"]
    assert nodes["req-elective"]["status"] == "not_started"
    assert nodes["req-elective"]["text"].startswith(
        "Not started 1 of these 2: One analytics elective Still needed: 1 more of 2"
    )
    assert "Not earned yet" in nodes["req-requires-all-1-achievement"]["text"]
    assert "6 of 5 ECTS credits" in nodes["req-breadth"]["text"]
    # which award went where, each linking to its credential page
    assert f'<a href="/credentials/{awards["MC-DA-101"]}">Data Preparation with Python<span' in page.text
    assert '<a href="#req-breadth">5 ECTS credits</a>' in page.text

    text = main(page.text)
    assert "Pathway status In progress" in text and "Requirements met 2 of 4" in text
    assert "Version 1 of 1 version 1, the current one" in text
    # the cheapest next steps, with prices and the achievements' catalog pages
    ids = {code: a["id"] for code, a in catalog(client).items()}
    plan = text.split("Cheapest plan", 1)[1].split("Alternative 1", 1)[0]
    assert "Applied Statistics for Business Decisions MC-DA-102 EUR 450.00" in plan
    assert "Data Visualisation and Dashboards MC-DA-201 EUR 290.00" in plan
    assert "Total: EUR 740.00 · 8 ECTS · 180 hours" in plan
    assert f'<a href="/achievements/{ids["MC-DA-201"]}">Data Visualisation and Dashboards</a>' in page.text
    assert "SQL for Analysts MC-DA-202 EUR 340.00" in text.split("Alternative 1", 1)[1]
    assert "No waivers or substitutions for Ada Lovelace on this pathway." in text
    # the form keeps the choices; the what-if selector lists the other pathways
    assert '<option value="CLOUD-FAST">Cloud fast track</option>' in page.text
    assert '<option value="DA-FAST" selected>' in page.text
    assert f'href="/pathways/CLOUD-FAST/audit?learner={ADA.replace("@", "%40")}"' in page.text

    by_hours = client.get("/pathways/DA-FAST/audit", params={"learner": ADA, "metric": "hours"})
    assert '<option value="hours" selected>Fewest study hours</option>' in by_hours.text
    assert "by fewest study hours" in main(by_hours.text)


def test_the_what_if_selector_moves_to_the_other_pathways_audit(client: TestClient) -> None:
    earn(client, ADA, "MC-DA-101", "MC-SD-201")
    moved = client.get(
        "/pathways/DA-FAST/audit", params={"learner": ADA, "metric": "credits", "pathway": "CLOUD-FAST"}
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == "/pathways/CLOUD-FAST/audit?learner=ada%40example.org&metric=credits"
    page = client.get(moved.headers["location"])
    assert page.status_code == 200
    nodes = requirements(page.text)
    assert nodes["req-requires-all"]["status"] == "in_progress"
    text = main(page.text)
    assert "Cloud fast track" in text and "Cloud Fundamentals MC-CI-101" in text
    assert "Not counted in this pathway" in text  # MC-DA-101 counts for nothing here


def test_a_waiver_shows_who_and_why_and_the_stacked_award(client: TestClient) -> None:
    earn(client, ADA, "MC-DA-101", "MC-DA-102", "MC-SD-101", "MC-CI-101")
    done = client.post(
        "/api/v1/pathways/DA-FAST/exceptions",
        json={
            "learner": ADA,
            "node": "elective",
            "kind": "waiver",
            "by": "Registrar Ruth",
            "reason": "Prior learning",
        },
    ).json()
    (stacked,) = done["stacked"]
    page = client.get("/pathways/DA-FAST/audit", params={"learner": ADA})
    nodes = requirements(page.text)
    assert nodes["req-requires-all"]["status"] == "met"
    assert nodes["req-elective"]["text"].startswith("Waived 1 of these 2")
    assert "Exception: waived by Registrar Ruth: Prior learning" in nodes["req-elective"]["text"]
    text = main(page.text)
    assert "Pathway status Complete" in text
    assert f'<a href="/credentials/{stacked["id"]}">Certificate in Applied Data Analytics</a>' in page.text
    assert "Waiver elective Registrar Ruth Prior learning" in text
    assert "Every requirement is met" in text


def test_a_substitution_is_listed_with_the_award(client: TestClient) -> None:
    awards = earn(client, ADA, "MC-DA-101", "MC-CI-101")
    client.post(
        "/api/v1/pathways/DA-FAST/exceptions",
        json={
            "learner": ADA,
            "node": SECOND_ELECTIVE,
            "kind": "substitution",
            "award": awards["MC-CI-101"],
            "by": "Registrar Ruth",
            "reason": "Covers the SQL outcomes",
        },
    )
    page = client.get("/pathways/DA-FAST/audit", params={"learner": ADA})
    text = main(page.text)
    assert "Substitution: Cloud Fundamentals" in text
    assert requirements(page.text)["req-requires-all-2-n_of-of-1-achievement"]["status"] == "met"


def test_form_errors_keep_the_page(client: TestClient) -> None:
    earn(client, ADA, "MC-DA-101")
    unknown = client.get("/pathways/DA-FAST/audit", params={"learner": "nobody@example.org"})
    assert unknown.status_code == 404
    assert 'aria-invalid="true" aria-describedby="e-learner"' in unknown.text
    assert "There is no learner with the email address nobody@example.org." in unknown.text
    assert 'value="nobody@example.org"' in unknown.text
    empty = client.get("/pathways/DA-FAST/audit", params={"learner": " "})
    assert empty.status_code == 422 and "Enter the learner&#39;s email address." in empty.text
    metric = client.get("/pathways/DA-FAST/audit", params={"learner": ADA, "metric": "karma"})
    assert metric.status_code == 422 and 'aria-describedby="e-metric"' in metric.text
    missing = client.get("/pathways/NOPE/audit", params={"learner": ADA})
    assert missing.status_code == 404 and "There is no pathway" in missing.text
