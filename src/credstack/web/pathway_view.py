"""A pathway and a learner's audit shaped for the pages: the requirement tree as rows that say
what each node asks in words, with its status, the awards counted there and what is missing;
the completion plans with the achievements' catalog entries. No HTTP and no storage here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from credstack.domain.achievement import Money
from credstack.domain.pathways.audit import NodeAudit
from credstack.domain.pathways.model import Node, Pathway, Pool
from credstack.domain.pathways.plan import Metric, Plan
from credstack.services.pathway_views import HeldAward, LearnerPlan, Offer
from credstack.web.presenters import num

STATUS_TEXT = {"met": "Met", "in_progress": "In progress", "not_started": "Not started"}
METRIC_LABELS: dict[Metric, str] = {
    "price": "Lowest price",
    "credits": "Fewest credits",
    "hours": "Fewest study hours",
}


@dataclass(frozen=True)
class Row:
    """One requirement as the page shows it."""

    id: str
    type: str
    heading: str  # what kind of requirement, in words ("All 3 of these", "Achievement")
    label: str  # what it asks for
    offer: Offer | None  # the catalog entry of an achievement or pathway leaf
    details: tuple[str, ...]  # pool, recency, sharing
    children: tuple[Row, ...] = ()
    status: str | None = None  # met / in_progress / not_started; None on the definition
    awards: tuple[HeldAward, ...] = ()
    missing: str = ""
    exception: str | None = None
    credits: tuple[Decimal, Decimal] | None = None  # done, required (ECTS)

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status or "", "")

    @property
    def anchor(self) -> str:
        return "req-" + re.sub(r"[^A-Za-z0-9_-]+", "-", self.id).strip("-")

    @property
    def waived(self) -> bool:
        return bool(self.exception and self.exception.startswith("waived"))


def _missing(text: str) -> str:
    """The engine's "needs X" / "2 of 4 still to meet" as what follows "Still needed:"."""
    text = text.removeprefix("needs ")
    if m := re.fullmatch(r"(\d+) of (\d+) still to meet", text):
        return f"{m[1]} more of {m[2]}"
    return text


def _heading(node: Node) -> str:
    match node.type:
        case "all":
            return f"All {len(node.children)} of these" if len(node.children) > 1 else "This"
        case "any":
            return f"Any one of these {len(node.children)}"
        case "n_of":
            return f"{node.n} of these {len(node.children)}"
        case "credits":
            return "Credits"
        case "achievement":
            return "Achievement"
        case "competency":
            return "Competency"
        case _:
            return "Another pathway's award"


def _pool(pool: Pool) -> list[str]:
    out = []
    if pool.achievements:
        out.append("from " + ", ".join(sorted(pool.achievements)))
    if pool.tags:
        out.append("tagged " + " or ".join(sorted(pool.tags)))
    if pool.levels:
        out.append("at EQF level " + " or ".join(str(v) for v in sorted(pool.levels)))
    if pool.min_level is not None:
        out.append(f"at EQF level {pool.min_level} or above")
    if pool.frameworks:
        out.append("in framework " + " or ".join(sorted(pool.frameworks)))
    if pool.kinds:
        out.append("of kind " + " or ".join(sorted(pool.kinds)))
    return out


def _details(node: Node) -> tuple[str, ...]:
    out = []
    if node.type == "credits":
        out.extend(_pool(node.pool) or ["from any award"])
        if node.max_credits is not None:
            out.append(f"at most {num(node.max_credits)} count")
    if node.type == "achievement" and node.min_result is not None:
        out.append(f"with a result of at least {num(node.min_result)}")
    if node.within_months is not None:
        out.append(f"earned within the last {node.within_months} months")
    if node.not_expired:
        out.append("still valid")
    if node.shared:
        out.append("awards counted here may count elsewhere too")
    return tuple(out)


def _label(node: Node, offer: Offer | None) -> str:
    if node.label:
        return node.label
    if offer is not None:
        return offer.name
    if node.type == "credits":
        return f"{num(node.min_credits or 0)} ECTS credits"
    if node.type == "competency":
        return f"{node.competency} at level {node.min_level or 1} or above"
    if not node.is_leaf:
        return ""
    return node.achievement or node.describe()


def definition_rows(pathway: Pathway, offers: dict[str, Offer]) -> Row:
    """The requirement tree of a pathway definition, without statuses."""

    def row(node: Node) -> Row:
        offer = offers.get(node.achievement or "") if node.type in ("achievement", "pathway") else None
        return Row(
            node.id,
            node.type,
            _heading(node),
            _label(node, offer),
            offer,
            _details(node),
            tuple(row(c) for c in node.children),
        )

    return row(pathway.root)


def audit_rows(found: LearnerPlan) -> Row:
    """The requirement tree with each node's status, awards counted, what is missing."""

    def row(n: NodeAudit) -> Row:
        node = n.node
        offer = found.offers.get(node.achievement or "") if node.type in ("achievement", "pathway") else None
        return Row(
            node.id,
            node.type,
            _heading(node),
            _label(node, offer),
            offer,
            _details(node),
            tuple(row(c) for c in n.children),
            n.status,
            tuple(found.held[a] for a in n.awards if a in found.held),
            _missing(n.missing),
            n.exception,
            (n.credits_done, node.min_credits or Decimal(0)) if node.type == "credits" else None,
        )

    return row(found.audit.root)


@dataclass(frozen=True)
class PlanView:
    offers: tuple[Offer, ...]
    price: str  # "EUR 740.00", or "—" when something in it has no price
    credits: Decimal
    hours: Decimal | None


def plan_views(found: LearnerPlan) -> list[PlanView]:
    def price(plan: Plan) -> str:
        return "—" if plan.price is None else str(Money(plan.price, found.currency))

    return [
        PlanView(tuple(found.offers[c] for c in p.achievements), price(p), p.credits, p.hours)
        for p in found.plans
    ]


@dataclass(frozen=True)
class Progress:
    met: int  # requirements met at the top level
    of: int  # how many must be met there
    leaves_met: int
    leaves: int

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.of) if self.of else 100


def progress(found: LearnerPlan) -> Progress:
    root = found.audit.root

    def leaves(n: NodeAudit) -> list[NodeAudit]:
        return [n] if n.node.is_leaf or not n.children else [x for c in n.children for x in leaves(c)]

    every = leaves(root)
    if root.node.is_leaf or not root.children:
        top_met, top_of = int(root.status == "met"), 1
    else:
        top_met, top_of = sum(c.status == "met" for c in root.children), root.node.required
    return Progress(min(top_met, top_of), top_of, sum(n.status == "met" for n in every), len(every))


def stacked_award(found: LearnerPlan) -> HeldAward | None:
    """The award of this pathway's achievement, when the learner holds it."""
    return next((a for a in found.held.values() if a.achievement == found.audit.pathway.awards), None)


def where_counted(found: LearnerPlan, rows: Row) -> list[tuple[HeldAward, list[Row]]]:
    """Each award in force with the requirements it counts toward (none: not used here)."""
    used: dict[str, list[Row]] = {}

    def visit(r: Row) -> None:
        for a in r.awards:
            used.setdefault(a.public_id, []).append(r)
        for c in r.children:
            visit(c)

    visit(rows)
    held = sorted(found.held.values(), key=lambda a: (a.earned, a.achievement))
    return [(a, used.get(a.public_id, [])) for a in held]
