"""Benchmark: the moderation report over 100,000 stored marks, on SQLite and PostgreSQL.

Stores the synthetic marks of bench_moderation_report.py (40 assessors over 5 sites, 8 cohorts,
12 achievements, 30% second-marked, third marks on disagreement, one assessor and one site
drifting) as submissions, marker assignments and marks, then times what the API and the CLI
do for a report: read the marks with their grouping keys from the database
(``AssessmentRepository.mark_table``) and build the full report (``moderation_report``). The
reference, timed in the same run on the same database, is a plain ``SELECT`` of the same rows
(all the grouping keys of every mark in one joined query, every row fetched as the driver's
tuples, nothing else): the least any report over the stored marks pays. On PostgreSQL the
tables are analysed after the load, as autovacuum would. The ratio is credstack's time over that. Target (spec): under 2 s. Also
checks that the drifters are flagged, as in the in-memory benchmark.

    python bench/bench_moderation_store.py [--marks 100000] [--repeat 3] [--postgres URL]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from bench_moderation_report import check_flags, synthetic_marks
from credstack.domain.institution import Institution
from credstack.domain.moderation import Mark, moderation_report
from credstack.services.institutions import ensure_institution
from credstack.services.moderation import report_from_store
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.assessment import AssessmentRepository, MarkFilter
from credstack.store.db import make_engine, migrate, normalise_url
from credstack.store.tables import achievements, assignments, learners, marks, submissions, users

INSTITUTION = Institution(slug="bench-moderation", name="Bench")
AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
LEVEL_NAMES = ("Not yet", "Developing", "Proficient", "Exemplary", "Outstanding")


def store(engine: Engine, rows: list[Mark]) -> int:
    """Store the marks as the services would leave them; returns the institution id."""
    with UnitOfWork(engine) as uow:
        institution_id, _ = ensure_institution(uow, INSTITUTION)
        conn = uow.conn
        codes = sorted({m.achievement for m in rows})
        achievement_ids = {
            code: conn.execute(
                insert(achievements)
                .values(
                    institution_id=institution_id,
                    code=code,
                    name=code,
                    kind="micro-credential",
                    description="",
                    criteria="",
                    state="published",
                    tags=[],
                    employer_partners=[],
                )
                .returning(achievements.c.id)
            ).scalar_one()
            for code in codes
        }
        people = sorted({m.rater for m in rows})
        user_ids = {
            who: conn.execute(insert(users).values(email=who, name=who).returning(users.c.id)).scalar_one()
            for who in people
        }
        learner_id = conn.execute(
            insert(learners)
            .values(institution_id=institution_id, email="learner@bench.example", name="Learner")
            .returning(learners.c.id)
        ).scalar_one()
        firsts = {m.submission: m for m in rows if m.role == "first"}
        conn.execute(
            insert(submissions),
            [
                {
                    "public_id": str(uuid.uuid5(uuid.NAMESPACE_URL, s)),
                    "institution_id": institution_id,
                    "learner_id": learner_id,
                    "achievement_id": achievement_ids[m.achievement],
                    "cohort": m.cohort,
                    "site": m.site,
                    "status": "decided",
                    "created_at": AT,
                }
                for s, m in firsts.items()
            ],
        )
        sub_ids = dict(conn.execute(text("SELECT public_id, id FROM submissions")).all())
        roles = sorted({(m.submission, m.role, m.rater) for m in rows})
        conn.execute(
            insert(assignments),
            [
                {
                    "submission_id": sub_ids[str(uuid.uuid5(uuid.NAMESPACE_URL, s))],
                    "assessor_id": user_ids[r],
                    "role": role,
                    "blind": role == "second",
                    "assigned_by": "bench",
                    "assigned_at": AT,
                    "completed_at": AT,
                }
                for s, role, r in roles
            ],
        )
        assignment_ids = {
            (sid, role): aid
            for aid, sid, role in conn.execute(text("SELECT id, submission_id, role FROM assignments")).all()
        }
        conn.execute(
            insert(marks),
            [
                {
                    "assignment_id": assignment_ids[
                        sub_ids[str(uuid.uuid5(uuid.NAMESPACE_URL, m.submission))], m.role
                    ],
                    "criterion": m.criterion,
                    "level": LEVEL_NAMES[m.level],
                    "level_index": m.level,
                    "comment": "",
                    "marked_at": AT,
                }
                for m in rows
            ],
        )
        uow.commit()
    return institution_id


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def prepare(url: str, rows: list[Mark]) -> tuple[Engine, int, float]:
    engine = make_engine(url)
    migrate(engine)
    start = time.perf_counter()
    institution_id = store(engine, rows)
    took = time.perf_counter() - start
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return engine, institution_id, took


def measure(
    name: str, engine: Engine, institution_id: int, stored: float, expected: int, repeat: int
) -> bool:
    uow = UnitOfWork(engine)

    def plain_select() -> int:
        with engine.connect() as conn:
            repository = AssessmentRepository(conn)
            return len(repository.driver_rows(repository.mark_rows(institution_id, MarkFilter())))

    def load() -> Any:
        with uow:
            return uow.assessment.mark_table(institution_id)

    base, count = timed(plain_select, repeat)
    loaded, table = timed(load, repeat)
    ours, report = timed(lambda: report_from_store(uow, institution=INSTITUTION), repeat)
    in_memory, _ = timed(lambda: moderation_report(table), repeat)
    engine.dispose()
    assert count == expected == len(table), (count, expected, len(table))
    verdict = "meets" if ours < 2.0 else "MISSES"
    print(
        f"{name:10} (stored in {stored:4.1f} s) report from the store {ours * 1000:6.1f} ms "
        f"(reading {loaded * 1000:5.1f} ms, statistics {in_memory * 1000:5.1f} ms) | "
        f"plain SELECT {base * 1000:5.1f} ms | ratio {ours / base:4.1f}x the reference | {verdict} the < 2 s target"
    )
    flags_ok = check_flags(report)
    print("  drifters flagged as designed" if flags_ok else "  DRIFT FLAGS NOT AS DESIGNED")
    return ours < 2.0 and flags_ok


def postgres_database(url: str) -> tuple[Engine, str] | None:
    """A fresh database on the server (None, said aloud, if there is no server)."""
    admin = create_engine(make_url(normalise_url(url)), isolation_level="AUTOCOMMIT")
    name = f"credstack_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: say so, measure what we can
        print(f"PostgreSQL  skipped ({exc.__class__.__name__}: not reachable at {url})")
        return None
    return admin, name


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--marks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CREDSTACK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    rows = _whole_submissions(synthetic_marks(args.marks + 40, args.seed), args.marks)
    expected = len(rows)
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", *prepare(f"sqlite:///{Path(tmp) / 'bench.db'}", rows))]
        server = postgres_database(args.postgres)
        try:
            if server is not None:
                url = make_url(normalise_url(args.postgres)).set(database=server[1])
                targets.append(("PostgreSQL", *prepare(url.render_as_string(hide_password=False), rows)))
            del rows  # the API process holds no synthetic marks: nor does the measurement
            gc.collect()
            print(f"the moderation report over {expected} stored marks, median of {args.repeat}")
            ok = all([measure(name, *target, expected, args.repeat) for name, *target in targets])
        finally:
            if server is not None:
                admin, name = server
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if not ok:
        sys.exit(1)


def _whole_submissions(rows: list[Mark], count: int) -> list[Mark]:
    """At least ``count`` marks, ending with a whole submission: stored marks come per
    complete marking, never a second marking of some criteria only."""
    last = rows[count - 1].submission
    end = count
    while end < len(rows) and rows[end].submission == last:
        end += 1
    return rows[:end]


if __name__ == "__main__":
    main()
