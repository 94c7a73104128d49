"""The wallet and share links on SQLite and PostgreSQL: a learner sees and shares only their own
credentials; a link works until it expires or is revoked, counts its views, and once it stops
working is answered exactly like a link that never existed; an employer sees only what was shared
with their email; making and revoking a link are audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.identity import Forbidden
from credstack.domain.sharing import token_hash
from credstack.services import shares, wallet
from credstack.services.institutions import institution_from_settings
from credstack.services.stacking import save_pathway
from credstack.services.status import change_status
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import audit_log, share_links
from tests.conftest import snapshot
from tests.wallet_builders import (
    ADA,
    BEN,
    EMPLOYER,
    OTHER_EMPLOYER,
    T0,
    issue,
    person,
    seed_catalog,
    wallet_settings,
)


@pytest.fixture
def settings(engine: Engine) -> Settings:
    settings = wallet_settings(engine)
    seed_catalog(engine, settings)
    return settings


def at(moment):
    return lambda: moment


def test_the_wallet_holds_only_the_learners_own_credentials_newest_first(engine, settings):
    first = issue(engine, settings, ADA, "MC-DA-101")
    second = issue(engine, settings, ADA, "MC-DA-102")
    issue(engine, settings, BEN, "MC-DA-101")
    ada = person(engine, settings, ADA, "learner")
    institution = institution_from_settings(settings)
    change_status(UnitOfWork(engine), institution=institution, award=first.public_id, action="suspend",
                  reason="under review", actor="registrar")  # fmt: skip

    entries = wallet.wallet(UnitOfWork(engine), institution=institution, principal=ada)
    assert [e.award.public_id for e in entries] == [second.public_id, first.public_id]
    assert [e.status for e in entries] == ["active", "suspended"]
    assert entries[0].issuer == "Wallet Test College" and entries[0].credits is not None

    later = wallet.wallet(UnitOfWork(engine), institution=institution, principal=ada,
                          now=T0.replace(year=2040))  # fmt: skip
    assert second.valid_until is not None  # 36 months
    assert [e.status for e in later] == ["expired", "suspended"]  # a suspension outranks expiry
    assert [e.status_label for e in later] == ["Expired", "Suspended"]

    ben_award = issue(engine, settings, BEN, "MC-DA-102")
    with pytest.raises(NotFound):
        wallet.own_award(
            UnitOfWork(engine), institution=institution, principal=ada, public_id=ben_award.public_id
        )
    employer = person(engine, settings, EMPLOYER, "employer")
    with pytest.raises(Forbidden, match="learner"):
        wallet.wallet(UnitOfWork(engine), institution=institution, principal=employer)


def test_share_link_lifecycle_views_expiry_and_revocation(engine, settings):
    award = issue(engine, settings, ADA)
    ada = person(engine, settings, ADA, "learner")
    institution, uow = institution_from_settings(settings), UnitOfWork(engine)
    made = shares.create_share(uow, institution=institution, principal=ada, public_id=award.public_id,
                               duration="7d", recipient="Hiring@Harbour.Example", clock=at(T0))  # fmt: skip
    assert made.share.expires_at == T0 + timedelta(days=7)
    assert made.share.recipient_email == EMPLOYER and made.share.views == 0
    with engine.connect() as conn:  # only the hash is stored
        stored = conn.execute(select(share_links.c.token_hash)).scalar_one()
    assert stored == token_hash(made.token) and made.token not in stored

    for n in (1, 2):
        opened = shares.open_share(
            uow, institution=institution, token=made.token, clock=at(T0 + timedelta(hours=n))
        )
        assert opened.award.public_id == award.public_id
    shares.open_share(uow, institution=institution, token=made.token, viewer_email=ADA.upper(), clock=at(T0))
    shares.open_share(uow, institution=institution, token=made.token, count=False, clock=at(T0))
    [listed] = shares.my_shares(uow, institution=institution, principal=ada)
    assert listed.views == 2 and listed.last_viewed_at == T0 + timedelta(
        hours=2
    )  # the owner's own view: not counted

    with pytest.raises(shares.ShareUnavailable):  # expired, by the injected clock
        shares.open_share(uow, institution=institution, token=made.token, clock=at(T0 + timedelta(days=7)))
    shares.revoke_share(uow, institution=institution, principal=ada, share_id=made.share.id, clock=at(T0))
    with pytest.raises(shares.ShareUnavailable) as revoked:
        shares.open_share(uow, institution=institution, token=made.token, clock=at(T0 + timedelta(hours=3)))
    with pytest.raises(shares.ShareUnavailable) as unknown:
        shares.open_share(uow, institution=institution, token="x" * 43, clock=at(T0))
    assert str(revoked.value) == str(unknown.value)  # nothing tells a revoked link from an unknown one
    assert shares.my_shares(uow, institution=institution, principal=ada)[0].views == 2

    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log).order_by(audit_log.c.seq))]
    assert actions[-2:] == ["share.created", "share.revoked"]
    shares.revoke_share(
        uow, institution=institution, principal=ada, share_id=made.share.id
    )  # again: no change
    with engine.connect() as conn:
        assert [r.action for r in conn.execute(select(audit_log))].count("share.revoked") == 1


def test_only_the_owner_shares_or_revokes_and_bad_input_changes_nothing(engine, settings):
    award = issue(engine, settings, ADA)
    ada, ben = person(engine, settings, ADA, "learner"), person(engine, settings, BEN, "learner")
    institution, uow = institution_from_settings(settings), UnitOfWork(engine)
    before = snapshot(engine)
    with pytest.raises(NotFound):
        shares.create_share(
            uow, institution=institution, principal=ben, public_id=award.public_id, duration="7d"
        )
    for kw, field in (({"duration": "2y"}, "expires"), ({"until": date(2020, 1, 1)}, "expires"),
                      ({"duration": "7d", "recipient": "nobody"}, "recipient")):  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            shares.create_share(uow, institution=institution, principal=ada, public_id=award.public_id, **kw)
        assert caught.value.problems[0].location == field
    assert snapshot(engine) == before

    made = shares.create_share(
        uow, institution=institution, principal=ada, public_id=award.public_id, duration="1d"
    )
    with pytest.raises(NotFound):
        shares.revoke_share(uow, institution=institution, principal=ben, share_id=made.share.id)
    assert shares.my_shares(uow, institution=institution, principal=ben) == []
    assert shares.my_shares(uow, institution=institution, principal=ada)[0].revoked_at is None


def test_an_employer_sees_only_working_links_made_for_their_email(engine, settings):
    first, second = issue(engine, settings, ADA, "MC-DA-101"), issue(engine, settings, ADA, "MC-DA-102")
    ada = person(engine, settings, ADA, "learner")
    employer, other = (
        person(engine, settings, EMPLOYER, "employer"),
        person(engine, settings, OTHER_EMPLOYER, "employer"),
    )
    institution, uow = institution_from_settings(settings), UnitOfWork(engine)

    def share(award, recipient, duration="30d"):
        return shares.create_share(uow, institution=institution, principal=ada, public_id=award.public_id,
                                   duration=duration, recipient=recipient, clock=at(T0))  # fmt: skip

    kept = share(first, EMPLOYER)
    short = share(second, EMPLOYER, "1d")
    share(second, OTHER_EMPLOYER)
    share(second, None)  # for anyone with the link: nobody's list
    revoked = share(second, EMPLOYER)
    shares.revoke_share(uow, institution=institution, principal=ada, share_id=revoked.share.id, clock=at(T0))

    def seen(who, moment):
        return [
            f.share.id
            for f in shares.shared_with(uow, institution=institution, principal=who, clock=at(moment))
        ]

    assert seen(employer, T0 + timedelta(hours=1)) == sorted([kept.share.id, short.share.id], reverse=True)
    assert seen(employer, T0 + timedelta(days=2)) == [kept.share.id]  # the one-day link expired
    assert len(seen(other, T0 + timedelta(hours=1))) == 1
    with pytest.raises(Forbidden, match="employer"):
        shares.shared_with(uow, institution=institution, principal=ada)


STACK = b"""\
id: DA-START
name: Data analytics starter
awards: CERT-DA
requires:
  all:
    - achievement: MC-DA-101
    - achievement: MC-DA-201
"""


def test_the_wallet_names_the_stacks_its_credentials_count_towards(engine, settings):
    institution = institution_from_settings(settings)
    save_pathway(UnitOfWork(engine), institution=institution, data=STACK, filename="stack.yaml", actor="test")
    ada, ben = person(engine, settings, ADA, "learner"), person(engine, settings, BEN, "learner")
    issue(engine, settings, ADA, "MC-DA-101")
    issue(engine, settings, BEN, "MC-DA-102")

    def stacks_of(who):
        entries = wallet.wallet(UnitOfWork(engine), institution=institution, principal=who)
        return wallet.stacks(UnitOfWork(engine), institution=institution, entries=entries)

    [stack] = stacks_of(ada)
    assert (stack.code, stack.held, stack.map_href) == (
        "DA-START",
        ("MC-DA-101",),
        "/wallet/pathways#pathway-DA-START",
    )
    assert stacks_of(ben) == []
