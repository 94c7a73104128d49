"""The command-line contract, through Typer's runner against a real SQLite file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from credstack.cli import app

runner = CliRunner()


def run(db, *args: str):
    return runner.invoke(app, ["--database", f"sqlite:///{db}", *args])


def test_import_case_prints_the_summary(tmp_path, shared):
    db = tmp_path / "c.db"
    result = run(db, "import", "case", str(shared / "corpus/case/opensalt_act_holistic_math_excerpt.json"))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["framework"] == "a33fc64e-5c40-11e7-82c4-3d54268aa9ee"
    assert (summary["competencies"], summary["associations"], summary["max_depth"]) == (28, 28, 5)


def test_import_csv_then_export_case(tmp_path, shared):
    db = tmp_path / "c.db"
    result = run(
        db,
        "import",
        "case",
        str(shared / "corpus/case/opensalt_sample_case_spreadsheet.csv"),
        "--title",
        "Sample",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["competencies"] == 10 and summary["title"] == "Sample"
    out = tmp_path / "export.json"
    exported = run(db, "export", "case", summary["framework"], "--out", str(out))
    assert exported.exit_code == 0, exported.output
    package = json.loads(out.read_text())
    assert len(package["CFItems"]) == 10 and package["CFDocument"]["title"] == "Sample"


def test_bad_file_exits_2_naming_the_line(tmp_path):
    db = tmp_path / "c.db"
    bad = tmp_path / "bad.json"
    bad.write_text('{"CFDocument": {"identifier": "x", "title": "t"},\n "CFItems": [')
    result = run(db, "import", "case", str(bad))
    assert result.exit_code == 2
    assert "line 2, column" in result.stderr and "nothing was imported" in result.stderr
    missing = run(db, "import", "case", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "cannot read the file" in missing.stderr


def test_import_achievements(tmp_path):
    db = tmp_path / "c.db"
    fw = tmp_path / "fw.csv"
    fw.write_text(
        '"Identifier","fullStatement","Human Coding Scheme","Is Child Of"\n"a","Analyse data","A",""\n'
    )
    assert run(db, "import", "case", str(fw)).exit_code == 0
    defs = tmp_path / "defs.csv"
    defs.write_text("code,name,competencies\nMC-1,Analysis,A:2\n")
    result = run(db, "import", "achievements", str(defs))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"created": 1, "unchanged": 0, "codes": ["MC-1"]}
    again = run(db, "import", "achievements", str(defs))
    assert json.loads(again.stdout)["unchanged"] == 1


def test_issue_verify_revoke_round_trip(tmp_path, shared):
    db = tmp_path / "c.db"
    assert run(db, "demo", "--no-serve", "--learners", "0").exit_code == 0
    out = tmp_path / "ada.json"
    issued = run(
        db,
        "issue",
        "--achievement",
        "MC-DA-101",
        "--learner",
        "ada@example.org",
        "--name",
        "Ada",
        "--evidence",
        "https://github.com/ada/notebook",
        "--out",
        str(out),
    )
    assert issued.exit_code == 0, issued.output
    award = json.loads(issued.stdout)["award"]
    again = run(
        db,
        "issue",
        "--achievement",
        "MC-DA-101",
        "--learner",
        "ada@example.org",
        "--name",
        "Ada",
        "--evidence",
        "https://github.com/ada/notebook",
        "--out",
        str(tmp_path / "again.json"),
    )
    assert json.loads(again.stdout) | {"file": None} == json.loads(issued.stdout) | {
        "file": None,
        "created": False,
    }
    for fmt in ("png", "svg", "jwt"):
        target = tmp_path / f"ada.{fmt}"
        made = run(
            db,
            "issue",
            "--achievement",
            "MC-DA-101",
            "--learner",
            "ada@example.org",
            "--name",
            "Ada",
            "--evidence",
            "https://github.com/ada/notebook",
            "--format",
            fmt,
            "--out",
            str(target),
        )
        assert made.exit_code == 0, made.output
    files = [str(tmp_path / f"ada.{ext}") for ext in ("json", "png", "svg", "jwt")]
    schemas = str(shared / "interop/schemas")
    verified = run(db, "verify", *files, "--schemas", schemas)
    lines = [json.loads(line) for line in verified.stdout.splitlines()]
    assert verified.exit_code == 0, verified.output
    assert [line["verified"] for line in lines] == [True] * 4
    assert {c["check"] for c in lines[0]["checks"]} >= {
        "context",
        "schema",
        "proof",
        "dates",
        "status",
        "issuer",
    }
    revoked = run(db, "revoke", award, "--reason", "issued in error")
    assert json.loads(revoked.stdout)["status"] == "revoked"
    after = run(db, "verify", str(out))
    assert after.exit_code == 1
    [line] = [json.loads(x) for x in after.stdout.splitlines()]
    assert line["verified"] is False and any("revoked" in e for e in line["errors"])


def test_issue_bad_input_is_named(tmp_path):
    db = tmp_path / "c.db"
    assert run(db, "demo", "--no-serve", "--learners", "0").exit_code == 0
    bad = run(db, "issue", "--achievement", "NOPE", "--learner", "a@b.org", "--out", str(tmp_path / "x.json"))
    assert bad.exit_code == 2 and "achievement: no achievement with code 'NOPE'" in bad.stderr
    marks = run(
        db,
        "issue",
        "--achievement",
        "MC-DA-101",
        "--learner",
        "a@b.org",
        "--result",
        "C1",
        "--out",
        str(tmp_path / "x.json"),
    )
    assert marks.exit_code == 2 and "--result" in marks.stderr
    assert not (tmp_path / "x.json").exists()
