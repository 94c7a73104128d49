"""Partners, co-design records, projects and mentorships as plain objects: each problem names
its field; projects move through their states; a mentorship is signed off once, by the rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from credstack.domain.errors import InvalidInput, InvalidTransition
from credstack.domain.partners import (
    CoDesign,
    Mentorship,
    Outcome,
    Partner,
    PartnerKind,
    Project,
    ProjectStatus,
    choice,
    slugify,
)


def fields(problems: list[object]) -> set[str]:
    return {p.location for p in problems}  # type: ignore[attr-defined]


def mentorship(**changes: object) -> Mentorship:
    values: dict[str, object] = {
        "partner": "harbourline-logistics",
        "mentor_name": "Ines Varga",
        "mentor_email": "Ines.Varga@Harbourline.example",
        "learner_email": "ada@learners.example",
        "goal": "Clean and profile a week of depot scan data",
        "starts": date(2026, 3, 2),
        "ends": date(2026, 3, 20),
        "hours": 24,
    }
    values.update(changes)
    return Mentorship(**values)  # type: ignore[arg-type]


def test_a_partner_gets_a_slug_from_its_name() -> None:
    p = Partner("Harbourline Logistics Ltd.")
    assert p.slug == "harbourline-logistics-ltd"
    assert slugify("Société Générale — Données") == "societe-generale-donnees"
    assert p.validate() == []


def test_partner_problems_name_their_fields() -> None:
    bad = Partner(
        "",
        website="ftp://x",
        contact_email="not-an-email",
        contact_name="x" * 300,
        kind=PartnerKind.COMMUNITY,
    )
    assert fields(bad.validate()) == {"name", "website", "contact_email", "contact_name"}
    assert fields(Partner("Acme", slug="Has Spaces").validate()) == {"slug"}


def test_choice_names_the_field_and_the_allowed_values() -> None:
    assert choice(PartnerKind, " Professional-Body ", "kind") is PartnerKind.PROFESSIONAL_BODY
    with pytest.raises(InvalidInput) as caught:
        choice(PartnerKind, "charity", "kind")
    assert caught.value.problems[0].location == "kind"
    assert "employer, professional-body, community" in caught.value.problems[0].message


def test_co_design_period() -> None:
    co = CoDesign("acme", "MC-1", "Wrote the case study", date(2025, 1, 1), date(2025, 6, 30))
    assert co.validate() == [] and co.active_on(date(2025, 3, 1)) and not co.active_on(date(2025, 7, 1))
    backwards = CoDesign("acme", "MC-1", " ", date(2025, 6, 1), date(2025, 1, 1))
    assert fields(backwards.validate()) == {"contribution", "until"}


def test_projects_are_listed_while_open_and_move_by_the_rules() -> None:
    p = Project(
        "acme",
        "MC-1",
        "Depot data clean-up",
        "Two weeks with our ops team.",
        date(2026, 1, 1),
        date(2026, 2, 1),
    )
    assert p.validate() == []
    assert p.listed_on(date(2026, 1, 15)) and not p.listed_on(date(2026, 2, 2))
    closed = p.moved(ProjectStatus.CLOSED)
    assert not closed.listed_on(date(2026, 1, 15))
    assert closed.moved(ProjectStatus.OPEN).status is ProjectStatus.OPEN
    cancelled = p.moved(ProjectStatus.CANCELLED)
    with pytest.raises(InvalidTransition, match="cannot go from cancelled to open"):
        cancelled.moved(ProjectStatus.OPEN)
    bad = Project("acme", "", "", "", date(2026, 2, 1), date(2026, 1, 1), places=0)
    assert fields(bad.validate()) == {"achievement", "title", "brief", "places", "closes"}


def test_mentorship_validation_and_status() -> None:
    m = mentorship()
    assert m.validate() == [] and m.mentor_email == "ines.varga@harbourline.example"
    assert m.is_mentor("INES.VARGA@harbourline.example ")
    assert m.status(date(2026, 3, 1)) == "planned"
    assert m.status(date(2026, 3, 10)) == "in progress"
    assert m.status(date(2026, 3, 21)) == "awaiting sign-off"
    bad = mentorship(mentor_email="nobody", learner_email="", hours=0, ends=date(2026, 3, 1), goal="")
    assert fields(bad.validate()) == {"mentor_email", "learner", "hours", "ends", "goal"}


def test_a_sign_off_is_final_and_not_before_the_start() -> None:
    m = mentorship()
    with pytest.raises(InvalidTransition, match="starts on 2026-03-02"):
        m.signed(
            by=m.mentor_email, statement="Good.", outcome=Outcome.MET, at=datetime(2026, 3, 1, tzinfo=UTC)
        )
    with pytest.raises(InvalidInput) as caught:
        m.signed(by=m.mentor_email, statement="  ", outcome=Outcome.MET, at=datetime(2026, 3, 21, tzinfo=UTC))
    assert caught.value.problems[0].location == "statement"
    signed = m.signed(
        by=m.mentor_email,
        statement=" Profiled 40k scans and found the duplicate feed. ",
        outcome=Outcome.MET,
        at=datetime(2026, 3, 21, tzinfo=UTC),
    )
    assert signed.sign_off is not None and signed.sign_off.statement.startswith("Profiled")
    assert signed.status(date(2026, 3, 22)) == "signed off"
    with pytest.raises(InvalidTransition, match="final"):
        signed.signed(by=m.mentor_email, statement="Again", outcome=Outcome.NOT_MET, at=datetime.now(UTC))
