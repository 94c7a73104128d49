"""A learner part-way along DA-FAST on the demo catalog: MC-DA-101 earned, MC-DA-102 submitted
and waiting for its marker, MC-DA-201 decided (first and second markers agree it fails on C1),
with a designer, a registrar and two assessors, and learning resources placed so that each test
can tell where they show and where they must not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.domain.assessment import CriterionMark
from credstack.domain.evidence import EvidenceDraft, EvidenceKind
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.domain.resources import ResourceDraft
from credstack.services import assessment, marking
from credstack.services.identity import add_user
from credstack.services.institutions import ensure_institution, institution_from_settings
from credstack.services.resources import add_resource
from credstack.services.unit_of_work import UnitOfWork
from tests.api.pathway_builders import earn, pathway_client

PASSWORD = "correct horse battery"
ADA, BOB, CY = "ada@example.org", "bob@example.org", "cy@example.org"
DESIGNER, REGISTRAR = "designer@example.edu", "registrar@example.edu"
MARKERS = ("ann@example.edu", "ben@example.edu")
PEOPLE = {
    ADA: ["learner"],
    BOB: ["learner"],
    CY: ["learner"],  # no awards and no submissions
    DESIGNER: ["curriculum-designer"],
    REGISTRAR: ["registrar"],
    MARKERS[0]: ["assessor"],
    MARKERS[1]: ["assessor"],
}


@dataclass
class Seeded:
    client: TestClient
    engine: Engine
    institution: Institution
    principals: dict[str, Principal] = field(default_factory=dict)
    submissions: dict[str, str] = field(default_factory=dict)  # by achievement code
    resources: dict[str, int] = field(default_factory=dict)  # by name

    @property
    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)


def sign_in(client: TestClient, email: str) -> None:
    client.cookies.clear()
    client.base_url = "https://testserver"  # type: ignore[assignment]
    page = client.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    done = client.post(
        "/signin", data={"email": email, "password": PASSWORD, "csrf_token": token[1]}, follow_redirects=False
    )
    assert done.status_code == 303, done.text


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def _submit(s: Seeded, learner: str, code: str) -> str:
    me = s.principals[learner]
    sub = assessment.create_submission(
        s.uow, institution=s.institution, principal=me, achievement=code, cohort="2026", site="City"
    ).public_id
    item = EvidenceDraft(EvidenceKind.PORTFOLIO, "Portfolio", "https://portfolio.example.org/ada")
    settings = s.client.app.state.settings  # type: ignore[attr-defined]
    assessment.add_evidence(
        s.uow, settings=settings, institution=s.institution, principal=me, submission=sub, item=item
    )
    assessment.submit(s.uow, institution=s.institution, principal=me, submission=sub)
    return sub


def _decide_failing(s: Seeded, sub: str, code: str) -> None:
    """First and second markers agree: C1 "Not yet", the rest "Proficient" (a fail)."""
    with s.uow as uow:
        institution_id, _ = ensure_institution(uow, s.institution)
        achievement_id = uow.achievements.id_for_code(institution_id, code)
        assert achievement_id is not None
        codes = [c.code for c in assessment.rubric_of(uow, achievement_id).criteria]
    settings = s.client.app.state.settings  # type: ignore[attr-defined]
    operator = assessment.operator(s.uow, institution=s.institution)
    for role, marker in zip(("first", "second"), MARKERS, strict=True):
        assigned = assessment.assign(
            s.uow, institution=s.institution, principal=operator, submission=sub, assessor=marker, role=role
        )
        marks = {c: CriterionMark("Not yet" if c == "C1" else "Proficient", f"{c} as seen.") for c in codes}
        outcome = marking.mark(
            s.uow, settings=settings, institution=s.institution, principal=s.principals[marker],
            assignment=assigned.id, marking=marks,
        )  # fmt: skip
        if outcome.decision is not None:
            return
    raise AssertionError("the failing submission was not decided")


def resource(title: str, **where: str) -> ResourceDraft:
    slug = re.sub(r"\W+", "-", title.lower())
    return ResourceDraft(title, f"https://learn.example.org/{slug}", "video", 20, "Example Academy", **where)


@contextmanager
def seeded(engine: Engine) -> Iterator[Seeded]:
    with pathway_client(engine) as client:
        institution = institution_from_settings(client.app.state.settings)  # type: ignore[attr-defined]
        s = Seeded(client, engine, institution)
        with s.uow as uow:
            institution_id, _ = ensure_institution(uow, institution)
            uow.commit()
        for email, roles in PEOPLE.items():
            user_id, granted = add_user(
                s.uow, institution=institution, email=email, name=email.split("@")[0].title(), roles=roles,
                actor="test", password=PASSWORD,
            )  # fmt: skip
            s.principals[email] = Principal(user_id, email, email, institution_id, granted)
        earn(client, ADA, "MC-DA-101")
        s.submissions["MC-DA-102"] = _submit(s, ADA, "MC-DA-102")
        s.submissions["MC-DA-201"] = _submit(s, ADA, "MC-DA-201")
        _decide_failing(s, s.submissions["MC-DA-201"], "MC-DA-201")
        s.submissions["bob"] = _submit(s, BOB, "MC-SD-101")
        designer = s.principals[DESIGNER]
        for name, draft in {
            "on-102": resource("Tidy data in practice", achievement="MC-DA-102"),
            "on-102-competency": resource("Descriptive statistics refresher", competency="DA.2.1"),
            "on-201-c1": resource("Choosing the right chart", achievement="MC-DA-201", criterion="C1"),
            "on-201-c2": resource("Labelling charts clearly", achievement="MC-DA-201", criterion="C2"),
            "elsewhere": resource("Container basics", achievement="MC-CI-101"),
        }.items():
            s.resources[name] = add_resource(
                s.uow, institution=institution, principal=designer, draft=draft
            ).id
        yield s
