"""An axe-core scan (from its npm package: ``npm ci`` at the repository root) of each main page,
signed in where the page needs it: no violation of impact "serious" or "critical". And each
page at 375 px: nothing wider than the screen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import DESKTOP, PHONE, ROOT, Site, missing, no_horizontal_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one server, one Chromium

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

# (who is signed in, the page); {credential}, {achievement}, {framework} come from the demo
PAGES = [
    (None, "/"),
    (None, "/achievements"),
    (None, "/achievements/{achievement}"),
    (None, "/frameworks/{framework}"),
    (None, "/pathways"),
    (None, "/pathways/DIP-DBT"),
    (None, "/verify"),
    (None, "/verify?url={credential_url}"),
    (None, "/signin"),
    (None, "/credentials/{credential}"),
    ("learner", "/me"),
    ("learner", "/pathways/DIP-DBT/audit?learner={learner}"),
    ("assessor", "/marking"),
    ("assessor", "/marking/{assignment}"),
    ("registrar", "/issue/bulk"),
    ("registrar", "/credentials/{credential}"),
    ("governance-board", "/governance"),
    ("governance-board", "/moderation"),
]


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        missing(f"{AXE.relative_to(ROOT)} is missing: run `npm ci` at the repository root")
    return AXE.read_text()


@pytest.fixture(scope="session")
def signed_in(browser: Any, site: Site) -> Iterator[dict[str, Any]]:
    """A browser context per role, signed in once."""
    contexts: dict[str, Any] = {}

    def get(role: str | None) -> Any:
        key = role or "anonymous"
        if key not in contexts:
            ctx = browser.new_context(viewport=DESKTOP, bypass_csp=True)
            ctx.set_default_timeout(10_000)
            if role:
                page = ctx.new_page()
                sign_in(page, site, role)
                page.close()
            contexts[key] = ctx
        return contexts[key]

    yield {"get": get}
    for ctx in contexts.values():
        ctx.close()


def _address(page: Any, site: Site, path: str) -> str:
    if "{assignment}" in path:  # the assessor's first assignment, as their list links it
        page.goto(site.url + "/marking")
        href = page.locator("main table a[href^='/marking/']").first.get_attribute("href")
        path = path.replace("/marking/{assignment}", href)
    return site.url + path.format(
        credential=site.credential,
        credential_url=quote(f"{site.url}/credentials/{site.credential}", safe=""),
        achievement=site.achievement_id,
        framework=site.framework_id,
        learner=quote(site.email("learner"), safe=""),
    )


def _violations(page: Any, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in found if v["impact"] in BLOCKING]


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[f"{r or 'anyone'}:{p}" for r, p in PAGES])
def test_no_serious_accessibility_violations_and_no_sideways_scroll_on_a_phone(
    signed_in: dict[str, Any], site: Site, axe_source: str, role: str | None, path: str
) -> None:
    page = signed_in["get"](role).new_page()
    try:
        response = page.goto(_address(page, site, path))
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        if role is not None:
            assert not page.url.split("?")[0].endswith("/signin"), f"{path} asked {role} to sign in"
        assert _violations(page, axe_source) == []
        page.set_viewport_size(PHONE)
        no_horizontal_scroll(page)
    finally:
        page.close()


def test_the_scan_finds_what_it_should(browser: Any, site: Site, axe_source: str) -> None:
    """The scan is live: a page with an unlabelled field and low-contrast text fails it."""
    ctx = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = ctx.new_page()
    page.goto(site.url + "/signin")
    page.evaluate(
        """() => {
            document.querySelector('label[for=signin-email]').remove();
            document.querySelector('h1').style.color = '#c8c8c8';
        }"""
    )
    found = " ".join(_violations(page, axe_source))
    ctx.close()
    assert "label" in found and "color-contrast" in found


def test_axe_comes_from_the_pinned_npm_package() -> None:
    lock = (ROOT / "package-lock.json").read_text()
    assert '"node_modules/axe-core"' in lock
    if AXE.exists():
        import json

        pinned = json.loads(lock)["packages"]["node_modules/axe-core"]["version"]
        installed = json.loads((AXE.parent / "package.json").read_text())["version"]
        assert installed == pinned, "node_modules is stale: run `npm ci`"
