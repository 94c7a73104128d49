"""Pathways as people and programs read them: the catalogue a completion plan may draw on, a
learner's audit with its cheapest plans, and a registrar's exceptions (waivers and
substitutions), which may complete the stack at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credstack.domain.achievement import LifecycleState, Money
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.institution import Institution, Learner
from credstack.domain.pathways.audit import Audit
from credstack.domain.pathways.eligibility import Exceptions, Substitution, Waiver
from credstack.domain.pathways.plan import CatalogueItem, Metric, Plan, cheapest_plans
from credstack.services.institutions import ensure_institution
from credstack.services.stacking import (
    LearnerAudit,
    audit_learner,
    complete_stacks,
    learner_awards,
    stored_pathway,
)
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.achievements import CatalogFilter, StoredAchievement
from credstack.store.awards import StoredAward
from credstack.store.pathways import StoredException, StoredPathway

METRICS: tuple[Metric, ...] = ("price", "credits", "hours")
ALTERNATIVES = 2


@dataclass(frozen=True)
class Offer:
    """A published achievement as a plan shows it, with its catalog page's id."""

    id: int
    code: str
    name: str
    price: Money | None
    credits: Decimal  # ECTS
    hours: int | None


@dataclass(frozen=True)
class HeldAward:
    public_id: str  # for transfer credit: "transfer:" and the transfer credit's id
    achievement: str
    name: str
    earned: date
    transfer_from: str | None = None  # the partner institution, for transfer credit

    @property
    def href(self) -> str:
        if self.transfer_from is not None:
            return f"/transfer/credits/{self.public_id.removeprefix('transfer:')}"
        return f"/credentials/{self.public_id}"


@dataclass(frozen=True)
class LearnerPlan:
    """A learner's audit (the version used and why), what is left to earn, and the exceptions."""

    learner: Learner
    result: LearnerAudit
    metric: Metric
    plans: list[Plan]  # the cheapest first, then the alternatives; empty when nothing completes it
    offers: dict[str, Offer]  # every published achievement, by code
    held: dict[str, HeldAward]  # the learner's awards in force, by public id
    exceptions: list[StoredException]
    currency: str

    @property
    def audit(self) -> Audit:
        return self.result.audit


@dataclass(frozen=True)
class ExceptionRecorded:
    pathway: str
    version: int
    created: bool  # False when the same decision was on record already
    stacked: list[StoredAward]  # stacked awards the decision completed
    met: bool  # whether the learner now meets the pathway


def _published(uow: UnitOfWork, institution_id: int) -> list[StoredAchievement]:
    return uow.achievements.search(institution_id, CatalogFilter(state=LifecycleState.PUBLISHED))


def _item(stored: StoredAchievement, institution: Institution) -> CatalogueItem:
    a = stored.achievement
    return CatalogueItem(
        achievement=a.code,
        price=a.price.amount if a.price else None,
        credits=institution.conversion.ects(a.credits) if a.credits else Decimal(0),
        hours=Decimal(a.expected_hours) if a.expected_hours is not None else None,
        level=a.level,
        kind=a.kind.value,
        tags=frozenset(a.tags),
        competencies=tuple(
            sorted(
                (key, al.level_reached)
                for al in stored.aligned
                for key in {al.row.competency.identifier, al.row.competency.code}
                if key
            )
        ),
    )


def catalogue_for(uow: UnitOfWork, institution: Institution) -> list[CatalogueItem]:
    """The published achievements as a completion plan may use them (credits in ECTS)."""
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        return [_item(s, institution) for s in _published(uow, institution_id)]


def list_pathways(uow: UnitOfWork, institution: Institution) -> list[StoredPathway]:
    """Every pathway at its live version (the newest published one), or its newest version while
    none has been published yet."""
    with uow:
        found = uow.institutions.get(institution.slug)
        if not found:
            return []
        live = {p.code: p for p in uow.pathways.latest(found[0], published_only=True)}
        return [live.get(p.code, p) for p in uow.pathways.latest(found[0])]


def pathway_versions(uow: UnitOfWork, institution: Institution, code: str) -> list[StoredPathway]:
    """Every version of one pathway, oldest first; NotFound when there is none."""
    with uow:
        found = uow.institutions.get(institution.slug)
        versions = uow.pathways.versions(found[0], code) if found else []
    if not versions:
        raise NotFound("pathway", code)
    return versions


def offers(uow: UnitOfWork, institution: Institution) -> dict[str, Offer]:
    """Every published achievement by code, to link to its catalog page."""
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        return _offers(_published(uow, institution_id), institution)


def _offers(published: list[StoredAchievement], institution: Institution) -> dict[str, Offer]:
    out = {}
    for s in published:
        a = s.achievement
        ects = institution.conversion.ects(a.credits) if a.credits else Decimal(0)
        out[a.code] = Offer(s.id, a.code, a.name, a.price, ects, a.expected_hours)
    return out


def _exceptions(stored: list[StoredException]) -> Exceptions:
    return Exceptions(
        waivers=tuple(Waiver(e.node_id, e.decided_by, e.reason) for e in stored if e.kind == "waiver"),
        substitutions=tuple(
            Substitution(e.award_public_id or "", e.node_id, e.decided_by, e.reason)
            for e in stored
            if e.kind == "substitution"
        ),
    )


def plan_for_learner(
    uow: UnitOfWork,
    *,
    institution: Institution,
    learner_email: str,
    pathway_code: str,
    metric: Metric = "price",
    as_of: date | None = None,
) -> LearnerPlan:
    """The learner's audit against any pathway (a what-if when it is not theirs) and the cheapest
    plans, by ``metric``, to complete the version the audit used."""
    if metric not in METRICS:
        raise InvalidInput(Problem("metric", f"{metric!r} is not one of {', '.join(METRICS)}"))
    as_of = as_of or date.today()
    result = audit_learner(
        uow, institution=institution, learner_email=learner_email, pathway_code=pathway_code, as_of=as_of
    )
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        found = uow.learners.by_email(institution_id, learner_email.strip().lower())
        if found is None:
            raise NotFound("learner", learner_email)
        learner_id, learner = found
        published = _published(uow, institution_id)
        awards = learner_awards(uow, institution, learner_id)
        stored = uow.awards.for_learner(learner_id)
        transfers = [t for t in uow.transfers.for_learner(learner_id) if t.status == "accepted"]
        exceptions = uow.pathways.exceptions(learner_id, pathway_code)
    plans = _distinct(
        cheapest_plans(
            result.audit.pathway,
            awards,
            [_item(s, institution) for s in published],
            as_of=as_of,
            metric=metric,
            alternatives=4 * ALTERNATIVES,
            exceptions=_exceptions(exceptions),
        )
    )
    held = {
        a.public_id: HeldAward(a.public_id, a.achievement_code, a.achievement_name, a.valid_from.date())
        for a in stored
        if a.status == "active"
    }
    for t in transfers:
        if t.pathway_code in (None, pathway_code):
            held[f"transfer:{t.public_id}"] = HeldAward(
                f"transfer:{t.public_id}",
                t.achievement_code or f"transfer:{t.agreement_code}",
                f"{t.external_name} (transfer credit)",
                t.earned or t.created_at.date(),
                transfer_from=t.partner,
            )
    return LearnerPlan(
        learner,
        result,
        metric,
        plans,
        _offers(published, institution),
        held,
        exceptions,
        institution.currency,
    )


def _distinct(plans: list[Plan]) -> list[Plan]:
    """The cheapest plan and the next ones that are not a cheaper plan plus something more."""
    kept: list[Plan] = []
    for plan in plans:
        if not any(set(k.achievements) <= set(plan.achievements) for k in kept):
            kept.append(plan)
    return kept[: 1 + ALTERNATIVES]


def _check(kind: str, award: str | None, by: str, reason: str) -> list[Problem]:
    problems = []
    if kind not in ("waiver", "substitution"):
        problems.append(Problem("kind", f"{kind!r} is neither 'waiver' nor 'substitution'"))
    if kind == "substitution" and not award:
        problems.append(Problem("award", "a substitution names the award that stands for the requirement"))
    if kind == "waiver" and award:
        problems.append(Problem("award", "a waiver names no award: leave it out"))
    if not by.strip():
        problems.append(Problem("by", "say who decided"))
    if not reason.strip():
        problems.append(Problem("reason", "give the reason for the decision: it goes into the audit trail"))
    return problems


def record_exception(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    learner_email: str,
    pathway_code: str,
    node_id: str,
    kind: str,
    award: str | None = None,
    by: str,
    reason: str,
) -> ExceptionRecorded:
    """Record a registrar's waiver or substitution for one requirement of the latest version,
    then issue whatever stacked awards the learner now completes (a waiver may finish a stack)."""
    award = (award or "").strip() or None
    problems = _check(kind, award, by, reason)
    if problems:
        raise InvalidInput(problems)
    email = learner_email.strip().lower()
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        found = uow.learners.by_email(institution_id, email)
        if found is None:
            raise InvalidInput(Problem("learner", f"no learner with the email {learner_email!r}"))
        learner_id = found[0]
        versions = uow.pathways.versions(institution_id, pathway_code)
        if not versions:
            raise NotFound("pathway", pathway_code)
        latest = versions[-1]
        node = next((n for n in stored_pathway(latest).nodes() if n.id == node_id), None)
        if node is None:
            raise InvalidInput(
                Problem("node", f"no requirement {node_id!r} in version {latest.version} of {pathway_code}")
            )
        if kind == "substitution":
            if not node.is_leaf:
                raise InvalidInput(
                    Problem("node", f"{node_id!r} groups requirements: substitute for one of them")
                )
            mine = {a.public_id for a in uow.awards.for_learner(learner_id) if a.status == "active"}
            if award not in mine:
                raise InvalidInput(Problem("award", f"{award!r} is not an award in force of {email}"))
        existing = uow.pathways.exceptions(learner_id, pathway_code)
        created = not any((e.node_id, e.kind, e.award_public_id) == (node_id, kind, award) for e in existing)
        if created:
            uow.pathways.add_exception(
                institution_id,
                learner_id,
                pathway_code=pathway_code,
                node_id=node_id,
                kind=kind,
                award_public_id=award,
                decided_by=by.strip(),
                reason=reason.strip(),
            )
            uow.audit.record(
                actor=by.strip(),
                action=f"pathway.{kind}",
                subject_type="pathway",
                subject_id=pathway_code,
                institution_id=institution_id,
                detail={
                    "learner": email,
                    "node": node_id,
                    "award": award,
                    "reason": reason.strip(),
                    "version": latest.version,
                },
            )
            uow.commit()
    issued = complete_stacks(
        uow, settings=settings, institution=institution, learner_email=email, actor=by.strip()
    )
    with uow:  # read back: each now carries its ClrCredential
        stacked = [s for a in issued if (s := uow.awards.by_public_id(a.public_id)) is not None]
    after = audit_learner(uow, institution=institution, learner_email=email, pathway_code=pathway_code)
    return ExceptionRecorded(pathway_code, latest.version, created, stacked, after.audit.met)
