"""Each role's main journey through the demo in a real Chromium, with screenshots at desktop and
phone widths: the learner, the assessor, the registrar and the employer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Site, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one server, one Chromium

UUID = r"[0-9a-f-]{36}"
STACK = "DIP-DBT"  # the diploma the demo learner is on: one certificate held, more to go


def learner_progress(page: Any, site: Site) -> None:
    """Where a signed-in learner sees their progress on a stack (the pathway audit for now;
    /wallet/pathways when the wallet lands: change this function only)."""
    page.goto(f"{site.url}/pathways")
    page.get_by_role("link", name="Diploma in Digital Business Technology").first.click()
    page.wait_for_url(f"**/pathways/{STACK}")
    page.get_by_label("Learner email").fill(site.email("learner"))
    page.get_by_role("button", name="Show audit").click()
    page.wait_for_url(f"**/pathways/{STACK}/audit?*")


def test_learner_signs_in_sees_a_stack_and_downloads_a_baked_badge(context: Any, site: Site) -> None:
    page = context.new_page()
    sign_in(page, site, "learner")
    assert page.get_by_role("heading", level=1).inner_text() == site.learner_name
    assert page.locator(".me-roles").inner_text().strip() == "Learner"
    shoot(page, "learner-home")

    learner_progress(page, site)
    assert page.get_by_role("heading", level=1).inner_text() == "Diploma in Digital Business Technology"
    certificate = page.locator(f"#req-{STACK}-CERT-DA .mark__text").first
    assert certificate.inner_text() == "Met"
    assert "In progress" in page.locator(".summary-item--in_progress").inner_text()
    shoot(page, "learner-stack-progress")

    # one of the credentials counted: its page, and the badge with the credential baked in
    page.get_by_role("link", name=re.compile(r"the credential$")).first.click()
    page.wait_for_url(re.compile(rf".*/credentials/{UUID}$"))
    assert site.learner_name in page.locator("main").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^PNG badge")).click()
    badge = info.value
    assert badge.suggested_filename.endswith(".png")
    data = Path(badge.path()).read_bytes()
    assert data.startswith(b"\x89PNG") and b"iTXt" in data and b"openbadgecredential" in data
    shoot(page, "learner-credential", element=page.locator(".downloads"))


def test_assessor_marks_a_submission(context: Any, site: Site) -> None:
    page = context.new_page()
    sign_in(page, site, "assessor")
    page.get_by_role("link", name="Your marking").click()
    page.wait_for_url("**/marking")
    to_mark = page.get_by_role("region", name="Submissions to mark")
    assert to_mark.locator("tbody tr").count() >= 1
    shoot(page, "assessor-marking-list")

    to_mark.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r".*/marking/\d+$"))
    assert "portfolio.northbridge.example.edu" in page.locator("#evidence-title + ul").inner_text()
    criteria = page.locator("fieldset.criterion")
    assert criteria.count() >= 2
    for i in range(criteria.count()):
        group = criteria.nth(i)
        title = group.locator("legend .criterion__title").inner_text()
        # the level as a keyboard user would choose it: focus the first radio, arrow to the next
        group.get_by_role("radio").first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert group.get_by_role("radio", checked=True).count() == 1
        group.get_by_label(f"Comment on {title}").fill(f"{title}: shown clearly in the portfolio.")
    shoot(page, "assessor-marking-form", element=criteria.first)
    page.get_by_role("button", name="Record marks").click()
    page.wait_for_url(re.compile(r".*/marking/\d+\?status=.*"))
    outcome = page.get_by_role("status")
    assert "Your marks are recorded" in outcome.inner_text()
    assert page.get_by_role("heading", name="Your marks").is_visible()
    shoot(page, "assessor-marked", element=outcome)


def test_registrar_bulk_issues_from_a_csv_and_revokes_one(context: Any, site: Site, tmp_path: Path) -> None:
    csv = tmp_path / "spring-cohort.csv"
    csv.write_text(
        "achievement,email,name\n"
        "MC-DA-101,amira.haddad@example.org,Amira Haddad\n"
        "MC-DA-101,jonas.berg@example.org,Jonas Berg\n"
        "MC-DA-101,li.wei@example.org,Li Wei\n"
    )
    wrong = tmp_path / "spring-cohort-draft.csv"
    wrong.write_text(csv.read_text() + "MC-NOPE-1,sam.okoro@example.org,Sam Okoro\nMC-DA-101,not-an-email,\n")
    page = context.new_page()
    sign_in(page, site, "registrar")
    page.get_by_role("link", name="Issue in bulk").click()
    page.wait_for_url("**/issue/bulk")
    # a file with bad rows: each named by its line, nothing issued
    page.get_by_label("Learners CSV").set_input_files(str(wrong))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    errors = page.get_by_role("alert").inner_text()
    assert "Nothing was issued" in errors and "line 6 email" in errors
    shoot(page, "registrar-bulk-errors")
    wrong.write_text(csv.read_text() + "MC-NOPE-1,sam.okoro@example.org,Sam Okoro\n")
    page.get_by_label("Learners CSV").set_input_files(str(wrong))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert (
        "line 5 achievement: no achievement with code 'MC-NOPE-1'" in page.get_by_role("alert").inner_text()
    )

    page.get_by_label("Learners CSV").set_input_files(str(csv))
    shoot(page, "registrar-bulk-upload")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=2).first.inner_text() == "Preview: 3 rows from spring-cohort.csv"
    shoot(page, "registrar-bulk-preview")

    page.get_by_role("button", name="Issue 3 credentials").click()
    page.wait_for_url("**/issue/bulk/issue")
    assert page.get_by_role("status").inner_text().startswith("3 issued, 0 already issued")
    shoot(page, "registrar-bulk-issued")

    page.get_by_role("link", name=re.compile(r"^Credential for jonas\.berg@example\.org")).click()
    page.wait_for_url(re.compile(rf".*/credentials/{UUID}$"))
    assert "Jonas Berg" in page.locator("main").inner_text()
    page.get_by_label("Revoke").check()
    page.get_by_role("textbox", name="Reason").fill("Issued to the wrong cohort")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_url("**?done=revoke*")
    assert "This credential has been revoked" in page.get_by_role("alert").inner_text()
    assert page.locator(".status-pill").inner_text().split()[-1] == "Revoked"
    shoot(page, "registrar-revoked")


def test_employer_verifies_a_downloaded_credential_and_an_edited_one(
    context: Any, site: Site, tmp_path: Path
) -> None:
    page = context.new_page()
    sign_in(page, site, "employer")
    # the candidate's credential page (a link from their CV), and its JSON download
    page.goto(f"{site.url}/credentials/{site.credential}")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^JSON")).click()
    downloaded = tmp_path / "candidate-credential.json"
    info.value.save_as(downloaded)
    credential = json.loads(downloaded.read_text())
    assert credential["credentialSubject"]["achievement"]["name"]

    page.get_by_role("link", name="Verify", exact=True).first.click()
    page.wait_for_url("**/verify")
    page.get_by_label("Credential file").set_input_files(str(downloaded))
    page.get_by_role("button", name="Verify file").click()
    page.wait_for_load_state()
    assert page.locator("#verdict-title").inner_text() == "Valid"
    shoot(page, "employer-verified")

    edited = tmp_path / "edited-credential.json"
    credential["credentialSubject"]["achievement"]["name"] = "Doctorate in Everything"
    edited.write_text(json.dumps(credential))
    page.goto(f"{site.url}/verify")
    page.get_by_label("Credential file").set_input_files(str(edited))
    page.get_by_role("button", name="Verify file").click()
    page.wait_for_load_state()
    assert page.locator("#verdict-title").inner_text() == "Not valid"
    reasons = page.locator(".verdict__reasons").inner_text()
    assert "Signature:" in reasons  # the failing check, named
    shoot(page, "employer-not-verified")
