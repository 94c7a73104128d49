"""One running server for the browser tests: the real demo (``services/demo.py``) seeded into a
SQLite file, served by uvicorn on a free port, and one Chromium driven by Playwright.

Chromium is ``CREDSTACK_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on the PATH;
without it (or without Playwright) the tests skip, unless ``CREDSTACK_REQUIRE_BROWSER=1`` (CI),
when they fail. Screenshots go to ``test-artifacts/screenshots/``; with
``CREDSTACK_SCREENSHOTS_TO=<dir>`` (``make screenshots``) they are copied there too.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from credstack.api.app import create_app
from credstack.services.awards import recent_awards
from credstack.services.demo import seed_demo
from credstack.services.demo_users import DEMO_PASSWORD
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from credstack.store.tables import achievements, frameworks

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DEMO_LEARNERS = 130  # enough for the demo's submissions still being marked (learners 127-130)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def missing(reason: str) -> None:
    """Skip, or fail when the browser is required (CI)."""
    if os.environ.get("CREDSTACK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CREDSTACK_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class Site:
    url: str
    accounts: dict[str, str]  # role -> email (password: DEMO_PASSWORD)
    learner_name: str
    credential: str  # public id of one of the demo learner's credentials
    achievement_id: int
    framework_id: int

    def email(self, role: str) -> str:
        return self.accounts[role]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Site]:
    import uvicorn

    db = tmp_path_factory.mktemp("journeys") / "demo.db"
    port = _free_port()
    settings = Settings(
        database_url=f"sqlite:///{db}",
        base_url=f"http://127.0.0.1:{port}",
        institution_slug="northbridge",
        institution_name="Northbridge Institute of Applied Technology",
        upload_dir=str(db.parent / "uploads"),
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    report = seed_demo(UnitOfWork(engine), settings=settings, learners=DEMO_LEARNERS)
    accounts = dict(report.accounts)
    learner = accounts["learner"]
    held = recent_awards(
        UnitOfWork(engine), institution=institution_from_settings(settings), learner=learner, limit=50
    )
    oldest = min(held, key=lambda a: (a.issued_at, a.id))  # a micro-credential, not the stacked award
    with engine.connect() as conn:
        achievement_id = conn.execute(
            select(achievements.c.id).where(achievements.c.code == "MC-DA-101")
        ).scalar_one()
        framework_id = conn.execute(select(frameworks.c.id).order_by(frameworks.c.id).limit(1)).scalar_one()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    try:
        yield Site(
            settings.base_url, accounts, oldest.learner_name, oldest.public_id, achievement_id, framework_id
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) at desktop width, downloads allowed."""
    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


def sign_in(page: Any, site: Site, role: str) -> None:
    """Sign in through the form, as the demo account of ``role``; lands on /me."""
    page.goto(site.url + "/signin")
    page.get_by_label("Email").fill(site.email(role))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me")


def no_horizontal_scroll(page: Any) -> None:
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll_width <= inner_width, f"{page.url}: {scroll_width}px wide in a {inner_width}px viewport"


def shoot(page: Any, name: str, *, phone: bool = True, element: Any = None) -> None:
    """Screenshots of what the page shows now: ``<name>-1280.png`` and (``phone``)
    ``<name>-375.png``, where the page must not scroll sideways. ``element`` is scrolled into
    view first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    copy_to = os.environ.get("CREDSTACK_SCREENSHOTS_TO")
    sizes = [DESKTOP, PHONE] if phone else [DESKTOP]
    before = page.viewport_size
    for size in sizes:
        page.set_viewport_size(size)
        if size is PHONE:
            no_horizontal_scroll(page)
        if element is not None:
            element.scroll_into_view_if_needed()
        path = SCREENSHOTS / f"{name}-{size['width']}.png"
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        if copy_to:
            target = ROOT / copy_to if not Path(copy_to).is_absolute() else Path(copy_to)
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.name)
    page.set_viewport_size(before)
