"""The governance board's queue: what waits for a decision (in review, with the approvals so far;
approved, waiting to be published) and which live definitions are due or overdue for their
periodic review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from credstack.domain.achievement import LifecycleState
from credstack.domain.governance import Policy, Progress, ReviewStatus, SubjectKind, review_status
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.governance import Definition

WAITING = {LifecycleState.IN_REVIEW, LifecycleState.APPROVED}


@dataclass(frozen=True)
class QueueItem:
    definition: Definition
    progress: Progress
    review: ReviewStatus
    submitted_by: tuple[str, ...]  # who submitted this round (they may not approve it)
    submitted_at: datetime | None


@dataclass(frozen=True)
class BoardQueue:
    today: date
    policy: Policy
    waiting: list[QueueItem]  # in review or approved, oldest submission first
    reviews: list[QueueItem]  # live definitions whose review is overdue, due or unscheduled

    def with_review(self, status: ReviewStatus) -> list[QueueItem]:
        return [i for i in self.reviews if i.review is status]


def board_queue(
    uow: UnitOfWork, *, institution: Institution, policy: Policy, today: date | None = None
) -> BoardQueue:
    """What the board has to look at. For a pathway only its current live version is reviewed
    (older published versions are kept for learners who started on them)."""
    today = today or date.today()
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        live_pathways = {
            (p.code, p.version) for p in uow.pathways.latest(institution_id, published_only=True)
        }
        waiting: list[QueueItem] = []
        reviews: list[QueueItem] = []
        for d in uow.governance.in_states(institution_id, WAITING | {LifecycleState.PUBLISHED}):
            s = d.subject
            if d.state is LifecycleState.PUBLISHED:
                if s.kind is SubjectKind.PATHWAY and (s.code, s.version) not in live_pathways:
                    continue
                status = review_status(d.next_review, today, policy)
                if status is ReviewStatus.SCHEDULED:
                    continue
            else:
                status = review_status(d.next_review, today, policy)
            record = uow.governance.record(institution_id, d)
            submissions = [t for t in record.transitions if t.to_state is LifecycleState.IN_REVIEW]
            this_round = [t for t in submissions if t.round == record.round]
            item = QueueItem(
                d,
                record.progress(policy),
                status,
                tuple(t.actor for t in this_round),
                this_round[-1].at if this_round else None,
            )
            (reviews if d.state is LifecycleState.PUBLISHED else waiting).append(item)
    waiting.sort(
        key=lambda i: (i.submitted_at is None, i.submitted_at or datetime.min, str(i.definition.subject))
    )
    order = {ReviewStatus.OVERDUE: 0, ReviewStatus.DUE: 1, ReviewStatus.UNSCHEDULED: 2}
    reviews.sort(
        key=lambda i: (order[i.review], i.definition.next_review or date.max, str(i.definition.subject))
    )
    return BoardQueue(today, policy, waiting, reviews)
