"""Verify and read the audit log.

Verification streams the chain a page at a time, each page in its own short transaction, so a
long log neither sits in memory nor holds SQLite's write lock (every transaction there is
``BEGIN IMMEDIATE``) while it is checked. Entries are only ever appended, so pages read in
separate transactions still form one prefix of the chain; entries appended meanwhile are simply
checked if the walk reaches them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credstack.domain.audit_chain import ChainHead, ChainReport, ChainVerifier
from credstack.services.unit_of_work import UnitOfWork

PAGE_SIZE = 1000


def audit_log_size(uow: UnitOfWork) -> int:
    with uow:
        return uow.audit.count()


def verify_audit_log(
    uow: UnitOfWork,
    *,
    anchor: ChainHead | None = None,
    page_size: int = PAGE_SIZE,
    max_breaks: int = 100,
    advance: Callable[[int], None] | None = None,
) -> ChainReport:
    """Walk the whole chain in seq order and report every break (up to ``max_breaks``).

    ``anchor`` is a head recorded earlier (``SEQ:HASH``): without one, entries cut off the end
    of the log cannot be told from entries never written. ``advance(n)`` is called after each page.
    """
    verifier = ChainVerifier(anchor=anchor, max_breaks=max_breaks)
    after = 0
    while not verifier.done:
        with uow:
            page = uow.audit.page(after_seq=after, limit=page_size)
        if not page:
            break
        for entry in page:
            verifier.add(entry)
        after = page[-1].seq
        if advance is not None:
            advance(len(page))
    return verifier.report()


def audit_entries(
    uow: UnitOfWork, *, subject_type: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The newest entries first, as JSON-ready dicts."""
    with uow:
        rows = uow.audit.entries(subject_type=subject_type, limit=limit)
    return [
        {
            "seq": r["seq"],
            "at": r["at"].isoformat(),
            "actor": r["actor"],
            "action": r["action"],
            "subject_type": r["subject_type"],
            "subject_id": r["subject_id"],
            "institution_id": r["institution_id"],
            "detail": r["detail"],
            "before": r["before"],
            "after": r["after"],
            "hash": r["hash"],
        }
        for r in rows
    ]
