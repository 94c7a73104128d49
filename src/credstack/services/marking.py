"""Marking: an assessor's own assignments, their marks, and what follows a completed marking.

When a first marking completes, sampling (domain/sampling.py, with the achievement's or the
institution's moderation policy) either sends the submission to moderation or lets the first
marks decide it. A second marking is blind; if it disagrees with the first, a third marker
reconciles. A decision that passes issues the award through ``issue_and_stack`` with the
deciding marks and the evidence links, after the decision is committed: the decision and every
mark stand even if issuing fails, and ``issue_pending_awards`` tries again (issuance is
idempotent per submission). Every step is in the audit log.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from credstack.credentials.ob3 import EvidenceItem
from credstack.domain.assessment import (
    CriterionMark,
    Decision,
    Marking,
    Pending,
    Status,
    disagreement,
    level_index,
    levels_of,
    next_step,
    require_complete,
    transition,
    verdict,
)
from credstack.domain.errors import DomainError, InvalidTransition, NotFound
from credstack.domain.evidence import EvidenceKind
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.rubric import Rubric
from credstack.domain.sampling import FirstMarked, Pick, SamplingPolicy, borderline, pick
from credstack.services.assessment import Marking as ShownMarking
from credstack.services.assessment import awaiting, rubric_of
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import IssueRequest
from credstack.services.stacking import issue_and_stack
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.assessment import StoredAssignment, StoredEvidence, StoredMark, StoredSubmission


@dataclass(frozen=True)
class AssignmentView:
    """What a marker sees: the work, the rubric, their own marks, and for a third marker the
    two markings to reconcile. A second marker sees no earlier marks (blind)."""

    assignment: StoredAssignment
    submission: StoredSubmission
    rubric: Rubric
    evidence: list[StoredEvidence]
    own: list[StoredMark]
    earlier: list[ShownMarking]
    disagreement: tuple[str, ...]


@dataclass(frozen=True)
class MarkOutcome:
    submission: str
    status: str
    awaiting: str | None
    decision: Decision | None
    award: str | None = None  # the issued award's public id
    award_error: str | None = None


def _stored_marking(marks: list[StoredMark]) -> dict[str, CriterionMark]:
    return {m.criterion: CriterionMark(m.level, m.comment) for m in marks}


def _own_assignment(
    uow: UnitOfWork, institution_id: int, principal: Principal, assignment: int
) -> tuple[StoredAssignment, StoredSubmission]:
    a = uow.assessment.assignment(assignment)
    sub = uow.assessment.submission_by_id(a.submission_id) if a is not None else None
    if a is None or sub is None or a.assessor_id != principal.user_id or sub.institution_id != institution_id:
        raise NotFound("assignment", assignment)
    return a, sub


def my_assignments(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, open_only: bool = False
) -> list[tuple[StoredAssignment, StoredSubmission]]:
    """The caller's assignments only, oldest first."""
    principal.require(Role.ASSESSOR, scope="read")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = []
        for a in uow.assessment.assignments_of(principal.user_id, open_only=open_only):
            sub = uow.assessment.submission_by_id(a.submission_id)
            if sub is not None and sub.institution_id == institution_id:
                found.append((a, sub))
        return found


def view_assignment(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, assignment: int
) -> AssignmentView:
    principal.require(Role.ASSESSOR, scope="read")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        a, sub = _own_assignment(uow, institution_id, principal, assignment)
        rubric = rubric_of(uow, sub.achievement_id)
        earlier: list[ShownMarking] = []
        reasons: tuple[str, ...] = ()
        if a.role == "third":
            assigned = uow.assessment.assignments_for(sub.id)
            for role in ("first", "second"):
                other = assigned[role]
                earlier.append(
                    ShownMarking(
                        role, other.assessor_email, other.completed_at, uow.assessment.marks(other.id)
                    )
                )
            reasons = disagreement(
                rubric, _stored_marking(earlier[0].marks), _stored_marking(earlier[1].marks)
            )
        return AssignmentView(
            a, sub, rubric, uow.assessment.evidence(sub.id), uow.assessment.marks(a.id), earlier, reasons
        )


def mark(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    principal: Principal,
    assignment: int,
    marking: Mapping[str, CriterionMark],
    now: datetime | None = None,
) -> MarkOutcome:
    """Record the caller's complete marking (a level and a comment per criterion; final once
    given), then sample, wait for the next marker, or decide, and issue the award on a pass."""
    principal.require(Role.ASSESSOR, scope="assess")
    at = now or datetime.now(UTC)
    decision: Decision | None = None
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        a, found = _own_assignment(uow, institution_id, principal, assignment)
        sub = uow.assessment.submission(institution_id, found.public_id, for_update=True)
        assert sub is not None
        if a.completed_at is not None:
            raise InvalidTransition("this assignment is already marked: marks are final and kept")
        expected = Status.IN_MARKING if a.role == "first" else Status.IN_MODERATION
        if sub.status != expected:
            raise InvalidTransition(
                f"a {a.role} marking is given while the submission is {expected}; it is {sub.status}"
            )
        rubric = rubric_of(uow, sub.achievement_id)
        require_complete(rubric, marking)
        canonical = _canonical(rubric, marking)
        uow.assessment.add_marks(
            a.id,
            [
                {"criterion": code, "level": m.level, "level_index": level_index(rubric, code, m.level),
                 "comment": m.comment.strip(), "marked_at": at}
                for code, m in canonical.items()
            ],
        )  # fmt: skip
        uow.assessment.complete(a.id, at)
        uow.audit.record(
            actor=principal.actor, action="assessment.marked", subject_type="submission",
            subject_id=sub.public_id, institution_id=institution_id,
            detail={"role": a.role, "assignment": a.id, "marks": levels_of(canonical)},
        )  # fmt: skip
        status, sampled = Status(sub.status), sub.sample_reason is not None
        if a.role == "first":
            chosen, reasons = _sample(uow, institution_id, sub, a, rubric, canonical)
            if chosen.sampled:
                sampled = True
                status = transition(status, Status.IN_MODERATION)
                uow.assessment.set_sample_reason(sub.id, chosen.reason)
                uow.assessment.set_status(sub.id, status, at)
                uow.audit.record(
                    actor="moderation-sampling", action="assessment.sampled", subject_type="submission",
                    subject_id=sub.public_id, institution_id=institution_id,
                    detail={"reason": chosen.reason, "why": chosen.explanation, "borderline": list(reasons)},
                )  # fmt: skip
        assigned = uow.assessment.assignments_for(sub.id)
        given = {
            r: _stored_marking(uow.assessment.marks(x.id)) for r, x in assigned.items() if x.completed_at
        }
        step = next_step(
            rubric,
            first=given.get("first"),
            sampled=sampled,
            second=given.get("second"),
            third=given.get("third"),
        )
        if isinstance(step, Decision):
            decision = step
            status = transition(status, Status.DECIDED)
            uow.assessment.add_decision(
                sub.id, passed=step.passed, how=step.how, result=step.result, detail=step.as_json(),
                decided_by=principal.actor, decided_at=at,
            )  # fmt: skip
            uow.assessment.set_status(sub.id, status, at)
            uow.audit.record(
                actor=principal.actor, action="assessment.decided", subject_type="submission",
                subject_id=sub.public_id, institution_id=institution_id, after=step.as_json(),
            )  # fmt: skip
        elif isinstance(step, Pending) and step.awaiting == "third":
            uow.audit.record(
                actor=principal.actor, action="assessment.disagreement", subject_type="submission",
                subject_id=sub.public_id, institution_id=institution_id, detail={"reasons": list(step.reasons)},
            )  # fmt: skip
        waiting = awaiting(status, assigned)
        uow.commit()
    outcome = MarkOutcome(sub.public_id, status.value, waiting, decision)
    if decision is not None and decision.passed:
        award, error = issue_for(
            uow, settings=settings, institution=institution, submission=sub.public_id, actor=principal.actor
        )
        outcome = MarkOutcome(sub.public_id, status.value, None, decision, award, error)
    return outcome


def _canonical(rubric: Rubric, marking: Mapping[str, CriterionMark]) -> dict[str, CriterionMark]:
    """The marking in rubric order with each level's own spelling."""
    out = {}
    for criterion in rubric.criteria:
        given = marking[criterion.code]
        level = criterion.level(given.level)
        assert level is not None  # checked complete
        out[criterion.code] = CriterionMark(level.name, given.comment)
    return out


def _sample(
    uow: UnitOfWork,
    institution_id: int,
    sub: StoredSubmission,
    a: StoredAssignment,
    rubric: Rubric,
    first: Marking,
) -> tuple[Pick, tuple[str, ...]]:
    """Sample a completed first marking. The counts of the group are read after the marking's
    audit entry was appended, and appending takes the audit chain's lock for the rest of the
    transaction (SQLite: the write lock of BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so
    two markings of one group completing at once are counted one after the other."""
    stored = uow.assessment.policy(institution_id, sub.achievement_id)
    policy = stored[0] if stored else SamplingPolicy()
    before, sampled_before = uow.assessment.group_counts(
        institution_id=institution_id, achievement_id=sub.achievement_id, cohort=sub.cohort,
        assessor_id=a.assessor_id, excluding=sub.id,
    )  # fmt: skip
    reasons = borderline(rubric, levels_of(first))
    item = FirstMarked(
        sub.public_id, str(a.assessor_id), sub.cohort, verdict(rubric, first).passed, bool(reasons)
    )
    return pick(item, before=before, sampled_before=sampled_before, policy=policy), reasons


def evidence_item(item: StoredEvidence) -> EvidenceItem:
    """A stored item as Open Badges evidence. A file is named by an RFC 6920 ``ni:`` URI of its
    SHA-256, so anyone holding the file can check it is the one assessed."""
    kind = EvidenceKind(item.kind)
    narrative = " ".join(
        part
        for part in (f"Attested by {item.attested_by}." if item.attested_by else "", item.note or "")
        if part
    )
    if item.sha256 is not None:
        digest = base64.urlsafe_b64encode(bytes.fromhex(item.sha256)).rstrip(b"=").decode()
        url = f"ni:///sha-256;{digest}?ct={item.media_type}"
        description = f"{item.filename} ({item.media_type}, {item.size:,} bytes, SHA-256 {item.sha256})"
        return EvidenceItem(url, item.title, narrative or None, description, kind.label)
    assert item.url is not None
    return EvidenceItem(item.url, item.title, narrative or None, None, kind.label)


def issue_for(
    uow: UnitOfWork, *, settings: Settings, institution: Institution, submission: str, actor: str
) -> tuple[str | None, str | None]:
    """Issue the award a passing decision earned (once: the key is the submission's); returns
    the award's public id, or the reason it could not be issued (kept in the audit log)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        sub = uow.assessment.submission(institution_id, submission)
        decision = uow.assessment.decision(sub.id) if sub else None
        if sub is None or decision is None or not decision.passed:
            return None, None
        if decision.award_public_id:
            return decision.award_public_id, None
        items = [evidence_item(e) for e in uow.assessment.evidence(sub.id)]
    request = IssueRequest(
        achievement=sub.achievement_code, learner_email=sub.learner_email, learner_name=sub.learner_name,
        marks=decision.result, evidence=items, idempotency_key=f"assessment:{sub.public_id}",
    )  # fmt: skip
    try:
        issued = issue_and_stack(
            uow, settings=settings, institution=institution, request=request, actor=actor
        )
    except DomainError as exc:
        with uow:
            uow.audit.record(
                actor=actor, action="assessment.award_failed", subject_type="submission",
                subject_id=sub.public_id, institution_id=institution_id, detail={"reason": str(exc)},
            )  # fmt: skip
            uow.commit()
        return None, str(exc)
    with uow:
        uow.assessment.set_award(sub.id, issued.award.public_id)
        uow.audit.record(
            actor=actor, action="assessment.awarded", subject_type="submission", subject_id=sub.public_id,
            institution_id=institution_id, detail={"award": issued.award.public_id, "created": issued.created},
        )  # fmt: skip
        uow.commit()
    return issued.award.public_id, None


def issue_pending_awards(
    uow: UnitOfWork, *, settings: Settings, institution: Institution, principal: Principal
) -> list[tuple[str, str | None, str | None]]:
    """Issue every passing decision's award not yet issued (after a failure or a crash)."""
    principal.require(Role.REGISTRAR, scope="issue")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        decided = uow.assessment.submissions(institution_id, status=Status.DECIDED, limit=100_000)
        pending = [
            s.public_id
            for s in decided
            if (d := uow.assessment.decision(s.id)) is not None and d.passed and not d.award_public_id
        ]
    return [
        (
            public_id,
            *issue_for(
                uow, settings=settings, institution=institution, submission=public_id, actor=principal.actor
            ),
        )
        for public_id in pending
    ]
