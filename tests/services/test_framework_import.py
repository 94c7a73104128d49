"""Importing frameworks into the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from credstack.domain.errors import InvalidInput
from credstack.services.frameworks import export_framework, framework_view, import_framework
from credstack.store.tables import audit_log, competencies
from tests.conftest import snapshot

WSCB = "corpus/case/opensalt_what_standards_could_be.json"


def test_import_stores_every_item_and_association(uow, institution, shared):
    data = (shared / WSCB).read_bytes()
    result = import_framework(uow, institution=institution, data=data, filename="wscb.json")
    assert (result.competencies, result.associations, result.max_depth) == (16, 39, 3)
    assert result.external_associations == 21 and not result.unchanged
    exported = export_framework(uow, result.framework_id)
    original = json.loads(data)
    assert {i["identifier"] for i in exported["CFItems"]} == {i["identifier"] for i in original["CFItems"]}
    assert {a["identifier"] for a in exported["CFAssociations"]} == {
        a["identifier"] for a in original["CFAssociations"]
    }
    with uow.engine.connect() as conn:
        depths = conn.execute(select(competencies.c.depth, func.count()).group_by(competencies.c.depth)).all()
        assert dict(depths) == {1: 2, 2: 6, 3: 8}
        assert conn.execute(select(audit_log.c.action)).scalars().all() == ["framework.imported"]


def test_same_file_twice_changes_nothing_and_a_change_is_a_new_revision(uow, institution, shared, engine):
    data = (shared / WSCB).read_bytes()
    first = import_framework(uow, institution=institution, data=data, filename="wscb.json")
    before = snapshot(engine)
    again = import_framework(uow, institution=institution, data=data, filename="wscb.json")
    assert again.unchanged and again.framework_id == first.framework_id
    assert snapshot(engine) == before
    changed = json.loads(data)
    changed["CFItems"][0]["fullStatement"] = "A revised statement."
    second = import_framework(
        uow, institution=institution, data=json.dumps(changed).encode(), filename="v2.json"
    )
    assert (second.revision, second.unchanged) == (2, False)
    assert second.framework_id != first.framework_id


def test_round_trip_through_the_store_is_lossless(uow, institution, shared):
    data = (shared / "corpus/case/opensalt_act_holistic_math_excerpt.json").read_bytes()
    result = import_framework(uow, institution=institution, data=data, filename="act.json")
    exported = export_framework(uow, result.framework_id)
    again = import_framework(
        uow, institution=institution, data=json.dumps(exported).encode(), filename="x.json"
    )
    assert again.unchanged, "re-importing the export must match the stored framework exactly"


def bad_files(shared):
    valid = json.loads((shared / WSCB).read_bytes())
    text = json.dumps(valid, indent=2).encode()
    dup = json.loads(text)
    dup["CFItems"].append(dict(dup["CFItems"][0]))
    missing = json.loads(text)
    missing["CFAssociations"].append(
        {
            "identifier": "new-assoc",
            "associationType": "isChildOf",
            "originNodeURI": {"identifier": "no-such-item"},
            "destinationNodeURI": {"identifier": valid["CFDocument"]["identifier"]},
        }
    )
    csv_missing_parent = (
        (shared / "corpus/case/opensalt_sample_case_spreadsheet.csv")
        .read_text()
        .replace('"M.F.C2","1","Math.Fractions.Cluster2"', '"M.F.C2","1","Math.Fractions.Cluster2"')
        .replace(',"M.F.C2","","","","",""', ',"M.X.99","","","","",""')
    )
    return {
        "truncated.json": text[: len(text) * 2 // 3],
        "duplicate.json": json.dumps(dup).encode(),
        "missing.json": json.dumps(missing).encode(),
        "missing-parent.csv": csv_missing_parent.encode(),
    }


@pytest.mark.parametrize("name", ["truncated.json", "duplicate.json", "missing.json", "missing-parent.csv"])
def test_a_bad_file_leaves_the_database_exactly_as_it_was(uow, institution, shared, engine, name):
    import_framework(uow, institution=institution, data=(shared / WSCB).read_bytes(), filename="ok.json")
    before = snapshot(engine)
    data = bad_files(shared)[name]
    with pytest.raises(InvalidInput) as info:
        import_framework(uow, institution=institution, data=data, filename=name)
    assert info.value.problems and all(p.location for p in info.value.problems)
    assert snapshot(engine) == before


def test_failure_while_writing_rolls_back(uow, institution, shared, engine, monkeypatch):
    """A failure after some rows were written (here: the audit write) leaves nothing behind."""
    before = snapshot(engine)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("credstack.store.audit.AuditLog.record", boom)
    with pytest.raises(RuntimeError):
        import_framework(uow, institution=institution, data=(shared / WSCB).read_bytes(), filename="ok.json")
    assert snapshot(engine) == before


def test_tree_view(uow, institution, shared):
    data = (shared / "corpus/case/opensalt_sample_case_spreadsheet.csv").read_bytes()
    result = import_framework(uow, institution=institution, data=data, filename="sample.csv", title="Sample")
    view = framework_view(uow, result.framework_id)
    assert [n.row.competency.code for n in view.roots] == ["M", "M.E.C1", "M.E"]  # by sequenceNumber
    chain, node = [], view.roots[0]
    while node.children:
        node = node.children[0]
        chain.append(node.row.competency.code)
    assert chain == ["M.F", "M.F.1-2", "M.F.1-2.S1", "M.F.1-2.S1a"]
    assert view.count == 10
