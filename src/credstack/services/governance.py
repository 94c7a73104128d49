"""Governance use cases: submit a definition version for review, the board's approvals and
requests for changes, publish, retire, comments, periodic review dates. Each runs in one unit of
work that locks the version's row, stores the state change with who and when, and writes the
audit log (``before`` / ``after``: state, round, approvals)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from credstack.domain import governance as rules
from credstack.domain.achievement import LifecycleState
from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound, Problem
from credstack.domain.governance import (
    Action,
    Comment,
    Policy,
    Progress,
    Record,
    Subject,
    SubjectKind,
    Transition,
)
from credstack.domain.identity import Forbidden, Principal
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.governance import Definition

MAX_TEXT = 5000
VERBS = {
    Action.SUBMIT: "submitted",
    Action.APPROVE: "approval",
    Action.REQUEST_CHANGES: "changes_requested",
    Action.PUBLISH: "published",
    Action.RETIRE: "retired",
    Action.COMMENT: "commented",
    Action.SCHEDULE_REVIEW: "review_scheduled",
}


def policy_from(settings: Settings) -> Policy:
    return Policy(settings.governance_approvals, settings.governance_review_months)


@dataclass(frozen=True)
class GovernanceView:
    """One version's governance as pages and the API show it."""

    name: str
    record: Record
    comments: list[Comment]
    progress: Progress
    versions: tuple[int, ...]  # every version of the definition (achievements: just 1)

    @property
    def subject(self) -> Subject:
        return self.record.subject


@dataclass(frozen=True)
class Target:
    """Which definition: an achievement by code, or a pathway version (None: the newest)."""

    kind: SubjectKind | str
    code: str
    version: int | None = None


def _kind(kind: str | SubjectKind) -> SubjectKind:
    try:
        return SubjectKind(kind)
    except ValueError:
        raise InvalidInput(Problem("kind", f"must be achievement or pathway, not {kind!r}")) from None


def _text(value: str, field: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput(Problem(field, f"at most {MAX_TEXT} characters"))
    return value


def _definition(uow: UnitOfWork, institution_id: int, target: Target, *, lock: bool = False) -> Definition:
    kind, code, version = _kind(target.kind), target.code, target.version
    if kind is SubjectKind.PATHWAY and version is None:
        version = uow.governance.latest_pathway_version(institution_id, code)
        if version is None:
            raise NotFound("pathway", code)
    subject = Subject(kind, code, version if kind is SubjectKind.PATHWAY and version else 1)
    found = uow.governance.definition(institution_id, subject, lock=lock)
    if found is None:
        raise NotFound(str(kind), code if kind is SubjectKind.ACHIEVEMENT else f"{code} version {version}")
    return found


def _member(uow: UnitOfWork, institution: Institution, principal: Principal) -> int:
    institution_id, _ = ensure_institution(uow, institution)
    if principal.institution_id != institution_id:
        raise Forbidden("this needs a role at this institution")
    return institution_id


def _snapshot(record: Record, policy: Policy) -> dict[str, Any]:
    return {
        "state": record.state.value,
        "version": record.subject.version,
        "round": record.round,
        "approvals": list(record.progress(policy).approvers),
        "approvals_required": policy.approvals_required,
        "next_review": record.next_review,
    }


def _view(uow: UnitOfWork, institution_id: int, definition: Definition, policy: Policy) -> GovernanceView:
    subject = definition.subject
    record = uow.governance.record(institution_id, definition)
    versions = (
        tuple(p.version for p in uow.pathways.versions(institution_id, subject.code))
        if subject.kind is SubjectKind.PATHWAY
        else (1,)
    )
    comments = uow.governance.comments(institution_id, subject)
    return GovernanceView(definition.name, record, comments, record.progress(policy), versions)


def _check_publishable(uow: UnitOfWork, institution_id: int, subject: Subject) -> None:
    """A pathway goes live only when the achievement it awards can be awarded."""
    if subject.kind is not SubjectKind.PATHWAY:
        return
    stored = next(
        p for p in uow.pathways.versions(institution_id, subject.code) if p.version == subject.version
    )
    awards = uow.governance.definition(institution_id, Subject(SubjectKind.ACHIEVEMENT, stored.awards_code))
    if awards is None or awards.state is not LifecycleState.PUBLISHED:
        state = awards.state if awards else "missing"
        raise InvalidTransition(
            f"{subject} awards {stored.awards_code}, which is {state}: publish that first"
        )


STEPS = (Action.SUBMIT, Action.APPROVE, Action.REQUEST_CHANGES, Action.PUBLISH, Action.RETIRE)


def act(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    policy: Policy,
    target: Target,
    action: Action | str,
    comment: str = "",
) -> GovernanceView:
    """One workflow step (submit, approve, request-changes, publish, retire: the rules are
    ``domain.governance.decide``) on the locked version; stores the decision and the state
    changes with who and when, sets the review date on publication, and audits."""
    step = next((a for a in STEPS if a.value == action), None)
    if step is None:
        raise InvalidInput(Problem("action", f"must be one of {', '.join(STEPS)}, not {action!r}"))
    comment = _text(comment, "comment")
    now = datetime.now(UTC)
    with uow:
        institution_id = _member(uow, institution, principal)
        definition = _definition(uow, institution_id, target, lock=True)
        subject = definition.subject
        before = uow.governance.record(institution_id, definition)
        outcome = rules.decide(step, before, principal, policy, comment)
        if step is Action.PUBLISH:
            _check_publishable(uow, institution_id, subject)
        decided = rules.apply(before, outcome, principal, now, comment)
        for vote in decided.votes[len(before.votes) :]:
            uow.governance.add_vote(institution_id, subject, vote)
        for change in decided.transitions[len(before.transitions) :]:
            uow.governance.add_transition(institution_id, subject, change)
        uow.governance.set_state(institution_id, subject, decided.state)
        next_review = definition.next_review
        if step is Action.PUBLISH:
            next_review = rules.review_after_publication(now.date(), next_review, policy)
            uow.governance.set_next_review(institution_id, subject, next_review)
        after = replace(definition, state=decided.state, next_review=next_review)
        view = _view(uow, institution_id, after, policy)
        _audit(uow, institution_id, definition, principal, step, before, view.record, policy, comment)
        uow.commit()
    return view


def _audit(
    uow: UnitOfWork,
    institution_id: int,
    definition: Definition,
    principal: Principal,
    action: Action,
    before: Record,
    after: Record,
    policy: Policy,
    comment: str,
) -> None:
    subject = definition.subject
    uow.audit.record(
        actor=principal.actor,
        action=f"{subject.kind}.{VERBS[action]}",
        subject_type=str(subject.kind),
        # as the catalog and the pathways record them: an achievement by row id, a pathway by code
        subject_id=definition.row_id if subject.kind is SubjectKind.ACHIEVEMENT else subject.code,
        institution_id=institution_id,
        detail={"code": subject.code, "version": subject.version, "round": after.round, "comment": comment},
        before=_snapshot(before, policy),
        after=_snapshot(after, policy),
    )


def comment(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    policy: Policy,
    target: Target,
    text: str,
) -> GovernanceView:
    """A comment on this version (it stays with the version; a new version starts clean)."""
    text = _text(text, "text")
    if not text:
        raise InvalidInput(Problem("text", "a comment needs some text"))
    with uow:
        institution_id = _member(uow, institution, principal)
        definition = _definition(uow, institution_id, target)
        record = uow.governance.record(institution_id, definition)
        rules.check(Action.COMMENT, record, principal, policy)
        note = Comment(principal.actor, principal.user_id, text, datetime.now(UTC))
        uow.governance.add_comment(institution_id, definition.subject, note)
        _audit(uow, institution_id, definition, principal, Action.COMMENT, record, record, policy, text)
        view = _view(uow, institution_id, definition, policy)
        uow.commit()
    return view


def schedule_review(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    policy: Policy,
    target: Target,
    next_review: date,
    comment: str = "",
) -> GovernanceView:
    """The board sets the version's next periodic review (after a review, or to bring one forward)."""
    comment = _text(comment, "comment")
    with uow:
        institution_id = _member(uow, institution, principal)
        definition = _definition(uow, institution_id, target, lock=True)
        before = uow.governance.record(institution_id, definition)
        rules.check(Action.SCHEDULE_REVIEW, before, principal, policy)
        uow.governance.set_next_review(institution_id, definition.subject, next_review)
        view = _view(uow, institution_id, replace(definition, next_review=next_review), policy)
        _audit(
            uow,
            institution_id,
            definition,
            principal,
            Action.SCHEDULE_REVIEW,
            before,
            view.record,
            policy,
            comment,
        )
        uow.commit()
    return view


def history(uow: UnitOfWork, *, institution: Institution, policy: Policy, target: Target) -> GovernanceView:
    """The version's state, every state change, the board's decisions and the comments."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return _view(uow, institution_id, _definition(uow, institution_id, target), policy)


def new_pathway_version(
    uow: UnitOfWork, *, institution_id: int, code: str, version: int, author: Principal | None, actor: str
) -> None:
    """Record how a new pathway version began, inside the unit of work that stored it: a draft by
    its author (the governed path), or published on save (a trusted import: the CLI, the demo,
    ``POST /api/v1/pathways``), which the audit log states."""
    subject = Subject(SubjectKind.PATHWAY, code, version)
    now = datetime.now(UTC)
    if author is not None:
        if author.institution_id != institution_id:
            raise Forbidden("this needs a role at this institution")
        rules.require_author(author)
        created = Transition(None, LifecycleState.DRAFT, 0, author.actor, author.user_id, now, "new version")
        uow.governance.add_transition(institution_id, subject, created)
        return
    note = "published on save (import: no review)"
    uow.governance.add_transition(
        institution_id, subject, Transition(None, LifecycleState.PUBLISHED, 0, actor, None, now, note)
    )
    uow.audit.record(
        actor=actor,
        action="pathway.published",
        subject_type="pathway",
        subject_id=code,
        institution_id=institution_id,
        detail={"version": version, "via": "publish on save", "review": "none"},
        before=None,
        after={"state": "published", "version": version},
    )
