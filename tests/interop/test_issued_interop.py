"""Credentials credstack issues verify in the independent implementation (Digital Bazaar's, via
../shared/interop/verifier): did:key and did:web, JSON and baked; once revoked, it says revoked."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from credstack.credentials.baking import unbake_png, unbake_svg
from credstack.services.credential_files import render_award
from credstack.services.demo import seed_demo
from credstack.services.demo_data import build_demo_catalog
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.keys import did_document
from credstack.services.status import change_status, signed_status_list
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.credentials.reference_kit import ensure_reference, reference_verify

pytestmark = pytest.mark.interop


def verdicts(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8000", "https://credstack.test"], ids=["did-key", "did-web"]
)
def test_issued_then_revoked_in_the_reference(shared: Path, tmp_path: Path, base_url: str) -> None:
    ensure_reference(shared)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", base_url=base_url)
    engine = make_engine(settings.database_url)
    migrate(engine)
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    seed_demo(uow, settings=settings, learners=3)
    rubric = build_demo_catalog(learner_count=0).achievement("MC-DA-101").rubric
    assert rubric is not None
    marks = {c.code: "Proficient" for c in rubric.criteria}
    award = issue_award(
        uow,
        settings=settings,
        institution=institution,
        actor="test",
        request=IssueRequest("MC-DA-101", "ada@example.org", "Ada Lovelace", marks=marks),
    ).award
    files = {
        "json": tmp_path / "award.json",
        "png": tmp_path / "from-png.json",
        "svg": tmp_path / "from-svg.json",
    }
    files["json"].write_bytes(render_award(uow, settings=settings, award=award, fmt="json"))
    files["png"].write_text(unbake_png(render_award(uow, settings=settings, award=award, fmt="png")))
    files["svg"].write_text(unbake_svg(render_award(uow, settings=settings, award=award, fmt="svg").decode()))
    entry = award.credential["credentialStatus"]
    number = int(entry["statusListCredential"].rsplit("/", 1)[1])

    def status_file(name: str) -> Path:
        path = tmp_path / name
        path.write_text(
            json.dumps(
                signed_status_list(
                    uow, settings=settings, institution=institution, purpose="revocation", number=number
                )
            )
        )
        return path

    options = ["--require-status", "--status-list", str(status_file("list-before.json"))]
    if base_url.startswith("https://"):
        did_json = tmp_path / "did.json"
        did_json.write_text(json.dumps(did_document(uow, institution=institution, settings=settings)))
        options += ["--map", f"{award.credential['issuer']['id']}={did_json}"]
    result = reference_verify(shared, *files.values(), options=tuple(options))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [v["verified"] for v in verdicts(result)] == [True, True, True]

    change_status(
        uow, institution=institution, award=award.public_id, action="revoke", reason="test", actor="t"
    )
    options[2] = str(status_file("list-after.json"))
    revoked = reference_verify(shared, files["json"], options=tuple(options))
    [line] = verdicts(revoked)
    assert line["verified"] is False
    assert "revoked" in json.dumps(line).lower(), line
