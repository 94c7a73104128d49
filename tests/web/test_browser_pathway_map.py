"""The learner's map and feedback in a real Chromium at phone width: readable without colour
(each state is a word), no sideways scrolling, the metric chosen and resources opened with the
keyboard. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credstack.store.db import make_engine, migrate
from tests.pathmap_builders import ADA, PASSWORD, seeded

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    import uvicorn

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('map') / 'credstack.db'}")
    migrate(engine)
    with seeded(engine) as s:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(s.client.app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("the uvicorn server did not start")
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}", s.submissions
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    engine.dispose()


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_map_on_a_phone_with_the_keyboard(browser: Any, url: tuple[str, dict[str, str]]) -> None:
    base, submissions = url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(base + "/signin?next=/wallet/pathways")
    page.get_by_label("Email").fill(ADA)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/wallet/pathways")
    page.get_by_role("link", name="Data Analytics fast track").click()
    page.wait_for_url("**/wallet/pathways/DA-FAST")
    tree = page.get_by_role("list", name="Your map of Data Analytics fast track")
    words = tree.inner_text()
    assert "Earned" in words and "In progress" in words and "Missing" in words
    _no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pathway-map-phone.png"), full_page=True)
    page.get_by_label("Cheapest by").select_option("hours")
    page.get_by_role("button", name="Show").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/wallet/pathways/DA-FAST?metric=hours")
    summary = page.locator("#step-MC-DA-102 summary")
    summary.focus()
    page.keyboard.press("Enter")  # closes (the cheapest plan's are open), and again opens
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Tidy data in practice").is_visible()
    page.goto(base + f"/wallet/submissions/{submissions['MC-DA-201']}")
    assert page.get_by_role("link", name="Choosing the right chart").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "submission-feedback-phone.png"), full_page=True)
    page.close()
