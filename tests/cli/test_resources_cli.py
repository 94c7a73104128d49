"""`credstack resources`: add, list, import and remove as the user named by --as; a refusal exits 2
naming the field (or the CSV row) with nothing changed."""

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
from tests.partners_builders import DATA, PROGRAMMING, email, seed_people

runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", "resources", *args])


def test_resources_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    seed_people(UnitOfWork(engine), institution_from_settings(Settings(database_url=f"sqlite:///{db}")))
    engine.dispose()
    added = run(
        db, "add", "Debugging drills", "https://e.org/d", "--kind", "exercise", "--minutes", "45",
        "--achievement", PROGRAMMING, "--criterion", "C1", "--as", email("des"),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    first = json.loads(added.stdout)
    assert (first["achievement"], first["criterion"], first["minutes"]) == (PROGRAMMING, "C1", 45)
    refused = run(
        db,
        "add",
        "X",
        "https://e.org/x",
        "--kind",
        "video",
        "--minutes",
        "5",
        "--achievement",
        DATA,
        "--as",
        email("ada"),
    )
    assert refused.exit_code == 2 and "curriculum designer" in refused.stderr
    evil = run(
        db,
        "add",
        "X",
        "javascript:alert(1)",
        "--kind",
        "video",
        "--minutes",
        "5",
        "--achievement",
        DATA,
        "--as",
        email("des"),
    )
    assert evil.exit_code == 2 and "url: only http and https addresses are allowed" in evil.stderr
    csv = tmp_path / "r.csv"
    csv.write_text(
        f"title,url,kind,minutes,achievement\nOne,https://e.org/1,video,10,{DATA}\nTwo,https://e.org/2,video,10,NOPE\n"
    )
    bad = run(db, "import", str(csv), "--as", email("des"))
    assert bad.exit_code == 2 and "row 3.achievement: no achievement 'NOPE'" in bad.stderr
    csv.write_text(f"title,url,kind,minutes,achievement\nOne,https://e.org/1,video,10,{DATA}\n")
    assert run(db, "import", str(csv), "--as", email("des")).exit_code == 0
    listed = [json.loads(line) for line in run(db, "list").stdout.splitlines()]
    assert [r["title"] for r in listed] == ["Debugging drills", "One"]
    assert [json.loads(x)["title"] for x in run(db, "list", "--achievement", DATA).stdout.splitlines()] == [
        "One"
    ]
    assert run(db, "remove", str(first["id"]), "--as", email("des")).exit_code == 0
    assert [json.loads(x)["title"] for x in run(db, "list").stdout.splitlines()] == ["One"]
