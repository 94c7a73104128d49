"""The learner's pathway map and submission feedback on SQLite and PostgreSQL: the map's states
match the audit, its next steps are the cheapest plans with their learning resources, feedback
shows resources beside an unreached criterion only, and a learner sees only their own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape

import pytest
from sqlalchemy import Engine

from credstack.domain.pathways.audit import NodeAudit
from credstack.domain.pathways.plan import cheapest_plans
from credstack.services.pathway_map import pathway_map
from credstack.services.pathway_views import catalogue_for
from credstack.services.stacking import audit_learner, learner_awards
from tests.conftest import _empty
from tests.pathmap_builders import ADA, BOB, CY, REGISTRAR, Seeded, seeded, sign_in


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def s(request: pytest.FixtureRequest) -> Iterator[Seeded]:
    """Seeded once per database for the module: the tests here only read."""
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    _empty(engine)
    with seeded(engine) as found:
        yield found
    _empty(engine)


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def node_box(html: str, anchor: str) -> str:
    """The text of one requirement's box on the map (not its children)."""
    start = html.index(f'id="{anchor}"')
    return text(html[start : html.index("</div>\n    </div>", start)])


def walk(n: NodeAudit) -> Iterator[NodeAudit]:
    yield n
    for c in n.children:
        yield from walk(c)


def test_the_map_states_follow_the_audit(s: Seeded) -> None:
    found = pathway_map(s.uow, institution=s.institution, principal=s.principals[ADA], code="DA-FAST")
    audit = audit_learner(s.uow, institution=s.institution, learner_email=ADA, pathway_code="DA-FAST").audit
    for n in walk(audit.root):
        assert (found.states[n.node.id].state == "earned") == (n.status == "met"), n.node.id
    states = {n.node.achievement or n.node.id: found.states[n.node.id] for n in walk(audit.root)}
    assert states["MC-DA-101"].state == "earned" and states["MC-DA-101"].earned_on == date.today()
    assert states["MC-DA-102"].state == "in_progress"  # submitted, not decided
    assert states["MC-DA-201"].state == "missing"  # decided: not passed
    assert [x.label for x in states["MC-DA-201"].submissions] == ["Not passed"]
    assert states["MC-DA-202"].state == "missing"
    assert found.states[audit.root.node.id].state == "in_progress"
    diploma = pathway_map(s.uow, institution=s.institution, principal=s.principals[ADA], code="DIP-DBT")
    nested = {n.node.achievement: diploma.states[n.node.id].state for n in walk(diploma.plan.audit.root)}
    assert nested["CERT-DA"] == "in_progress"  # a pathway of it is under way: MC-DA-101 counts there
    assert nested["CERT-CSE"] == "missing"

    sign_in(s.client, ADA)
    page = s.client.get("/wallet/pathways/DA-FAST")
    assert page.status_code == 200
    assert "Earned on" in node_box(page.text, "req-foundations")
    assert "Earned" in node_box(page.text, "req-foundations")
    html = page.text
    box_102 = node_box(html, anchor(audit.root, "MC-DA-102"))
    assert "In progress" in box_102 and "Submitted" in box_102
    box_201 = node_box(html, anchor(audit.root, "MC-DA-201"))
    assert "Missing" in box_201 and "Not passed" in box_201
    box_202 = node_box(html, anchor(audit.root, "MC-DA-202"))
    assert "Missing" in box_202 and "Earned" not in box_202


def anchor(root: NodeAudit, code: str) -> str:
    """The map's anchor of the requirement for achievement ``code``."""
    node_id = next(n.node.id for n in walk(root) if n.node.achievement == code)
    return "req-" + re.sub(r"[^A-Za-z0-9_-]+", "-", node_id).strip("-")


@pytest.mark.parametrize("metric", ["price", "hours"])
def test_next_steps_are_the_cheapest_plans_with_their_resources(s: Seeded, metric: str) -> None:
    found = pathway_map(
        s.uow, institution=s.institution, principal=s.principals[ADA], code="DA-FAST", metric=metric
    )  # type: ignore[arg-type]
    with s.uow as uow:
        institution_id, _ = uow.institutions.get(s.institution.slug) or (0, None)
        learner_id = uow.learners.by_email(institution_id, ADA)[0]  # type: ignore[index]
        awards = learner_awards(uow, s.institution, learner_id, pathway="DA-FAST")
    expected = cheapest_plans(
        found.plan.audit.pathway,
        awards,
        catalogue_for(s.uow, s.institution),
        as_of=date.today(),
        metric=metric,  # type: ignore[arg-type]
    )
    assert found.plan.plans[0].achievements == expected[0].achievements
    assert [st.offer.code for st in found.steps[0]] == list(expected[0].achievements)
    assert "MC-DA-102" in expected[0].achievements
    step = next(st for st in found.steps[0] if st.offer.code == "MC-DA-102")
    titles = [r.title for r in step.resources]
    assert titles[0] == "Tidy data in practice"  # on the achievement itself first
    assert "Descriptive statistics refresher" in titles  # on a competency it covers
    assert "Container basics" not in titles and "Choosing the right chart" not in titles
    assert step.submission is not None and step.submission.public_id == s.submissions["MC-DA-102"]

    sign_in(s.client, ADA)
    page = s.client.get(f"/wallet/pathways/DA-FAST?metric={metric}")
    assert page.status_code == 200
    start = page.text.index('id="step-MC-DA-102"')
    step_html = page.text[start : page.text.index("</li>", start)]
    assert 'href="https://learn.example.org/tidy-data-in-practice"' in step_html
    assert "Video · 20 min · Example Academy" in text(step_html)
    for code in expected[0].achievements:
        assert f'id="step-{code}"' in page.text
    assert "Container basics" not in page.text


def test_a_bad_metric_is_refused_with_the_price_plan(s: Seeded) -> None:
    sign_in(s.client, ADA)
    page = s.client.get("/wallet/pathways/DA-FAST?metric=fastest")
    assert page.status_code == 422
    assert "Choose lowest price, fewest credits or fewest study hours." in page.text


def test_the_wallet_lists_the_stacks_the_learner_is_on(s: Seeded) -> None:
    sign_in(s.client, ADA)
    page = text(s.client.get("/wallet/pathways").text)
    assert "Data Analytics fast track" in page and "Certificate in Applied Data Analytics" in page
    assert "Cloud fast track" not in page  # nothing of Ada's counts there
    assert "Data Analytics fast track In progress 1 of 5 components earned, 2 in progress" in page
    assert "Certificate in Applied Data Analytics In progress 1 of 4 components earned, 1 in progress" in page
    sign_in(s.client, BOB)  # only a submission, toward MC-SD-101: it would count as breadth credits
    page = text(s.client.get("/wallet/pathways").text)
    assert "Data Analytics fast track In progress 0 of 5 components earned, 1 in progress" in page
    assert "Certificate in Applied Data Analytics" not in page and "Cloud fast track" not in page


def test_feedback_shows_resources_beside_an_unreached_criterion_only(s: Seeded) -> None:
    sign_in(s.client, ADA)
    page = s.client.get(f"/wallet/submissions/{s.submissions['MC-DA-201']}")
    assert page.status_code == 200
    html = page.text
    items = re.findall(
        r'<li class="criterion criterion--([a-z-]+)">(.*?)</li>\s*(?=<li class="criterion|</ol>)', html, re.S
    )
    by_code = {re.search(r'code--small">(C\d)<', body)[1]: (cls, text(body)) for cls, body in items}  # type: ignore[index]
    assert by_code["C1"][0] == "not-reached"
    assert "Not reached" in by_code["C1"][1] and "Level reached Not yet" in by_code["C1"][1]
    assert "Level needed Developing" in by_code["C1"][1]
    assert "Choosing the right chart" in by_code["C1"][1]
    assert by_code["C2"][0] == "reached" and "Reached" in by_code["C2"][1]
    assert "Labelling charts clearly" not in html  # on C2, which was reached
    assert "Not passed" in text(html)


def test_an_undecided_submission_shows_what_each_criterion_needs(s: Seeded) -> None:
    sign_in(s.client, ADA)
    page = text(s.client.get(f"/wallet/submissions/{s.submissions['MC-DA-102']}").text)
    assert "In progress" in page and "Not marked yet" in page
    assert "Tidy data in practice" in page  # on the achievement: beside every unmarked criterion
    listing = text(s.client.get("/wallet/submissions").text)
    assert "Applied Statistics for Business Decisions" in listing and "Not passed" in listing


def test_a_learner_sees_only_their_own(s: Seeded) -> None:
    sign_in(s.client, BOB)
    assert s.client.get(f"/wallet/submissions/{s.submissions['MC-DA-201']}").status_code == 404
    assert s.client.get("/wallet/submissions/no-such-id").status_code == 404
    assert s.client.get("/wallet/submissions/%00").status_code == 404
    assert s.client.get("/wallet/pathways/DA%00").status_code == 404
    mine = s.client.get("/wallet/pathways/DA-FAST?learner=" + ADA)  # no such parameter: Bob's own map
    assert mine.status_code == 200 and "Earned on" not in mine.text
    sign_in(s.client, ADA)
    assert s.client.get(f"/wallet/submissions/{s.submissions['bob']}").status_code == 404
    sign_in(s.client, CY)  # a learner with no records yet
    assert "You are not on any pathway yet" in s.client.get("/wallet/pathways").text
    empty = s.client.get("/wallet/pathways/DA-FAST")
    assert empty.status_code == 404 and "No records yet" in empty.text
    assert "You have no submissions yet" in s.client.get("/wallet/submissions").text
    sign_in(s.client, REGISTRAR)  # staff, not a learner: these pages are a learner's
    assert s.client.get("/wallet/pathways").status_code == 403
    assert s.client.get(f"/wallet/submissions/{s.submissions['MC-DA-201']}").status_code == 403
    s.client.cookies.clear()
    signed_out = s.client.get("/wallet/pathways/DA-FAST", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/signin")
