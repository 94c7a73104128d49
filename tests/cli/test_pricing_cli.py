"""`credstack pricing` and `credstack registrar`: a learner's quote with the cheapest named, the
ledger for a registrar, the records export by period, a transcript with its PDF and CLR; bad
input exits 2 naming the field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credstack.cli import app
from credstack.store.db import make_engine, migrate
from tests.pricing_builders import ADA, earn, price_models, seed_small, settings_for

runner = CliRunner()


def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    settings = settings_for(engine)
    people = seed_small(engine, settings)
    earn(engine, settings, "MC-DA-101", "MC-DA-102")
    price_models(engine, settings, people["registrar"])
    engine.dispose()
    return db


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--database", f"sqlite:///{db}", *args], env={
        "CREDSTACK_INSTITUTION_SLUG": "price", "CREDSTACK_BASE_URL": "https://credstack.test"})  # fmt: skip


def test_quote_ledger_export_and_transcript_from_the_command_line(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    quoted = run(db, "pricing", "quote", "--learner", ADA, "--pathway", "CERT-DA")
    assert quoted.exit_code == 0, quoted.output
    body = json.loads(quoted.stdout)
    assert {o["model"] for o in body["options"]} == {"modules", "da-bundle", "monthly"}
    assert body["cheapest"] == min(body["options"], key=lambda o: float(o["total"]))["model"]
    employer = json.loads(run(db, "pricing", "quote", "--learner", ADA, "--pathway", "CERT-DA",
                              "--tier", "employer", "--seats", "3").stdout)  # fmt: skip
    assert any(o["model"] == "seat" and o["total"] == "1800.00" for o in employer["options"])
    bad = run(db, "pricing", "quote", "--learner", ADA, "--pathway", "CERT-DA", "--tier", "gold")
    assert bad.exit_code == 2 and "tier" in bad.output
    assert run(db, "pricing", "orders", "--as", "reg@example.edu").exit_code == 0
    refused = run(db, "pricing", "orders", "--as", ADA)
    assert refused.exit_code != 0

    out = tmp_path / "records.csv"
    exported = run(db, "registrar", "export", "--since", "2000-01-01", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["achievement_id"] for r in rows} == {"MC-DA-101", "MC-DA-102"}
    assert run(db, "registrar", "export", "--since", "last week").exit_code == 2

    pdf, clr = tmp_path / "t.pdf", tmp_path / "t.json"
    shown = run(db, "registrar", "transcript", ADA, "--pdf", str(pdf), "--clr", str(clr))
    assert shown.exit_code == 0, shown.output
    assert len(json.loads(shown.stdout)["entries"]) == 2
    assert pdf.read_bytes().startswith(b"%PDF") and "ClrCredential" in json.loads(clr.read_text())["type"]
