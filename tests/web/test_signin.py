"""Signing in to the web app on SQLite and PostgreSQL: the session cookie's flags, CSRF on the
forms, one message for every wrong sign-in, the rate limit, no open redirects, /me and the nav."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from credstack.api.app import create_app
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.signin import locked_until
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import signin_failures, users
from credstack.web import session as web_session
from credstack.web.session import COOKIE, SessionCookie, safe_next

PASSWORD = "correct horse battery"
EMAIL = "reg@example.edu"


def _settings(engine: Engine, **extra: object) -> Settings:
    url = engine.url.render_as_string(hide_password=False)
    return Settings(database_url=url, institution_slug="signin", **extra)  # type: ignore[arg-type]


def _add(engine: Engine, settings: Settings, email: str, roles: list[str], password: str = PASSWORD) -> None:
    add_user(
        UnitOfWork(engine),
        institution=institution_from_settings(settings),
        email=email,
        name="Pat Mensah",
        roles=roles,
        actor="test",
        password=password,
    )


@pytest.fixture
def settings(engine: Engine) -> Settings:
    settings = _settings(engine)
    _add(engine, settings, EMAIL, ["registrar", "assessor"])
    return settings


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


def _token(client: TestClient, path: str = "/signin") -> str:
    page = client.get(path)
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _sign_in(
    client: TestClient, email: str = EMAIL, password: str = PASSWORD, **extra: str
) -> httpx.Response:
    data = {"email": email, "password": password, "csrf_token": _token(client), **extra}
    return client.post("/signin", data=data, follow_redirects=False)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_sign_in_shows_me_and_sign_out_ends_the_session(client: TestClient):
    assert "Sign in" in client.get("/").text
    response = _sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/me"
    me = client.get("/me")
    assert me.status_code == 200
    text = _text(me.text)
    assert "Pat Mensah" in text and "Registrar" in text and "Assessor" in text
    assert 'href="/transfer"' in me.text and "Governance queue" not in text  # only their roles' actions
    home = client.get("/")
    assert "Sign out" in home.text and 'href="/me"' in home.text
    out = client.post("/signout", data={"csrf_token": _token(client, "/me")}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert "Max-Age=0" in out.headers["set-cookie"]
    gone = client.get("/me", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/signin?next=/me"


def test_the_cookie_is_httponly_and_samesite(client: TestClient):
    cookie = _sign_in(client).headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # http base URL: a Secure cookie would never come back


def test_the_cookie_is_secure_under_an_https_base_url(engine: Engine, settings: Settings):
    https = settings.model_copy(update={"base_url": "https://credentials.example.edu"})
    with TestClient(create_app(https, engine=engine), base_url="https://testserver") as c:
        cookie = _sign_in(c).headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_a_missing_or_wrong_csrf_token_is_refused_and_changes_nothing(client: TestClient, engine: Engine):
    _token(client)
    for data in (
        {"email": EMAIL, "password": PASSWORD},
        {"email": EMAIL, "password": PASSWORD, "csrf_token": "x"},
    ):
        refused = client.post("/signin", data=data, follow_redirects=False)
        assert refused.status_code == 403
        assert client.get("/me", follow_redirects=False).status_code == 303  # still not signed in
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(signin_failures)).scalar_one() == 0
    assert _sign_in(client).status_code == 303
    assert client.post("/signout", data={"csrf_token": "wrong"}).status_code == 403
    assert client.get("/me").status_code == 200  # still signed in


def test_a_token_from_another_session_is_refused(client: TestClient, engine: Engine, settings: Settings):
    other = TestClient(create_app(settings, engine=engine))
    stolen = _token(other)
    _token(client)
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": stolen}
    assert client.post("/signin", data=data, follow_redirects=False).status_code == 403


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(client: TestClient):
    wrong = _sign_in(client, password="not the password")
    unknown = _sign_in(client, email="nobody@example.edu")
    assert wrong.status_code == unknown.status_code == 401
    assert "The email or the password is wrong." in wrong.text
    assert _text(wrong.text).replace(EMAIL, "E") == _text(unknown.text).replace("nobody@example.edu", "E")
    assert COOKIE not in client.cookies or client.get("/me", follow_redirects=False).status_code == 303


def test_the_sixth_attempt_is_locked_even_with_the_right_password(client: TestClient, engine: Engine):
    for _ in range(5):
        assert _sign_in(client, password="guess guess guess").status_code == 401
    locked = _sign_in(client)
    assert locked.status_code == 429
    assert "too many failed sign-ins: try again in 15 minutes" in locked.text
    assert client.get("/me", follow_redirects=False).status_code == 303
    with engine.connect() as conn:  # locked attempts are not counted
        assert conn.execute(select(func.count()).select_from(signin_failures)).scalar_one() == 5
    # another email from the same address is not locked
    assert _sign_in(client, email="other@example.edu").status_code == 401
    # fifteen minutes after the fifth failure the lock ends; a success clears the failures
    with engine.begin() as conn:
        for row in conn.execute(select(signin_failures)).all():
            earlier = row.failed_at - timedelta(minutes=16)
            conn.execute(
                update(signin_failures).where(signin_failures.c.id == row.id).values(failed_at=earlier)
            )
    assert _sign_in(client).status_code == 303
    with engine.connect() as conn:
        left = conn.execute(select(signin_failures.c.email)).scalars().all()
    assert left == ["other@example.edu"]


def test_lock_arithmetic():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    spread = [t0 + timedelta(minutes=4 * i) for i in range(5)]  # 16 minutes from first to fifth
    assert locked_until(spread) is None
    close = [t0 + timedelta(minutes=i) for i in range(5)]
    assert locked_until(close) == t0 + timedelta(minutes=4 + 15)
    assert locked_until(close[:4]) is None


def test_next_must_be_a_local_path(client: TestClient):
    assert _sign_in(client, next="https://evil.example/x").headers["location"] == "/me"
    client.cookies.clear()
    assert _sign_in(client, next="//evil.example/x").headers["location"] == "/me"
    client.cookies.clear()
    assert _sign_in(client, next="/governance?x=1").headers["location"] == "/governance?x=1"
    assert [safe_next(v) for v in ("/\\evil.example", "javascript:alert(1)", "/ok\r\nSet-Cookie: x")] == [
        "/me",
        "/me",
        "/me",
    ]


def test_a_disabled_user_cannot_sign_in_and_their_session_ends(client: TestClient, engine: Engine):
    assert _sign_in(client).status_code == 303
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.email == EMAIL).values(disabled_at=datetime.now(UTC)))
    assert client.get("/me", follow_redirects=False).status_code == 303
    client.cookies.clear()
    refused = _sign_in(client)
    assert refused.status_code == 401 and "The email or the password is wrong." in refused.text


def test_a_new_password_ends_old_sessions(client: TestClient, engine: Engine):
    assert _sign_in(client).status_code == 303
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.email == EMAIL).values(password_hash="$argon2id$other"))
    assert client.get("/me", follow_redirects=False).status_code == 303


def test_an_idle_session_is_refused(client: TestClient, monkeypatch: pytest.MonkeyPatch):
    assert _sign_in(client).status_code == 303
    later = datetime.now(UTC).timestamp() + 12 * 3600 + 60
    monkeypatch.setattr(web_session, "_clock", lambda: later)
    expired = client.get("/me", follow_redirects=False)
    assert expired.status_code == 303 and "Max-Age=0" in expired.headers["set-cookie"]


def test_a_forged_cookie_is_ignored(client: TestClient, settings: Settings):
    forged = SessionCookie("another secret").encode(
        {"uid": 1, "iid": 1, "v": "x", "seen": int(datetime.now(UTC).timestamp())}
    )
    client.cookies.set(COOKIE, forged)
    assert client.get("/me", follow_redirects=False).status_code == 303


def test_an_administrator_sees_every_roles_actions(client: TestClient, engine: Engine, settings: Settings):
    _add(engine, settings, "admin@example.edu", ["admin"])
    assert _sign_in(client, email="admin@example.edu").status_code == 303
    text = _text(client.get("/me").text)
    for heading in ("As curriculum designer", "As governance board member", "As learner", "As employer"):
        assert heading in text


def test_demo_accounts_can_sign_in(engine: Engine):
    from credstack.services.demo import seed_demo
    from credstack.services.demo_users import DEMO_PASSWORD

    settings = _settings(engine)
    report = seed_demo(UnitOfWork(engine), settings=settings, learners=1)
    roles = {role for role, _ in report.accounts}
    assert roles == {
        "admin",
        "curriculum-designer",
        "governance-board",
        "assessor",
        "registrar",
        "learner",
        "employer",
    }
    with TestClient(create_app(settings, engine=engine)) as c:
        board = dict((r, e) for r, e in report.accounts)["governance-board"]
        assert _sign_in(c, email=board, password=DEMO_PASSWORD).status_code == 303
        assert "Governance queue" in c.get("/me").text
