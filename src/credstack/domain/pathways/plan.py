"""The cheapest completion plan: which achievements not yet held complete a pathway at least
total price, credits or expected hours, with the next alternatives.

Catalogue achievements join the held awards as hypothetical awards costing their price (or
credits, or hours); the solver's cheapest way to satisfy the root is then the cheapest plan,
exactly: every completing set of purchases contains a minimal one at no greater cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from credstack.domain.pathways import milp
from credstack.domain.pathways.eligibility import Exceptions, candidates
from credstack.domain.pathways.model import Award, Pathway
from credstack.domain.pathways.solver import Solver

Metric = Literal["price", "credits", "hours"]
PLAN_PREFIX = "plan:"


@dataclass(frozen=True)
class CatalogueItem:
    """An achievement the learner could still earn."""

    achievement: str
    price: Decimal | None = None
    credits: Decimal = Decimal(0)
    hours: Decimal | None = None
    level: int | None = None
    kind: str = "micro-credential"
    tags: frozenset[str] = frozenset()
    competencies: tuple[tuple[str, int], ...] = ()
    framework: str | None = None

    def cost(self, metric: Metric) -> float | None:
        value = {"price": self.price, "credits": self.credits, "hours": self.hours}[metric]
        return None if value is None else float(value)


@dataclass(frozen=True)
class Plan:
    achievements: tuple[str, ...]
    price: Decimal | None  # None when an achievement in the plan has no price
    credits: Decimal
    hours: Decimal | None
    metric: Metric

    def as_json(self) -> dict[str, object]:
        return {
            "achievements": list(self.achievements),
            "price": None if self.price is None else float(self.price),
            "credits": float(self.credits),
            "hours": None if self.hours is None else float(self.hours),
            "metric": self.metric,
        }


def _total(items: list[CatalogueItem], field: str) -> Decimal | None:
    values = [getattr(i, field) for i in items]
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def cheapest_plans(
    pathway: Pathway,
    awards: list[Award],
    catalogue: list[CatalogueItem],
    *,
    as_of: date,
    metric: Metric = "price",
    alternatives: int = 2,
    exceptions: Exceptions = Exceptions(),
) -> list[Plan]:
    """The cheapest plan first, then up to ``alternatives`` next-cheapest different plans; empty
    when even the whole catalogue cannot complete the pathway. An item with no value for the
    metric is used only when nothing priced will do."""
    held = {a.achievement for a in awards}
    offered = [item for item in catalogue if item.achievement not in held]
    unknown = 1e9  # an unpriced item costs more than any priced plan
    hypothetical = [
        Award(
            id=f"{PLAN_PREFIX}{item.achievement}",
            achievement=item.achievement,
            credits=item.credits,
            level=item.level,
            kind=item.kind,
            tags=item.tags,
            result=Decimal(100),
            earned=as_of,
            competencies=item.competencies,
            framework=item.framework,
        )
        for item in offered
    ]
    everything = [*awards, *hypothetical]
    costs = [0.0] * len(awards) + [c if (c := item.cost(metric)) is not None else unknown for item in offered]
    solver = Solver(
        everything,
        candidates(pathway.root, everything, as_of, exceptions),
        costs=costs,
        exceptions=exceptions,
    )
    ways = solver.ways(pathway.root)
    if not solver.exhaustive:  # the search reached its cap: the integer programme is exact
        return _milp_plans(
            pathway, everything, len(awards), offered, costs, as_of, metric, alternatives, exceptions
        )
    plans: list[Plan] = []
    seen: set[frozenset[str]] = set()
    for way in sorted(ways, key=lambda w: (w.cost, bin(w.mask).count("1"))):
        chosen = [offered[i - len(awards)] for i in range(len(awards), len(everything)) if way.used >> i & 1]
        key = frozenset(c.achievement for c in chosen)
        if key in seen:
            continue
        seen.add(key)
        plans.append(_plan(chosen, metric))
        if len(plans) > alternatives:
            break
    return plans


def _plan(chosen: list[CatalogueItem], metric: Metric) -> Plan:
    return Plan(
        tuple(sorted(c.achievement for c in chosen)),
        _total(chosen, "price"),
        sum((c.credits for c in chosen), Decimal(0)),
        _total(chosen, "hours"),
        metric,
    )


def _milp_plans(
    pathway: Pathway,
    everything: list[Award],
    held: int,
    offered: list[CatalogueItem],
    costs: list[float],
    as_of: date,
    metric: Metric,
    alternatives: int,
    exceptions: Exceptions,
) -> list[Plan]:
    """The cheapest plans by integer programming: each next plan excludes the purchases of the
    plans before it (and so every plan that merely adds to one)."""
    cands = candidates(pathway.root, everything, as_of, exceptions)
    plans: list[Plan] = []
    forbid: list[frozenset[int]] = []
    for _ in range(alternatives + 1):
        solution = milp.solve(
            pathway.root, everything, cands, costs=costs, exceptions=exceptions, forbid=forbid
        )
        if solution is None:
            break
        bought = frozenset(i for picks in solution.picks.values() for i in picks if i >= held)
        plans.append(_plan([offered[i - held] for i in sorted(bought)], metric))
        if not bought:  # already met: nothing to buy, no alternative
            break
        forbid.append(bought)
    return plans
