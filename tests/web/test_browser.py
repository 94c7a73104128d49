"""The pages in a real Chromium: a uvicorn server on a free port, a seeded SQLite file.

Chromium comes from ``CREDSTACK_CHROMIUM`` or ``chromium`` on the PATH; without it the test
skips, unless ``CREDSTACK_REQUIRE_BROWSER=1`` (CI), when it fails. Screenshots go to
``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.institution import Institution
from credstack.services.stacking import save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.api.auth import bearer
from tests.api.builders import PROPORTION, seed
from tests.web.authz_builders import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.interop, pytest.mark.xdist_group("browser")]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
REGISTRAR = "registrar@example.edu"


@dataclass(frozen=True)
class Site:
    url: str
    framework_id: int
    api: dict[str, str]  # an administrator's API token, as headers
    engine: Engine


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Iterator[Site]:
    import uvicorn

    db = tmp_path_factory.mktemp("browser") / "credstack.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    here = Institution(slug="browser", name="Browser Test College")
    framework_id = seed(UnitOfWork(engine), here, shared)
    api = bearer(UnitOfWork(engine), here, "staff@example.org", "admin")
    person(engine, here, REGISTRAR, "registrar")
    settings = Settings(
        database_url=f"sqlite:///{db}", institution_slug="browser", institution_name="Browser Test College"
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
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
        yield Site(f"http://127.0.0.1:{port}", framework_id, api, engine)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def _sign_in(page: Any, site: Site, email: str = REGISTRAR) -> None:
    """Sign in through the form, as a person would; lands on /me."""
    page.goto(site.url + "/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me")


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _no_horizontal_overflow(page: Any) -> None:
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll_width <= inner_width + 1, f"{page.url}: {scroll_width}px wide in a {inner_width}px viewport"


def test_click_through_the_site(browser: Any, site: Site) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site.url + "/")
    assert page.title() == "Home · Browser Test College"
    _shot(page, "home-1280")

    # the skip link is the first thing the keyboard reaches, and it is visible then
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")

    # home -> the framework tree; open a collapsed node
    page.get_by_role("link", name="What Standards Could Be").click()
    page.wait_for_url(f"**/frameworks/{site.framework_id}")
    assert page.get_by_role("heading", level=1).inner_text() == "What Standards Could Be"
    component = page.locator(".node__leaf", has_text="CCSS.Math.Content.6.RP.A.3a")
    assert not component.is_visible()
    code = page.locator("span.code").filter(has_text=re.compile(r"^CCSS\.Math\.Content\.6\.RP\.A\.3$"))
    summary = page.locator("summary").filter(has=code)
    details = summary.locator("xpath=..")
    assert details.get_attribute("open") is None
    summary.click()
    assert details.get_attribute("open") is not None
    assert component.is_visible()
    _shot(page, "framework-1280")

    # the catalog: choose a competency, submit, see the narrowed list
    page.get_by_role("link", name="Catalog", exact=True).click()
    page.wait_for_url("**/achievements")
    assert page.locator(".card").count() == 2
    option = page.locator("#f-competency option", has_text=PROPORTION).first
    page.select_option("#f-competency", value=option.get_attribute("value"))
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/achievements?*competency=*")
    assert page.locator(".card").count() == 1
    assert "1 achievement matches your filters" in page.locator(".results-count").inner_text()
    _shot(page, "catalog-filtered-1280")

    # one achievement
    page.get_by_role("link", name="Proportional relationships").click()
    page.wait_for_url("**/achievements/*")
    body = page.locator("main").inner_text()
    assert "3 credit hours" in body and "6 ECTS" in body
    _shot(page, "achievement-prop-1280")
    page.close()


def test_rubric_page_at_desktop_and_phone_widths(browser: Any, site: Site) -> None:
    for width in (1280, 375):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(site.url + "/achievements")
        page.get_by_role("link", name="Ratio reasoning").click()
        page.wait_for_url("**/achievements/*")
        assert page.locator("table.rubric").is_visible()
        assert page.locator("table.rubric tbody tr").count() == 2
        main = page.locator("main").inner_text()
        assert "5 ECTS" in main and "2.5 credit hours" in main
        _shot(page, f"achievement-rubric-{width}")
        if width == 375:
            _no_horizontal_overflow(page)
        page.close()


@pytest.mark.parametrize("path", ["/", "/frameworks/{id}?expand=all", "/achievements", "/no-such-page"])
def test_phone_width_has_no_horizontal_overflow(browser: Any, site: Site, path: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(site.url + path.format(id=site.framework_id))
    _no_horizontal_overflow(page)
    name = path.strip("/").split("?")[0].replace("/", "-").replace("{id}", "tree") or "home"
    _shot(page, f"{name}-375")
    page.close()


def test_issue_through_the_achievement_page_then_revoke(browser: Any, site: Site) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, site)  # issuing and revoking are for registrars
    page.goto(site.url + "/achievements")
    page.get_by_role("link", name="Ratio reasoning").click()
    page.wait_for_url("**/achievements/*")
    form = page.locator("form.issue-form")
    page.get_by_label("Learner email").fill("grace@example.org")
    page.get_by_label("Learner name").fill("Grace Hopper")
    page.get_by_label("Ratio language").select_option("Proficient")
    page.get_by_label("Rate problems").select_option("Proficient")
    page.get_by_label("Evidence link").fill("https://portfolio.example.org/grace/ratios")
    _shot(page, "achievement-issue-form-1280")
    form.get_by_role("button", name="Issue credential").click()
    page.wait_for_url(re.compile(r".*/credentials/[0-9a-f-]{36}$"))

    assert page.get_by_role("heading", level=1).inner_text() == "Ratio reasoning"
    main = page.locator("main").inner_text()
    assert "Grace Hopper" in main and "Browser Test College" in main
    assert page.locator(".status-pill").inner_text().split()[-1] == "Active"
    badge = page.locator("img.credential-hero__badge")
    assert page.evaluate("(img) => img.complete && img.naturalWidth", badge.element_handle()) == 400
    assert (
        page.get_by_role("link", name="Verify this credential")
        .get_attribute("href")
        .startswith("/verify?url=")
    )
    assert page.get_by_role("link", name="Add to LinkedIn profile").is_visible()
    _shot(page, "credential-1280")
    credential_url = page.url

    phone = browser.new_page(viewport={"width": 375, "height": 800})
    phone.goto(credential_url)
    _no_horizontal_overflow(phone)
    _shot(phone, "credential-375")
    phone.close()

    # the registrar panel: revoke, with a reason, back to the page with the banner
    page.get_by_label("Revoke").check()
    page.get_by_role("textbox", name="Reason").fill("Issued to the wrong learner")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_url("**?done=revoke*")
    banner = page.get_by_role("alert")
    assert "This credential has been revoked" in banner.inner_text()
    assert page.locator(".status-pill").inner_text().split()[-1] == "Revoked"
    _shot(page, "credential-revoked-1280")
    page.close()


def test_verify_from_the_credential_page_and_by_uploading_a_badge(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    import json

    import httpx

    issued = httpx.post(
        site.url + "/api/v1/awards",
        json={
            "achievement": "RATIO-1",
            "learner_email": "katherine@example.org",
            "learner_name": "Katherine Johnson",
            "results": {"C1": "Proficient", "C2": "Proficient"},
        },
        headers=site.api,
    )
    assert issued.status_code == 201, issued.text
    award = issued.json()

    # the credential page's button leads to /verify?url=..., which verifies at once
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site.url}/credentials/{award['id']}")
    page.get_by_role("link", name="Verify this credential").click()
    page.wait_for_url("**/verify?url=*")
    verdict = page.locator(".verdict")
    assert verdict.get_by_role("heading", level=1).inner_text() == "Valid"
    assert "genuine and in force" in verdict.inner_text()
    assert "Trusted issuer: Browser Test College (this institution)" in page.locator(".trust").inner_text()
    summary = page.locator(".verify-summary").inner_text()
    assert "Ratio reasoning" in summary and "Katherine Johnson" in summary
    outcomes = page.locator(".check__outcome").all_inner_texts()
    assert outcomes.count("Passed") == 6 and outcomes.count("Failed") == 0
    _shot(page, "verify-by-url-1280")
    by_url = page.url

    # upload the baked PNG through the file input (the script names the chosen file)
    badge = tmp_path / "katherine-badge.png"
    badge.write_bytes(
        httpx.get(f"{site.url}/api/v1/awards/{award['id']}/credential.png", headers=site.api).content
    )
    page.goto(site.url + "/verify")
    assert page.get_by_role("link", name="Verify").first.get_attribute("aria-current") == "page"
    page.get_by_label("Credential file").set_input_files(str(badge))
    assert page.locator("#verify-file-chosen").inner_text().startswith("Chosen: katherine-badge.png (")
    _shot(page, "verify-form-1280")
    page.get_by_role("button", name="Verify file").click()
    page.wait_for_load_state()
    assert page.locator("#verdict-title").inner_text() == "Valid"
    assert "PNG badge · from katherine-badge.png" in page.locator(".verdict__meta").inner_text()
    _shot(page, "verify-upload-png-1280")
    page.close()

    # without JavaScript the file input is still the drop zone and the form still works
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    plain = context.new_page()
    plain.goto(site.url + "/verify")
    _no_horizontal_overflow(plain)
    _shot(plain, "verify-form-375")
    plain.get_by_label("Credential file").set_input_files(str(badge))
    plain.get_by_role("button", name="Verify file").click()
    plain.wait_for_load_state()
    assert plain.locator("#verdict-title").inner_text() == "Valid"
    context.close()

    # a phone: the verdict, and a tampered credential's
    phone = browser.new_page(viewport={"width": 375, "height": 800})
    phone.goto(by_url)
    assert phone.locator("#verdict-title").inner_text() == "Valid"
    _no_horizontal_overflow(phone)
    _shot(phone, "verify-by-url-375")
    tampered = award["credential"]
    tampered["credentialSubject"]["achievement"]["name"] = "Rocket science"
    phone.goto(site.url + "/verify")
    phone.get_by_label("Credential JSON or VC-JWT").fill(json.dumps(tampered))
    phone.get_by_role("button", name="Verify pasted credential").click()
    phone.wait_for_load_state()
    assert phone.locator("#verdict-title").inner_text() == "Not valid"
    assert "Signature:" in phone.locator(".verdict__reasons").inner_text()
    _no_horizontal_overflow(phone)
    _shot(phone, "verify-tampered-375")
    phone.close()


def test_pathway_audit_page_at_desktop_and_phone_widths(browser: Any, site: Site) -> None:
    import json

    import httpx

    def course(code: str, name: str, price: int, hours: int, **extra: Any) -> dict[str, Any]:
        return {
            "code": code,
            "name": name,
            "kind": "micro-credential",
            "description": f"{name}: a short course with a project.",
            "level": 5,
            "credits": 5,
            "credit_unit": "ects",
            "price": price,
            "currency": "EUR",
            "state": "published",
            "expected_hours": hours,
            "tags": ["data"],
        } | extra

    catalog = [
        course("DS-101", "Data Literacy", 300, 60),
        course("DS-102", "Spreadsheet Modelling", 280, 50),
        course("DS-201", "Forecasting Methods", 420, 90),
        course("DS-202", "Experiment Design", 360, 80),
        course("DS-203", "Data Storytelling", 240, 40),
        course("CERT-DS", "Certificate in Data Skills", 1200, 300, kind="certificate", level=6, credits=20),
        course("CERT-DM", "Certificate in Data Methods", 900, 220, kind="certificate", level=6, credits=15),
    ]
    imported = httpx.post(
        site.url + "/api/v1/achievements/import", content=json.dumps(catalog), headers=site.api
    )
    assert imported.status_code == 201, imported.text
    pathway = b"""\
id: DATA-SKILLS
name: Certificate in Data Skills
awards: CERT-DS
requires:
  all:
    - id: core
      label: Core skills
      all:
        - achievement: DS-101
        - achievement: DS-102
    - id: methods
      label: One methods course
      n_of:
        n: 1
        of:
          - achievement: DS-201
          - achievement: DS-202
    - achievement: DS-203
"""
    methods = b"id: DATA-METHODS\nname: Certificate in Data Methods\nawards: CERT-DM\nrequires:\n  all:\n"
    methods += b"".join(b"    - achievement: %s\n" % code for code in (b"DS-101", b"DS-201", b"DS-202"))
    here = Institution(slug="browser", name="Browser Test College")
    for body in (pathway, methods):  # published, as the CLI imports them
        save_pathway(UnitOfWork(site.engine), institution=here, data=body, filename="p.yaml", actor="test")
    for code in ("DS-101", "DS-102", "DS-203"):  # in progress: the methods course is missing
        issued = httpx.post(
            site.url + "/api/v1/awards",
            json={"achievement": code, "learner_email": "mary@example.org", "learner_name": "Mary Jackson"},
            headers=site.api,
        )
        assert issued.status_code == 201, issued.text

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, site)  # a learner's audit is for staff (or the learner)
    page.goto(site.url + "/pathways")
    page.get_by_role("link", name="Certificate in Data Skills").first.click()
    page.wait_for_url("**/pathways/DATA-SKILLS")
    page.get_by_label("Learner email").fill("mary@example.org")
    page.get_by_role("button", name="Show audit").click()
    page.wait_for_url("**/pathways/DATA-SKILLS/audit?*")
    assert page.get_by_role("heading", level=1).inner_text() == "Certificate in Data Skills"
    tree = page.get_by_role("list", name="Requirements of Certificate in Data Skills")
    assert tree.locator("#req-core .mark__text").first.inner_text() == "Met"
    assert tree.locator("#req-methods .mark__text").first.inner_text() == "Not started"
    assert tree.locator("#req-requires-all .mark__text").first.inner_text() == "In progress"
    # every status mark says its status in words; the icons are decoration
    for mark in page.locator(".mark").all():
        assert mark.locator(".mark__text").inner_text().strip()
        assert mark.locator("svg").get_attribute("aria-hidden") == "true"
    plan = page.locator(".plan--best")
    assert "Experiment Design" in plan.inner_text() and "EUR 360.00" in plan.inner_text()
    assert (
        plan.get_by_role("link", name="Experiment Design").get_attribute("href").startswith("/achievements/")
    )
    counted = page.locator("#req-core").get_by_role(
        "link", name=re.compile(r"^Data Literacy\W+the credential$")
    )
    assert re.fullmatch(r"/credentials/[0-9a-f-]{36}", counted.get_attribute("href") or "")
    _shot(page, "pathway-audit-1280")

    # by another metric, then what if Mary aimed at another pathway?
    page.get_by_label("Cheapest by").select_option("hours")
    page.get_by_role("button", name="Show audit").click()
    page.wait_for_url("**metric=hours*")
    assert "by fewest study hours" in page.locator(".layout__side").inner_text()
    page.get_by_role("combobox", name="Pathway").select_option(label="Certificate in Data Methods")
    page.get_by_role("button", name="Show audit").click()
    page.wait_for_url("**/pathways/DATA-METHODS/audit?*")
    assert page.get_by_role("heading", level=1).inner_text() == "Certificate in Data Methods"
    assert page.get_by_label("Cheapest by").input_value() == "hours"
    plan = page.locator(".plan--best").inner_text()
    assert "Forecasting Methods" in plan and "Experiment Design" in plan and "EUR 780.00" in plan
    _shot(page, "pathway-what-if-1280")
    page.get_by_role("link", name="Certificate in Data Skills").last.click()  # the what-if list, back
    page.wait_for_url("**/pathways/DATA-SKILLS/audit?*")
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 800})
    _sign_in(phone, site)
    phone.goto(site.url + "/pathways/DATA-SKILLS/audit?learner=mary%40example.org")
    _no_horizontal_overflow(phone)
    assert phone.locator(".summary-item--in_progress").inner_text().split() == [
        "Pathway",
        "status",
        "In",
        "progress",
    ]
    _shot(phone, "pathway-audit-375")
    phone.close()
