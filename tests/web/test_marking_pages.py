"""The assessor's marking pages on SQLite and PostgreSQL: only their own assignments, the
evidence and the rubric as a form, an incomplete marking that records nothing and names each
missing field, a complete one recorded through the marking service (decided and awarded on a
clear pass), and refusals (signed out, wrong role, someone else's assignment, no CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.sampling import SamplingPolicy
from credstack.services import assessment, marking, moderation
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.assessment_builders import PDF, REPO, WEB, Cast, email, seed_people, settings_for
from tests.conftest import snapshot

PASSWORD = "correct horse battery"


@dataclass
class Env:
    client: TestClient
    engine: Engine
    settings: Settings
    cast: Cast
    submission: str
    mine: int  # ann's first marking
    others: int  # ben's, of another submission


def _submitted(uow: UnitOfWork, settings: Settings, cast: Cast, learner: str) -> str:
    inst = cast.institution
    sub = assessment.create_submission(
        uow, institution=inst, principal=cast[learner], achievement=WEB, cohort="2026-01", site="North"
    ).public_id
    assessment.add_evidence(
        uow, settings=settings, institution=inst, principal=cast[learner], submission=sub, item=REPO
    )
    from credstack.domain.evidence import EvidenceDraft, EvidenceKind

    assessment.add_evidence(
        uow, settings=settings, institution=inst, principal=cast[learner], submission=sub,
        item=EvidenceDraft(EvidenceKind.FILE, "Write-up"), upload=assessment.Upload("write-up.pdf", PDF, len(PDF)),
    )  # fmt: skip
    assessment.submit(uow, institution=inst, principal=cast[learner], submission=sub)
    return sub


def sign_in(client: TestClient, who: str) -> None:
    client.cookies.clear()
    token = csrf(client, "/signin")
    signed = client.post(
        "/signin",
        data={"email": email(who), "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).replace("( ", "(").replace(" )", ")")


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


@pytest.fixture
def env(engine: Engine, tmp_path: Path) -> Iterator[Env]:
    settings = settings_for(engine.url.render_as_string(hide_password=False), tmp_path / "uploads")
    settings = settings.model_copy(update={"base_url": "https://testserver"})
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    for who, role in (("ann", "assessor"), ("ada", "learner"), ("reg", "registrar")):
        add_user(uow, institution=institution, email=email(who), name=who.title(), roles=[role], actor="t",
                 password=PASSWORD)  # fmt: skip
    cast = seed_people(uow, institution)
    moderation.set_policy(
        uow,
        institution=institution,
        principal=cast["reg"],
        policy=SamplingPolicy(Decimal(0), 0),
        achievement=WEB,
    )
    sub = _submitted(uow, settings, cast, "ada")
    other = _submitted(uow, settings, cast, "bob")

    def assign(s: str, who: str) -> int:
        return assessment.assign(
            uow,
            institution=institution,
            principal=cast["reg"],
            submission=s,
            assessor=email(who),
            role="first",
        ).id

    mine, others = assign(sub, "ann"), assign(other, "ben")
    with TestClient(create_app(settings, engine=engine), base_url="https://testserver") as client:
        yield Env(client, engine, settings, cast, sub, mine, others)


def _marks(levels: dict[str, str], comment: str = "Seen in the repository.") -> dict[str, str]:
    data = {}
    for code, level in levels.items():
        if level:
            data[f"level-{code}"] = level
        data[f"comment-{code}"] = comment
    return data


def test_the_assessor_sees_only_their_own_assignments_and_the_work_to_mark(env: Env) -> None:
    sign_in(env.client, "ann")
    page = env.client.get("/marking")
    assert page.status_code == 200
    assert f'href="/marking/{env.mine}"' in page.text and f'href="/marking/{env.others}"' not in page.text
    assert "To mark (1)" in text(page.text) and "Responsive web pages" in page.text

    detail = env.client.get(f"/marking/{env.mine}").text
    assert "https://github.com/ada/shop" in detail and "write-up.pdf" in detail
    assert "ada@example.org" not in detail  # marking is anonymous
    for i in (1, 2, 3):  # a radio group with a legend and a labelled comment per criterion
        assert re.search(rf'<fieldset class="criterion" id="level-C{i}">\s*<legend>', detail)
        assert detail.count(f'name="level-C{i}"') == 4
        assert f'<label for="comment-C{i}">' in detail
    evidence = re.search(rf'href="(/marking/{env.mine}/evidence/\d+)"', detail)
    assert evidence is not None
    assert env.client.get(evidence.group(1)).content == PDF

    assert env.client.get(f"/marking/{env.others}").status_code == 404


def test_an_incomplete_marking_records_nothing_and_names_each_missing_field(env: Env) -> None:
    sign_in(env.client, "ann")
    token = csrf(env.client, f"/marking/{env.mine}")
    before = snapshot(env.engine)
    data = _marks({"C1": "Proficient", "C2": "", "C3": "Exemplary"}) | {"comment-C3": " "}
    page = env.client.post(f"/marking/{env.mine}", data=data | {"csrf_token": token})
    assert page.status_code == 422
    assert "Nothing was recorded" in page.text
    assert '<a href="#level-C2">C2: Choose a level.</a>' in page.text
    assert '<a href="#comment-C3">C3: Write a comment.</a>' in page.text
    assert "#level-C1" not in page.text and "#comment-C1" not in page.text
    assert re.search(r'value="Proficient" checked>', page.text)  # what was given comes back
    assert snapshot(env.engine) == before


def test_a_complete_marking_is_recorded_decided_and_awarded(env: Env) -> None:
    sign_in(env.client, "ann")
    token = csrf(env.client, f"/marking/{env.mine}")
    data = _marks({"C1": "Exemplary", "C2": "Proficient", "C3": "Exemplary"})
    done = env.client.post(f"/marking/{env.mine}", data=data | {"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    page = env.client.get(done.headers["location"])
    assert "Your marks are recorded" in page.text and "<strong>decided</strong>" in page.text
    award = re.search(r'href="/credentials/([0-9a-f-]{36})"', page.text)
    assert award is not None
    assert env.client.get(f"/credentials/{award.group(1)}").status_code == 200
    view = marking.view_assignment(
        UnitOfWork(env.engine),
        institution=env.cast.institution,
        principal=env.cast["ann"],
        assignment=env.mine,
    )
    assert [(m.criterion, m.level, m.comment) for m in view.own] == [
        ("C1", "Exemplary", "Seen in the repository."),
        ("C2", "Proficient", "Seen in the repository."),
        ("C3", "Exemplary", "Seen in the repository."),
    ]
    assert view.assignment.completed_at is not None
    assert "Marks are final" in env.client.get(f"/marking/{env.mine}").text
    again = env.client.post(f"/marking/{env.mine}", data=data | {"csrf_token": token})
    assert again.status_code == 409  # final: nothing changes


def test_refusals_change_nothing(env: Env) -> None:
    anonymous = env.client.get("/marking", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/signin?next=/marking"
    sign_in(env.client, "ada")
    assert env.client.get("/marking").status_code == 403
    sign_in(env.client, "ann")
    before = snapshot(env.engine)
    data = _marks({"C1": "Exemplary", "C2": "Exemplary", "C3": "Exemplary"})
    assert env.client.post(f"/marking/{env.mine}", data=data).status_code == 403  # no CSRF token
    token = csrf(env.client, "/marking")
    assert env.client.post(f"/marking/{env.others}", data=data | {"csrf_token": token}).status_code == 404
    assert snapshot(env.engine) == before


LEVEL_CHOICES = st.sampled_from(["", "Not yet", "Developing", "Proficient", "Exemplary"])
COMMENTS = st.sampled_from(["", "  ", "Seen in the repository."])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    levels=st.lists(LEVEL_CHOICES, min_size=3, max_size=3),
    comments=st.lists(COMMENTS, min_size=3, max_size=3),
)
def test_any_marking_with_a_blank_records_nothing_and_names_exactly_the_blanks(
    env: Env, levels: list[str], comments: list[str]
) -> None:
    blanks = {f"level-C{i}" for i, lv in enumerate(levels, 1) if not lv} | {
        f"comment-C{i}" for i, c in enumerate(comments, 1) if not c.strip()
    }
    assume(blanks)
    if not env.client.cookies:
        sign_in(env.client, "ann")
    data = {f"level-C{i}": lv for i, lv in enumerate(levels, 1) if lv}
    data |= {f"comment-C{i}": c for i, c in enumerate(comments, 1)}
    before = snapshot(env.engine)
    page = env.client.post(f"/marking/{env.mine}", data=data | {"csrf_token": csrf(env.client, "/marking")})
    assert page.status_code == 422
    assert set(re.findall(r'<li><a href="#([a-z]+-C\d)">', page.text)) == blanks
    assert snapshot(env.engine) == before
