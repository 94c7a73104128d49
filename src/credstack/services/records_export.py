"""The export for the student-records system: CSV, one row per award (micro-credentials, stacked
awards and accepted transfer credit) of every learner, optionally those issued in a period.
The columns are documented in docs/registrar-records.md and named by ``COLUMNS``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.transcripts import Entry, transcript
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import awards, learners, transfer_credits

COLUMNS = (
    "learner_id", "learner_email", "learner_name", "achievement_id", "achievement_name", "kind",
    "issued_date", "status", "credits", "credit_unit", "ects", "credential_id", "credential_url",
    "completed_stack", "stacked_into", "transfer_source",
)  # fmt: skip


@dataclass(frozen=True)
class Period:
    since: date | None = None  # first day, inclusive
    until: date | None = None  # last day, inclusive

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> Period:
        problems = []
        days: dict[str, date | None] = {}
        for name, value in (("since", since), ("until", until)):
            text = (value or "").strip()
            try:
                days[name] = date.fromisoformat(text) if text else None
            except ValueError:
                problems.append(Problem(name, f"{value!r} is not a date (YYYY-MM-DD)"))
                days[name] = None
        period = cls(days["since"], days["until"])
        if period.since and period.until and period.until < period.since:
            problems.append(Problem("until", "the period ends before it starts"))
        if problems:
            raise InvalidInput(problems)
        return period

    def holds(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def _num(value: object) -> str:
    return "" if value is None else str(value)


def _row(learner_id: str, email: str, name: str, e: Entry) -> list[str]:
    return [
        learner_id, email, name, e.achievement, e.name, e.kind, e.issued.isoformat(), e.status,
        _num(e.credits), e.unit or "", _num(e.ects), e.id, e.credential_url or "",
        e.pathway if e.source == "stacked" and e.pathway else "", ";".join(e.part_of), e.transfer_from or "",
    ]  # fmt: skip


def export_rows(
    uow: UnitOfWork,
    *,
    institution: Institution,
    settings: Settings,
    period: Period = Period(),
    learner_email: str | None = None,
) -> list[list[str]]:
    """The rows (without the header), by learner email then date."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        holds = (
            select(awards.c.id).where(awards.c.learner_id == learners.c.id).exists()
            | select(transfer_credits.c.id).where(transfer_credits.c.learner_id == learners.c.id).exists()
        )
        query = (
            learners.select()
            .where(learners.c.institution_id == institution_id, holds)
            .order_by(learners.c.email)
        )
        if learner_email:
            query = query.where(learners.c.email == learner_email.strip().lower())
        people = [(r.email, r.name, r.external_id) for r in uow.conn.execute(query)]
    rows = []
    for email, name, external_id in people:
        record = transcript(uow, institution=institution, settings=settings, learner_email=email)
        for e in record.entries:
            if period.holds(e.issued):
                rows.append(_row(external_id or email, email, name, e))
    return rows


def records_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def export_for(
    uow: UnitOfWork,
    *,
    institution: Institution,
    settings: Settings,
    principal: Principal,
    period: Period = Period(),
) -> str:
    """The CSV, for registrars (and administrators)."""
    principal.require(Role.REGISTRAR, scope="read")
    return records_csv(export_rows(uow, institution=institution, settings=settings, period=period))
