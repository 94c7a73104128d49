"""credstack courses import / list and credstack curriculum show, on the demo in a SQLite file."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from credstack.cli import app

runner = CliRunner()


def run(db, *args: str):
    return runner.invoke(app, ["--database", f"sqlite:///{db}", *args])


def test_import_courses_then_show_the_map(tmp_path):
    db = tmp_path / "c.db"
    assert run(db, "demo", "--no-serve", "--learners", "0").exit_code == 0
    shown = run(db, "curriculum", "show", "CERT-CSE")
    assert shown.exit_code == 0, shown.output
    before = json.loads(shown.stdout)
    cloud = next(o for o in before["outcomes"] if o["competency"] == "CI.1")
    assert cloud["status"] == "partial"
    assert cloud["gaps"] == [
        {"competency": "CI.1.2", "best": 1, "remedy": "new-module", "courses": {"NB-CLD210": 1}}
    ]

    courses = tmp_path / "courses.csv"
    courses.write_text("code,title,credits,level,competencies\nFIN-300,Cloud FinOps,5,6,CI.1.2:2\n")
    imported = run(db, "courses", "import", str(courses))
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout) == {
        "courses": 1,
        "replaced": 12,
        "unchanged": False,
        "source": str(courses),
    }
    listed = [json.loads(line) for line in run(db, "courses", "list").stdout.splitlines()]
    assert [(c["code"], c["level"]) for c in listed] == [("FIN-300", 6)]

    after = json.loads(run(db, "curriculum", "show", "CERT-CSE").stdout)
    cloud = next(o for o in after["outcomes"] if o["competency"] == "CI.1")
    assert cloud["gaps"][0]["remedy"] == "course" and cloud["gaps"][0]["courses"] == {"FIN-300": 2}

    gaps = run(db, "curriculum", "show", "CERT-CSE", "--csv", "gaps")
    assert gaps.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(gaps.stdout)))
    assert [(r["outcome"], r["outcome_status"]) for r in rows] == [
        (o["competency"], o["status"]) for o in after["outcomes"]
    ]


def test_errors_exit_2_and_change_nothing(tmp_path):
    db = tmp_path / "c.db"
    assert run(db, "demo", "--no-serve", "--learners", "0").exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("code,title,competencies\nA-1,Fine,DA.1.1:2\nB-2,Wrong,XX.1:2\n")
    result = run(db, "courses", "import", str(bad))
    assert result.exit_code == 2
    assert "line 3 (B-2) competencies: no competency 'XX.1' in any framework" in result.stderr
    assert "nothing was imported" in result.stderr
    assert len(run(db, "courses", "list").stdout.splitlines()) == 12  # the demo's catalogue stays
    assert run(db, "curriculum", "show", "MC-DA-101").exit_code == 2
    assert run(db, "curriculum", "show", "DIP-DBT", "--csv", "all").exit_code == 2
