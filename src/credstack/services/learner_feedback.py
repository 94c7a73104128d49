"""A learner's own submission as feedback: per rubric criterion the level reached beside the
level needed and, where it was not reached (or is not marked yet), the learning resources on
that criterion, its competencies and its achievement.

Only the learner who owns the submission sees it here; anyone else is told it does not exist.
Before a decision the learner sees no marks (as in services/assessment.py): every criterion is
still to reach, and its resources help with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from credstack.domain.assessment import Status
from credstack.domain.errors import NotFound
from credstack.domain.feedback import CriterionFeedback, feedback
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.resources import Resource, for_criterion, plain_key
from credstack.domain.rubric import Rubric
from credstack.services.assessment import awaiting, rubric_of
from credstack.services.institutions import ensure_institution
from credstack.services.resources import resources_near
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.assessment import StoredDecision, StoredSubmission


@dataclass(frozen=True)
class CriterionRow:
    feedback: CriterionFeedback
    comment: str | None  # the deciding marker's comment, once decided
    resources: tuple[Resource, ...]  # empty where the criterion was reached


@dataclass(frozen=True)
class SubmissionFeedback:
    submission: StoredSubmission
    rubric: Rubric
    decision: StoredDecision | None
    awaiting: str | None
    rows: list[CriterionRow]
    decided_at: datetime | None

    @property
    def status_label(self) -> str:
        return Status(self.submission.status).label

    @property
    def reached(self) -> int:
        return sum(r.feedback.met is True for r in self.rows)


def my_submission_feedback(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, public_id: str
) -> SubmissionFeedback:
    principal.require(Role.LEARNER, scope="read")
    if not plain_key(public_id):
        raise NotFound("submission", public_id)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        sub = uow.assessment.submission(institution_id, public_id)
        if sub is None or sub.learner_email != principal.email.strip().lower():
            raise NotFound("submission", public_id)
        rubric = rubric_of(uow, sub.achievement_id)
        decision = uow.assessment.decision(sub.id)
        assigned = uow.assessment.assignments_for(sub.id)
        comments: dict[str, str] = {}
        if decision is not None:
            role = "third" if decision.how == "reconciled" else "first"
            deciding = assigned.get(role)
            comments = {m.criterion: m.comment for m in uow.assessment.marks(deciding.id)} if deciding else {}
        comps = {k for c in rubric.criteria for k in c.competencies}
        near = resources_near(uow, institution_id, {sub.achievement_id}, comps)
        waiting = awaiting(sub.status, assigned)
    rows = [
        CriterionRow(
            f,
            comments.get(f.criterion.code),
            ()
            if f.met
            else tuple(for_criterion(near, sub.achievement_code, f.criterion.code, f.criterion.competencies)),
        )
        for f in feedback(rubric, decision.result if decision else None)
    ]
    return SubmissionFeedback(sub, rubric, decision, waiting, rows, sub.decided_at)
