"""Which held awards may satisfy which requirement, as of a date (recency and exceptions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from credstack.domain.pathways.model import Award, Node


@dataclass(frozen=True)
class Waiver:
    """A registrar's decision that a requirement counts as met with no award."""

    node: str
    by: str
    reason: str


@dataclass(frozen=True)
class Substitution:
    """A registrar's decision that this award stands for that requirement."""

    award: str
    node: str
    by: str
    reason: str


@dataclass(frozen=True)
class Exceptions:
    waivers: tuple[Waiver, ...] = ()
    substitutions: tuple[Substitution, ...] = ()

    def waiver(self, node: str) -> Waiver | None:
        return next((w for w in self.waivers if w.node == node), None)

    def substitutes(self, node: str) -> frozenset[str]:
        return frozenset(s.award for s in self.substitutions if s.node == node)


@dataclass(frozen=True)
class Recency:
    """The strictest recency that applies at a node (its own and its ancestors')."""

    within_months: int | None = None
    not_expired: bool = False

    def under(self, node: Node) -> Recency:
        months = self.within_months
        if node.within_months is not None:
            months = node.within_months if months is None else min(months, node.within_months)
        return Recency(months, self.not_expired or node.not_expired)

    def admits(self, award: Award, as_of: date) -> bool:
        if self.within_months is not None and (
            award.earned is None or award.earned < as_of - relativedelta(months=self.within_months)
        ):
            return False
        return not (self.not_expired and award.expires is not None and award.expires < as_of)


def matches(node: Node, award: Award) -> bool:
    """Whether the award meets the leaf's own condition (recency aside)."""
    match node.type:
        case "achievement" | "pathway":
            if award.achievement != node.achievement:
                return False
            return node.min_result is None or (award.result is not None and award.result >= node.min_result)
        case "competency":
            level = award.competency_level(node.competency or "")
            return level is not None and level >= (node.min_level or 1)
        case "credits":
            return award.credits > 0 and node.pool.admits(award)
    return False


def candidates(
    root: Node, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> dict[str, list[int]]:
    """Per leaf id, the indices of the awards that may satisfy it as of ``as_of``."""
    index = {a.id: i for i, a in enumerate(awards)}
    out: dict[str, list[int]] = {}

    def visit(node: Node, recency: Recency) -> None:
        recency = recency.under(node)
        if node.is_leaf:
            substitutes = exceptions.substitutes(node.id)
            out[node.id] = [
                i
                for i, a in enumerate(awards)
                if (a.id in substitutes or matches(node, a)) and recency.admits(a, as_of)
            ]
            for award_id in substitutes:  # a substitution stands whatever the recency
                if award_id in index and index[award_id] not in out[node.id]:
                    out[node.id].append(index[award_id])
        for child in node.children:
            visit(child, recency)

    visit(root, Recency())
    return out
