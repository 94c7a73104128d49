"""`credstack trust add | remove | list`: JSON lines out, errors on stderr with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app

runner = CliRunner()
DID = "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", "trust", *args])


def test_add_list_remove(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    added = run(db, "add", DID, "--name", "Example University", "--note", "MoU 2024")
    assert added.exit_code == 0, added.output
    entry = json.loads(added.stdout)
    assert (entry["issuer"], entry["name"], entry["note"], entry["added"]) == (
        DID,
        "Example University",
        "MoU 2024",
        True,
    )
    again = run(db, "add", DID, "--name", "Example Univ.")
    assert json.loads(again.stdout)["added"] is False
    run(db, "add", "https://alpha.example/issuer", "--name", "Alpha")

    listed = run(db, "list")
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(e["name"], e["issuer"]) for e in lines] == [
        ("Alpha", "https://alpha.example/issuer"),
        ("Example Univ.", DID),
    ]

    removed = run(db, "remove", DID)
    assert removed.exit_code == 0
    assert json.loads(removed.stdout)["removed"] is True
    assert len(run(db, "list").stdout.splitlines()) == 1


def test_errors_name_the_field_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    bad = run(db, "add", "example.org", "--name", "")
    assert bad.exit_code == 2
    stderr = bad.stderr
    assert "issuer: 'example.org' is neither a DID nor an https URL" in stderr
    assert "name: is required" in stderr
    unknown = run(db, "remove", "did:web:nobody.example")
    assert unknown.exit_code == 2
    assert "trusted issuer 'did:web:nobody.example' not found" in unknown.stderr
    assert run(db, "list").stdout == ""
