"""Curriculum mapping use cases on SQLite and PostgreSQL: the demo's course catalogue and the
diploma's real gaps, course imports (all or nothing, audited, the same file again changes
nothing), courses closing a gap, and the CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from credstack.domain.errors import InvalidInput
from credstack.services import curriculum as service
from credstack.services.demo import seed_demo
from credstack.services.demo_courses import COURSES
from credstack.services.institutions import institution_from_settings
from credstack.settings import Settings
from credstack.store.tables import audit_log
from tests.conftest import snapshot


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="sqlite://", institution_slug="curriculum", institution_name="Curriculum U")


@pytest.fixture
def demo(uow, settings):
    seed_demo(uow, settings=settings, learners=0)
    return institution_from_settings(settings)


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def audit_entries(engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.seq))
        return [dict(r._mapping) for r in rows]


def test_the_demo_diploma_has_real_gaps_and_aligned_courses(uow, demo):
    courses = service.list_courses(uow, institution=demo)
    assert sorted(s.course.code for s in courses) == sorted(c[0] for c in COURSES)
    found = service.curriculum(uow, institution=demo, code="DIP-DBT")
    m = found.map
    assert [c.code for c in m.stack.credentials] == ["CERT-DA", "CERT-CSE"]
    assert {c.outcome.competency.code: c.status for c in m.coverage} == {
        "DA": "covered",
        "SD": "partial",
        "CI": "partial",
        "DB.1": "covered",
        "PP.1": "covered",
    }
    gaps = {g.competency.code: g for c in m.coverage for g in c.gaps}
    assert sorted(gaps) == ["CI.1.2", "SD.1.1"]
    python = gaps["SD.1.1"]  # MC-DA-101 reaches it at 1 only; the demo's Python course at 2
    assert (python.best, python.remedy) == (1, "course")
    assert [(x.course.code, x.level) for x in python.courses] == [("NB-COMP110", 2)]
    assert [(a.code, level) for a, level in python.achievements] == [("MC-SD-101", 2)]
    cost = gaps["CI.1.2"]  # the cloud course reaches cost management at 1: a new module is needed
    assert (cost.best, cost.remedy) == (1, "new-module")
    assert [(x.course.code, x.level, x.meets) for x in cost.courses] == [("NB-CLD210", 1, False)]
    assert {f.kind for f in m.flags} == {"overlap"}


def test_terminals_are_the_credentials_a_pathway_awards(uow, demo):
    found = service.terminals(uow, institution=demo)
    assert [(t.achievement.code, t.pathways) for t in found] == [
        ("CERT-CSE", ("CERT-CSE",)),
        ("CERT-DA", ("CERT-DA",)),
        ("DIP-DBT", ("DIP-DBT",)),
    ]
    by_code = {t.achievement.code: t for t in found}
    assert by_code["CERT-DA"].count("covered") == 3 and by_code["CERT-DA"].count("partial") == 0
    assert by_code["DIP-DBT"].count("partial") == 2


def test_import_replaces_resolves_keys_and_is_audited_once(uow, engine, demo):
    imported = audit_entries(engine, "courses.imported")
    assert [e["detail"]["courses"] for e in imported] == [len(COURSES)]  # the demo's, once
    found = service.curriculum(uow, institution=demo, code="CERT-CSE")
    cost = found.tree.items[found.tree.resolve("CI.1.2") or ""]
    text = (
        "code,title,credits,level,competencies\n"
        f"FIN-300,Cloud FinOps,5,6,{cost.identifier}:2\n"  # by identifier
        "OPS-1,Operations,2.5,5,CI.1.1:3; SD.1.2:1\n"  # by code
    )
    done = service.import_courses(
        uow, institution=demo, data=text.encode(), filename="new.csv", actor="tester"
    )
    assert (done.courses, done.replaced, done.unchanged) == (2, len(COURSES), False)
    stored = {s.course.code: s for s in service.list_courses(uow, institution=demo)}
    assert sorted(stored) == ["FIN-300", "OPS-1"]
    assert stored["FIN-300"].course.competencies == ((cost.identifier, 2),)
    sd12 = found.tree.resolve("SD.1.2")
    assert stored["OPS-1"].course.competencies[1] == (sd12, 1)
    assert stored["OPS-1"].source == "new.csv"
    entries = audit_entries(engine, "courses.imported")
    assert entries[-1]["actor"] == "tester"
    assert entries[-1]["detail"] == {"file": "new.csv", "courses": 2, "replaced": len(COURSES)}

    before = snapshot(engine)
    again = service.import_courses(uow, institution=demo, data=text.encode(), filename="new.csv", actor="x")
    assert again.unchanged and snapshot(engine) == before

    # the new course closes the certificate's gap
    gap = next(
        g for c in service.curriculum(uow, institution=demo, code="CERT-CSE").map.coverage for g in c.gaps
    )
    assert (gap.competency.code, gap.remedy) == ("CI.1.2", "course")
    assert [(x.course.code, x.meets) for x in gap.courses] == [("FIN-300", True)]


def test_a_failing_import_changes_nothing(uow, engine, demo):
    before = snapshot(engine)
    bad = (
        "code,title,credits,level,competencies\n"
        "OK-1,Fine,5,5,DA.1.1:2\n"
        "BAD-1,Unknown competency,5,5,DA.1.1:2; ZZ.9:2\n"
        "BAD-2,Bad level,5,5,SD.1.1:7\n"
    )
    with pytest.raises(InvalidInput) as caught:
        service.import_courses(uow, institution=demo, data=bad.encode(), filename="bad.csv", actor="t")
    assert [str(p) for p in caught.value.problems] == [
        "line 4 (BAD-2) competencies: level of 'SD.1.1' must be 1-4, not 7"
    ]
    with pytest.raises(InvalidInput) as caught:
        service.import_courses(
            uow, institution=demo, data=bad.replace(":7", ":2").encode(), filename="bad.csv", actor="t"
        )
    assert caught.value.source == "bad.csv"
    assert [str(p) for p in caught.value.problems] == [
        "line 3 (BAD-1) competencies: no competency 'ZZ.9' in any framework"
    ]
    assert snapshot(engine) == before


def test_csv_exports_follow_the_map(uow, demo):
    found = service.curriculum(uow, institution=demo, code="DIP-DBT")
    m = found.map
    matrix = read(service.export_csv(found, "matrix"))
    assert list(matrix[0])[-len(m.matrix.columns) :] == [c.code for c in m.matrix.columns]
    assert [r["competency"] for r in matrix] == [r.competency.label for r in m.matrix.rows]
    sd = next(r for r in matrix if r["competency"] == "SD")
    assert (sd["required_level"], sd["covered_level"]) == ("2", "1")
    assert sd["MC-DA-101"] == "1 via SD.1.1" and sd["MC-DB-101"] == ""

    gaps = read(service.export_csv(found, "gaps"))
    expected = []
    for c in m.coverage:
        if not c.gaps:
            expected.append((c.outcome.competency.label, c.status, "", ""))
        expected += [(c.outcome.competency.label, c.status, g.competency.label, g.remedy) for g in c.gaps]
    assert [(r["outcome"], r["outcome_status"], r["gap_competency"], r["remedy"]) for r in gaps] == expected
    python = next(r for r in gaps if r["gap_competency"] == "SD.1.1")
    assert (python["courses"], python["achievements_outside_stack"]) == ("NB-COMP110:2", "MC-SD-101:2")
    assert {r["outcome"] for r in gaps} == {c.outcome.competency.label for c in m.coverage}

    coherence = read(service.export_csv(found, "coherence"))
    assert [(r["severity"], r["kind"], r["message"]) for r in coherence] == [
        (f.severity, f.kind, f.message) for f in m.flags
    ]
    with pytest.raises(InvalidInput):
        service.export_csv(found, "everything")
