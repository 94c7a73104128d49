"""Readable test data for the wallet: a small catalog (the demo framework and two of its published
micro-credentials), credentials issued to learners, and people who sign in."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.domain.identity import Principal
from credstack.interop.achievements_io import ParsedAchievement
from credstack.interop.case_json import CasePackage, export_case_package
from credstack.services.catalog import import_achievements
from credstack.services.demo_data import build_demo_catalog
from credstack.services.frameworks import import_framework
from credstack.services.identity import add_user
from credstack.services.institutions import ensure_institution, institution_from_settings
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.signin import session_version
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.awards import StoredAward
from credstack.web.session import COOKIE, SessionCookie

BASE = "https://credstack.test"
ADA = "ada@example.org"
BEN = "ben@example.org"
EMPLOYER = "hiring@harbour.example"
OTHER_EMPLOYER = "talent@elsewhere.example"
CODES = ("MC-DA-101", "MC-DA-102")
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def wallet_settings(engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="wallet",
        institution_name="Wallet Test College",
        base_url=BASE,
    )


def seed_catalog(engine: Engine, settings: Settings) -> None:
    """The demo framework, two published micro-credentials and the certificate they stack into
    (well under a second)."""
    uow, institution = UnitOfWork(engine), institution_from_settings(settings)
    catalog = build_demo_catalog(learner_count=0)
    package = json.dumps(export_case_package(CasePackage(catalog.framework))).encode()
    import_framework(uow, institution=institution, data=package, filename="framework.json", actor="test")
    parsed = [ParsedAchievement(a.code, a) for a in catalog.achievements if a.code in (*CODES, "CERT-DA")]
    import_achievements(uow, institution=institution, parsed=parsed, actor="test")


def issue(
    engine: Engine, settings: Settings, email: str, code: str = CODES[0], name: str = ""
) -> StoredAward:
    return issue_award(
        UnitOfWork(engine),
        settings=settings,
        institution=institution_from_settings(settings),
        actor="test",
        request=IssueRequest(code, email, name or email.split("@")[0].capitalize()),
    ).award


def person(
    engine: Engine, settings: Settings, email: str, *roles: str, password: str | None = None
) -> Principal:
    """A user with ``roles`` at the institution, as a principal (a web session's: all scopes)."""
    uow, institution = UnitOfWork(engine), institution_from_settings(settings)
    user_id, granted = add_user(
        uow, institution=institution, email=email, name=email.split("@")[0].capitalize(), roles=list(roles),
        actor="test",
    )  # fmt: skip
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
    return Principal(user_id, email, email.split("@")[0].capitalize(), institution_id, granted)


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def sign_in(client: TestClient, who: Principal) -> None:
    """Be signed in as ``who``: the session cookie the sign-in form would set (the form itself, and
    its slow password hashing, are tested in tests/web/test_signin.py). ``who`` has no password."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    session = {
        "uid": who.user_id,
        "iid": who.institution_id,
        "v": session_version(None),
        "seen": int(time.time()),
    }
    client.cookies.clear()
    client.base_url = "https://testserver"  # type: ignore[assignment]  # https install: Secure cookies
    client.cookies.set(COOKIE, SessionCookie(settings.secret_key.get_secret_value()).encode(session))
