"""The wallet in a real Chromium on a phone-sized screen: a learner makes a share link with the
keyboard alone, an employer opens it and finds it under Shared with me; no page scrolls sideways.
Chromium and the server are set up as in test_browser.py."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from credstack.api.app import create_app
from credstack.domain.identity import Principal
from credstack.services.signin import session_version
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from credstack.web.session import COOKIE, SessionCookie
from tests.wallet_builders import ADA, EMPLOYER, issue, person, seed_catalog
from tests.web.test_browser import _no_horizontal_overflow, _shot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings, dict[str, Principal]]]:
    import uvicorn

    db = tmp_path_factory.mktemp("wallet-browser") / "credstack.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=f"sqlite:///{db}",
        institution_slug="wallet",
        institution_name="Wallet Test College",
        base_url=url,
    )
    seed_catalog(engine, settings)
    issue(engine, settings, ADA, "MC-DA-101", "Ada Lovelace")
    people = {
        ADA: person(engine, settings, ADA, "learner"),
        EMPLOYER: person(engine, settings, EMPLOYER, "employer"),
    }
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    try:
        yield url, settings, people
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def as_user(chromium: Any, url: str, settings: Settings, who: Principal) -> Any:
    context = chromium.new_context(viewport=PHONE)
    session = {
        "uid": who.user_id,
        "iid": who.institution_id,
        "v": session_version(None),
        "seen": int(time.time()),
    }
    value = SessionCookie(settings.secret_key.get_secret_value()).encode(session)
    context.add_cookies([{"name": COOKIE, "value": value, "url": url}])
    return context.new_page()


def test_share_with_the_keyboard_then_the_employer_sees_it(browser: Any, site: Any) -> None:
    url, settings, people = site
    page = as_user(browser, url, settings, people[ADA])
    page.goto(url + "/wallet")
    assert page.get_by_role("heading", level=1).inner_text() == "Your wallet"
    assert "Active" in page.locator(".wallet-card .status-pill").inner_text()
    _no_horizontal_overflow(page)

    summary = page.locator("details.share-box summary")
    summary.focus()
    page.keyboard.press("Enter")  # opens the share form
    page.get_by_label("For an employer (optional)").focus()
    page.keyboard.type(EMPLOYER)
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector("#new-share-link")
    link = page.locator("#new-share-link").input_value()
    assert link.startswith(url + "/s/")
    assert page.locator(".new-share svg.qr[role=img]").count() == 1
    _no_horizontal_overflow(page)
    _shot(page, "wallet-new-share-375")

    visitor = browser.new_context(viewport=PHONE).new_page()
    visitor.goto(link)
    assert visitor.locator(".verdict-line__word").inner_text() == "Valid"
    assert "Ada Lovelace" in visitor.locator(".credential-hero").inner_text()
    _no_horizontal_overflow(visitor)
    _shot(visitor, "share-page-375")

    employer = as_user(browser, url, settings, people[EMPLOYER])
    employer.goto(url + "/shared")
    assert employer.locator(".wallet-card").count() == 1
    assert employer.locator(".verdict-line__word").inner_text() == "Valid"
    _no_horizontal_overflow(employer)
