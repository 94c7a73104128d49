"""Governance of definitions: who may move an achievement (with its rubric) or a pathway version
through draft -> in review -> approved -> published -> retired, and when.

Plain rules over a :class:`Record` (one version's state, its state changes and the board's
votes): each action is refused with the reason (``Forbidden`` for who, ``InvalidTransition`` for
when), or returns the :class:`Outcome` the service stores. Approvals count per review *round*
(one submission): a request for changes sends the version back to draft and the next submission
starts a new round, so earlier approvals no longer count.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from credstack.domain.achievement import LifecycleState
from credstack.domain.errors import DomainError, InvalidInput, InvalidTransition, Problem
from credstack.domain.identity import Forbidden, Principal, Role

State = LifecycleState
SCOPE = "govern"  # the API token scope every governance action needs


class SubjectKind(StrEnum):
    ACHIEVEMENT = "achievement"  # governed with its rubric (the assessment blueprint)
    PATHWAY = "pathway"  # one version of a stacking rule


class Decision(StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    PUBLISH = "publish"
    RETIRE = "retire"
    COMMENT = "comment"
    SCHEDULE_REVIEW = "schedule-review"


ROLES: dict[Action, tuple[Role, ...]] = {
    Action.SUBMIT: (Role.DESIGNER,),
    Action.APPROVE: (Role.BOARD,),
    Action.REQUEST_CHANGES: (Role.BOARD,),
    Action.PUBLISH: (Role.DESIGNER, Role.BOARD),
    Action.RETIRE: (Role.BOARD,),
    Action.COMMENT: (Role.DESIGNER, Role.BOARD),
    Action.SCHEDULE_REVIEW: (Role.BOARD,),
}

VIEWERS = (Role.DESIGNER, Role.BOARD)  # who reads the queue, the history and the comments


def require_viewer(principal: Principal) -> None:
    """The board's queue and a version's history (with its comments) are for designers and the
    board (a token needs the scope ``read`` or ``govern``)."""
    principal.require(*VIEWERS)
    if not (principal.allows("read") or principal.allows(SCOPE)):
        raise Forbidden("this API token lacks the scope 'read' or 'govern'")


def require_author(principal: Principal) -> None:
    """Who may write a new version of a definition: those who may submit it."""
    principal.require(*ROLES[Action.SUBMIT], scope=SCOPE)


FROM_STATES: dict[Action, frozenset[State]] = {
    Action.SUBMIT: frozenset({State.DRAFT}),
    Action.APPROVE: frozenset({State.IN_REVIEW}),
    Action.REQUEST_CHANGES: frozenset({State.IN_REVIEW, State.APPROVED}),
    Action.PUBLISH: frozenset({State.APPROVED}),
    Action.RETIRE: frozenset({State.PUBLISHED}),
    Action.COMMENT: frozenset(State),
    Action.SCHEDULE_REVIEW: frozenset(State) - {State.RETIRED},
}


@dataclass(frozen=True)
class Policy:
    """The institution's rules: distinct board approvals a version needs (0: definitions publish
    without review), months from publication to the periodic review, and how early a review
    shows as due."""

    approvals_required: int = 2
    review_months: int = 12
    due_within_days: int = 30

    def __post_init__(self) -> None:
        if self.approvals_required < 0:
            raise InvalidInput(Problem("governance_approvals", "must not be negative"))
        if self.review_months <= 0 or self.due_within_days < 0:
            raise InvalidInput(Problem("review", "review months must be positive, due days not negative"))


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    code: str
    version: int = 1  # achievements are not versioned in the catalog: always 1

    def __str__(self) -> str:
        return f"{self.kind} {self.code}" + (
            f" version {self.version}" if self.kind is SubjectKind.PATHWAY else ""
        )


@dataclass(frozen=True)
class Transition:
    from_state: State | None  # None: the version was created
    to_state: State
    round: int
    actor: str
    actor_id: int | None
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class Vote:
    reviewer_id: int
    reviewer: str
    decision: Decision
    round: int
    at: datetime
    comment: str = ""


@dataclass(frozen=True)
class Comment:
    author: str
    author_id: int | None
    text: str
    at: datetime


@dataclass(frozen=True)
class Progress:
    """Approvals in the current round against what the policy needs."""

    required: int
    approvers: tuple[str, ...]

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.approvers))

    @property
    def met(self) -> bool:
        return self.missing == 0

    def __str__(self) -> str:
        who = f" ({', '.join(self.approvers)})" if self.approvers else ""
        return f"{len(self.approvers)} of {self.required} approvals{who}"


@dataclass(frozen=True)
class Record:
    """One version's governance: its state, how it got there and the board's votes."""

    subject: Subject
    state: State
    transitions: tuple[Transition, ...] = ()
    votes: tuple[Vote, ...] = ()
    next_review: date | None = None

    @property
    def round(self) -> int:
        """The review round: how many times this version was submitted."""
        return sum(1 for t in self.transitions if t.to_state is State.IN_REVIEW)

    @property
    def authors(self) -> frozenset[int]:
        """Who created or submitted this version (they may not approve it)."""
        return frozenset(
            t.actor_id
            for t in self.transitions
            if t.actor_id is not None and (t.from_state is None or t.to_state is State.IN_REVIEW)
        )

    def approvals(self) -> tuple[Vote, ...]:
        """The current round's approvals, one per board member (the first)."""
        seen: dict[int, Vote] = {}
        for v in self.votes:
            if v.round == self.round and v.decision is Decision.APPROVE:
                seen.setdefault(v.reviewer_id, v)
        return tuple(seen.values())

    def progress(self, policy: Policy) -> Progress:
        return Progress(policy.approvals_required, tuple(v.reviewer for v in self.approvals()))


@dataclass(frozen=True)
class Outcome:
    """What an action changes: the state steps (in order) and the round they belong to."""

    action: Action
    steps: tuple[tuple[State, State], ...]
    round: int
    vote: Decision | None = None

    @property
    def after(self) -> State | None:
        return self.steps[-1][1] if self.steps else None


def refusal(action: Action, record: Record, principal: Principal, policy: Policy) -> DomainError | None:
    """Why ``principal`` may not take ``action`` on this version now; None when they may."""
    if not principal.has(*ROLES[action]) or not principal.allows(SCOPE):
        try:
            principal.require(*ROLES[action], scope=SCOPE)
        except Forbidden as exc:
            return exc
    states = FROM_STATES[action]
    if action is Action.PUBLISH and policy.approvals_required == 0:
        states = frozenset({State.DRAFT, State.IN_REVIEW, State.APPROVED})
    if record.state not in states:
        allowed = " or ".join(sorted(s.value for s in states))
        return InvalidTransition(f"{record.subject} is {record.state}: {action} needs it {allowed}")
    if action is Action.APPROVE:
        if principal.user_id in record.authors:
            return Forbidden(f"an author cannot approve their own definition ({record.subject})")
        if any(v.reviewer_id == principal.user_id for v in record.approvals()):
            return InvalidTransition(f"{principal.email} has already approved {record.subject} in this round")
    if action is Action.PUBLISH and record.state is State.APPROVED and not record.progress(policy).met:
        return InvalidTransition(f"{record.subject} has {record.progress(policy)}: publishing needs more")
    return None


def check(action: Action, record: Record, principal: Principal, policy: Policy) -> None:
    problem = refusal(action, record, principal, policy)
    if problem is not None:
        raise problem


def allowed_actions(record: Record, principal: Principal, policy: Policy) -> list[Action]:
    """What the principal may do now (the buttons a page shows)."""
    return [a for a in Action if refusal(a, record, principal, policy) is None]


def decide(
    action: Action, record: Record, principal: Principal, policy: Policy, comment: str = ""
) -> Outcome:
    """One workflow step, or the reason it is refused:

    - ``submit``: a draft goes to review, starting a new round (earlier approvals lapse);
    - ``approve``: a board member who is not an author approves, once per round; the approval
      that reaches the policy's number moves the version to approved;
    - ``request-changes``: back to draft; the request must say what should change;
    - ``publish``: an approved version (with enough approvals in its round) goes live; with a
      policy of 0 approvals a draft or a version in review may be published directly;
    - ``retire``: a published version is withdrawn.
    """
    check(action, record, principal, policy)
    match action:
        case Action.SUBMIT:
            return Outcome(action, ((record.state, State.IN_REVIEW),), record.round + 1)
        case Action.APPROVE:
            enough = len(record.approvals()) + 1 >= policy.approvals_required
            steps = ((State.IN_REVIEW, State.APPROVED),) if enough else ()
            return Outcome(action, steps, record.round, Decision.APPROVE)
        case Action.REQUEST_CHANGES:
            if not comment.strip():
                raise InvalidInput(Problem("comment", "a request for changes must say what should change"))
            return Outcome(action, ((record.state, State.DRAFT),), record.round, Decision.REQUEST_CHANGES)
        case Action.PUBLISH:
            return Outcome(action, ((record.state, State.PUBLISHED),), record.round)
        case Action.RETIRE:
            return Outcome(action, ((record.state, State.RETIRED),), record.round)
    raise InvalidInput(Problem("action", f"{action} is not a workflow step"))


def apply(record: Record, outcome: Outcome, principal: Principal, at: datetime, comment: str = "") -> Record:
    """The record after ``outcome``: the vote (with its comment) and each state change, by
    ``principal`` at ``at`` (a step's note is the comment when there was no vote)."""
    votes = record.votes
    if outcome.vote is not None:
        votes += (Vote(principal.user_id, principal.actor, outcome.vote, outcome.round, at, comment),)
    note = "" if outcome.vote is not None else comment
    changes = tuple(
        Transition(f, t, outcome.round, principal.actor, principal.user_id, at, note)
        for f, t in outcome.steps
    )
    return replace(
        record, state=outcome.after or record.state, transitions=record.transitions + changes, votes=votes
    )


# ---- periodic review --------------------------------------------------------------------


class ReviewStatus(StrEnum):
    OVERDUE = "overdue"  # the review date has passed
    DUE = "due"  # within the policy's window
    SCHEDULED = "scheduled"  # later
    UNSCHEDULED = "unscheduled"  # a published definition with no review date


def review_status(next_review: date | None, today: date, policy: Policy) -> ReviewStatus:
    if next_review is None:
        return ReviewStatus.UNSCHEDULED
    if next_review < today:
        return ReviewStatus.OVERDUE
    if next_review <= today + timedelta(days=policy.due_within_days):
        return ReviewStatus.DUE
    return ReviewStatus.SCHEDULED


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_after_publication(published: date, current: date | None, policy: Policy) -> date:
    """The review date a definition gets when published: its own if still ahead, else the
    policy's period from publication."""
    if current is not None and current > published:
        return current
    return add_months(published, policy.review_months)
