"""Benchmark: importing a 1,000-item CASE framework, on SQLite and PostgreSQL.

Prints items per second for credstack's full import (parse, validate, hierarchy, store in
one transaction, audit) and, as the reference measured in the same run, the time the same
database takes for a bare ``executemany`` of the same rows through the raw driver
(``sqlite3`` / ``psycopg``) after ``json.loads``: the floor any importer pays. The ratio
is credstack's time over that floor. Target (issue 2): well under 2 s for 1,000 items.

    python bench/bench_case_import.py [--items 1000] [--repeat 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from credstack.domain.institution import Institution
from credstack.services.frameworks import import_framework
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.db import make_engine, migrate, normalise_url


def synthetic_framework(items: int, seed: int) -> bytes:
    """A CASE package: 10 domains, each with areas, each with leaf competencies; plus some
    non-hierarchy associations to outside nodes, like a real published framework."""
    ns = uuid.UUID(int=seed)
    doc = str(uuid.uuid5(ns, "doc"))
    cf_items, assocs = [], []
    parents = [doc]
    for i in range(items):
        ident = str(uuid.uuid5(ns, f"item{i}"))
        parent = doc if i < 10 else parents[(i - 10) // 9 + 1 if i >= 10 else 0]
        cf_items.append(
            {
                "identifier": ident,
                "uri": f"https://bench.example/items/{ident}",
                "fullStatement": f"Can perform task {i} to the standard set by the framework.",
                "humanCodingScheme": f"B.{i}",
                "CFItemType": "Competency",
                "educationLevel": ["13"],
                "lastChangeDateTime": "2026-01-01T00:00:00+00:00",
            }
        )
        parents.append(ident)
        assocs.append(
            {
                "identifier": str(uuid.uuid5(ns, f"a{i}")),
                "associationType": "isChildOf",
                "originNodeURI": {
                    "identifier": ident,
                    "uri": f"https://bench.example/items/{ident}",
                    "title": f"B.{i}",
                },
                "destinationNodeURI": {"identifier": parent, "uri": f"https://bench.example/items/{parent}"},
                "sequenceNumber": i % 9 + 1,
            }
        )
        if i % 10 == 0:
            assocs.append(
                {
                    "identifier": str(uuid.uuid5(ns, f"x{i}")),
                    "associationType": "exactMatchOf",
                    "originNodeURI": {"identifier": ident},
                    "destinationNodeURI": {"identifier": f"https://external.example/skills/{i}"},
                }
            )
    package = {
        "CFDocument": {
            "identifier": doc,
            "uri": f"https://bench.example/{doc}",
            "title": f"Bench {seed}",
            "creator": "bench",
        },
        "CFItems": cf_items,
        "CFAssociations": assocs,
    }
    return json.dumps(package).encode()


def time_credstack(url: str, data: list[bytes]) -> list[float]:
    engine = make_engine(url)
    migrate(engine)
    uow = UnitOfWork(engine)
    institution = Institution(slug="bench", name="Bench")
    times = []
    for blob in data:
        start = time.perf_counter()
        result = import_framework(uow, institution=institution, data=blob, filename="bench.json")
        times.append(time.perf_counter() - start)
        assert not result.unchanged
    engine.dispose()
    return times


def time_floor(url: str, data: list[bytes]) -> list[float]:
    """json.loads + one executemany of items and associations through the raw driver."""
    parsed = make_url(normalise_url(url))
    times = []
    if parsed.drivername.startswith("sqlite"):
        conn = sqlite3.connect(parsed.database)
        placeholder = "?"
    else:
        import psycopg

        conn = psycopg.connect(
            host=parsed.host, port=parsed.port or 5432, user=parsed.username, dbname=parsed.database
        )
        placeholder = "%s"
    cur = conn.cursor()
    cur.execute(
        "CREATE TABLE IF NOT EXISTS floor_items (identifier TEXT, code TEXT, statement TEXT, doc TEXT)"
    )
    cur.execute(
        "CREATE TABLE IF NOT EXISTS floor_assocs (identifier TEXT, type TEXT, origin TEXT, destination TEXT)"
    )
    conn.commit()
    p = placeholder
    for blob in data:
        start = time.perf_counter()
        pkg = json.loads(blob)
        doc = pkg["CFDocument"]["identifier"]
        cur.executemany(
            f"INSERT INTO floor_items VALUES ({p},{p},{p},{p})",
            [(i["identifier"], i.get("humanCodingScheme"), i["fullStatement"], doc) for i in pkg["CFItems"]],
        )
        cur.executemany(
            f"INSERT INTO floor_assocs VALUES ({p},{p},{p},{p})",
            [
                (
                    a["identifier"],
                    a["associationType"],
                    a["originNodeURI"]["identifier"],
                    a["destinationNodeURI"]["identifier"],
                )
                for a in pkg["CFAssociations"]
            ],
        )
        conn.commit()
        times.append(time.perf_counter() - start)
    cur.execute("DROP TABLE floor_items")
    cur.execute("DROP TABLE floor_assocs")
    conn.commit()
    conn.close()
    return times


def report(name: str, items: int, ours: list[float], floor: list[float]) -> None:
    mine, base = statistics.median(ours), statistics.median(floor)
    verdict = "meets" if mine < 2.0 else "MISSES"
    print(
        f"{name:10} credstack {mine * 1000:7.1f} ms = {items / mine:8.0f} items/s | "
        f"raw-driver floor {base * 1000:6.1f} ms | ratio {mine / base:5.1f}x the floor | "
        f"{verdict} the < 2 s target"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CREDSTACK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    data = [synthetic_framework(args.items, seed) for seed in range(1, args.repeat + 1)]
    print(
        f"importing a {args.items}-item CASE framework ({len(data[0]) // 1024} KiB), median of {args.repeat}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        report("SQLite", args.items, time_credstack(url, data), time_floor(url, data))
    admin_url = make_url(normalise_url(args.postgres))
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"credstack_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: say so, measure what we can
        print(f"PostgreSQL  skipped ({exc.__class__.__name__}: not reachable at {args.postgres})")
        return
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        report("PostgreSQL", args.items, time_credstack(url, data), time_floor(url, data))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
