"""Pydantic models for the governance API: one definition version's state and history, and the
board's queue. Separate from the tables; each output has an ``of``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from credstack.api.award_schemas import UtcDatetime
from credstack.domain.governance import Policy, Progress, review_status
from credstack.services.governance import GovernanceView
from credstack.services.governance_queue import BoardQueue, QueueItem

Kind = Literal["achievement", "pathway"]
Step = Literal["submit", "approve", "request-changes", "publish", "retire"]


class StepIn(BaseModel):
    comment: str = Field(
        default="",
        max_length=5000,
        description="why; required when requesting changes (say what should change)",
    )


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class NextReviewIn(BaseModel):
    next_review: date = Field(description="the date of the next periodic review")
    comment: str = Field(default="", max_length=5000, description="e.g. the outcome of the review just held")


class ApprovalsOut(BaseModel):
    required: int
    approvers: list[str] = Field(description="board members who approved in the current round")
    missing: int

    @classmethod
    def of(cls, progress: Progress) -> ApprovalsOut:
        return cls(required=progress.required, approvers=list(progress.approvers), missing=progress.missing)


class TransitionOut(BaseModel):
    from_state: str | None = Field(description="none: the version was created")
    to_state: str
    round: int
    by: str
    at: UtcDatetime
    note: str


class VoteOut(BaseModel):
    decision: str
    round: int
    by: str
    at: UtcDatetime
    comment: str


class CommentOut(BaseModel):
    by: str
    at: UtcDatetime
    text: str


class GovernanceOut(BaseModel):
    """One definition version: its state, the approvals of the current round, and its history."""

    kind: Kind
    code: str
    version: int = Field(description="the pathway version (achievements: 1)")
    versions: list[int] = Field(description="every version of the definition")
    name: str
    state: str
    round: int = Field(description="how many times this version was submitted")
    approvals: ApprovalsOut
    next_review: date | None
    review: str = Field(description="overdue, due, scheduled or unscheduled")
    transitions: list[TransitionOut]
    decisions: list[VoteOut]
    comments: list[CommentOut]

    @classmethod
    def of(cls, view: GovernanceView, policy: Policy, today: date | None = None) -> GovernanceOut:
        r = view.record
        return cls(
            kind=r.subject.kind.value,
            code=r.subject.code,
            version=r.subject.version,
            versions=list(view.versions),
            name=view.name,
            state=r.state.value,
            round=r.round,
            approvals=ApprovalsOut.of(view.progress),
            next_review=r.next_review,
            review=review_status(r.next_review, today or date.today(), policy).value,
            transitions=[
                TransitionOut(
                    from_state=t.from_state.value if t.from_state else None,
                    to_state=t.to_state.value,
                    round=t.round,
                    by=t.actor,
                    at=t.at,
                    note=t.note,
                )
                for t in r.transitions
            ],
            decisions=[
                VoteOut(decision=v.decision.value, round=v.round, by=v.reviewer, at=v.at, comment=v.comment)
                for v in r.votes
            ],
            comments=[CommentOut(by=c.author, at=c.at, text=c.text) for c in view.comments],
        )


class QueueItemOut(BaseModel):
    kind: Kind
    code: str
    version: int
    name: str
    state: str
    approvals: ApprovalsOut
    submitted_by: list[str]
    submitted_at: UtcDatetime | None
    next_review: date | None
    review: str
    url: str = Field(description="this version's governance history in the API")

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemOut:
        d = item.definition
        s = d.subject
        return cls(
            kind=s.kind.value,
            code=s.code,
            version=s.version,
            name=d.name,
            state=d.state.value,
            approvals=ApprovalsOut.of(item.progress),
            submitted_by=list(item.submitted_by),
            submitted_at=item.submitted_at,
            next_review=d.next_review,
            review=item.review.value,
            url=f"/api/v1/governance/{s.kind}/{s.code}/history?version={s.version}",
        )


class QueueOut(BaseModel):
    """What the governance board has to look at."""

    today: date
    approvals_required: int
    waiting: list[QueueItemOut] = Field(
        description="in review (with the approvals so far) or approved, unpublished"
    )
    reviews: list[QueueItemOut] = Field(
        description="live definitions whose periodic review is overdue, due or unscheduled"
    )

    @classmethod
    def of(cls, queue: BoardQueue) -> QueueOut:
        return cls(
            today=queue.today,
            approvals_required=queue.policy.approvals_required,
            waiting=[QueueItemOut.of(i) for i in queue.waiting],
            reviews=[QueueItemOut.of(i) for i in queue.reviews],
        )
