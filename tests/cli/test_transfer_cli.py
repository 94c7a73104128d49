"""`credstack transfer`: agreements from a file, the equivalency table, a claim (exit 0 when
credit is recorded, 1 when refused), the pending list and a registrar's decision."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app
from credstack.services.demo import seed_demo
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.transfer_builders import agreements_yaml, as_bytes, partner_credential

runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", "transfer", *args])


def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    seed_demo(UnitOfWork(engine), settings=Settings(database_url=f"sqlite:///{db}"), learners=0)
    engine.dispose()
    agreements = tmp_path / "agreements.yaml"
    agreements.write_bytes(agreements_yaml().replace(b"    pathway: CERT-DA\n", b""))
    done = run(db, "agreements", "--import", str(agreements))
    assert done.exit_code == 0, done.output
    return db


def test_agreements_units_claim_and_decision(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    listed = [json.loads(line) for line in run(db, "agreements").stdout.splitlines()]
    assert {a["code"] for a in listed} >= {"RIV-PDW", "RIV-STATS"}
    units = run(db, "units", "--set", "us-semester", "US semester credits", "1.875")
    assert units.exit_code == 0
    assert {"code": "us-semester", "name": "US semester credits", "ects_per_unit": 1.875} in [
        json.loads(line) for line in units.stdout.splitlines()
    ]

    good = tmp_path / "good.json"
    good.write_bytes(as_bytes(partner_credential()))
    claimed = run(db, "claim", str(good), "--learner", "ada@example.org")
    assert claimed.exit_code == 0, claimed.output
    outcome = json.loads(claimed.stdout)
    assert outcome["status"] == "accepted" and outcome["transfers"][0]["counts_as"] == "MC-DA-101"

    low = tmp_path / "low.json"
    low.write_bytes(as_bytes(partner_credential(result="10")))
    refused = run(db, "claim", str(low), "--learner", "ada@example.org")
    assert refused.exit_code == 1
    assert "refused: it meets none of the agreements" in refused.stderr

    other = tmp_path / "other.json"
    other.write_bytes(as_bytes(partner_credential(email="old@example.org")))
    pending = json.loads(run(db, "claim", str(other), "--learner", "ada@example.org").stdout)
    (credit,) = pending["transfers"]
    assert credit["status"] == "pending"
    queue = [json.loads(line) for line in run(db, "list", "--status", "pending").stdout.splitlines()]
    assert [t["id"] for t in queue] == [credit["id"]]
    decided = run(db, "decide", credit["id"], "reject", "--reason", "not the same person", "--by", "R. Jones")
    assert decided.exit_code == 0 and json.loads(decided.stdout)["status"] == "rejected"
    assert run(db, "list", "--status", "pending").stdout == ""


def test_a_bad_agreements_file_exits_2_naming_the_line(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    bad = tmp_path / "bad.yaml"
    bad.write_text("- code: X\n  partner: P\n  issuer: did:x\n  grants: {credits: many, unit: ects}\n")
    result = run(db, "agreements", "--import", str(bad))
    assert result.exit_code == 2
    assert "line 4, column 21: grants.credits must be a number" in result.stderr
