"""The demo's share link: the demo learner's newest credential, shared with the demo employer
once (running the demo again makes no second link)."""

from __future__ import annotations

from credstack.services.demo_partners import MENTOR
from credstack.services.demo_wallet import seed_demo_wallet
from credstack.services.institutions import institution_from_settings
from credstack.services.shares import shared_with
from credstack.services.unit_of_work import UnitOfWork
from tests.wallet_builders import ADA, issue, person, seed_catalog, wallet_settings


def test_the_demo_employer_finds_the_demo_learners_credential_shared(engine):
    settings = wallet_settings(engine)
    seed_catalog(engine, settings)
    institution, uow = institution_from_settings(settings), UnitOfWork(engine)
    person(engine, settings, ADA, "learner")
    assert seed_demo_wallet(uow, institution, ADA) == 0  # nothing to share yet
    issue(engine, settings, ADA, "MC-DA-101")
    newest = issue(engine, settings, ADA, "MC-DA-102")
    employer = person(engine, settings, MENTOR[1], "employer")

    assert seed_demo_wallet(uow, institution, ADA) == 1
    assert seed_demo_wallet(uow, institution, ADA) == 0
    found = shared_with(uow, institution=institution, principal=employer)
    assert [f.award.public_id for f in found] == [newest.public_id]
    assert seed_demo_wallet(uow, institution, "nobody@example.org") == 0
