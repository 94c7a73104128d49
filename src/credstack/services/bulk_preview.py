"""Bulk issuance from the web: a preview that checks every row against the catalog before
anything is issued, then the rows issued one by one with each row's credential.

The CSV is the CLI's (``services/bulk.py`` parses it, with the same idempotency keys), so a
file issued from the command line and then uploaded here issues nothing new: those rows come
back as already issued, with their credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from credstack.domain.errors import DomainError, InvalidInput, Problem
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services.bulk import BulkRow
from credstack.services.institutions import ensure_institution
from credstack.services.stacking import issue_and_stack
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.achievements import StoredAchievement


@dataclass(frozen=True)
class PreviewRow:
    row: BulkRow
    achievement_name: str
    already: str | None  # the public id of the credential this row already issued


@dataclass(frozen=True)
class RowOutcome:
    line: int
    learner_email: str
    achievement_name: str
    award: str | None  # public id
    created: bool
    error: str | None = None


def _check(stored: StoredAchievement | None, row: BulkRow) -> str | None:
    """Why this row could not be issued, or None."""
    code = row.request.achievement
    if stored is None:
        return f"no achievement with code {code!r}"
    if not stored.achievement.awardable:
        return f"{code} is {stored.achievement.state}: only published definitions are awarded"
    if row.request.marks:
        rubric = stored.achievement.rubric
        if rubric is None:
            return f"{code} has no rubric to mark against"
        unknown = [c for c in row.request.marks if rubric.criterion(c) is None]
        if unknown:
            return f"{code} has no criterion {', '.join(unknown)}"
        verdict = rubric.evaluate(dict(row.request.marks))
        if not verdict.passed:
            return f"{code}: the marks do not meet the pass rule: " + "; ".join(verdict.shortfalls)
    return None


def preview(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, rows: list[BulkRow]
) -> list[PreviewRow]:
    """Each row with its achievement's name and whether it was issued already; raises
    InvalidInput naming every row that could not be issued (then nothing may be issued)."""
    principal.require(Role.REGISTRAR, scope="issue")
    problems: list[Problem] = []
    shown: list[PreviewRow] = []
    definitions: dict[str, StoredAchievement | None] = {}
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        for row in rows:
            code = row.request.achievement
            if code not in definitions:
                found = uow.achievements.id_for_code(institution_id, code)
                definitions[code] = uow.achievements.get(found) if found is not None else None
            stored = definitions[code]
            why = _check(stored, row)
            if why is not None:
                problems.append(Problem(f"line {row.line} achievement", why))
                continue
            assert stored is not None
            done = uow.awards.by_idempotency_key(institution_id, row.request.key())
            shown.append(PreviewRow(row, stored.achievement.name, done.public_id if done else None))
    if problems:
        raise InvalidInput(problems, source="learners CSV")
    return shown


def issue_all(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    principal: Principal,
    rows: list[BulkRow],
) -> list[RowOutcome]:
    """Check every row (nothing is issued if one fails), then issue each in its own transaction
    through ``issue_and_stack``, as the CLI does; a row issued before comes back as it was."""
    checked = preview(uow, institution=institution, principal=principal, rows=rows)
    outcomes: list[RowOutcome] = []
    for item in checked:
        request = item.row.request
        try:
            issued = issue_and_stack(
                uow, settings=settings, institution=institution, request=request, actor=principal.actor
            )
        except DomainError as exc:  # e.g. the definition was retired between preview and issue
            outcomes.append(
                RowOutcome(item.row.line, request.learner_email, item.achievement_name, None, False, str(exc))
            )
            continue
        outcomes.append(
            RowOutcome(
                item.row.line,
                request.learner_email,
                item.achievement_name,
                issued.award.public_id,
                issued.created,
            )
        )
    return outcomes
