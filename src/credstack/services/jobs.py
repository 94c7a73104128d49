"""Long work on a real job queue (RQ on Redis) when ``CREDSTACK_JOB_QUEUE_URL`` is set.

The CLI splits the rows into chunks and enqueues them; any number of ``credstack worker``
processes (on any machine that reaches Redis and the database) take chunks, so more workers
mean more throughput. Without a queue the same chunks run in the calling process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from credstack.credentials.ob3 import EvidenceItem
from credstack.domain.institution import Institution
from credstack.services.bulk import BulkResult, BulkRow, issue_rows
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

CHUNK = 200


def _row_payload(row: BulkRow) -> dict[str, Any]:
    r = row.request
    return {
        "line": row.line,
        "achievement": r.achievement,
        "email": r.learner_email,
        "name": r.learner_name,
        "marks": dict(r.marks),
        "evidence": [e.url for e in r.evidence],
        "valid_from": r.valid_from.isoformat() if r.valid_from else None,
        "key": r.idempotency_key,
    }


def _row(payload: dict[str, Any]) -> BulkRow:
    return BulkRow(
        payload["line"],
        IssueRequest(
            achievement=payload["achievement"],
            learner_email=payload["email"],
            learner_name=payload["name"],
            marks=payload["marks"],
            evidence=[EvidenceItem(u) for u in payload["evidence"]],
            valid_from=datetime.fromisoformat(payload["valid_from"]) if payload["valid_from"] else None,
            idempotency_key=payload["key"],
        ),
    )


@cache
def _uow_factory(database_url: str) -> Callable[[], UnitOfWork]:
    """One engine per worker process and database (a worker runs many chunks)."""
    from credstack.store.db import make_engine, migrate

    engine = make_engine(database_url)
    migrate(engine)
    return lambda: UnitOfWork(engine)


def issue_chunk(settings_values: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The job a worker runs: issue a chunk of rows; returns the chunk's summary."""
    settings = Settings(**settings_values)
    result = issue_rows(
        _uow_factory(settings.database_url)(),
        settings=settings,
        institution=institution_from_settings(settings),
        rows=[_row(r) for r in rows],
        actor="bulk",
    )
    return {"issued": result.issued, "already": result.already, "failed": result.failed}


def settings_payload(settings: Settings) -> dict[str, Any]:
    values = settings.model_dump()
    values["secret_key"] = settings.secret_key.get_secret_value()
    return values


def run_bulk(
    *,
    settings: Settings,
    institution: Institution,
    rows: Sequence[BulkRow],
    uow: UnitOfWork,
    advance: Callable[[int], None],
) -> BulkResult:
    """Issue the rows: on the job queue when one is configured, else here, chunk by chunk."""
    if not settings.job_queue_url:
        return issue_rows(
            uow, settings=settings, institution=institution, rows=rows, actor="bulk", advance=advance
        )
    from redis import Redis
    from rq import Queue

    queue = Queue(settings.job_queue_name, connection=Redis.from_url(settings.job_queue_url))
    payload = settings_payload(settings)
    jobs = []
    for start in range(0, len(rows), CHUNK):
        chunk = [_row_payload(r) for r in rows[start : start + CHUNK]]
        jobs.append(
            (len(chunk), queue.enqueue(issue_chunk, payload, chunk, job_timeout=3600, result_ttl=86400))
        )
    total = BulkResult()
    pending = list(jobs)
    while pending:
        still = []
        for size, job in pending:
            status = job.get_status(refresh=True)
            if status == "finished":
                value = job.return_value() or {"issued": 0, "already": 0, "failed": []}
                total.add(BulkResult(value["issued"], value["already"], [tuple(f) for f in value["failed"]]))
                advance(size)
            elif status in ("failed", "stopped", "canceled"):
                raise RuntimeError(
                    f"a bulk-issue job {status}: {job.latest_result()}; run the command again to resume"
                )
            else:
                still.append((size, job))
        pending = still
        if pending:
            time.sleep(0.2)
    return total


def work(settings: Settings, *, burst: bool = False) -> None:
    """Run a worker: take jobs from the queue until stopped (or, with burst, until it is empty)."""
    if not settings.job_queue_url:
        raise SystemExit("CREDSTACK_JOB_QUEUE_URL is not set: there is no queue to work for")
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(settings.job_queue_url)
    queue = Queue(settings.job_queue_name, connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=burst)
