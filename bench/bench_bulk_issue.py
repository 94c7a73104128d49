"""Benchmark: bulk issuance throughput with one and with two queue workers (RQ on Redis,
PostgreSQL as the store), against in-process issuance measured in the same run.

Every credential is a signed OB 3.0 AchievementCredential with its status-list slot, audit
entry and learner. Prints credentials per second for each mode and the ratio of two workers
to one (on this 2-core machine the ideal is 2.0).

    python bench/bench_bulk_issue.py [--count 2000] [--postgres URL] [--redis URL]
    python bench/bench_bulk_issue.py --count 100000   # the issue's scale measurement
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from redis import Redis
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from credstack.services.demo import seed_demo
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate, normalise_url
from credstack.store.tables import awards

CODES = ["MC-DA-101", "MC-SD-101", "MC-PP-101", "MC-CI-101"]


def write_csv(path: Path, count: int, tag: str) -> None:
    with path.open("w") as out:
        out.write("achievement,email,name\n")
        for i in range(count):
            out.write(f"{CODES[i % len(CODES)]},{tag}{i}@bench.example.org,Bench Learner {i}\n")


def run(mode: str, count: int, db_url: str, redis_url: str, folder: Path) -> float:
    csv_file = folder / f"{mode}.csv"
    write_csv(csv_file, count, mode)
    env = {**os.environ, "CREDSTACK_DATABASE_URL": db_url, "CREDSTACK_INSTITUTION_SLUG": "bench"}
    env.pop("CREDSTACK_JOB_QUEUE_URL", None)
    workers: list[subprocess.Popen[bytes]] = []
    if mode != "in-process":
        env["CREDSTACK_JOB_QUEUE_URL"] = redis_url
        env["CREDSTACK_JOB_QUEUE_NAME"] = f"bench-{uuid.uuid4().hex[:8]}"
        n = int(mode.split()[0])
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "credstack.cli", "worker"],
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(n)
        ]
        time.sleep(2)  # let the workers start and open their engines
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "credstack.cli", "issue-bulk", str(csv_file)],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    for w in workers:
        os.killpg(w.pid, signal.SIGTERM)
        w.wait()
    if done.returncode != 0:
        raise SystemExit(f"{mode}: issue-bulk failed: {done.stderr[-1000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CREDSTACK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--modes", default="in-process,1 worker,2 workers", help="comma-separated subset of the three modes"
    )
    args = parser.parse_args()
    Redis.from_url(args.redis).ping()
    admin_url = make_url(normalise_url(args.postgres))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"credstack_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(db_url)
        migrate(engine)
        seed_demo(
            UnitOfWork(engine), settings=Settings(database_url=db_url, institution_slug="bench"), learners=0
        )
        print(
            f"issuing {args.count} credentials per mode (PostgreSQL store, RQ on Redis, {os.cpu_count()} cores)"
        )
        rates = {}
        with tempfile.TemporaryDirectory() as tmp:
            modes = [m.strip() for m in args.modes.split(",")]
            for mode in modes:
                seconds = run(mode, args.count, db_url, args.redis, Path(tmp))
                rates[mode] = args.count / seconds
                print(f"{mode:11} {seconds:8.1f} s  {rates[mode]:7.1f} credentials/s")
        with engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(awards)).scalar_one()
        assert total == len(modes) * args.count, f"expected {len(modes) * args.count} awards, found {total}"
        if "1 worker" in rates and "2 workers" in rates:
            print(f"two workers / one worker: {rates['2 workers'] / rates['1 worker']:.2f}x")
        if "1 worker" in rates and "in-process" in rates:
            print(f"one worker / in-process: {rates['1 worker'] / rates['in-process']:.2f}x")
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
