"""`credstack partners`: add, list, co-design, project, mentor and sign-off, each as the user named
by --as; a refusal exits 2 with the field named and nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.partners_builders import PROGRAMMING, email, seed_people

runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", "partners", *args])


def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    seed_people(UnitOfWork(engine), institution_from_settings(Settings(database_url=f"sqlite:///{db}")))
    engine.dispose()
    return db


def test_partners_from_the_command_line(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    added = run(
        db, "add", "Harbourline Logistics", "--website", "https://harbourline.example", "--as", email("reg")
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["slug"] == "harbourline-logistics"
    refused = run(db, "add", "Acme", "--as", email("ada"))
    assert refused.exit_code == 2 and "registrar or curriculum designer" in refused.stderr
    bad = run(db, "add", "Acme", "--kind", "charity", "--as", email("reg"))
    assert bad.exit_code == 2 and "kind: 'charity' is not one of" in bad.stderr
    co = run(
        db, "co-design", "harbourline-logistics", PROGRAMMING, "--contribution", "Wrote the case.",
        "--from", "2025-09-01", "--as", email("des"),
    )  # fmt: skip
    assert co.exit_code == 0, co.output
    project = run(
        db, "project", "harbourline-logistics", PROGRAMMING, "--title", "Depot clean-up", "--brief", "Two weeks.",
        "--opens", "2020-01-01", "--closes", "2099-12-31", "--places", "2", "--as", email("reg"),
    )  # fmt: skip
    assert project.exit_code == 0 and json.loads(project.stdout)["status"] == "open"
    bad_date = run(
        db, "project", "harbourline-logistics", PROGRAMMING, "--title", "X", "--brief", "Y", "--opens", "soon",
        "--closes", "2099-12-31", "--as", email("reg"),
    )  # fmt: skip
    assert bad_date.exit_code == 2 and "--opens: 'soon' is not a date" in bad_date.stderr
    [listed] = [json.loads(line) for line in run(db, "list").stdout.splitlines()]
    assert [d["achievement"] for d in listed["co_designs"]] == [PROGRAMMING]
    assert [p["title"] for p in listed["open_projects"]] == ["Depot clean-up"]
    mentor = run(
        db, "mentor", "harbourline-logistics", "--mentor-name", "Ines", "--mentor-email", email("ines"),
        "--learner", email("ada"), "--goal", "Profile scan data", "--starts", "2025-01-06", "--ends", "2025-01-24",
        "--hours", "20", "--achievement", PROGRAMMING, "--as", email("reg"),
    )  # fmt: skip
    assert mentor.exit_code == 0, mentor.output
    created = json.loads(mentor.stdout)
    assert "/sign-off?key=ms_" in created["sign_off_link"]
    other = run(
        db, "sign-off", created["id"], "--statement", "Fine.", "--outcome", "met", "--as", email("omar")
    )
    assert other.exit_code == 2 and "only the mentor" in other.stderr
    signed = run(
        db, "sign-off", created["id"], "--statement", "Fine work.", "--outcome", "met", "--as", email("ines")
    )
    assert signed.exit_code == 0, signed.output
    assert json.loads(signed.stdout)["sign_off"]["outcome"] == "met"
    assert run(db, "add", "Acme", "--as", "nobody@example.org").exit_code == 2
