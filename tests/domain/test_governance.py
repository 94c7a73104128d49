"""Governance rules on plain objects: who may move a definition version, when, and how approvals
are counted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from credstack.domain.achievement import LifecycleState as S
from credstack.domain.errors import InvalidInput, InvalidTransition
from credstack.domain.governance import (
    Action,
    Policy,
    Record,
    ReviewStatus,
    Subject,
    SubjectKind,
    Transition,
    add_months,
    allowed_actions,
    apply,
    check,
    decide,
    review_after_publication,
    review_status,
)
from credstack.domain.identity import Forbidden, Principal, Role

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
POLICY = Policy(approvals_required=2)


def person(user_id: int, *roles: Role, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(user_id, f"u{user_id}@example.org", f"User {user_id}", 1, frozenset(roles), scopes)


DESIGNER = person(1, Role.DESIGNER)
BOARD_A = person(2, Role.BOARD)
BOARD_B = person(3, Role.BOARD)
DESIGNER_ON_BOARD = person(4, Role.DESIGNER, Role.BOARD)
LEARNER = person(5, Role.LEARNER)
ADMIN = person(6, Role.ADMIN)


def draft(kind: SubjectKind = SubjectKind.ACHIEVEMENT) -> Record:
    return Record(Subject(kind, "MC-1"), S.DRAFT)


def step(
    record: Record, action: Action, who: Principal, comment: str = "", policy: Policy = POLICY
) -> Record:
    return apply(record, decide(action, record, who, policy, comment), who, AT, comment)


def test_the_happy_path_needs_two_distinct_board_approvals():
    r = step(draft(), Action.SUBMIT, DESIGNER)
    assert r.state is S.IN_REVIEW and r.round == 1 and r.authors == {DESIGNER.user_id}
    r = step(r, Action.APPROVE, BOARD_A)
    assert r.state is S.IN_REVIEW and str(r.progress(POLICY)) == "1 of 2 approvals (u2@example.org)"
    r = step(r, Action.APPROVE, BOARD_B)
    assert r.state is S.APPROVED and r.progress(POLICY).met
    r = step(r, Action.PUBLISH, DESIGNER)
    assert r.state is S.PUBLISHED
    r = step(r, Action.RETIRE, BOARD_A)
    assert r.state is S.RETIRED
    assert [(t.from_state, t.to_state) for t in r.transitions] == [
        (S.DRAFT, S.IN_REVIEW),
        (S.IN_REVIEW, S.APPROVED),
        (S.APPROVED, S.PUBLISHED),
        (S.PUBLISHED, S.RETIRED),
    ]


def test_an_author_cannot_approve_their_own_definition():
    r = step(draft(), Action.SUBMIT, DESIGNER_ON_BOARD)
    with pytest.raises(Forbidden, match="author cannot approve their own"):
        decide(Action.APPROVE, r, DESIGNER_ON_BOARD, POLICY)
    assert Action.APPROVE not in allowed_actions(r, DESIGNER_ON_BOARD, POLICY)
    assert Action.REQUEST_CHANGES in allowed_actions(r, DESIGNER_ON_BOARD, POLICY)


def test_whoever_created_the_version_is_an_author_too():
    created = Transition(None, S.DRAFT, 0, BOARD_A.actor, BOARD_A.user_id, AT)
    r = step(Record(Subject(SubjectKind.PATHWAY, "P", 2), S.DRAFT, (created,)), Action.SUBMIT, DESIGNER)
    assert r.authors == {BOARD_A.user_id, DESIGNER.user_id}
    with pytest.raises(Forbidden):
        decide(Action.APPROVE, r, BOARD_A, POLICY)


def test_the_same_member_approving_twice_counts_once():
    r = step(step(draft(), Action.SUBMIT, DESIGNER), Action.APPROVE, BOARD_A)
    with pytest.raises(InvalidTransition, match="already approved"):
        decide(Action.APPROVE, r, BOARD_A, POLICY)
    assert len(r.approvals()) == 1


def test_a_request_for_changes_resets_the_approvals():
    r = step(step(draft(), Action.SUBMIT, DESIGNER), Action.APPROVE, BOARD_A)
    with pytest.raises(InvalidInput, match="say what should change"):
        decide(Action.REQUEST_CHANGES, r, BOARD_B, POLICY, "  ")
    r = step(r, Action.REQUEST_CHANGES, BOARD_B, "align C2 to DA.3")
    assert r.state is S.DRAFT and r.votes[-1].comment == "align C2 to DA.3"
    r = step(r, Action.SUBMIT, DESIGNER)
    assert r.round == 2 and r.approvals() == ()
    r = step(r, Action.APPROVE, BOARD_A)  # A may approve again in the new round
    assert r.state is S.IN_REVIEW and r.progress(POLICY).missing == 1


def test_changes_may_be_requested_after_approval_but_before_publication():
    r = step(step(step(draft(), Action.SUBMIT, DESIGNER), Action.APPROVE, BOARD_A), Action.APPROVE, BOARD_B)
    r = step(r, Action.REQUEST_CHANGES, BOARD_A, "the rubric's pass rule is too lenient")
    assert r.state is S.DRAFT


@pytest.mark.parametrize(
    ("action", "who"),
    [
        (Action.SUBMIT, BOARD_A),
        (Action.SUBMIT, LEARNER),
        (Action.APPROVE, DESIGNER),
        (Action.RETIRE, DESIGNER),
        (Action.COMMENT, LEARNER),
        (Action.SCHEDULE_REVIEW, DESIGNER),
    ],
)
def test_roles(action, who):
    record = {
        Action.SUBMIT: draft(),
        Action.APPROVE: Record(Subject(SubjectKind.ACHIEVEMENT, "X"), S.IN_REVIEW),
        Action.RETIRE: Record(Subject(SubjectKind.ACHIEVEMENT, "X"), S.PUBLISHED),
    }.get(action, draft())
    with pytest.raises(Forbidden, match="needs the role"):
        check(action, record, who, POLICY)


def test_an_administrator_may_do_everything_a_role_may():
    r = step(draft(), Action.SUBMIT, ADMIN)
    r = step(r, Action.APPROVE, BOARD_A)
    r = step(r, Action.APPROVE, BOARD_B)
    assert step(step(r, Action.PUBLISH, ADMIN), Action.RETIRE, ADMIN).state is S.RETIRED


def test_an_api_token_needs_the_govern_scope():
    reader = person(7, Role.BOARD, scopes=frozenset({"read"}))
    r = step(draft(), Action.SUBMIT, DESIGNER)
    with pytest.raises(Forbidden, match="scope 'govern'"):
        decide(Action.APPROVE, r, reader, POLICY)
    assert decide(Action.APPROVE, r, person(8, Role.BOARD, scopes=frozenset({"govern"})), POLICY)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.DRAFT, Action.APPROVE),
        (S.DRAFT, Action.PUBLISH),
        (S.IN_REVIEW, Action.SUBMIT),
        (S.IN_REVIEW, Action.PUBLISH),
        (S.APPROVED, Action.RETIRE),
        (S.PUBLISHED, Action.SUBMIT),
        (S.RETIRED, Action.PUBLISH),
        (S.RETIRED, Action.SCHEDULE_REVIEW),
    ],
)
def test_steps_out_of_order_are_refused_with_the_state(state, action):
    record = Record(Subject(SubjectKind.PATHWAY, "P", 3), state)
    with pytest.raises(InvalidTransition, match=f"pathway P version 3 is {state}"):
        check(action, record, ADMIN, POLICY)


def test_publishing_rechecks_the_approvals_against_the_policy():
    r = step(step(step(draft(), Action.SUBMIT, DESIGNER), Action.APPROVE, BOARD_A), Action.APPROVE, BOARD_B)
    stricter = Policy(approvals_required=3)
    with pytest.raises(InvalidTransition, match="2 of 3 approvals"):
        decide(Action.PUBLISH, r, DESIGNER, stricter)


def test_one_approval_policy_and_no_review_policy():
    one = Policy(approvals_required=1)
    r = step(step(draft(), Action.SUBMIT, DESIGNER, policy=one), Action.APPROVE, BOARD_A, policy=one)
    assert r.state is S.APPROVED
    none = Policy(approvals_required=0)
    assert step(draft(), Action.PUBLISH, DESIGNER, policy=none).state is S.PUBLISHED
    with pytest.raises(InvalidInput):
        Policy(approvals_required=-1)


def test_review_dates():
    policy = Policy(due_within_days=30)
    today = date(2026, 6, 1)
    assert review_status(None, today, policy) is ReviewStatus.UNSCHEDULED
    assert review_status(date(2026, 5, 31), today, policy) is ReviewStatus.OVERDUE
    assert review_status(today, today, policy) is ReviewStatus.DUE
    assert review_status(date(2026, 7, 1), today, policy) is ReviewStatus.DUE
    assert review_status(date(2026, 7, 2), today, policy) is ReviewStatus.SCHEDULED
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert review_after_publication(today, None, Policy(review_months=12)) == date(2027, 6, 1)
    assert review_after_publication(today, date(2026, 9, 1), Policy()) == date(2026, 9, 1)
    assert review_after_publication(today, date(2026, 1, 1), Policy()) == date(2027, 6, 1)
