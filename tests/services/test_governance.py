"""Governance on SQLite and PostgreSQL: a definition is awarded only once the board has approved
and it is published; pathway versions start as drafts and only the live version stacks; every
step is kept with who and when and audited; the board's queue."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from credstack.domain.achievement import LifecycleState
from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound
from credstack.domain.governance import Policy, ReviewStatus, SubjectKind, add_months
from credstack.domain.identity import Forbidden, Principal, Role
from credstack.services import governance as gov
from credstack.services.catalog import import_achievements, parse_achievements
from credstack.services.demo import seed_demo
from credstack.services.demo_data import STACKS
from credstack.services.governance import Target
from credstack.services.governance_queue import board_queue
from credstack.services.institutions import ensure_institution, institution_from_settings
from credstack.services.issuance import IssueRequest, NotAwardable, issue_award
from credstack.services.stacking import issue_and_stack, save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

POLICY = Policy(approvals_required=2)
NEW = Target(SubjectKind.ACHIEVEMENT, "MC-GOV-1")
CERT_DA = next(s for s in STACKS if s.code == "CERT-DA")


class World:
    def __init__(self, engine: Engine) -> None:
        self.settings = Settings(
            database_url=engine.url.render_as_string(hide_password=False), institution_slug="gov"
        )
        self.uow = UnitOfWork(engine)
        self.institution = institution_from_settings(self.settings)
        seed_demo(self.uow, settings=self.settings, learners=0)
        with self.uow:
            self.institution_id, _ = ensure_institution(self.uow, self.institution)
        self.designer = self.person(1, Role.DESIGNER)
        self.board_a = self.person(2, Role.BOARD)
        self.board_b = self.person(3, Role.BOARD)
        self.designer_on_board = self.person(4, Role.DESIGNER, Role.BOARD)

    def person(self, user_id: int, *roles: Role) -> Principal:
        return Principal(
            user_id, f"u{user_id}@example.org", f"User {user_id}", self.institution_id, frozenset(roles)
        )

    def act(
        self,
        who: Principal,
        action: str,
        target: Target = NEW,
        comment: str = "",
        policy: Policy = POLICY,
        uow: UnitOfWork | None = None,
    ):
        return gov.act(
            uow or self.uow,
            institution=self.institution,
            principal=who,
            policy=policy,
            target=target,
            action=action,
            comment=comment,
        )

    def issue(self, code: str, email: str = "ada@example.org"):
        request = IssueRequest(code, email, "Ada Lovelace")
        return issue_award(
            self.uow, settings=self.settings, institution=self.institution, actor="t", request=request
        )

    def audit(self, subject_type: str) -> list[dict]:
        with self.uow:
            return list(reversed(self.uow.audit.entries(subject_type=subject_type)))


@pytest.fixture
def world(engine: Engine) -> World:
    w = World(engine)
    draft = {"code": NEW.code, "name": "Governed module", "kind": "micro-credential", "state": "draft"}
    parsed = parse_achievements(json.dumps([draft]).encode(), filename="new.json")
    import_achievements(w.uow, institution=w.institution, parsed=parsed, actor="designer")
    return w


def test_a_draft_achievement_is_awarded_only_once_published(world: World):
    with pytest.raises(NotAwardable):
        world.issue(NEW.code)
    world.act(world.designer_on_board, "submit", comment="ready")
    with pytest.raises(Forbidden, match="author cannot approve"):
        world.act(world.designer_on_board, "approve")
    view = world.act(world.board_a, "approve", comment="fine")
    assert view.record.state is LifecycleState.IN_REVIEW and view.progress.missing == 1
    with pytest.raises(InvalidTransition, match="already approved"):
        world.act(world.board_a, "approve")
    with pytest.raises(InvalidTransition, match="publish needs it approved"):
        world.act(world.designer, "publish")
    assert world.act(world.board_b, "approve").record.state is LifecycleState.APPROVED
    with pytest.raises(NotAwardable):
        world.issue(NEW.code)
    published = world.act(world.designer, "publish")
    assert published.record.state is LifecycleState.PUBLISHED
    assert published.record.next_review == add_months(date.today(), 12)
    assert world.issue(NEW.code).created

    steps = [(t.from_state, t.to_state, t.actor) for t in published.record.transitions]
    assert steps == [
        ("draft", "in-review", "u4@example.org"),
        ("in-review", "approved", "u3@example.org"),
        ("approved", "published", "u1@example.org"),
    ]
    entries = [e for e in world.audit("achievement") if e["detail"].get("code") == NEW.code]
    assert [e["action"] for e in entries] == [
        "achievement.created",
        "achievement.submitted",
        "achievement.approval",
        "achievement.approval",
        "achievement.published",
    ]
    assert entries[1]["before"]["state"] == "draft" and entries[1]["after"]["state"] == "in-review"
    assert entries[3]["after"] == {
        "state": "approved",
        "version": 1,
        "round": 1,
        "approvals": ["u2@example.org", "u3@example.org"],
        "approvals_required": 2,
        "next_review": None,
    }


def test_request_changes_resets_the_round_and_retiring_stops_awards(world: World):
    world.act(world.designer, "submit")
    world.act(world.board_a, "approve")
    with pytest.raises(InvalidInput, match="say what should change"):
        world.act(world.board_b, "request-changes")
    world.act(world.board_b, "request-changes", comment="criteria too vague")
    view = world.act(world.designer, "submit")
    assert view.record.round == 2 and view.progress.approvers == ()
    world.act(world.board_a, "approve")
    world.act(world.board_b, "approve")
    world.act(world.designer, "publish")
    with pytest.raises(Forbidden, match="governance board"):
        world.act(world.designer, "retire")
    assert world.act(world.board_a, "retire", comment="superseded").record.state is LifecycleState.RETIRED
    with pytest.raises(NotAwardable):
        world.issue(NEW.code)
    history = gov.history(world.uow, institution=world.institution, policy=POLICY, target=NEW)
    assert [(v.reviewer, v.decision, v.round) for v in history.record.votes] == [
        ("u2@example.org", "approve", 1),
        ("u3@example.org", "request-changes", 1),
        ("u2@example.org", "approve", 2),
        ("u3@example.org", "approve", 2),
    ]
    assert history.record.votes[1].comment == "criteria too vague"


def test_a_pathway_version_is_a_draft_until_published_and_retiring_stops_stacking(world: World):
    cert = Target(SubjectKind.PATHWAY, "CERT-DA")
    stricter = {"id": "CERT-DA", "name": "Certificate (v2)", "awards": "CERT-DA"}
    stricter["requires"] = {"all": [{"achievement": c} for c in (*CERT_DA.components, "MC-DB-101")]}
    _, version = save_pathway(
        world.uow,
        institution=world.institution,
        data=json.dumps(stricter).encode(),
        filename="v2.json",
        actor=world.designer.actor,
        author=world.designer,
    )
    v2 = gov.history(world.uow, institution=world.institution, policy=POLICY, target=cert)
    assert (version, v2.record.state, v2.record.authors) == (2, LifecycleState.DRAFT, {1})
    v1 = gov.history(
        world.uow, institution=world.institution, policy=POLICY, target=Target("pathway", "CERT-DA", 1)
    )
    assert v1.record.state is LifecycleState.PUBLISHED
    assert v1.record.transitions[0].note.startswith("published on save")
    with world.uow:
        live = {
            p.code: p.version for p in world.uow.pathways.latest(world.institution_id, published_only=True)
        }
    assert live["CERT-DA"] == 1  # the draft does not replace the live version

    world.act(world.board_a, "retire", target=Target("pathway", "CERT-DA", 1), comment="replaced soon")
    for code in CERT_DA.components:
        issue_and_stack(
            world.uow,
            settings=world.settings,
            institution=world.institution,
            actor="t",
            request=IssueRequest(code, "ada@example.org", "Ada Lovelace"),
        )
    with world.uow:
        learner_id, _ = world.uow.learners.by_email(world.institution_id, "ada@example.org")  # type: ignore[misc]
        held = {a.achievement_code for a in world.uow.awards.for_learner(learner_id)}
    assert "CERT-DA" not in held and set(CERT_DA.components) <= held

    with pytest.raises(Forbidden, match="curriculum designer"):
        save_pathway(
            world.uow,
            institution=world.institution,
            data=json.dumps({**stricter, "name": "v3"}).encode(),
            filename="v3.json",
            actor="x",
            author=world.board_a,
        )


def test_comments_stay_with_their_version(world: World):
    v1, v2 = Target("pathway", "CERT-DA", 1), Target("pathway", "CERT-DA", 2)
    changed = {"id": "CERT-DA", "name": "v2", "awards": "CERT-DA", "requires": {"achievement": "MC-DA-101"}}
    save_pathway(
        world.uow,
        institution=world.institution,
        data=json.dumps(changed).encode(),
        filename="v2.json",
        actor="d",
        author=world.designer,
    )
    kw = {"institution": world.institution, "policy": POLICY}
    gov.comment(world.uow, principal=world.board_a, target=v1, text="v1 ages well", **kw)
    gov.comment(world.uow, principal=world.designer, target=v2, text="v2 drops three modules", **kw)
    assert [c.text for c in gov.history(world.uow, target=v1, **kw).comments] == ["v1 ages well"]
    assert [(c.author, c.text) for c in gov.history(world.uow, target=v2, **kw).comments] == [
        ("u1@example.org", "v2 drops three modules")
    ]
    with pytest.raises(InvalidInput, match="needs some text"):
        gov.comment(world.uow, principal=world.designer, target=v2, text=" ", **kw)
    with pytest.raises(Forbidden):
        gov.comment(world.uow, principal=world.person(9, Role.LEARNER), target=v2, text="hi", **kw)


def test_the_board_sees_what_is_in_review_and_which_reviews_are_due(world: World):
    world.act(world.designer, "submit")
    world.act(world.board_a, "approve")
    kw = {"institution": world.institution, "policy": POLICY, "principal": world.board_a}
    today = date.today()
    gov.schedule_review(
        world.uow, target=Target("achievement", "MC-DA-101"), next_review=today - timedelta(days=1), **kw
    )
    gov.schedule_review(
        world.uow, target=Target("achievement", "MC-DA-102"), next_review=today + timedelta(days=10), **kw
    )
    queue = board_queue(world.uow, institution=world.institution, policy=POLICY, today=today)
    (waiting,) = queue.waiting
    assert (
        waiting.definition.subject.code == NEW.code
        and str(waiting.progress) == "1 of 2 approvals (u2@example.org)"
    )
    assert waiting.submitted_by == ("u1@example.org",)
    assert [i.definition.subject.code for i in queue.with_review(ReviewStatus.OVERDUE)] == ["MC-DA-101"]
    assert [i.definition.subject.code for i in queue.with_review(ReviewStatus.DUE)] == ["MC-DA-102"]
    unscheduled = {str(i.definition.subject) for i in queue.with_review(ReviewStatus.UNSCHEDULED)}
    assert "pathway CERT-DA version 1" in unscheduled  # published on save: no review date yet
    with pytest.raises(Forbidden):
        gov.schedule_review(world.uow, **{**kw, "principal": world.designer}, target=NEW, next_review=today)


def test_who_and_what_is_checked(world: World):
    stranger = Principal(1, "x@example.org", "X", world.institution_id + 999, frozenset({Role.ADMIN}))
    with pytest.raises(Forbidden, match="role at this institution"):
        world.act(stranger, "submit")
    with pytest.raises(InvalidInput, match="achievement or pathway"):
        world.act(world.designer, "submit", target=Target("rubric", "X"))
    with pytest.raises(InvalidInput, match="must be one of"):
        world.act(world.designer, "comment")
    with pytest.raises(NotFound):
        world.act(world.designer, "submit", target=Target("achievement", "NOPE"))
    with pytest.raises(NotFound):
        world.act(world.designer, "submit", target=Target("pathway", "CERT-DA", 7))


def test_a_pathway_is_published_only_when_what_it_awards_is(world: World):
    pathway = {
        "id": "GOV-P",
        "name": "Governed",
        "awards": NEW.code,
        "requires": {"achievement": "MC-DA-101"},
    }
    save_pathway(
        world.uow,
        institution=world.institution,
        data=json.dumps(pathway).encode(),
        filename="p.json",
        actor="d",
        author=world.designer,
    )
    none = Policy(approvals_required=0)
    with pytest.raises(InvalidTransition, match="awards MC-GOV-1, which is draft"):
        world.act(world.designer, "publish", target=Target("pathway", "GOV-P"), policy=none)
    world.act(world.designer, "publish", policy=none)  # no review configured: straight to published
    assert (
        world.act(world.designer, "publish", target=Target("pathway", "GOV-P"), policy=none).record.state
        == "published"
    )


def test_two_board_members_approving_at_once_approve_it(world: World):
    world.act(world.designer, "submit")
    errors: list[BaseException] = []

    def approve(who: Principal) -> None:
        try:
            world.act(who, "approve", uow=UnitOfWork(world.uow.engine))  # one per thread
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(p,)) for p in (world.board_a, world.board_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    view = gov.history(world.uow, institution=world.institution, policy=POLICY, target=NEW)
    assert view.record.state is LifecycleState.APPROVED and len(view.progress.approvers) == 2
