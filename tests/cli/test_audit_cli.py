"""`credstack audit` as DESIGN.md's command-line contract describes it (no database)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from credstack.cli import app

runner = CliRunner()
PATHWAY = """\
id: CERT-DA
name: Certificate in Applied Data Analytics
awards: CERT-DA
requires:
  all:
    - achievement: MC-DA-101
    - n_of:
        n: 2
        of:
          - achievement: MC-DA-201
          - achievement: MC-DA-202
          - competency: {id: DA.2.1, min_level: 2}
    - credits:
        min: 6
        pool: {tags: [data]}
"""
AWARDS = [
    {
        "id": "a1",
        "achievement": "MC-DA-101",
        "credits": 3,
        "tags": ["data"],
        "earned": "2026-01-10",
        "competencies": {"DA.2.1": 2},
    },
    {"id": "a2", "achievement": "MC-DA-201", "credits": 4, "tags": ["data"], "earned": "2026-03-01"},
    {"id": "a3", "achievement": "MC-X", "credits": 3, "tags": ["data"], "earned": "2026-03-01"},
]
CATALOGUE = [
    {"achievement": "MC-DA-202", "price": 390, "credits": 4, "tags": ["data"]},
    {"achievement": "MC-DA-301", "price": 290, "credits": 3, "tags": ["data"], "competencies": {"DA.2.1": 3}},
    {"achievement": "MC-Y", "price": 150, "credits": 3, "tags": ["data"]},
]


def files(tmp_path: Path, awards: list[dict] = AWARDS) -> tuple[str, str, str]:
    (tmp_path / "p.yaml").write_text(PATHWAY)
    (tmp_path / "a.json").write_text(json.dumps(awards))
    (tmp_path / "c.json").write_text(json.dumps(CATALOGUE))
    return str(tmp_path / "p.yaml"), str(tmp_path / "a.json"), str(tmp_path / "c.json")


def test_audit_json_with_the_cheapest_plan(tmp_path):
    pathway, awards, catalogue = files(tmp_path)
    result = runner.invoke(
        app,
        [
            "audit",
            "--pathway",
            pathway,
            "--awards",
            awards,
            "--catalogue",
            catalogue,
            "--as-of",
            "2026-06-01",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["met"] is False
    # a1 carries DA.2.1 too, but it is the only MC-DA-101: it cannot also stand for the competency
    assert report["assignment"]["requires/all[0]/achievement"] == ["a1"]
    assert report["plan"] == {
        "achievements": ["MC-DA-301", "MC-Y"],
        "price": 440.0,
        "credits": 6.0,
        "hours": None,
        "metric": "price",
    }
    assert [a["price"] for a in report["alternatives"]] == [540.0, 680.0]


def test_the_plan_once_earned_completes_the_pathway(tmp_path):
    earned = [
        *AWARDS,
        {
            "id": "p1",
            "achievement": "MC-DA-301",
            "credits": 3,
            "tags": ["data"],
            "earned": "2026-05-01",
            "competencies": {"DA.2.1": 3},
        },
        {"id": "p2", "achievement": "MC-Y", "credits": 3, "tags": ["data"], "earned": "2026-05-02"},
    ]
    pathway, awards, _ = files(tmp_path, earned)
    result = runner.invoke(
        app, ["audit", "--pathway", pathway, "--awards", awards, "--as-of", "2026-06-01", "--json"]
    )
    report = json.loads(result.stdout)
    assert report["met"] is True and report["tree"]["status"] == "met"


def test_human_output_and_bad_files(tmp_path):
    pathway, awards, catalogue = files(tmp_path)
    shown = runner.invoke(
        app,
        [
            "audit",
            "--pathway",
            pathway,
            "--awards",
            awards,
            "--catalogue",
            catalogue,
            "--as-of",
            "2026-06-01",
        ],
    )
    assert (
        shown.exit_code == 0
        and "NOT MET" in shown.stdout
        and "cheapest plan: MC-DA-301, MC-Y" in shown.stdout
    )
    (tmp_path / "bad.yaml").write_text(PATHWAY.replace("n: 2", "n: 7"))
    bad = runner.invoke(app, ["audit", "--pathway", str(tmp_path / "bad.yaml"), "--awards", awards])
    assert bad.exit_code == 2 and "line 8" in bad.stderr
    (tmp_path / "bad.json").write_text('[{"id": "a1"}]')
    missing = runner.invoke(app, ["audit", "--pathway", pathway, "--awards", str(tmp_path / "bad.json")])
    assert missing.exit_code == 2 and "[0].achievement: is required" in missing.stderr


def test_pathway_add_imports_badgr_and_ctdl(tmp_path, shared):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert runner.invoke(app, ["--database", db, "demo", "--no-serve", "--learners", "0"]).exit_code == 0
    corpus = shared / "corpus/pathways"
    for fmt, name in [
        ("badgr", "badgr_empowering_teaching_excellence.json"),
        ("ctdl", "bakersfield_as_cs_csu_transfer.json"),
        ("ctdl-csv", "badgr_teaching_excellence.csv"),
    ]:
        added = runner.invoke(
            app,
            ["--database", db, "pathway", "add", str(corpus / name), "--from", fmt, "--awards", "DIP-DBT"],
        )
        assert added.exit_code == 0, added.output
        assert json.loads(added.stdout)["awards"] == "DIP-DBT"
    listed = runner.invoke(app, ["--database", db, "pathway", "list"])
    assert len(listed.stdout.splitlines()) == 3 + 3  # the demo's three stacks and the three imports
    wrong = runner.invoke(
        app,
        [
            "--database",
            db,
            "pathway",
            "add",
            str(corpus / "badgr_teaching_excellence.csv"),
            "--from",
            "badgr",
            "--awards",
            "DIP-DBT",
        ],
    )
    assert wrong.exit_code == 2
