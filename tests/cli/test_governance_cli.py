"""`credstack governance`: the workflow steps as named users (their roles apply, errors exit 2),
the board's queue and a definition's history as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app
from credstack.services.catalog import import_achievements, parse_achievements
from credstack.services.demo import seed_demo
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate

runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", "governance", *args])


def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "g.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    settings = Settings(database_url=f"sqlite:///{db}")
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    seed_demo(uow, settings=settings, learners=0)
    draft = {"code": "MC-GOV-1", "name": "Governed module", "kind": "micro-credential", "state": "draft"}
    import_achievements(
        uow, institution=here, parsed=parse_achievements(json.dumps([draft]).encode(), filename="a.json")
    )
    for email, roles in (("dee@example.org", ["curriculum-designer"]), ("a@example.org", ["governance-board"]),
                         ("b@example.org", ["governance-board"])):  # fmt: skip
        add_user(uow, institution=here, email=email, name=email, roles=roles, actor="test")
    engine.dispose()
    return db


def test_the_workflow_as_named_users(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    submitted = run(db, "submit", "achievement", "MC-GOV-1", "--as", "dee@example.org", "--comment", "ready")
    assert submitted.exit_code == 0, submitted.output
    assert json.loads(submitted.stdout)["state"] == "in-review"
    refused = run(db, "approve", "achievement", "MC-GOV-1", "--as", "dee@example.org")
    assert refused.exit_code == 2 and "governance board member" in refused.stderr
    assert run(db, "approve", "achievement", "MC-GOV-1", "--as", "a@example.org").exit_code == 0

    queue = json.loads(run(db, "queue").stdout)
    (waiting,) = queue["waiting"]
    assert waiting["code"] == "MC-GOV-1" and waiting["approvals"]["approvers"] == ["a@example.org"]

    approved = json.loads(run(db, "approve", "achievement", "MC-GOV-1", "--as", "b@example.org").stdout)
    assert approved["state"] == "approved"
    published = json.loads(run(db, "publish", "achievement", "MC-GOV-1", "--as", "dee@example.org").stdout)
    assert published["state"] == "published" and published["next_review"]
    scheduled = run(
        db, "schedule-review", "achievement", "MC-GOV-1", "--on", "2030-01-31", "--as", "a@example.org"
    )
    assert json.loads(scheduled.stdout)["next_review"] == "2030-01-31"
    commented = run(
        db, "comment", "achievement", "MC-GOV-1", "reviewed with employers", "--as", "b@example.org"
    )
    assert json.loads(commented.stdout)["comments"][0]["text"] == "reviewed with employers"
    retired = json.loads(run(db, "retire", "achievement", "MC-GOV-1", "--as", "a@example.org").stdout)
    assert retired["state"] == "retired"
    history = json.loads(run(db, "history", "achievement", "MC-GOV-1").stdout)
    assert [t["to_state"] for t in history["transitions"]] == [
        "in-review",
        "approved",
        "published",
        "retired",
    ]


def test_errors_exit_2_with_a_message(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    unknown = run(db, "submit", "achievement", "MC-GOV-1", "--as", "nobody@example.org")
    assert unknown.exit_code == 2 and "user 'nobody@example.org' not found" in unknown.stderr
    early = run(db, "publish", "achievement", "MC-GOV-1", "--as", "dee@example.org")
    assert early.exit_code == 2 and "publish needs it approved" in early.stderr
    bad_date = run(db, "schedule-review", "achievement", "MC-DA-101", "--on", "soon", "--as", "a@example.org")
    assert bad_date.exit_code == 2 and "--on" in bad_date.stderr
