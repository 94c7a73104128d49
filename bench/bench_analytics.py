"""Benchmark: the analytics pages' queries over 1,000,000 learners and 10,000,000 awards on
PostgreSQL, each timed against a plain full scan of the awards measured in the same run.

The generator fills a fresh database with COPY: learners, enrolments on four pathways (eight
modules and a terminal credential each) with cohorts, sites and sponsored cohorts, awards with
drop-out and realistic gaps (plus elective awards outside the pathways, so that the awards come
to ten per learner), hires with satisfaction and performance ratings, consented demographics for
most learners and a comparison cohort (foreign-key triggers off during the load: the generated
ids are consistent). The awards' credential JSON is a small stub
(``{"stub": true}``): the analytics never read it, and signing ten million credentials would
measure the signer, not the analytics (bench_signing.py and bench_bulk_issue.py do that).

Then it runs ``credstack analytics refresh`` (timed) and, for each page, the page's service call
(its SQL aggregates and the statistics on them) and the drawing of its chart, median of
``--runs``, and prints each time with its ratio to ``SELECT count(*) FROM awards``.

    python bench/bench_analytics.py                     # 1,000,000 learners (about 10M awards)
    python bench/bench_analytics.py --learners 2000     # small: the test suite runs this
    python bench/bench_analytics.py --reuse             # skip generation if the database exists
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services import analytics as an
from credstack.services import analytics_charts as charts
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store import tables as t
from credstack.store.db import make_engine, migrate, normalise_url

INSTITUTION = Institution(slug="bench-analytics", name="Bench Analytics Institute")
PATHWAYS = ("P-DATA", "P-SOFT", "P-CLOUD", "P-BIZ")
MODULES = 8
ELECTIVES = 20
SITES = ("North", "South", "East", "West", "Online")
SPONSORS = ("acme", "globex", "initech", "umbrella", "stark")
ATTRIBUTES = {"gender": ("female", "male", "non-binary"), "age-band": ("under 25", "25-39", "40+")}
AWARDS_PER_LEARNER = 10
FIRST_ENTRY = date(2023, 1, 1)
AS_OF = date(2026, 1, 1)
CHUNK = 100_000


@dataclass
class Ids:
    achievements: dict[str, int]
    partners: dict[str, int]
    cohorts: list[int]  # sponsored cohort id per (sponsor index * 4 + pathway index)
    key_id: int


def _copy(engine: Engine, table: str, columns: list[str], lines: Iterator[str]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # a bulk load: the generator's ids are consistent, so the foreign-key triggers (which would
        # queue one check per row per key until the end of the statement) are off for it
        cursor.execute("SET session_replication_role = replica")
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            buffer = io.StringIO()
            size = 0
            for line in lines:
                buffer.write(line)
                size += 1
                if size >= CHUNK:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
                    size = 0
            copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()


def _setup(engine: Engine) -> Ids:
    uow = UnitOfWork(engine)
    with uow:
        institution_id, _ = ensure_institution(uow, INSTITUTION)
        conn = uow.conn
        achievements: dict[str, int] = {}
        codes = [f"{p}-M{k}" for p in PATHWAYS for k in range(1, MODULES + 1)]
        codes += [f"{p}-CERT" for p in PATHWAYS] + [f"EL-{k}" for k in range(ELECTIVES)]
        for code in codes:
            achievements[code] = conn.execute(
                insert(t.achievements).values(
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
            ).inserted_primary_key[0]  # type: ignore[index]
        for p in PATHWAYS:
            definition = {
                "id": p,
                "name": p,
                "awards": f"{p}-CERT",
                "version": 1,
                "requires": {
                    "id": p,
                    "all": [{"id": f"{p}/M{k}", "achievement": f"{p}-M{k}"} for k in range(1, MODULES + 1)],
                },
            }
            conn.execute(
                insert(t.pathways).values(
                    institution_id=institution_id,
                    code=p,
                    version=1,
                    name=p,
                    awards_code=f"{p}-CERT",
                    definition=definition,
                    state="published",
                )
            )
        partners = {}
        for s in SPONSORS:
            partners[s] = conn.execute(
                insert(t.partners).values(
                    institution_id=institution_id,
                    slug=s,
                    name=s.title(),
                    kind="employer",
                    contact_email=f"hr@{s}.example",
                    description="",
                    created_by="bench",
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        cohorts = []
        for s in SPONSORS:
            for p in PATHWAYS:
                cohorts.append(
                    conn.execute(
                        insert(t.sponsored_cohorts).values(
                            institution_id=institution_id,
                            partner_id=partners[s],
                            code=f"{s}-{p}",
                            name=f"{s} {p}",
                            pathway_code=p,
                            seats=500,
                            seat_price=1200,
                            currency="EUR",
                            starts=FIRST_ENTRY,
                            productivity_gain=8000,
                            retention_rate=0.85,
                            baseline_retention_rate=0.7,
                            replacement_cost=15000,
                            programme_cost=400_000,
                            roi_years=2,
                            created_by="bench",
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
                )
        key_id = conn.execute(
            insert(t.signing_keys).values(
                institution_id=institution_id,
                did="did:web:bench",
                verification_method="did:web:bench#key-1",
                public_key_multibase="z6Mk",
                private_key_ciphertext=b"-",
                created_at=datetime(2023, 1, 1, tzinfo=UTC),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            insert(t.comparison_cohorts).values(
                institution_id=institution_id,
                code="BSC",
                name="BSc entrants 2019",
                description="",
                imported_by="bench",
            )
        )
        uow.commit()
    return Ids(achievements, partners, cohorts, int(key_id))


def generate(engine: Engine, learners: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    ids = _setup(engine)
    with engine.connect() as conn:
        institution_id = conn.execute(
            select(t.institutions.c.id).where(t.institutions.c.slug == INSTITUTION.slug)
        ).scalar_one()
        base = int(conn.execute(select(func.coalesce(func.max(t.learners.c.id), 0))).scalar_one())
    n = learners
    lid = np.arange(base + 1, base + n + 1)
    _copy(
        engine,
        "learners",
        ["id", "institution_id", "email", "name"],
        (f"{i}\t{institution_id}\tl{i}@bench.example\tLearner {i}\n" for i in lid.tolist()),
    )
    entry_days = rng.integers(0, (AS_OF - FIRST_ENTRY).days - 30, n)
    entry_days -= entry_days % 7  # weekly intakes
    pathway = rng.integers(0, len(PATHWAYS), n)
    site = rng.integers(0, len(SITES), n)
    sponsored = rng.random(n) < 0.12
    sponsor = rng.integers(0, len(SPONSORS), n)
    # modules earned: a drop-out process (each next module with probability 0.88)
    earned = np.minimum(rng.geometric(0.12, n) - 1, MODULES)
    gaps = rng.gamma(3.0, 18.0, (n, MODULES + 1)).astype(int) + 7
    reach = np.cumsum(gaps, axis=1)
    span = (AS_OF - FIRST_ENTRY).days - entry_days
    earned = np.minimum(earned, (reach[:, :MODULES] <= span[:, None]).sum(axis=1))
    completes = (earned == MODULES) & (reach[:, MODULES] <= span)
    withdrew = (~completes) & (earned < MODULES) & (rng.random(n) < 0.6)
    left = np.where(earned > 0, reach[np.arange(n), np.maximum(earned - 1, 0)] + 20, 30)
    withdrew &= left < span
    order = np.tile(np.arange(MODULES), (n, 1))
    swap = rng.random(n) < 0.3  # some take modules 2 and 3 the other way round
    order[swap, 1], order[swap, 2] = 2, 1

    def day(offset: int) -> date:
        return FIRST_ENTRY + timedelta(days=int(offset))

    enrol_lines = (
        f"{institution_id}\t{lid[i]}\t{PATHWAYS[pathway[i]]}\t{day(entry_days[i])}\t"
        f"{day(entry_days[i]).strftime('%Y-%m')}\t{SITES[site[i]]}\t"
        f"{ids.cohorts[sponsor[i] * len(PATHWAYS) + pathway[i]] if sponsored[i] else chr(92) + 'N'}\t"
        f"{day(entry_days[i] + left[i]) if withdrew[i] else chr(92) + 'N'}\n"
        for i in range(n)
    )
    _copy(
        engine,
        "enrolments",
        [
            "institution_id",
            "learner_id",
            "pathway_code",
            "started",
            "cohort",
            "site",
            "sponsored_cohort_id",
            "withdrawn",
        ],
        enrol_lines,
    )
    module_ids = np.array([[ids.achievements[f"{p}-M{k}"] for k in range(1, MODULES + 1)] for p in PATHWAYS])
    terminal_ids = np.array([ids.achievements[f"{p}-CERT"] for p in PATHWAYS])
    electives = np.array([ids.achievements[f"EL-{k}"] for k in range(ELECTIVES)])
    total_target = AWARDS_PER_LEARNER * n
    pathway_awards = int(earned.sum() + completes.sum())
    extra = np.full(n, max(0, (total_target - pathway_awards) // n))
    extra[: max(0, total_target - pathway_awards - int(extra.sum()))] += 1

    def award_lines() -> Iterator[str]:
        k = 0
        for i in range(n):
            start = int(entry_days[i])
            row = order[i]
            for j in range(int(earned[i])):
                k += 1
                yield _award(
                    k,
                    institution_id,
                    module_ids[pathway[i], row[j]],
                    lid[i],
                    day(start + reach[i, j]),
                    ids.key_id,
                )
            if completes[i]:
                k += 1
                yield _award(
                    k,
                    institution_id,
                    terminal_ids[pathway[i]],
                    lid[i],
                    day(start + reach[i, MODULES]),
                    ids.key_id,
                )
            for e in range(int(extra[i])):
                k += 1
                yield _award(
                    k,
                    institution_id,
                    electives[(i + e) % ELECTIVES],
                    lid[i],
                    day(start + 10 * (e + 1)),
                    ids.key_id,
                )

    _copy(
        engine,
        "awards",
        [
            "public_id",
            "institution_id",
            "achievement_id",
            "learner_id",
            "idempotency_key",
            "issued_at",
            "valid_from",
            "key_id",
            "status",
            "status_list_number",
            "status_index",
            "results",
            "evidence",
            "credential",
        ],
        award_lines(),
    )
    # hires: 70% of completers within about four months; some left since
    hired = completes & (rng.random(n) < 0.7)
    hire_at = entry_days + reach[:, MODULES] + rng.integers(0, 120, n)
    hired &= hire_at <= (AS_OF - FIRST_ENTRY).days
    left_job = rng.random(n) < 0.2
    hire_ix = np.flatnonzero(hired)
    _copy(
        engine,
        "hires",
        [
            "id",
            "institution_id",
            "learner_id",
            "partner_id",
            "employer_name",
            "role",
            "hired",
            '"left"',
            "created_by",
        ],
        (
            f"{h + 1}\t{institution_id}\t{lid[i]}\t{ids.partners[SPONSORS[sponsor[i]]] if sponsored[i] else chr(92) + 'N'}\t"
            f"Employer\tAnalyst\t{day(hire_at[i])}\t{day(hire_at[i] + 200) if left_job[i] else chr(92) + 'N'}\tbench\n"
            for h, i in enumerate(hire_ix.tolist())
        ),
    )

    def ratings() -> Iterator[str]:
        for h, i in enumerate(hire_ix.tolist()):
            yield f"{h + 1}\tsatisfaction\t\\N\t{int(rng.integers(3, 6))}\t5\t{day(hire_at[i] + 30)}\tbench\n"
            for months in (3, 6, 12):
                if hire_at[i] + months * 30 <= (AS_OF - FIRST_ENTRY).days:
                    yield f"{h + 1}\tperformance\t{months}\t{int(rng.integers(2, 6))}\t5\t{day(hire_at[i] + months * 30)}\tbench\n"

    _copy(
        engine,
        "hire_ratings",
        ["hire_id", "kind", "months", "score", "scale_max", "rated_on", "rated_by"],
        ratings(),
    )
    consent = rng.random((n, len(ATTRIBUTES))) < 0.85
    group = rng.integers(0, 3, (n, len(ATTRIBUTES)))
    names = list(ATTRIBUTES)
    _copy(
        engine,
        "demographics",
        ["learner_id", "attribute", "group_label", "consented_at", "source"],
        (
            f"{lid[i]}\t{a}\t{ATTRIBUTES[a][group[i, k]]}\t2024-01-01 00:00:00+00\tform\n"
            for i in range(n)
            for k, a in enumerate(names)
            if consent[i, k]
        ),
    )
    with engine.begin() as conn:
        cohort = conn.execute(
            select(t.comparison_cohorts.c.id).where(t.comparison_cohorts.c.code == "BSC")
        ).scalar_one()
        conn.execute(
            insert(t.comparison_records),
            [
                {
                    "cohort_id": cohort,
                    "ref": f"r{k}",
                    "started": date(2019, 9, 1),
                    "completed": date(2020, 8, 1) if k % 3 == 0 else None,
                    "groups": {"gender": ATTRIBUTES["gender"][k % 3]},
                }
                for k in range(3000)
            ],
        )
        for table in ("learners", "hires"):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
        conn.execute(text("ANALYZE"))


def _award(k: int, institution_id: int, achievement: Any, learner: Any, on: date, key_id: int) -> str:
    at = f"{on} 12:00:00+00"
    return (
        f"b{k:035d}\t{institution_id}\t{achievement}\t{learner}\tbench:{k}\t{at}\t{at}\t{key_id}\tactive\t"
        f'{k // 131072 + 1}\t{k % 131072}\t{{}}\t[]\t{{"stub": true}}\n'
    )


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(engine: Engine, runs: int) -> list[tuple[str, float, float | None]]:
    with engine.connect() as conn:
        institution_id = conn.execute(
            select(t.institutions.c.id).where(t.institutions.c.slug == INSTITUTION.slug)
        ).scalar_one()
    analyst = Principal(0, "bench@example.org", "Bench", institution_id, frozenset({Role.REGISTRAR}))
    uow = UnitOfWork(engine)
    flt = an.AnalyticsFilter(pathway=PATHWAYS[0])

    def scan() -> None:
        with engine.connect() as conn:
            conn.execute(select(func.count()).select_from(t.awards)).scalar_one()

    def equity() -> an.EquityView:
        return an.equity(uow, institution=INSTITUTION, principal=analyst, flt=flt, comparison="BSC")

    # (the page's service call: its SQL and statistics; the drawing of its chart from the result)
    pages: dict[str, tuple[Callable[[], Any], Callable[[Any], object] | None]] = {
        "progression": (
            lambda: an.progression(uow, institution=INSTITUTION, principal=analyst, flt=flt),
            lambda r: charts.funnel_chart(r.funnel).svg("c"),
        ),
        "velocity": (
            lambda: an.velocity(uow, institution=INSTITUTION, principal=analyst, flt=flt),
            lambda r: charts.km_chart(r.curves).svg("c"),
        ),
        "velocity, a curve per cohort": (
            lambda: an.velocity(uow, institution=INSTITUTION, principal=analyst, flt=flt, split="cohort"),
            lambda r: charts.km_chart(r.curves).svg("c"),
        ),
        "employment": (
            lambda: an.employment(uow, institution=INSTITUTION, principal=analyst, flt=flt),
            lambda r: charts.means_chart(
                "ratings", [(str(m), x) for m, x in r.outcomes.performance], "mean"
            ).svg("c"),
        ),
        "roi": (
            lambda: an.roi(uow, institution=INSTITUTION, principal=analyst, flt=an.AnalyticsFilter()),
            lambda r: charts.roi_chart(r.report).svg("c"),
        ),
        "equity": (equity, lambda r: charts.equity_chart(_report(r)).svg("c")),
        "engagement": (
            lambda: an.engagement(uow, institution=INSTITUTION, principal=analyst, flt=an.AnalyticsFilter()),
            lambda r: charts.counts_chart("engagement", r.counts).svg("c"),
        ),
        "progression, one site and year": (
            lambda: an.progression(
                uow,
                institution=INSTITUTION,
                principal=analyst,
                flt=an.AnalyticsFilter(
                    pathway=PATHWAYS[1], site="North", period_from="2024-01-01", period_to="2024-12-31"
                ),
            ),
            None,
        ),
    }
    scan()  # warm the cache as the pages' tables are warmed below
    results: list[tuple[str, float, float | None]] = [
        ("SELECT count(*) FROM awards", _median(scan, runs), None)
    ]
    for name, (query, draw) in pages.items():
        result = query()
        queried = _median(query, runs)
        drawn = _median(lambda: draw(result), runs) if draw else None  # noqa: B023
        results.append((name, queried, drawn))
    return results


def _report(view: an.EquityView) -> Any:
    assert view.report is not None
    return view.report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CREDSTACK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--database", default="")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database (skip generation)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    admin_url = make_url(normalise_url(args.postgres))
    name = args.database or f"credstack_bench_analytics_{args.learners}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = (
            conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            is not None
        )
        if exists and not args.reuse:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or not args.reuse:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        if not (exists and args.reuse):
            migrate(engine)
            start = time.perf_counter()
            generate(engine, args.learners)
            print(f"generated {args.learners:,} learners in {time.perf_counter() - start:.1f} s", flush=True)
        with engine.connect() as conn:
            counts = {
                tbl: conn.execute(text(f"SELECT count(*) FROM {tbl}")).scalar_one()
                for tbl in ("learners", "enrolments", "awards", "hires", "hire_ratings", "demographics")
            }
        print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
        start = time.perf_counter()
        an.refresh(UnitOfWork(engine), institution=INSTITUTION, as_of=AS_OF)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE analytics_paths"))
            conn.execute(text("ANALYZE analytics_transitions"))
            conn.commit()
        print(f"credstack analytics refresh: {time.perf_counter() - start:.1f} s", flush=True)
        results = measure(engine, args.runs)
        reference = results[0][1]
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{'page':<32} {'queries ms':>11} {'x full scan':>12} {'chart ms':>9}")
        for label, seconds, chart in results:
            drawn = f"{chart * 1000:>9.1f}" if chart is not None else f"{'-':>9}"
            print(f"{label:<32} {seconds * 1000:>11.1f} {seconds / reference:>12.2f} {drawn}")
        slowest = max(s + (c or 0) for _, s, c in results[1:])
        print(f"slowest page (queries and chart): {slowest * 1000:.0f} ms")
    finally:
        engine.dispose()
        if args.drop:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
