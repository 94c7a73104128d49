"""Bulk issuance from a CSV of learners: idempotent, resumable, on a job queue when configured.

Each row's idempotency key comes from the file's content (its ``key`` column, or a hash of the
row), so the same CSV run again issues nothing new, and a run killed midway resumes where it
stopped: rows are issued in small transactions, and a row either has its award or has not.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from credstack.credentials.ob3 import EvidenceItem
from credstack.domain.errors import DomainError, InvalidInput, Problem
from credstack.domain.institution import Institution
from credstack.services.issuance import IssueRequest
from credstack.services.stacking import issue_and_stack
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.achievements import StoredAchievement

COLUMNS = ("achievement", "email", "name", "marks", "evidence", "valid_from", "key")


@dataclass(frozen=True)
class BulkRow:
    line: int
    request: IssueRequest


def _marks(value: str, line: int, problems: list[Problem]) -> dict[str, str]:
    marks: dict[str, str] = {}
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        code, sep, level = part.partition("=")
        if not sep or not code.strip() or not level.strip():
            problems.append(Problem(f"line {line} marks", f"{part!r} should be CRITERION=LEVEL"))
            continue
        marks[code.strip()] = level.strip()
    return marks


def parse_bulk_csv(data: bytes, *, source: str = "learners CSV") -> list[BulkRow]:
    """Rows of ``achievement,email[,name,marks,evidence,valid_from,key]``; every bad row named."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(Problem(f"byte {exc.start}", "not UTF-8 text"), source=source) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("achievement", "email") if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        )
        raise InvalidInput(
            Problem("line 1", "; ".join(parts) + f" (columns: {', '.join(COLUMNS)})"), source=source
        )
    reader.fieldnames = header
    problems: list[Problem] = []
    rows: list[BulkRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            problems.append(Problem(f"line {line}", "more cells than the header has columns"))
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue
        if not values["achievement"]:
            problems.append(Problem(f"line {line} achievement", "is required"))
        if "@" not in values.get("email", ""):
            problems.append(Problem(f"line {line} email", f"{values.get('email')!r} is not an email address"))
        valid_from = None
        if values.get("valid_from"):
            try:
                valid_from = datetime.fromisoformat(values["valid_from"].replace("Z", "+00:00"))
            except ValueError:
                problems.append(Problem(f"line {line} valid_from", f"{values['valid_from']!r} is not a date"))
        marks = _marks(values.get("marks", ""), line, problems)
        evidence = [EvidenceItem(url=u.strip()) for u in values.get("evidence", "").split(";") if u.strip()]
        for e in evidence:
            if "://" not in e.url:
                problems.append(Problem(f"line {line} evidence", f"{e.url!r} is not a URL"))
        request = IssueRequest(
            achievement=values["achievement"],
            learner_email=values.get("email", ""),
            learner_name=values.get("name") or None,
            marks=marks,
            evidence=evidence,
            valid_from=valid_from,
        )
        key = values.get("key") or f"bulk:{request.key()}"
        if key in seen:
            problems.append(Problem(f"line {line}", f"repeats line {seen[key]}"))
            continue
        seen[key] = line
        rows.append(BulkRow(line, IssueRequest(**{**request.__dict__, "idempotency_key": key})))
    if problems:
        raise InvalidInput(problems, source=source)
    return rows


@dataclass
class BulkResult:
    issued: int = 0
    already: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other: BulkResult) -> None:
        self.issued += other.issued
        self.already += other.already
        self.failed.extend(other.failed)

    def summary(self) -> dict[str, object]:
        return {
            "issued": self.issued,
            "already_issued": self.already,
            "failed": [{"line": line, "error": error} for line, error in (self.failed or [])],
        }


def issue_rows(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    rows: Iterable[BulkRow],
    actor: str,
    advance: Callable[[int], None] | None = None,
) -> BulkResult:
    """Issue each row in its own transaction; a row that cannot be issued (e.g. an achievement
    that is not published) is reported with its line and the others go on."""
    result = BulkResult()
    definitions: dict[str, StoredAchievement] = {}  # each definition read once per run
    for row in rows:
        try:
            issued = issue_and_stack(
                uow,
                settings=settings,
                institution=institution,
                request=row.request,
                actor=actor,
                definitions=definitions,
            )
        except DomainError as exc:
            result.failed.append((row.line, str(exc)))
        else:
            if issued.created:
                result.issued += 1
            else:
                result.already += 1
        if advance:
            advance(1)
    return result
