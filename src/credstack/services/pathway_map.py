"""The learner's pathway map: the stacks a signed-in learner is on and, for one of them, every
requirement marked earned (with its date), in progress (a submission not yet decided, or part of
the credits) or missing, with the cheapest next steps and the learning resources for each.

The states follow the audit exactly: a requirement is earned when the audit finds it met; the
rest are in progress or missing by what the learner has started. The next steps are the audit's
cheapest plans (services/pathway_views.py ``plan_for_learner``), by the metric the learner picks.
A learner only ever sees their own: the learner is the signed-in user, never a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from credstack.domain.assessment import Status
from credstack.domain.errors import NotFound
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.pathways.audit import NodeAudit
from credstack.domain.pathways.eligibility import candidates
from credstack.domain.pathways.model import Award
from credstack.domain.pathways.plan import CatalogueItem, Metric
from credstack.domain.resources import Resource, for_step, plain_key
from credstack.services.institutions import ensure_institution
from credstack.services.pathway_views import (
    LearnerPlan,
    Offer,
    catalogue_for,
    list_pathways,
    plan_for_learner,
)
from credstack.services.resources import resources_near
from credstack.services.stacking import audit_learner
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.assessment import StoredSubmission
from credstack.store.pathways import StoredPathway

State = Literal["earned", "in_progress", "missing"]
STATE_TEXT: dict[State, str] = {"earned": "Earned", "in_progress": "In progress", "missing": "Missing"}
UNDECIDED = frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_MARKING, Status.IN_MODERATION})


@dataclass(frozen=True)
class SubmissionRef:
    public_id: str
    achievement: str
    name: str
    status: str
    passed: bool | None  # None until decided

    @property
    def decided(self) -> bool:
        return self.status == Status.DECIDED

    @property
    def label(self) -> str:
        if self.decided:
            return "Passed" if self.passed else "Not passed"
        return Status(self.status).label

    @property
    def href(self) -> str:
        return f"/wallet/submissions/{self.public_id}"


@dataclass(frozen=True)
class NodeState:
    state: State
    earned_on: date | None = None  # for an earned requirement whose awards are all known
    submissions: tuple[SubmissionRef, ...] = ()  # the learner's submissions toward it

    @property
    def text(self) -> str:
        return STATE_TEXT[self.state]


@dataclass(frozen=True)
class OnPathway:
    """A stack the learner is on, in brief."""

    stored: StoredPathway
    met: bool
    earned: int  # requirements (leaves) earned
    in_progress: int
    components: int


@dataclass(frozen=True)
class Step:
    """One achievement of a next-step plan, with its learning resources."""

    offer: Offer
    resources: tuple[Resource, ...]
    submission: SubmissionRef | None  # the learner's own, when already started


@dataclass(frozen=True)
class PathwayMap:
    plan: LearnerPlan
    states: dict[str, NodeState]  # by requirement node id
    steps: list[list[Step]]  # one list per plan: the cheapest first
    earned: int
    in_progress: int
    components: int

    @property
    def credits_required(self) -> Decimal | None:
        """The credits its credit requirements ask for (None: it has none)."""
        audit = self.plan.audit
        if not any(n.type == "credits" for n in audit.pathway.nodes()):
            return None
        return audit.credits_done + audit.credits_to_go


def _learner_id(uow: UnitOfWork, institution_id: int, principal: Principal) -> int | None:
    found = uow.learners.by_email(institution_id, principal.email.strip().lower())
    return found[0] if found else None


def _refs(uow: UnitOfWork, subs: list[StoredSubmission]) -> list[SubmissionRef]:
    out = []
    for s in subs:
        decision = uow.assessment.decision(s.id) if s.status == Status.DECIDED else None
        out.append(
            SubmissionRef(
                s.public_id,
                s.achievement_code,
                s.achievement_name,
                s.status,
                decision.passed if decision else None,
            )
        )
    return out


def my_submissions(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> list[SubmissionRef]:
    """The signed-in learner's own submissions, newest first."""
    principal.require(Role.LEARNER, scope="read")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        learner_id = _learner_id(uow, institution_id, principal)
        if learner_id is None:
            return []
        return _refs(uow, uow.assessment.submissions(institution_id, learner_id=learner_id))


def _as_award(item: CatalogueItem, as_of: date, key: str) -> Award:
    """What holding ``item`` would look like, to see which requirements a submission is toward."""
    return Award(
        id=key, achievement=item.achievement, credits=item.credits, level=item.level, kind=item.kind,
        tags=item.tags, result=Decimal(100), earned=as_of, competencies=item.competencies,
        framework=item.framework,
    )  # fmt: skip


def _toward(
    root_audit: NodeAudit, submissions: list[SubmissionRef], catalogue: dict[str, CatalogueItem], as_of: date
) -> dict[str, tuple[SubmissionRef, ...]]:
    """Per requirement leaf, the submissions whose achievement would count there."""
    hypothetical = [(s, catalogue[s.achievement]) for s in submissions if s.achievement in catalogue]
    awards = [_as_award(item, as_of, f"submission:{s.public_id}") for s, item in hypothetical]
    found = candidates(root_audit.node, awards, as_of)
    return {leaf: tuple(hypothetical[i][0] for i in picks) for leaf, picks in found.items() if picks}


def _states(
    found: LearnerPlan, toward: dict[str, tuple[SubmissionRef, ...]], started: set[str]
) -> dict[str, NodeState]:
    """Each node's state, leaves first. ``started``: achievements of sub-pathways in progress."""
    out: dict[str, NodeState] = {}

    def visit(n: NodeAudit) -> NodeState:
        node = n.node
        subs = toward.get(node.id, ())
        kids = [visit(c) for c in n.children]
        if n.status == "met":
            dates = [found.held[a].earned for a in n.awards if a in found.held]
            if node.is_leaf:
                when = max(dates) if dates and len(dates) == len(n.awards) and not n.exception else None
            else:
                known = [k.earned_on for k in kids if k.state == "earned"]
                when = max(d for d in known if d) if known and all(known) else None
            state = NodeState("earned", when, subs)
        elif (
            n.status == "in_progress"
            or any(s.status in UNDECIDED for s in subs)
            or any(k.state != "missing" for k in kids)
            or (node.type == "pathway" and node.achievement in started)
        ):
            state = NodeState("in_progress", None, subs)
        else:
            state = NodeState("missing", None, subs)
        out[node.id] = state
        return state

    visit(found.audit.root)
    return out


def _leaves(n: NodeAudit) -> list[NodeAudit]:
    return [n] if n.node.is_leaf or not n.children else [x for c in n.children for x in _leaves(c)]


def _on(
    audit_root: NodeAudit, assignment: dict[str, list[str]], toward: dict[str, tuple[SubmissionRef, ...]]
) -> bool:
    return bool(assignment) or bool(toward) or audit_root.status != "not_started"


def my_pathways(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, as_of: date | None = None
) -> list[OnPathway]:
    """The stacks the signed-in learner is on: an award of theirs counts toward it, or they have
    a submission toward one of its requirements. Stacks met first, then by progress."""
    principal.require(Role.LEARNER, scope="read")
    as_of = as_of or date.today()
    subs = my_submissions(uow, institution=institution, principal=principal)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        if _learner_id(uow, institution_id, principal) is None:
            return []
    catalogue = {c.achievement: c for c in catalogue_for(uow, institution)}
    out = []
    for stored in list_pathways(uow, institution):
        result = audit_learner(
            uow, institution=institution, learner_email=principal.email, pathway_code=stored.code, as_of=as_of
        )
        a = result.audit
        toward = _toward(a.root, subs, catalogue, as_of)
        if not _on(a.root, a.assignment, toward):
            continue
        leaves = _leaves(a.root)
        earned = sum(n.status == "met" for n in leaves)
        busy = sum(
            n.status != "met"
            and (n.status == "in_progress" or any(x.status in UNDECIDED for x in toward.get(n.node.id, ())))
            for n in leaves
        )
        out.append(OnPathway(stored, a.met, earned, busy, len(leaves)))
    return sorted(out, key=lambda p: (not p.met, -(p.earned / max(p.components, 1)), p.stored.name))


def pathway_map(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    code: str,
    metric: Metric = "price",
    as_of: date | None = None,
) -> PathwayMap:
    """The signed-in learner's map of one pathway (NotFound when they are no learner here yet)."""
    principal.require(Role.LEARNER, scope="read")
    if not plain_key(code):
        raise NotFound("pathway", code)
    as_of = as_of or date.today()
    found = plan_for_learner(
        uow,
        institution=institution,
        learner_email=principal.email,
        pathway_code=code,
        metric=metric,
        as_of=as_of,
    )
    subs = my_submissions(uow, institution=institution, principal=principal)
    catalogue = {c.achievement: c for c in catalogue_for(uow, institution)}
    toward = _toward(found.audit.root, subs, catalogue, as_of)
    started = _sub_pathways_started(uow, institution, principal, found, as_of)
    states = _states(found, toward, started)
    mine = {s.achievement: s for s in reversed(subs)}  # the newest submission per achievement
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        wanted = {c for p in found.plans for c in p.achievements}
        offers = [found.offers[c] for c in wanted if c in found.offers]
        comps = {
            k for o in offers for k, _ in (catalogue[o.code].competencies if o.code in catalogue else ())
        }
        near = resources_near(uow, institution_id, {o.id for o in offers}, comps)
    steps = [
        [
            Step(
                found.offers[c],
                tuple(for_step(near, c, (k for k, _ in catalogue[c].competencies) if c in catalogue else ())),
                mine.get(c),
            )
            for c in p.achievements
            if c in found.offers
        ]
        for p in found.plans
    ]
    leaves = _leaves(found.audit.root)
    return PathwayMap(
        found,
        states,
        steps,
        sum(states[n.node.id].state == "earned" for n in leaves),
        sum(states[n.node.id].state == "in_progress" for n in leaves),
        len(leaves),
    )


def _sub_pathways_started(
    uow: UnitOfWork, institution: Institution, principal: Principal, found: LearnerPlan, as_of: date
) -> set[str]:
    """The achievements of the nested pathways (``pathway`` requirements not yet met) on which
    the learner has made a start."""
    wanted = {
        n.node.achievement
        for n in _leaves(found.audit.root)
        if n.node.type == "pathway" and n.status != "met"
    }
    if not wanted:
        return set()
    started = set()
    for stored in list_pathways(uow, institution):
        if stored.awards_code not in wanted or stored.code == found.audit.pathway.id:
            continue
        try:
            sub = audit_learner(
                uow,
                institution=institution,
                learner_email=principal.email,
                pathway_code=stored.code,
                as_of=as_of,
            )
        except NotFound:
            continue
        if sub.audit.root.status != "not_started":
            started.add(stored.awards_code)
    return started
