"""`credstack audit-log verify | show`: exit 0 for an intact log, 1 naming the broken entry."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app

runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", *args])


def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "a.db"
    for issuer, name in [("did:web:a.example", "A"), ("did:web:b.example", "B"), ("did:web:c.example", "C")]:
        assert run(db, "trust", "add", issuer, "--name", name).exit_code == 0
    assert run(db, "trust", "remove", "did:web:b.example").exit_code == 0
    return db


def sql(db: Path, statement: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(statement)


def test_an_intact_log_verifies(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    result = run(db, "audit-log", "verify")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["valid"], report["entries"], report["breaks"]) == (True, 4, [])
    assert f"audit log intact: 4 entries, head 4:{report['head']['hash']}" in result.stderr


def test_an_edited_entry_exits_1_naming_it(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    sql(db, 'UPDATE audit_log SET detail = \'{"name": "Mallory", "note": null}\' WHERE seq = 2')
    result = run(db, "audit-log", "verify")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["breaks"][0] | {"message": ""} == {
        "kind": "edited",
        "seq": 2,
        "id": 2,
        "message": "",
    }
    assert (
        "audit log broken (1 break(s)): entry seq 2 (id 2, trusted_issuer.added): was edited" in result.stderr
    )


def test_a_deleted_entry_and_a_cut_tail(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    head = json.loads(run(db, "audit-log", "verify").stdout)["head"]
    sql(db, "DELETE FROM audit_log WHERE seq = 4")
    assert run(db, "audit-log", "verify").exit_code == 0  # the log alone cannot tell
    cut = run(db, "audit-log", "verify", "--head", f"{head['seq']}:{head['hash']}")
    assert cut.exit_code == 1
    assert "seq 4 was recorded as head: entries were removed from the end" in cut.stderr
    sql(db, "DELETE FROM audit_log WHERE seq = 1")
    gap = run(db, "audit-log", "verify")
    assert gap.exit_code == 1
    assert (
        "entry seq 2 (id 2, trusted_issuer.added): follows the start of the log: seq 1 missing" in gap.stderr
    )


def test_a_malformed_head_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path / "a.db", "audit-log", "verify", "--head", "latest")
    assert result.exit_code == 2
    assert "--head: 'latest' is not SEQ:HASH" in result.stderr


def test_show_newest_first_filtered(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    lines = [json.loads(line) for line in run(db, "audit-log", "show", "--limit", "2").stdout.splitlines()]
    assert [(e["seq"], e["action"]) for e in lines] == [
        (4, "trusted_issuer.removed"),
        (3, "trusted_issuer.added"),
    ]
    assert lines[0]["subject_id"] == "did:web:b.example" and len(lines[0]["hash"]) == 64
    assert run(db, "audit-log", "show", "--subject-type", "award").stdout == ""
