"""`credstack assessment`: the sampling policy, assigning markers, the moderation report as JSON
and CSV, and a clear error (exit 2) for what cannot be done."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app
from credstack.services import assessment, marking
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.db import make_engine, migrate
from tests.assessment_builders import REPO, WEB, seed_people, settings_for
from tests.assessment_builders import marking as levels

runner = CliRunner()


def run(db: Path, uploads: Path, *args: str) -> Result:
    env = {"CREDSTACK_INSTITUTION_SLUG": "assess", "CREDSTACK_UPLOAD_DIR": str(uploads)}
    return runner.invoke(app, ["--database", f"sqlite:///{db}", "assessment", *args], env=env)


def test_policy_assign_mark_and_report(tmp_path: Path) -> None:
    db, uploads = tmp_path / "a.db", tmp_path / "uploads"
    settings = settings_for(f"sqlite:///{db}", uploads)
    engine = make_engine(settings.database_url)
    migrate(engine)
    uow = UnitOfWork(engine)
    cast = seed_people(uow, institution_from_settings(settings))

    shown = run(db, uploads, "policy", "--achievement", WEB)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["source"] == "built-in"
    changed = run(db, uploads, "policy", "--achievement", WEB, "--share", "1", "--minimum", "1")
    assert json.loads(changed.stdout) | {"seed": "x"} == {
        "achievement": WEB, "source": "achievement", "share": "1", "minimum": 1, "include_fails": True,
        "borderline": "one-level", "seed": "x",
    }  # fmt: skip
    bad = run(db, uploads, "policy", "--share", "lots")
    assert bad.exit_code == 2 and "--share: 'lots' is not a number" in bad.output

    sub = assessment.create_submission(
        uow, institution=cast.institution, principal=cast["ada"], achievement=WEB, cohort="c1", site="North"
    )
    assessment.add_evidence(
        uow, settings=settings, institution=cast.institution, principal=cast["ada"], submission=sub.public_id,
        item=REPO,
    )  # fmt: skip
    assessment.submit(uow, institution=cast.institution, principal=cast["ada"], submission=sub.public_id)
    assigned = run(db, uploads, "assign", sub.public_id, "--assessor", "ann@example.org")
    assert assigned.exit_code == 0, assigned.output
    first = json.loads(assigned.stdout)["assignment"]
    marking.mark(uow, settings=settings, institution=cast.institution, principal=cast["ann"], assignment=first,
                 marking=levels(3, 2, 2))  # fmt: skip
    second = run(db, uploads, "assign", sub.public_id, "--assessor", "ben@example.org", "--role", "second")
    assert json.loads(second.stdout)["blind"] is True
    marking.mark(uow, settings=settings, institution=cast.institution, principal=cast["ben"],
                 assignment=json.loads(second.stdout)["assignment"], marking=levels(2, 2, 2))  # fmt: skip

    report = run(db, uploads, "moderation-report", "--achievement", WEB)
    assert report.exit_code == 0, report.output
    body = json.loads(report.stdout)
    agreement = body["overall"]["agreement"]
    assert (agreement["pairs"], round(agreement["exact"], 4)) == (3, 0.6667)
    csv = run(db, uploads, "moderation-report", "--csv", "--site", "North")
    assert csv.stdout.splitlines()[1].startswith("all,,6,3,3,0.6667,1.0000")
    missing = run(db, uploads, "moderation-report", "--achievement", "NOPE")
    assert missing.exit_code == 2 and "achievement 'NOPE' not found" in missing.output
    again = run(db, uploads, "assign", sub.public_id, "--assessor", "cy@example.org")
    assert again.exit_code == 2 and "already marked" in again.output
    assert run(db, uploads, "award-pending").exit_code == 0
    engine.dispose()
