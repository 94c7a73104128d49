"""Users, roles and API tokens on SQLite and PostgreSQL, and the API's view of the caller:
401 without a token or with a bad, expired or revoked one; the caller's roles and scopes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from credstack.api.app import create_app
from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.identity import Forbidden, Role, Unauthenticated
from credstack.services.identity import (
    add_user,
    check_password,
    issue_token,
    principal_for_token,
    revoke_token,
)
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import api_tokens, audit_log


@pytest.fixture
def settings(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False), institution_slug="ids")


def test_roles_tokens_and_the_principal(engine: Engine, settings: Settings) -> None:
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    user_id, roles = add_user(
        uow, institution=here, email=" Grace@Example.org ", name="Grace", roles=["assessor"], actor="admin"
    )
    assert roles == {Role.ASSESSOR}
    _, roles = add_user(
        uow, institution=here, email="grace@example.org", name="", roles=["registrar"], actor="admin"
    )
    assert roles == {Role.ASSESSOR, Role.REGISTRAR}
    issued = issue_token(
        uow, institution=here, email="grace@example.org", name="marking app", scopes=["assess"], actor="admin"
    )
    assert issued.secret.startswith("cs_") and len(issued.secret) > 40
    principal = principal_for_token(uow, institution=here, secret=issued.secret)
    assert (principal.user_id, principal.email, principal.scopes) == (
        user_id,
        "grace@example.org",
        {"assess"},
    )
    principal.require(Role.ASSESSOR, scope="assess")
    with pytest.raises(Forbidden, match="governance board member"):
        principal.require(Role.BOARD)
    with pytest.raises(Forbidden, match="scope 'issue'"):
        principal.require(Role.REGISTRAR, scope="issue")
    with engine.connect() as conn:  # only a hash of the secret is stored
        stored = conn.execute(select(api_tokens.c.token_hash, api_tokens.c.prefix)).one()
        assert issued.secret not in stored.token_hash and stored.prefix == issued.secret[:10]
        actions = [r.action for r in conn.execute(select(audit_log.c.action).order_by(audit_log.c.id))]
    assert actions[-3:] == ["user.added", "user.roles_granted", "token.issued"]


def test_bad_expired_revoked_and_foreign_tokens_are_refused(engine: Engine, settings: Settings) -> None:
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    add_user(uow, institution=here, email="ada@example.org", name="Ada", roles=["learner"], actor="t")
    token = issue_token(uow, institution=here, email="ada@example.org", name="wallet", actor="t")
    with pytest.raises(Unauthenticated, match="unknown"):
        principal_for_token(uow, institution=here, secret=token.secret + "x")
    with pytest.raises(Unauthenticated, match="not a credstack API token"):
        principal_for_token(uow, institution=here, secret="Basic abc")
    elsewhere = institution_from_settings(
        Settings(database_url=settings.database_url, institution_slug="other")
    )
    with pytest.raises(Unauthenticated, match="unknown"):
        principal_for_token(uow, institution=elsewhere, secret=token.secret)
    with engine.begin() as conn:
        conn.execute(update(api_tokens).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with pytest.raises(Unauthenticated, match="expired"):
        principal_for_token(uow, institution=here, secret=token.secret)
    fresh = issue_token(uow, institution=here, email="ada@example.org", name="wallet 2", actor="t")
    revoke_token(uow, institution=here, token_id=fresh.token_id, actor="t")
    with pytest.raises(Unauthenticated, match="revoked"):
        principal_for_token(uow, institution=here, secret=fresh.secret)


def test_input_errors_name_the_field(engine: Engine, settings: Settings) -> None:
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    with pytest.raises(InvalidInput, match="unknown role 'wizard'"):
        add_user(uow, institution=here, email="x@example.org", name="X", roles=["wizard"], actor="t")
    with pytest.raises(InvalidInput, match="email"):
        add_user(uow, institution=here, email="nobody", name="X", roles=["learner"], actor="t")
    with pytest.raises(InvalidInput, match="password: must be at least 12"):
        add_user(
            uow,
            institution=here,
            email="x@example.org",
            name="X",
            roles=["learner"],
            actor="t",
            password="short",
        )
    with pytest.raises(NotFound):
        issue_token(uow, institution=here, email="x@example.org", name="t", actor="t")
    add_user(uow, institution=here, email="x@example.org", name="X", roles=["learner"], actor="t")
    with pytest.raises(InvalidInput, match="unknown scope"):
        issue_token(uow, institution=here, email="x@example.org", name="t", scopes=["everything"], actor="t")


def test_passwords_are_argon2_and_one_message_for_both_failures(engine: Engine, settings: Settings) -> None:
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    add_user(
        uow,
        institution=here,
        email="r@example.org",
        name="R",
        roles=["registrar"],
        actor="t",
        password="correct horse battery",
    )
    assert check_password(uow, institution=here, email="R@example.org", password="correct horse battery").has(
        Role.REGISTRAR
    )
    with pytest.raises(Unauthenticated, match="the email or the password is wrong"):
        check_password(uow, institution=here, email="r@example.org", password="wrong horse battery")
    with pytest.raises(Unauthenticated, match="the email or the password is wrong"):
        check_password(uow, institution=here, email="nobody@example.org", password="correct horse battery")


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


def test_the_api_names_the_caller_or_answers_401(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    add_user(
        uow, institution=here, email="b@example.org", name="Board", roles=["governance-board"], actor="t"
    )
    token = issue_token(
        uow, institution=here, email="b@example.org", name="t", scopes=["govern", "read"], actor="t"
    )
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer cs_nope"}).status_code == 401
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.secret}"})
    assert me.status_code == 200
    assert me.json() == {
        "email": "b@example.org",
        "name": "Board",
        "roles": ["governance-board"],
        "scopes": ["govern", "read"],
    }
