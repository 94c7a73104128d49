"""Invitations and role changes on SQLite and PostgreSQL: invite, accept (and sign in), a link
that works once and until it expires, withdrawal, every refusal changing nothing, the audit
trail with before and after, and the last administrator kept."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound
from credstack.domain.identity import Role, Unauthenticated
from credstack.domain.institution import Institution
from credstack.services import invitations as service
from credstack.services.audit_trail import audit_entries
from credstack.services.identity import add_user, check_password
from credstack.services.mail import LoggingMailer
from credstack.services.members import set_roles
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.invitations import StoredInvitation
from credstack.store.tables import invitations, memberships, users

HERE = Institution(slug="inv", name="Invitation College")
BASE = "https://credstack.test"
PASSWORD = "a long enough password"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _invite(
    engine: Engine, email: str = "Nia@Example.org", roles: tuple[str, ...] = ("registrar",), **kw: object
):
    return service.invite(
        UnitOfWork(engine), institution=HERE, base_url=BASE, email=email, name="Nia", roles=roles,
        actor="admin@example.org", **({"now": T0} | kw),  # type: ignore[arg-type]
    )  # fmt: skip


def _secret(link: str) -> str:
    assert link.startswith(f"{BASE}/invite/")
    return link.rsplit("/", 1)[1]


def _counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (users, memberships, invitations)
        )


def test_invite_accept_and_sign_in(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="credstack.mail"):
        issued = _invite(engine, mailer=LoggingMailer(), sender="registry@college.example")
    assert issued.link in caplog.text and "nia@example.org" in caplog.text  # handed to the mailer
    inv = issued.invitation
    assert (inv.email, inv.roles, inv.state(T0)) == ("nia@example.org", ("registrar",), "pending")
    assert inv.expires_at == T0 + timedelta(days=7)
    with engine.connect() as conn:  # only the hash of the link's secret is kept
        stored = conn.execute(select(invitations.c.token_hash)).scalar_one()
    assert _secret(issued.link) not in stored and len(stored) == 64

    opened = service.open_invitation(
        UnitOfWork(engine), institution=HERE, secret=_secret(issued.link), now=T0
    )
    assert opened.id == inv.id
    principal, version = service.accept(
        UnitOfWork(engine), institution=HERE, secret=_secret(issued.link), name=" Nia Adeyemi ",
        password=PASSWORD, now=T0 + timedelta(days=6),
    )  # fmt: skip
    assert principal.roles == frozenset({Role.REGISTRAR}) and principal.name == "Nia Adeyemi" and version
    signed = check_password(UnitOfWork(engine), institution=HERE, email="nia@example.org", password=PASSWORD)
    assert signed.user_id == principal.user_id

    trail = audit_entries(UnitOfWork(engine), subject_type="invitation")
    assert [e["action"] for e in trail] == ["invitation.accepted", "invitation.created"]
    assert trail[1]["actor"] == "admin@example.org" and trail[1]["after"]["state"] == "pending"
    assert trail[0]["before"] == {"state": "pending", "roles": []}
    assert trail[0]["after"] == {"state": "accepted", "roles": ["registrar"]}


def test_a_link_works_once(engine: Engine) -> None:
    secret = _secret(_invite(engine).link)
    service.accept(UnitOfWork(engine), institution=HERE, secret=secret, name="Nia", password=PASSWORD, now=T0)
    before = _counts(engine)
    with pytest.raises(service.InvitationUnusable, match="already been used"):
        service.accept(
            UnitOfWork(engine),
            institution=HERE,
            secret=secret,
            name="Mallory",
            password="another password!",
            now=T0,
        )
    assert _counts(engine) == before
    check_password(
        UnitOfWork(engine), institution=HERE, email="nia@example.org", password=PASSWORD
    )  # unchanged


def test_an_expired_link_is_refused_and_changes_nothing(engine: Engine) -> None:
    secret = _secret(_invite(engine, days=2).link)
    before = _counts(engine)
    later = T0 + timedelta(days=2)
    with pytest.raises(service.InvitationUnusable, match="expired"):
        service.open_invitation(UnitOfWork(engine), institution=HERE, secret=secret, now=later)
    with pytest.raises(service.InvitationUnusable, match="expired"):
        service.accept(
            UnitOfWork(engine), institution=HERE, secret=secret, name="Nia", password=PASSWORD, now=later
        )
    assert _counts(engine) == before
    with pytest.raises(Unauthenticated):
        check_password(UnitOfWork(engine), institution=HERE, email="nia@example.org", password=PASSWORD)


def test_unknown_and_other_institutions_links_are_refused(engine: Engine) -> None:
    secret = _secret(_invite(engine).link)
    other = Institution(slug="other", name="Other College")
    for institution, key in ((HERE, "not-a-real-secret"), (HERE, ""), (other, secret)):
        with pytest.raises(service.InvitationUnusable, match="not valid"):
            service.open_invitation(UnitOfWork(engine), institution=institution, secret=key, now=T0)


def test_withdrawn_and_replaced_invitations(engine: Engine) -> None:
    first = _invite(engine)
    second = _invite(engine, roles=("assessor", "learner"))  # replaces the pending first one
    with pytest.raises(service.InvitationUnusable, match="withdrawn"):
        service.open_invitation(UnitOfWork(engine), institution=HERE, secret=_secret(first.link), now=T0)
    revoked = service.revoke(
        UnitOfWork(engine), institution=HERE, invitation_id=second.invitation.id, actor="root", now=T0
    )
    assert revoked.state(T0) == "revoked" and revoked.revoked_by == "root"
    before = _counts(engine)
    with pytest.raises(service.InvitationUnusable, match="withdrawn"):
        service.accept(
            UnitOfWork(engine),
            institution=HERE,
            secret=_secret(second.link),
            name="N",
            password=PASSWORD,
            now=T0,
        )
    assert _counts(engine) == before
    with pytest.raises(InvalidTransition, match="revoked"):
        service.revoke(
            UnitOfWork(engine), institution=HERE, invitation_id=second.invitation.id, actor="root", now=T0
        )
    with pytest.raises(NotFound):
        service.revoke(UnitOfWork(engine), institution=HERE, invitation_id=9999, actor="root", now=T0)
    trail = audit_entries(UnitOfWork(engine), subject_type="invitation")
    assert [e["action"] for e in trail] == [
        "invitation.revoked", "invitation.created", "invitation.revoked", "invitation.created"
    ]  # fmt: skip
    assert trail[0]["before"]["state"] == "pending" and trail[0]["after"]["state"] == "revoked"
    assert [i.state(T0) for i in service.invitations(UnitOfWork(engine), institution=HERE)] == [
        "revoked",
        "revoked",
    ]


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"roles": ()}, "roles"),
        ({"roles": ("wizard",)}, "role"),
        ({"days": 0}, "days"),
    ],
)
def test_bad_invitations_name_the_field_and_store_nothing(engine: Engine, fields: dict, where: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _invite(engine, **fields)
    assert caught.value.problems[0].location == where
    assert _counts(engine) == (0, 0, 0)


def test_a_person_with_an_account_is_not_invited(engine: Engine) -> None:
    add_user(
        UnitOfWork(engine), institution=HERE, email="nia@example.org", name="Nia", roles=["learner"], actor="t",
        password=PASSWORD,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="already has an account"):
        _invite(engine)
    assert _counts(engine)[2] == 0


def test_a_bad_password_leaves_the_invitation_pending(engine: Engine) -> None:
    secret = _secret(_invite(engine).link)
    with pytest.raises(InvalidInput) as caught:
        service.accept(UnitOfWork(engine), institution=HERE, secret=secret, name="", password="short", now=T0)
    assert {p.location for p in caught.value.problems} == {"name", "password"}
    assert _counts(engine)[:2] == (0, 0)
    assert (
        service.open_invitation(UnitOfWork(engine), institution=HERE, secret=secret, now=T0).state(T0)
        == "pending"
    )


def test_role_changes_are_audited_and_keep_an_administrator(engine: Engine) -> None:
    root, _ = add_user(
        UnitOfWork(engine),
        institution=HERE,
        email="root@example.org",
        name="Root",
        roles=["admin"],
        actor="t",
    )
    pat, _ = add_user(
        UnitOfWork(engine),
        institution=HERE,
        email="pat@example.org",
        name="Pat",
        roles=["learner"],
        actor="t",
    )
    now = set_roles(
        UnitOfWork(engine), institution=HERE, user_id=pat, roles=["registrar", "assessor"], actor="root"
    )
    assert now == {Role.REGISTRAR, Role.ASSESSOR}
    changed = audit_entries(UnitOfWork(engine), subject_type="user")[0]
    assert changed["action"] == "user.roles_changed" and changed["actor"] == "root"
    assert changed["before"] == {"roles": ["learner"]} and changed["after"] == {
        "roles": ["assessor", "registrar"]
    }

    with pytest.raises(InvalidTransition, match="only administrator"):
        set_roles(UnitOfWork(engine), institution=HERE, user_id=root, roles=["registrar"], actor="root")
    with pytest.raises(InvalidInput):
        set_roles(UnitOfWork(engine), institution=HERE, user_id=pat, roles=["wizard"], actor="root")
    with pytest.raises(NotFound):
        set_roles(UnitOfWork(engine), institution=HERE, user_id=9999, roles=["learner"], actor="root")
    set_roles(UnitOfWork(engine), institution=HERE, user_id=pat, roles=["admin"], actor="root")
    assert set_roles(UnitOfWork(engine), institution=HERE, user_id=root, roles=[], actor="pat") == frozenset()


@given(
    accepted=st.booleans(),
    revoked=st.booleans(),
    expires_in=st.integers(min_value=-10_000, max_value=10_000),
)
def test_an_invitation_is_pending_only_unused_unwithdrawn_and_unexpired(
    accepted: bool, revoked: bool, expires_in: int
) -> None:
    inv = StoredInvitation(
        1, 1, "a@b.c", "A", ("learner",), T0 + timedelta(seconds=expires_in), "x", T0,
        T0 if accepted else None, 1 if accepted else None, T0 if revoked else None, "x" if revoked else None,
    )  # fmt: skip
    state = inv.state(T0)
    assert (state == "pending") == (not accepted and not revoked and expires_in > 0)
    assert (state == "accepted") == accepted
