"""The audit log's hash chain on SQLite and PostgreSQL: round trips, tampering in SQL, concurrent
appends, and the upgrade from revision 0004 chaining the entries already there."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text, update
from sqlalchemy.engine import make_url

from credstack.domain.audit_chain import AuditDraft, BreakKind, ChainHead, entry_hash, seal
from credstack.domain.canonical_json import json_value
from credstack.services.audit_trail import verify_audit_log
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.db import make_engine, migrate, normalise_url
from credstack.store.tables import audit_log
from tests.conftest import POSTGRES_URL

AWKWARD = {
    "zeta": 1,
    "alpha": {"b": [1e20, 2.0, -0.0, 0.1, 1.5e-07], "a": 10**30 + 1},
    "text": 'Zoë ✓ \u2028 "quoted"',
    "credits": Decimal("7.50"),
    "earned": date(2026, 1, 2),
    "none": None,
}


def record(engine: Engine, n: int, **extra: object) -> None:
    uow = UnitOfWork(engine)
    for i in range(n):
        with uow:
            uow.audit.record(
                actor=f"user{i}@example.org",
                action="award.revoke",
                subject_type="award",
                subject_id=f"award-{i}",
                detail={"reason": "test", "n": i},
                before={"status": "active"},
                after={"status": "revoked"},
                **extra,  # type: ignore[arg-type]
            )
            uow.commit()


def verify(engine: Engine, **kwargs: object):  # type: ignore[no-untyped-def]
    return verify_audit_log(UnitOfWork(engine), page_size=2, **kwargs)  # type: ignore[arg-type]


def test_an_untouched_log_verifies(engine):
    record(engine, 5)
    advanced: list[int] = []
    report = verify(engine, advance=advanced.append)
    assert report.valid and report.entries == 5
    assert advanced == [2, 2, 1]  # paged, not loaded at once
    with UnitOfWork(engine) as uow:
        assert report.head == uow.audit.head() and report.head is not None and report.head.seq == 5


def test_an_entry_reads_back_as_it_was_hashed(engine):
    moment = datetime(2026, 5, 6, 7, 8, 9, 654321, tzinfo=UTC)
    uow = UnitOfWork(engine)
    with uow:
        uow.audit.clock = lambda: moment
        written = uow.audit.record(
            actor="registrar",
            action="award.issued",
            subject_type="award",
            subject_id=uuid.UUID(int=7),
            detail=AWKWARD,
            before=None,
            after={"status": "active", "list": ["revocation", 3]},
        )
        uow.commit()
    expected = seal(
        AuditDraft(
            at=moment,
            actor="registrar",
            action="award.issued",
            subject_type="award",
            subject_id=str(uuid.UUID(int=7)),
            detail=json_value(AWKWARD),
            after={"status": "active", "list": ["revocation", 3]},
        ),
        None,
    )
    assert written.hash == expected.hash  # the same on both databases
    with uow:
        [stored] = uow.audit.page()
        assert uow.conn.execute(select(audit_log.c.before.is_(None))).scalar_one()  # SQL NULL
    assert stored.at == moment and stored.at.microsecond == 654321
    assert stored.detail["credits"] == "7.50" and stored.detail["earned"] == "2026-01-02"
    assert entry_hash(stored) == stored.hash == expected.hash


def test_an_entry_edited_with_sql_fails_naming_it(engine):
    record(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
    report = verify(engine)
    assert report.first is not None
    assert (report.first.kind, report.first.seq) == (BreakKind.EDITED, 3)
    assert report.first.message.startswith("entry seq 3 (id ")
    assert len(report.breaks) == 1


def test_a_json_value_edited_in_place_fails(engine):
    record(engine, 3)
    set_n = (
        "jsonb_set(detail, '{n}', '99')"
        if engine.dialect.name == "postgresql"
        else "json_set(detail, '$.n', 99)"
    )
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE audit_log SET detail = {set_n} WHERE seq = 2"))
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(after={"status": "active"}))
    report = verify(engine)
    assert [(b.kind, b.seq) for b in report.breaks] == [(BreakKind.EDITED, 2), (BreakKind.EDITED, 3)]


def test_a_deleted_entry_fails(engine):
    record(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    report = verify(engine)
    assert report.first is not None
    assert (report.first.kind, report.first.seq) == (BreakKind.DELETED, 3)
    assert "seq 2 missing" in report.first.message


def test_a_rewritten_entry_with_a_fresh_hash_fails_at_the_next(engine):
    record(engine, 4)
    with UnitOfWork(engine) as uow:
        [entry] = [e for e in uow.audit.page() if e.seq == 2]
    forged = entry.__class__(**{**entry.__dict__, "actor": "mallory"})
    with engine.begin() as conn:
        conn.execute(
            update(audit_log).where(audit_log.c.seq == 2).values(actor="mallory", hash=entry_hash(forged))
        )
    report = verify(engine)
    assert report.first is not None and (report.first.kind, report.first.seq) == (BreakKind.UNCHAINED, 3)


def test_a_cut_tail_fails_against_the_recorded_head(engine):
    record(engine, 3)
    head = verify(engine).head
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    assert verify(engine).valid  # nothing in the log itself shows it
    report = verify(engine, anchor=head)
    assert report.first is not None and report.first.kind == BreakKind.TRUNCATED


def test_concurrent_writers_never_chain_to_the_same_entry(engine):
    writers, each = 4, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(w: int) -> None:
        try:
            start.wait()
            record(engine, each, institution_id=None)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    report = verify(engine)
    assert report.valid and report.entries == writers * each
    with engine.connect() as conn:
        seqs = conn.execute(select(audit_log.c.seq).order_by(audit_log.c.id)).scalars().all()
    assert seqs == list(range(1, writers * each + 1))


def test_a_second_writer_waits_for_the_first_to_commit(engine):
    """The first writer holds the head until it commits; the second then chains to its entry
    (without the lock both would read the same head and one would fail on the unique seq)."""
    record(engine, 1)
    appended = threading.Event()
    order: list[str] = []

    def first() -> None:
        uow = UnitOfWork(engine)
        with uow:
            uow.audit.record(actor="a", action="x", subject_type="t", subject_id=1)
            appended.set()
            time.sleep(0.5)
            order.append("first commits")
            uow.commit()

    def second() -> None:
        appended.wait()
        uow = UnitOfWork(engine)
        with uow:  # SQLite: BEGIN IMMEDIATE waits here; PostgreSQL: the advisory lock in record()
            uow.audit.record(actor="b", action="x", subject_type="t", subject_id=2)
            order.append("second appended")
            uow.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order == ["first commits", "second appended"]
    assert verify(engine).valid
    with UnitOfWork(engine) as uow:
        assert [(e.seq, e.actor) for e in uow.audit.page()][1:] == [(2, "a"), (3, "b")]


# ---- the upgrade from 0004 ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """An empty database with no schema at all, on each database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("CREDSTACK_TEST_POSTGRES_URL is not set")
    admin_url = make_url(normalise_url(POSTGRES_URL))
    name = f"credstack_upgrade_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_upgrade_from_0004_chains_existing_entries(fresh_engine):
    migrate(fresh_engine, "0004")
    with fresh_engine.begin() as conn:
        institution = conn.execute(
            text(
                "INSERT INTO institutions (slug, name, ects_per_credit_hour, currency) "
                "VALUES ('old', 'Old', 0.5, 'EUR') RETURNING id"
            )
        ).scalar_one()
        for i in range(2503):  # more than one page of the migration
            conn.execute(
                text(
                    "INSERT INTO audit_log (institution_id, actor, action, subject_type, subject_id, detail) "
                    "VALUES (:inst, :actor, 'award.issued', 'award', :subject, :detail)"
                ),
                {
                    "inst": institution if i % 2 else None,
                    "actor": f"user{i}",
                    "subject": f"award-{i}",
                    "detail": f'{{"z": 1, "a": [1e20, 2.0, "x"], "n": {i}}}',
                },
            )
        conn.execute(  # a later entry whose time has microseconds
            insert(audit_log).values(
                id=9999,
                at=datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
                actor="system",
                action="key.created",
                subject_type="signing_key",
                subject_id="1",
                detail={},
            )
        )
    migrate(fresh_engine)
    report = verify_audit_log(UnitOfWork(fresh_engine))
    assert report.valid and report.entries == 2504
    with UnitOfWork(fresh_engine) as uow:
        last = uow.audit.page(after_seq=2503)
        assert [(e.id, e.seq, e.at.microsecond) for e in last] == [(9999, 2504, 678901)]
        assert uow.audit.head() == ChainHead(2504, last[0].hash)
    record(fresh_engine, 2)
    assert verify_audit_log(UnitOfWork(fresh_engine)).entries == 2506
    assert verify_audit_log(UnitOfWork(fresh_engine)).valid
