"""Stacking on SQLite and PostgreSQL: an award that completes a pathway issues the stacked
credential with its CLR, once, up the stack; versions; exceptions; two processes at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from credstack.credentials.verifier import verify_credential
from credstack.domain.errors import InvalidInput
from credstack.services.demo import seed_demo
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest
from credstack.services.stacking import audit_learner, issue_and_stack, save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment
from credstack.settings import Settings
from credstack.store.tables import achievements, awards

CERT_DA = b"""
id: CERT-DA
name: Certificate in Applied Data Analytics
awards: CERT-DA
requires:
  all:
    - achievement: MC-DA-101
    - achievement: MC-DA-102
    - n_of:
        n: 1
        of:
          - achievement: MC-DA-201
          - achievement: MC-DA-202
"""
DIPLOMA = b"""
id: DIP-DBT
name: Diploma in Digital Business Technology
awards: DIP-DBT
requires:
  all:
    - pathway: CERT-DA
    - achievement: MC-DB-101
"""


@pytest.fixture
def env(engine: Engine) -> tuple[UnitOfWork, Settings]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), institution_slug="stack"
    )
    uow = UnitOfWork(engine)
    seed_demo(uow, settings=settings, learners=0)
    institution = institution_from_settings(settings)
    save_pathway(uow, institution=institution, data=CERT_DA, filename="cert-da.yaml", actor="designer")
    save_pathway(uow, institution=institution, data=DIPLOMA, filename="diploma.yaml", actor="designer")
    return uow, settings


def earn(uow: UnitOfWork, settings: Settings, code: str, email: str = "ada@example.org"):
    return issue_and_stack(
        uow,
        settings=settings,
        institution=institution_from_settings(settings),
        actor="t",
        request=IssueRequest(code, email, "Ada Lovelace"),
    )


def held(engine: Engine, email_code: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(achievements.c.code).join(awards, awards.c.achievement_id == achievements.c.id)
        )
        return sorted(r.code for r in rows if r.code.startswith(email_code))


def test_completing_a_pathway_issues_the_stack_once_and_recurses(env, engine):
    uow, settings = env
    for code in ("MC-DA-101", "MC-DA-102"):
        earn(uow, settings, code)
    assert held(engine, "CERT") == []
    earn(uow, settings, "MC-DB-101")
    earn(uow, settings, "MC-DA-202")  # completes the certificate
    assert held(engine, "CERT") == ["CERT-DA"] and held(engine, "DIP") == ["DIP-DBT"]  # and so the diploma
    earn(uow, settings, "MC-DA-201")  # nothing more to stack: nothing twice
    assert held(engine, "CERT") == ["CERT-DA"] and held(engine, "DIP") == ["DIP-DBT"]
    with uow:
        found = uow.institutions.get("stack")
        assert found is not None
        rows = {a.achievement_code: a for a in uow.awards.recent(found[0], 20)}
    cert = rows["CERT-DA"]
    assert cert.clr is not None and len(cert.components or []) == 3
    clr = cert.clr
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert {a["associationType"] for a in clr["credentialSubject"]["association"]} == {
        "isParentOf",
        "isPartOf",
    }
    assert len(clr["credentialSubject"]["verifiableCredential"]) == 4
    report = verify_credential(
        clr, environment(uow, settings=settings, institution=institution_from_settings(settings))
    )
    assert report.verified, report.errors
    diploma = rows["DIP-DBT"]
    assert diploma.components is not None and cert.public_id in diploma.components


def test_audit_versions_prefer_what_is_better_for_the_learner(env):
    uow, settings = env
    institution = institution_from_settings(settings)
    earn(uow, settings, "MC-DA-101")
    _, current = save_pathway(uow, institution=institution, data=CERT_DA, filename="same.yaml", actor="d")
    stricter = CERT_DA.replace(b"n: 1", b"n: 2")
    _, version = save_pathway(uow, institution=institution, data=stricter, filename="v2.yaml", actor="d")
    assert version == current + 1  # the unchanged file added no version; the changed one did
    result = audit_learner(
        uow, institution=institution, learner_email="ada@example.org", pathway_code="CERT-DA"
    )
    assert result.version in (current, version) and "version" in result.why
    assert not result.audit.met


def test_a_bad_pathway_file_names_its_line(env):
    uow, settings = env
    with pytest.raises(InvalidInput) as info:
        save_pathway(
            uow,
            institution=institution_from_settings(settings),
            data=CERT_DA.replace(b"n: 1", b"n: 5"),
            filename="bad.yaml",
            actor="d",
        )
    assert any("line" in p.location for p in info.value.problems)
    with pytest.raises(InvalidInput, match="no achievement 'NOPE'"):
        save_pathway(
            uow,
            institution=institution_from_settings(settings),
            data=CERT_DA.replace(b"awards: CERT-DA", b"awards: NOPE"),
            filename="x.yaml",
            actor="d",
        )


@pytest.mark.slow
def test_two_processes_completing_the_stack_at_once_issue_one(env, engine, tmp_path: Path):
    uow, settings = env
    for code in ("MC-DA-101", "MC-DA-102"):
        earn(uow, settings, code)
    script = tmp_path / "finish.py"
    script.write_text(
        "import sys\n"
        "from credstack.settings import Settings\n"
        "from credstack.store.db import make_engine\n"
        "from credstack.services.unit_of_work import UnitOfWork\n"
        "from credstack.services.institutions import institution_from_settings\n"
        "from credstack.services.issuance import IssueRequest\n"
        "from credstack.services.stacking import issue_and_stack\n"
        "s = Settings(database_url=sys.argv[1], institution_slug='stack')\n"
        "u = UnitOfWork(make_engine(s.database_url))\n"
        "issue_and_stack(u, settings=s, institution=institution_from_settings(s), actor='p',\n"
        "    request=IssueRequest(sys.argv[2], 'ada@example.org', 'Ada Lovelace'))\n"
    )
    env_vars = {**os.environ}
    procs = [
        subprocess.Popen([sys.executable, str(script), settings.database_url, code], env=env_vars)
        for code in ("MC-DA-201", "MC-DA-202")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(awards)
            .join(achievements, awards.c.achievement_id == achievements.c.id)
            .where(achievements.c.code == "CERT-DA")
        ).scalar_one()
    assert count == 1


def test_a_newer_draft_does_not_replace_the_published_version_in_audits(env, engine):
    from credstack.domain.identity import Principal, Role

    uow, settings = env
    institution = institution_from_settings(settings)
    earn(uow, settings, "MC-DA-101")
    with uow:
        institution_id = uow.institutions.get(institution.slug)[0]
    designer = Principal(1, "d@example.org", "D", institution_id, frozenset({Role.DESIGNER}))
    draft = CERT_DA.replace(b"    - achievement: MC-DA-102\n", b"")
    _, version = save_pathway(
        uow,
        institution=institution,
        data=draft,
        filename="draft.yaml",
        actor="d@example.org",
        author=designer,
    )
    found = audit_learner(
        uow, institution=institution, learner_email="ada@example.org", pathway_code="CERT-DA"
    )
    assert found.version < version  # the draft (which would be better for Ada) is not used
    assert "MC-DA-102" in str(found.audit.as_json())


def test_a_met_pathway_whose_award_is_retired_is_logged_not_raised(env, engine):
    from sqlalchemy import update

    from credstack.store.tables import audit_log

    uow, settings = env
    with engine.begin() as conn:
        conn.execute(update(achievements).where(achievements.c.code == "CERT-DA").values(state="retired"))
    for code in ("MC-DA-101", "MC-DA-102", "MC-DA-201"):
        issued = earn(uow, settings, code)
    assert issued.created  # the component is issued even though the stack cannot be
    assert held(engine, "CERT-DA") == []
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "stack.not_awardable")
        ).all()
    assert rows and rows[-1].detail["learner"] == "ada@example.org"
