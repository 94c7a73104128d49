"""Readable test data for the wallet: a small catalog (the demo framework and two of its published
micro-credentials), credentials issued to learners, and people who sign in."""

from __future__ import annotations

import json
import re
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
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.awards import StoredAward

BASE = "https://credstack.test"
ADA = "ada@example.org"
BEN = "ben@example.org"
EMPLOYER = "hiring@harbour.example"
OTHER_EMPLOYER = "talent@elsewhere.example"
PASSWORD = "correct horse battery"
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
    """The demo framework and two published micro-credentials (well under a second)."""
    uow, institution = UnitOfWork(engine), institution_from_settings(settings)
    catalog = build_demo_catalog(learner_count=0)
    package = json.dumps(export_case_package(CasePackage(catalog.framework))).encode()
    import_framework(uow, institution=institution, data=package, filename="framework.json", actor="test")
    parsed = [ParsedAchievement(a.code, a) for a in catalog.achievements if a.code in CODES]
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
        actor="test", password=password,
    )  # fmt: skip
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
    return Principal(user_id, email, email.split("@")[0].capitalize(), institution_id, granted)


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def sign_in(client: TestClient, email: str) -> None:
    """Sign in through the form (the user exists with PASSWORD)."""
    client.cookies.clear()
    client.base_url = "https://testserver"  # type: ignore[assignment]  # https install: Secure cookies
    response = client.post(
        "/signin",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/signin")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
