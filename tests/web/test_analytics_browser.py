"""The analytics pages in a real Chromium (the setup of tests/web/test_browser.py): a signed-in
registrar loads each page at desktop and phone widths over the small fixed history; every chart
is an SVG with its title, nothing overflows a 375 px screen, and a screenshot of each page goes
to test-artifacts/ to be looked at."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from credstack.api.app import create_app
from credstack.services import analytics as an
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.analytics_builders import AS_OF, seed_equity, seed_small
from tests.web.test_browser import _no_horizontal_overflow, _shot

pytestmark = [pytest.mark.browser, pytest.mark.interop, pytest.mark.xdist_group("browser")]

EMAIL, PASSWORD = "registrar@example.edu", "correct horse battery"
PAGES = {
    "progression": "?pathway=P",
    "velocity": "?pathway=P&split=cohort",
    "employment": "?pathway=P",
    "roi": "",
    "equity": "?pathway=EQ&comparison=BSC-2019",
    "engagement": "",
    "pilot": "?pathway=EQ",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    db = tmp_path_factory.mktemp("analytics-browser") / "credstack.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    settings = Settings(
        database_url=f"sqlite:///{db}", institution_slug="abrowser", institution_name="Analytics College"
    )
    institution = institution_from_settings(settings)
    seed_small(UnitOfWork(engine), institution)
    seed_equity(UnitOfWork(engine), institution)
    an.refresh(UnitOfWork(engine), institution=institution, as_of=AS_OF)
    add_user(
        UnitOfWork(engine),
        institution=institution,
        email=EMAIL,
        name="Reg",
        roles=["registrar"],
        actor="t",
        password=PASSWORD,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def _signed_in(browser: Any, site: str, width: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site + "/signin")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)
    return page


@pytest.mark.parametrize("width", [1280, 375])
def test_each_analytics_page_renders_its_charts(browser: Any, site: str, width: int) -> None:
    page = _signed_in(browser, site, width)
    for name, query in PAGES.items():
        page.goto(f"{site}/analytics/{name}{query}")
        assert page.locator("h1").first.is_visible()
        charts = page.locator("svg.chart__svg")
        if name != "progression":
            assert charts.count() >= 1, name
        for k in range(charts.count()):
            svg = charts.nth(k)
            assert svg.locator("title").count() == 1 and svg.bounding_box()["width"] > 200
        if name == "progression":
            assert page.locator("table.heat td.heat__cell").count() == 25
        if width == 375:
            _no_horizontal_overflow(page)
        _shot(page, f"analytics-{name}-{width}")
    page.close()
