"""Governance records: the lifecycle columns of achievements and pathway versions, every state
change, the board's decisions and the comments, per definition version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from credstack.domain.achievement import LifecycleState
from credstack.domain.governance import Comment, Decision, Record, Subject, SubjectKind, Transition, Vote
from credstack.store.tables import (
    achievements,
    governance_approvals,
    governance_comments,
    governance_reviews,
    pathways,
)


@dataclass(frozen=True)
class Definition:
    """A governed version as the board's lists show it."""

    subject: Subject
    name: str
    state: LifecycleState
    next_review: date | None
    row_id: int  # the achievement's or the pathway version's row


def _where(table: Table, institution_id: int, subject: Subject) -> Any:
    return (
        (table.c.institution_id == institution_id)
        & (table.c.subject_type == subject.kind.value)
        & (table.c.subject_code == subject.code)
        & (table.c.version == subject.version)
    )


def _definition_row(institution_id: int, subject: Subject) -> tuple[Table, Any]:
    if subject.kind is SubjectKind.ACHIEVEMENT:
        return achievements, (achievements.c.institution_id == institution_id) & (
            achievements.c.code == subject.code
        )
    return pathways, (
        (pathways.c.institution_id == institution_id)
        & (pathways.c.code == subject.code)
        & (pathways.c.version == subject.version)
    )


class GovernanceRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- the definitions' own lifecycle columns ------------------------------------------

    def definition(self, institution_id: int, subject: Subject, *, lock: bool = False) -> Definition | None:
        """The version's name, state and review date; ``lock`` holds its row until the unit of
        work ends, so that two decisions on one version take turns (SQLite: BEGIN IMMEDIATE)."""
        table, where = _definition_row(institution_id, subject)
        query = select(table.c.id, table.c.name, table.c.state, table.c.next_review).where(where)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).one_or_none()
        if row is None:
            return None
        return Definition(subject, row.name, LifecycleState(row.state), row.next_review, row.id)

    def latest_pathway_version(self, institution_id: int, code: str) -> int | None:
        return self.conn.execute(
            select(func.max(pathways.c.version)).where(
                pathways.c.institution_id == institution_id, pathways.c.code == code
            )
        ).scalar_one_or_none()

    def set_state(self, institution_id: int, subject: Subject, state: LifecycleState) -> None:
        table, where = _definition_row(institution_id, subject)
        self.conn.execute(update(table).where(where).values(state=state.value))

    def set_next_review(self, institution_id: int, subject: Subject, day: date | None) -> None:
        table, where = _definition_row(institution_id, subject)
        self.conn.execute(update(table).where(where).values(next_review=day))

    def in_states(self, institution_id: int, states: set[LifecycleState]) -> list[Definition]:
        """Achievements and pathway versions in any of ``states`` (achievements first, by code)."""
        values = [s.value for s in states]
        found = [
            Definition(
                Subject(SubjectKind.ACHIEVEMENT, r.code), r.name, LifecycleState(r.state), r.next_review, r.id
            )
            for r in self.conn.execute(
                select(achievements)
                .where(achievements.c.institution_id == institution_id, achievements.c.state.in_(values))
                .order_by(achievements.c.code)
            )
        ]
        found += [
            Definition(
                Subject(SubjectKind.PATHWAY, r.code, r.version),
                r.name,
                LifecycleState(r.state),
                r.next_review,
                r.id,
            )
            for r in self.conn.execute(
                select(pathways.c.id, pathways.c.code, pathways.c.version, pathways.c.name, pathways.c.state)
                .add_columns(pathways.c.next_review)
                .where(pathways.c.institution_id == institution_id, pathways.c.state.in_(values))
                .order_by(pathways.c.code, pathways.c.version)
            )
        ]
        return found

    # ---- history ---------------------------------------------------------------------------

    def record(self, institution_id: int, definition: Definition) -> Record:
        subject = definition.subject
        transitions = tuple(
            Transition(
                LifecycleState(r.from_state) if r.from_state else None,
                LifecycleState(r.to_state),
                r.round,
                r.actor,
                r.actor_id,
                r.at,
                r.note,
            )
            for r in self.conn.execute(
                select(governance_reviews)
                .where(_where(governance_reviews, institution_id, subject))
                .order_by(governance_reviews.c.id)
            )
        )
        votes = tuple(
            Vote(r.reviewer_id, r.reviewer, Decision(r.decision), r.round, r.at, r.comment)
            for r in self.conn.execute(
                select(governance_approvals)
                .where(_where(governance_approvals, institution_id, subject))
                .order_by(governance_approvals.c.id)
            )
        )
        return Record(subject, definition.state, transitions, votes, definition.next_review)

    def comments(self, institution_id: int, subject: Subject) -> list[Comment]:
        rows = self.conn.execute(
            select(governance_comments)
            .where(_where(governance_comments, institution_id, subject))
            .order_by(governance_comments.c.id)
        )
        return [Comment(r.author, r.author_id, r.text, r.at) for r in rows]

    def _subject_values(self, institution_id: int, subject: Subject) -> dict[str, Any]:
        return {
            "institution_id": institution_id,
            "subject_type": subject.kind.value,
            "subject_code": subject.code,
            "version": subject.version,
        }

    def add_transition(self, institution_id: int, subject: Subject, t: Transition) -> None:
        self.conn.execute(
            insert(governance_reviews).values(
                **self._subject_values(institution_id, subject),
                round=t.round,
                from_state=t.from_state.value if t.from_state else None,
                to_state=t.to_state.value,
                actor=t.actor,
                actor_id=t.actor_id,
                note=t.note,
                at=t.at,
            )
        )

    def add_vote(self, institution_id: int, subject: Subject, v: Vote) -> None:
        self.conn.execute(
            insert(governance_approvals).values(
                **self._subject_values(institution_id, subject),
                round=v.round,
                reviewer=v.reviewer,
                reviewer_id=v.reviewer_id,
                decision=v.decision.value,
                comment=v.comment,
                at=v.at,
            )
        )

    def add_comment(self, institution_id: int, subject: Subject, c: Comment) -> None:
        self.conn.execute(
            insert(governance_comments).values(
                **self._subject_values(institution_id, subject),
                author=c.author,
                author_id=c.author_id,
                text=c.text,
                at=c.at,
            )
        )
