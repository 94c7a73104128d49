"""`credstack outcomes`: import a CSV file as a registrar (a bad file exits 2 naming each line and
changes nothing; a learner is refused) and list hires."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app
from credstack.services.institutions import institution_from_settings
from credstack.services.stacking import save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.partners_builders import email, seed_people
from tests.services.test_outcomes import ENROLMENTS, PATHWAY_FILE

runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", "outcomes", *args])


def test_outcomes_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    institution = institution_from_settings(Settings(database_url=f"sqlite:///{db}"))
    seed_people(UnitOfWork(engine), institution)
    save_pathway(UnitOfWork(engine), institution=institution, data=PATHWAY_FILE, filename="p.yaml", actor="t")
    engine.dispose()
    good = tmp_path / "enrolments.csv"
    good.write_text(ENROLMENTS.replace(",HL-2025,", ",,"))
    bad = tmp_path / "hires.csv"
    bad.write_text(
        "email,employer,role,hired\nada@example.org,,Analyst,2025-01-01\nada@example.org,X,Y,soon\n"
    )

    refused = run(db, "import", "enrolments", str(good), "--as", email("ada"))
    assert refused.exit_code == 2 and "registrar" in refused.stderr
    done = run(db, "import", "enrolments", str(good), "--as", email("reg"))
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"kind": "enrolments", "rows": 2, "added": 2, "updated": 0}
    failed = run(db, "import", "hires", str(bad), "--as", email("reg"))
    assert failed.exit_code == 2
    assert "line 2 employer: is required (or give the partner)" in failed.stderr
    assert "line 3 hired: 'soon' is not a date (YYYY-MM-DD)" in failed.stderr
    assert run(db, "hires", "--as", email("reg")).stdout == ""
