"""Bulk issuance: bad rows named, idempotent, and crash-safe (a SIGKILL midway, then a rerun,
ends with exactly one credential per row), on SQLite and PostgreSQL; the job queue on Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from credstack.domain.errors import InvalidInput
from credstack.services.bulk import parse_bulk_csv
from credstack.services.demo import seed_demo
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import awards

CODES = ["MC-DA-101", "MC-SD-101", "MC-PP-101"]


def settings_for(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False), institution_slug="bulk")


def rows_csv(n: int) -> str:
    lines = ["achievement,email,name"]
    lines += [f"{CODES[i % 3]},learner{i}@example.org,Learner {i}" for i in range(n)]
    return "\n".join(lines) + "\n"


def award_count(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(awards)).scalar_one()
        keys = conn.execute(select(func.count(awards.c.idempotency_key.distinct()))).scalar_one()
    return total, keys


def test_bad_rows_are_named():
    text = (
        "achievement,email,marks,evidence\nMC-1,ada@x.org,C1=Good,https://e.org\nMC-1,not-an-email,C1,ftp\n"
    )
    with pytest.raises(InvalidInput) as info:
        parse_bulk_csv(text.encode())
    locations = [p.location for p in info.value.problems]
    assert locations == ["line 3 email", "line 3 marks", "line 3 evidence"]
    with pytest.raises(InvalidInput, match="missing column"):
        parse_bulk_csv(b"email\nx@y.org\n")


def test_the_same_csv_twice_issues_nothing_new(engine: Engine):
    settings = settings_for(engine)
    uow = UnitOfWork(engine)
    seed_demo(uow, settings=settings, learners=0)
    rows = parse_bulk_csv(rows_csv(12).encode())
    from credstack.services.bulk import issue_rows

    first = issue_rows(
        uow, settings=settings, institution=institution_from_settings(settings), rows=rows, actor="t"
    )
    again = issue_rows(
        uow, settings=settings, institution=institution_from_settings(settings), rows=rows, actor="t"
    )
    assert (first.issued, first.already, again.issued, again.already) == (12, 0, 0, 12)
    assert award_count(engine) == (12, 12)


def test_identical_requests_at_the_same_moment_issue_once(engine: Engine):
    settings = settings_for(engine)
    seed_demo(UnitOfWork(engine), settings=settings, learners=0)
    request = IssueRequest("MC-DA-101", "race@example.org", "Race")

    def issue(_: int) -> bool:
        return issue_award(
            UnitOfWork(engine),
            settings=settings,
            institution=institution_from_settings(settings),
            request=request,
            actor="t",
        ).created

    with ThreadPoolExecutor(4) as pool:
        created = list(pool.map(issue, range(8)))
    assert created.count(True) == 1
    assert award_count(engine) == (1, 1)


@pytest.mark.slow
def test_killed_midway_then_rerun_issues_each_row_exactly_once(engine: Engine, tmp_path: Path):
    settings = settings_for(engine)
    seed_demo(UnitOfWork(engine), settings=settings, learners=0)
    rows = 1500
    csv_file = tmp_path / "learners.csv"
    csv_file.write_text(rows_csv(rows))
    env = {
        **os.environ,
        "CREDSTACK_DATABASE_URL": settings.database_url,
        "CREDSTACK_INSTITUTION_SLUG": "bulk",
    }
    env.pop("CREDSTACK_JOB_QUEUE_URL", None)
    cmd = [sys.executable, "-m", "credstack.cli", "issue-bulk", str(csv_file)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while award_count(engine)[0] < 40:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "bulk issue made no progress"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = award_count(engine)[0]
    assert 40 <= partial < rows, "the kill must land midway"
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert award_count(engine) == (rows, rows)
    assert f'"already_issued": {partial}' in rerun.stdout


@pytest.mark.slow
def test_two_queue_workers_share_the_work(engine: Engine, tmp_path: Path):
    redis_url = os.environ.get("CREDSTACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(redis_url).ping()
    except RedisDown:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis at " + redis_url)
    settings = settings_for(engine)
    seed_demo(UnitOfWork(engine), settings=settings, learners=0)
    csv_file = tmp_path / "learners.csv"
    csv_file.write_text(rows_csv(450))
    env = {
        **os.environ,
        "CREDSTACK_DATABASE_URL": settings.database_url,
        "CREDSTACK_INSTITUTION_SLUG": "bulk",
        "CREDSTACK_JOB_QUEUE_URL": redis_url,
        "CREDSTACK_JOB_QUEUE_NAME": f"test-{uuid.uuid4().hex[:8]}",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "credstack.cli", "worker"],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "credstack.cli", "issue-bulk", str(csv_file)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert '"issued": 450' in done.stdout
        assert award_count(engine) == (450, 450)
    finally:
        for w in workers:
            os.killpg(w.pid, signal.SIGTERM)
            w.wait(timeout=30)
