"""The partner registry, co-design records, projects and mentorships on SQLite and PostgreSQL:
who may change what, a bad input that names its field and changes nothing, the audit entries,
the sign-off by the mentor (account or link) and the sign-off as assessment evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound
from credstack.domain.identity import Forbidden
from credstack.domain.institution import Institution
from credstack.domain.partners import CoDesign, Partner, PartnerKind, ProjectStatus
from credstack.services import mentorships, partners
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.tables import audit_log
from tests.conftest import snapshot
from tests.partners_builders import (
    DATA,
    HARBOURLINE,
    PROGRAMMING,
    STONECRESS,
    TODAY,
    Cast,
    co_design,
    email,
    mentorship,
    project,
    seed_people,
)

SIGNED_AT = datetime(2026, 3, 21, 16, 30, tzinfo=UTC)


@pytest.fixture
def cast(uow: UnitOfWork, institution: Institution) -> Cast:
    cast = seed_people(uow, institution)
    partners.add_partner(uow, institution=institution, principal=cast["reg"], partner=HARBOURLINE)
    partners.add_partner(uow, institution=institution, principal=cast["des"], partner=STONECRESS)
    return cast


def _actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r.action for r in conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq))]


def test_the_registry_lists_partners_with_co_designs_and_open_projects(
    uow: UnitOfWork, institution: Institution, cast: Cast, engine: Engine
) -> None:
    partners.add_co_design(uow, institution=institution, principal=cast["des"], co_design=co_design())
    partners.add_project(uow, institution=institution, principal=cast["reg"], project=project())
    partners.add_project(
        uow, institution=institution, principal=cast["reg"], project=project(title="Later", opens=date(2026, 6, 1),
                                                                              closes=date(2026, 7, 1)),
    )  # fmt: skip
    partners.add_project(
        uow,
        institution=institution,
        principal=cast["reg"],
        project=project(title="Draft", status=ProjectStatus.DRAFT),
    )
    found = partners.partners(uow, institution=institution, today=TODAY)
    assert [p.partner.name for p in found] == ["Harbourline Logistics", "Stonecress Software"]
    harbour = found[0]
    assert (
        harbour.partner.contact_email == "ines@example.org" and harbour.partner.kind is PartnerKind.EMPLOYER
    )
    assert [(d.co_design.achievement, d.achievement_name) for d in harbour.co_designs] == [
        (PROGRAMMING, "Python Programming Foundations")
    ]
    assert [p.project.title for p in harbour.open_projects] == ["Depot scanner clean-up"]
    assert [p.project.title for p in partners.open_projects(uow, institution=institution, today=TODAY)] == [
        "Depot scanner clean-up"
    ]
    every = partners.projects_of(
        uow, institution=institution, principal=cast["reg"], slug="harbourline-logistics"
    )
    assert {p.project.title for p in every} == {"Depot scanner clean-up", "Later", "Draft"}
    assert _actions(engine)[-6:] == [
        "partner.added",
        "partner.added",
        "partner.co_design_added",
        "partner.project_added",
        "partner.project_added",
        "partner.project_added",
    ]


def test_only_registrars_designers_and_admins_manage_partners(
    uow: UnitOfWork, institution: Institution, cast: Cast, engine: Engine
) -> None:
    before = snapshot(engine)
    for who in ("ada", "ines", "ann"):
        with pytest.raises(Forbidden, match="registrar or curriculum designer"):
            partners.add_partner(uow, institution=institution, principal=cast[who], partner=Partner("Acme"))
        with pytest.raises(Forbidden):
            partners.add_co_design(uow, institution=institution, principal=cast[who], co_design=co_design())
    assert snapshot(engine) == before


def test_bad_input_names_its_field_and_changes_nothing(
    uow: UnitOfWork, institution: Institution, cast: Cast, engine: Engine
) -> None:
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as caught:
        partners.add_partner(
            uow, institution=institution, principal=cast["reg"], partner=Partner("Harbourline Logistics")
        )
    assert [p.location for p in caught.value.problems] == ["name"]
    with pytest.raises(InvalidInput) as caught:
        partners.add_partner(
            uow,
            institution=institution,
            principal=cast["reg"],
            partner=Partner("Acme", website="acme.example"),
        )
    assert [p.location for p in caught.value.problems] == ["website"]
    with pytest.raises(InvalidInput) as caught:
        partners.add_co_design(
            uow, institution=institution, principal=cast["reg"],
            co_design=CoDesign("harbourline-logistics", "NOPE-1", "", date(2025, 1, 1)),
        )  # fmt: skip
    assert {p.location for p in caught.value.problems} == {"contribution", "achievement"}
    with pytest.raises(InvalidInput) as caught:
        partners.add_project(
            uow,
            institution=institution,
            principal=cast["reg"],
            project=project(places=0, closes=date(2026, 1, 1)),
        )
    assert {p.location for p in caught.value.problems} == {"places", "closes"}
    with pytest.raises(InvalidInput) as caught:
        mentorships.add_mentorship(
            uow, institution=institution, principal=cast["reg"],
            mentorship=mentorship(learner_email="stranger@example.org", hours=900),
        )  # fmt: skip
    assert {p.location for p in caught.value.problems} == {"learner", "hours"}
    with pytest.raises(InvalidInput) as caught:
        partners.update_partner(
            uow, institution=institution, principal=cast["reg"], slug="stonecress-software",
            changes={"kind": "charity"},
        )  # fmt: skip
    assert [p.location for p in caught.value.problems] == ["kind"]
    with pytest.raises(NotFound):
        partners.add_co_design(
            uow, institution=institution, principal=cast["reg"], co_design=co_design("nobody")
        )
    assert snapshot(engine) == before


def test_update_and_remove(uow: UnitOfWork, institution: Institution, cast: Cast, engine: Engine) -> None:
    changed = partners.update_partner(
        uow, institution=institution, principal=cast["des"], slug="stonecress-software",
        changes={"kind": "professional-body", "contact_email": "HELLO@stonecress.example"},
    )  # fmt: skip
    assert changed.partner.kind is PartnerKind.PROFESSIONAL_BODY
    assert changed.partner.contact_email == "hello@stonecress.example"
    assert changed.partner.slug == "stonecress-software"
    partners.add_co_design(uow, institution=institution, principal=cast["reg"], co_design=co_design())
    with pytest.raises(InvalidTransition, match="1 co-designs"):
        partners.remove_partner(
            uow, institution=institution, principal=cast["reg"], slug="harbourline-logistics"
        )
    partners.remove_partner(uow, institution=institution, principal=cast["reg"], slug="stonecress-software")
    assert [p.partner.slug for p in partners.partners(uow, institution=institution)] == [
        "harbourline-logistics"
    ]
    with engine.connect() as conn:
        entry = conn.execute(
            select(audit_log).where(audit_log.c.action == "partner.updated")
        ).one()  # before and after are kept
    assert entry.before["kind"] == "employer" and entry.after["kind"] == "professional-body"
    assert _actions(engine)[-1] == "partner.removed"


def test_project_status_moves_by_the_rules(uow: UnitOfWork, institution: Institution, cast: Cast) -> None:
    created = partners.add_project(uow, institution=institution, principal=cast["reg"], project=project())
    closed = partners.set_project_status(
        uow, institution=institution, principal=cast["reg"], project_id=created.id, status="closed"
    )
    assert closed.project.status is ProjectStatus.CLOSED
    assert partners.open_projects(uow, institution=institution, today=TODAY) == []
    partners.set_project_status(
        uow, institution=institution, principal=cast["reg"], project_id=created.id, status="cancelled"
    )
    with pytest.raises(InvalidTransition):
        partners.set_project_status(
            uow, institution=institution, principal=cast["reg"], project_id=created.id, status="open"
        )
    with pytest.raises(InvalidInput) as caught:
        partners.set_project_status(
            uow, institution=institution, principal=cast["reg"], project_id=created.id, status="x"
        )
    assert caught.value.problems[0].location == "status"


def test_the_mentor_signs_off_their_own_mentorship_once(
    uow: UnitOfWork, institution: Institution, cast: Cast, engine: Engine
) -> None:
    new = mentorships.add_mentorship(
        uow, institution=institution, principal=cast["reg"], mentorship=mentorship()
    )
    public_id = new.stored.public_id
    assert new.key.startswith("ms_") and new.stored.mentorship.sign_off is None
    assert new.stored.learner_name == "Ada Lovelace" and new.stored.partner_name == "Harbourline Logistics"
    before = snapshot(engine)
    for who in ("omar", "reg", "ada"):  # another mentor, a registrar, the learner
        with pytest.raises(Forbidden):
            mentorships.sign_off(
                uow, institution=institution, principal=cast[who], public_id=public_id,
                statement="Well done.", outcome="met", now=SIGNED_AT,
            )  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        mentorships.sign_off(
            uow, institution=institution, principal=cast["ines"], public_id=public_id, statement="Fine",
            outcome="great", now=SIGNED_AT,
        )  # fmt: skip
    assert caught.value.problems[0].location == "outcome"
    assert snapshot(engine) == before
    signed = mentorships.sign_off(
        uow, institution=institution, principal=cast["ines"], public_id=public_id,
        statement="Ada profiled 40,000 scans and found the duplicated feed.", outcome="met", now=SIGNED_AT,
    )  # fmt: skip
    assert signed.mentorship.sign_off is not None
    assert (signed.mentorship.sign_off.signed_by, signed.mentorship.sign_off.signed_at) == (
        email("ines"),
        SIGNED_AT,
    )
    with pytest.raises(InvalidTransition, match="final"):
        mentorships.sign_off(
            uow, institution=institution, principal=cast["ines"], public_id=public_id, statement="Again",
            outcome="not-met",
        )  # fmt: skip
    assert _actions(engine)[-1] == "mentorship.signed_off"


def test_an_external_mentor_signs_off_with_the_link(
    uow: UnitOfWork, institution: Institution, cast: Cast, engine: Engine
) -> None:
    new = mentorships.add_mentorship(
        uow, institution=institution, principal=cast["reg"],
        mentorship=mentorship("pat", partner="stonecress-software", achievement=None),
    )  # fmt: skip
    public_id = new.stored.public_id
    with pytest.raises(Forbidden, match="not valid"):
        mentorships.sign_off_with_key(
            uow, institution=institution, public_id=public_id, key="ms_wrong", statement="x", outcome="met"
        )
    signed = mentorships.sign_off_with_key(
        uow, institution=institution, public_id=public_id, key=new.key, statement="Pat's learner did well.",
        outcome="partly-met", now=SIGNED_AT,
    )  # fmt: skip
    assert signed.mentorship.sign_off is not None and signed.mentorship.sign_off.signed_by == email("pat")
    with engine.connect() as conn:
        entry = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1)).one()
    assert (entry.actor, entry.detail["via"]) == (email("pat"), "sign-off link")


def test_who_sees_which_mentorships(uow: UnitOfWork, institution: Institution, cast: Cast) -> None:
    mine = mentorships.add_mentorship(
        uow, institution=institution, principal=cast["reg"], mentorship=mentorship()
    )
    mentorships.add_mentorship(
        uow,
        institution=institution,
        principal=cast["reg"],
        mentorship=mentorship("omar", partner="stonecress-software"),
    )

    def seen(who: str) -> list[str]:
        return [
            m.mentorship.mentor_email
            for m in mentorships.mentorships_for(uow, institution=institution, principal=cast[who])
        ]

    assert sorted(seen("reg")) == [email("ines"), email("omar")]
    assert seen("ines") == [email("ines")]
    assert sorted(seen("ada")) == [email("ines"), email("omar")]
    with pytest.raises(Forbidden):
        seen("ann")
    with pytest.raises(NotFound):
        mentorships.mentorship(
            uow, institution=institution, principal=cast["omar"], public_id=mine.stored.public_id
        )
    assert (
        mentorships.mentorship(
            uow, institution=institution, principal=cast["ada"], public_id=mine.stored.public_id
        ).id
        == mine.stored.id
    )


def test_a_sign_off_as_assessment_evidence(uow: UnitOfWork, institution: Institution, cast: Cast) -> None:
    new = mentorships.add_mentorship(
        uow, institution=institution, principal=cast["reg"], mentorship=mentorship()
    )
    public_id = new.stored.public_id
    base = "https://northbridge.example.edu/"
    with pytest.raises(InvalidTransition, match="not signed off yet"):
        mentorships.sign_off_evidence(uow, institution=institution, public_id=public_id, base_url=base)
    mentorships.sign_off(
        uow, institution=institution, principal=cast["ines"], public_id=public_id,
        statement="Found the duplicated feed.", outcome="met", now=SIGNED_AT,
    )  # fmt: skip
    link = mentorships.sign_off_evidence(
        uow, institution=institution, public_id=public_id, base_url=base, learner_email="ADA@example.org"
    )
    assert link.kind == "mentor-signoff"
    assert link.url == f"https://northbridge.example.edu/mentorships/{public_id}"
    assert link.attested_by == "Ines (Harbourline Logistics)"
    assert link.title == "Mentor sign-off: Profile a week of depot scan data"
    assert link.note.startswith("Goal met (2 Mar 2026 to 20 Mar 2026, 24 hours). Found the duplicated feed.")
    assert (link.achievement, link.signed_at) == (PROGRAMMING, SIGNED_AT)
    with pytest.raises(NotFound):  # someone else's mentorship
        mentorships.sign_off_evidence(
            uow, institution=institution, public_id=public_id, base_url=base, learner_email="bob@example.org"
        )


def test_co_designs_of_another_achievement_and_duplicates(
    uow: UnitOfWork, institution: Institution, cast: Cast
) -> None:
    partners.add_co_design(
        uow, institution=institution, principal=cast["reg"], co_design=co_design(achievement=DATA)
    )
    with pytest.raises(InvalidInput) as caught:
        partners.add_co_design(
            uow, institution=institution, principal=cast["reg"], co_design=co_design(achievement=DATA)
        )
    assert caught.value.problems[0].location == "since"
