"""The audit log's hash chain without a database: sealing, every kind of break, and jsonb round trips."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from credstack.domain.audit_chain import (
    GENESIS,
    HASHED,
    AuditDraft,
    BreakKind,
    ChainEntry,
    ChainHead,
    entry_hash,
    hash_input,
    seal,
    verify_chain,
)

T0 = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def draft(n: int, **changes: Any) -> AuditDraft:
    base = AuditDraft(
        at=T0 + timedelta(seconds=n),
        actor="registrar@example.org",
        action="award.revoke",
        subject_type="award",
        subject_id=f"award-{n}",
        institution_id=1,
        detail={"reason": "plagiarism", "n": n},
        before={"status": "active"},
        after={"status": "revoked"},
    )
    return replace(base, **changes)


def chain(n: int) -> list[ChainEntry]:
    entries: list[ChainEntry] = []
    for i in range(1, n + 1):
        head = ChainHead(entries[-1].seq, entries[-1].hash) if entries else None
        entries.append(replace(seal(draft(i), head), id=i))
    return entries


# ---- sealing --------------------------------------------------------------------------------


def test_the_hash_is_sha256_of_the_documented_serialisation():
    entry = seal(draft(1), None)
    assert hash_input(entry) == (
        '{"action":"award.revoke","actor":"registrar@example.org","after":{"status":"revoked"},'
        '"at":"2026-03-01T09:30:01.123456+00:00","before":{"status":"active"},'
        '"detail":{"n":1,"reason":"plagiarism"},"institution_id":1,'
        f'"prev_hash":"{GENESIS}","seq":1,"subject_id":"award-1","subject_type":"award"}}'
    )
    # pinned: changing the serialisation would break every stored chain
    assert entry.hash == "427aa0a7a38532e5c8d9c15bac2d718cea8079f9ec47974eb08b79899b0e4cc6"


def test_the_time_is_hashed_in_utc_whatever_zone_it_came_in():
    here = draft(1).at.astimezone(timezone(timedelta(hours=-5)))
    assert entry_hash(replace(seal(draft(1), None), at=here)) == seal(draft(1), None).hash


def test_entries_link_in_seq_order():
    entries = chain(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert all(len(e.hash) == 64 for e in entries)


# ---- breaks ---------------------------------------------------------------------------------


def test_an_untouched_chain_verifies():
    report = verify_chain(chain(5))
    assert report.valid and report.entries == 5 and report.complete
    assert report.head == ChainHead(5, chain(5)[-1].hash)
    assert verify_chain([]).valid and verify_chain([]).head is None


def test_an_edited_entry_is_named():
    entries = chain(5)
    entries[2] = replace(entries[2], actor="mallory")
    report = verify_chain(entries)
    assert report.first is not None
    assert (report.first.kind, report.first.seq, report.first.id) == (BreakKind.EDITED, 3, 3)
    assert report.first.message.startswith("entry seq 3 (id 3, award.revoke): was edited")
    assert len(report.breaks) == 1  # the entries after it still chain to its stored hash


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link():
    entries = chain(5)
    forged = replace(entries[2], actor="mallory")
    entries[2] = replace(forged, hash=entry_hash(forged))
    report = verify_chain(entries)
    assert report.first is not None
    assert (report.first.kind, report.first.seq) == (BreakKind.UNCHAINED, 4)
    assert "does not chain to seq 3" in report.first.message


def test_a_deleted_entry_leaves_a_gap():
    entries = chain(5)
    del entries[1]
    report = verify_chain(entries)
    assert report.first is not None
    assert (report.first.kind, report.first.seq) == (BreakKind.DELETED, 3)
    assert "seq 2 missing" in report.first.message
    first_gone = verify_chain(chain(5)[1:]).first
    assert first_gone is not None and first_gone.message.endswith(
        "follows the start of the log: seq 1 missing (deleted)"
    )


def test_a_cut_tail_is_caught_only_against_a_recorded_head():
    entries = chain(5)
    head = ChainHead(5, entries[-1].hash)
    assert verify_chain(entries[:3]).valid
    report = verify_chain(entries[:3], anchor=head)
    assert report.first is not None
    assert (report.first.kind, report.first.seq) == (BreakKind.TRUNCATED, 5)
    assert verify_chain(entries, anchor=head).valid
    assert verify_chain(entries, anchor=ChainHead(5, "f" * 64)).first is not None
    assert verify_chain([], anchor=head).first is not None


def test_reordered_entries():
    entries = chain(4)
    entries[1], entries[2] = entries[2], entries[1]
    report = verify_chain(entries)
    assert report.first is not None and report.first.kind == BreakKind.DELETED  # seq 3 after seq 1
    assert report.breaks[1].kind == BreakKind.REORDERED  # then seq 2 after seq 3
    moved = chain(3)
    moved[0], moved[1] = replace(moved[1], seq=1), replace(moved[0], seq=2)  # seq swapped too
    assert {b.kind for b in verify_chain(moved).breaks} == {BreakKind.UNCHAINED}
    assert verify_chain(moved).breaks[0].seq == 1


def test_a_value_json_cannot_hold_is_reported_not_raised():
    entries = chain(2)
    entries[0] = replace(entries[0], detail={"n": float("inf")})
    found = verify_chain(entries).first
    assert found is not None and found.kind == BreakKind.EDITED and "cannot be hashed" in found.message


def test_the_walk_stops_at_the_break_limit():
    entries = [replace(e, actor="mallory") for e in chain(10)]
    report = verify_chain(entries, max_breaks=3)
    assert len(report.breaks) == 3 and not report.complete


def test_head_parsing():
    digest = "A" * 64
    assert ChainHead.parse(f"12:{digest}") == ChainHead(12, "a" * 64)
    assert str(ChainHead(12, "a" * 64)) == f"12:{'a' * 64}"
    for bad in ("12", "0:" + digest, "x:" + digest, "12:abc"):
        with pytest.raises(ValueError):
            ChainHead.parse(bad)


# ---- properties -----------------------------------------------------------------------------

PROPERTIES = settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
json_data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
texts = st.text(min_size=1, max_size=8)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "seq": st.integers(0, 20),
    "at": moments,
    "institution_id": st.none() | st.integers(1, 5),
    "actor": texts,
    "action": texts,
    "subject_type": texts,
    "subject_id": texts,
    "detail": json_data,
    "before": json_data,
    "after": json_data,
    "prev_hash": hex64,
    "hash": hex64,
}
assert set(FIELD_VALUES) == {*HASHED, "hash"}


@st.composite
def random_chains(draw: st.DrawFn) -> list[ChainEntry]:
    entries: list[ChainEntry] = []
    for i in range(1, draw(st.integers(1, 8)) + 1):
        new = AuditDraft(
            at=draw(moments),
            actor=draw(texts),
            action=draw(texts),
            subject_type=draw(texts),
            subject_id=draw(texts),
            institution_id=draw(st.none() | st.integers(1, 5)),
            detail=draw(json_data),
            before=draw(json_data),
            after=draw(json_data),
        )
        head = ChainHead(entries[-1].seq, entries[-1].hash) if entries else None
        entries.append(replace(seal(new, head), id=i))
    return entries


@PROPERTIES
@given(random_chains(), st.data())
def test_any_single_field_edit_of_any_entry_is_detected(entries, data):
    assert verify_chain(entries).valid
    index = data.draw(st.integers(0, len(entries) - 1))
    name = data.draw(st.sampled_from(sorted(FIELD_VALUES)))
    original = entries[index]
    edited = replace(original, **{name: data.draw(FIELD_VALUES[name])})
    if name == "hash":
        assume(edited.hash != original.hash)
    else:
        assume(hash_input(edited) != hash_input(original))  # 2 -> 2.0 is no edit
    entries[index] = edited
    report = verify_chain(entries)
    assert report.first is not None
    assert report.first.id == original.id


@PROPERTIES
@given(random_chains(), st.data())
def test_deleting_any_entry_is_detected(entries, data):
    head = ChainHead(entries[-1].seq, entries[-1].hash)
    index = data.draw(st.integers(0, len(entries) - 1))
    del entries[index]
    assert not verify_chain(entries, anchor=head).valid
    if index < len(entries):  # not the last: detected without a recorded head as well
        report = verify_chain(entries)
        assert report.first is not None and report.first.id == entries[index].id


def _like_jsonb(value: Any) -> Any:
    """What PostgreSQL's jsonb hands back: keys in its own order, numbers as exact decimals."""
    if isinstance(value, dict):
        return {k: _like_jsonb(value[k]) for k in sorted(value, key=lambda k: (len(k), k), reverse=True)}
    if isinstance(value, list):
        return [_like_jsonb(v) for v in value]
    if isinstance(value, float):
        return 0.0 if value == 0 else json.loads(format(Decimal(repr(value)), "f"))
    return value


@PROPERTIES
@given(json_data)
def test_jsonb_key_order_and_number_forms_do_not_change_the_hash(value):
    entry = seal(draft(1, detail=value, after=value), None)
    assert entry_hash(replace(entry, detail=_like_jsonb(value), after=_like_jsonb(value))) == entry.hash
