"""`credstack analytics refresh` and `show`: the refresh reports what it built; show prints a
metric as the API does, for the user named by --as, and refuses a learner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from credstack.cli import app
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.analytics_builders import seed_small

runner = CliRunner()


def test_refresh_then_show(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    institution = institution_from_settings(Settings(database_url=f"sqlite:///{db}"))
    seed_small(UnitOfWork(engine), institution)
    for email, role in (("reg@example.org", "registrar"), ("ada@example.org", "learner")):
        add_user(
            UnitOfWork(engine), institution=institution, email=email, name=email, roles=[role], actor="t"
        )
    engine.dispose()
    base = ["--database", f"sqlite:///{db}", "analytics"]
    done = runner.invoke(app, [*base, "refresh", "--as-of", "2026-01-01"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout.strip().splitlines()[-1])["enrolments"] == 6
    shown = runner.invoke(app, [*base, "show", "progression", "--as", "reg@example.org", "--pathway", "P"])
    assert shown.exit_code == 0, shown.output
    body = json.loads(shown.stdout)
    assert body["as_of"] == "2026-01-01" and [s["learners"] for s in body["funnel"]["stages"]] == [
        6,
        5,
        4,
        2,
        3,
    ]
    refused = runner.invoke(app, [*base, "show", "progression", "--as", "ada@example.org"])
    assert refused.exit_code != 0 and "registrar" in refused.output
    bad = runner.invoke(app, [*base, "show", "nothing", "--as", "reg@example.org"])
    assert bad.exit_code != 0 and "metric" in bad.output
