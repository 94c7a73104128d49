"""Which held awards may satisfy which requirement, as of a date (recency and exceptions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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


def leaf_rules(root: Node) -> tuple[tuple[Node, Recency], ...]:
    """Every leaf of the tree, in order, with the recency that applies at it (its own and its
    ancestors'). Kept per tree (by identity) for the audits of many learners against one pathway."""
    found = _RULES.get(id(root))
    if found is not None and found[0] is root:
        return found[1]
    out: list[tuple[Node, Recency]] = []

    def visit(node: Node, recency: Recency) -> None:
        recency = recency.under(node)
        if node.is_leaf:
            out.append((node, recency))
        for child in node.children:
            visit(child, recency)

    visit(root, Recency())
    if len(_RULES) >= _RULES_KEPT:
        _RULES.clear()
    _RULES[id(root)] = (root, tuple(out))
    return tuple(out)


@lru_cache(maxsize=4096)
def _cutoff(as_of: date, months: int) -> date:
    """The earliest ``earned`` date that ``within_months`` admits (``Recency.admits``)."""
    return as_of - relativedelta(months=months)


_RULES: dict[int, tuple[Node, tuple[tuple[Node, Recency], ...]]] = {}
_RULES_KEPT = 256


def candidates(
    root: Node, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> dict[str, list[int]]:
    """Per leaf id, the indices of the awards that may satisfy it as of ``as_of``.

    The same as testing ``matches`` and ``Recency.admits`` for every award at every leaf, with
    the awards looked up by achievement and competency, and each recency cut-off computed once."""
    by_code: dict[str, list[int]] = {}
    by_competency: dict[str, list[tuple[int, int]]] = {}
    by_tag: dict[str, list[int]] = {}  # credit-bearing awards only
    credit_bearing: list[int] = []
    for i, a in enumerate(awards):
        by_code.setdefault(a.achievement, []).append(i)
        for cid, level in a.competencies:
            by_competency.setdefault(cid, []).append((i, level))
        if a.credits > 0:
            credit_bearing.append(i)
            for tag in a.tags:
                by_tag.setdefault(tag, []).append(i)
    out: dict[str, list[int]] = {}
    for node, recency in leaf_rules(root):
        substitutes = exceptions.substitutes(node.id) if exceptions.substitutions else frozenset()
        if substitutes:  # rare: the plain definition
            index = {a.id: i for i, a in enumerate(awards)}
            found = [
                i
                for i, a in enumerate(awards)
                if (a.id in substitutes or matches(node, a)) and recency.admits(a, as_of)
            ]
            found += sorted(  # a substitution stands whatever the recency
                {index[s] for s in substitutes if s in index} - set(found)
            )
            out[node.id] = found
            continue
        if node.type == "credits":
            pool = node.pool
            if pool.tags:  # only awards with one of the tags can be admitted
                some = sorted({i for tag in pool.tags for i in by_tag.get(tag, ())})
                found = [i for i in some if pool.admits(awards[i])]
            else:
                found = [i for i in credit_bearing if pool.admits(awards[i])]
        elif node.type == "competency":
            least = node.min_level or 1
            # an award's level for a competency is the first one it lists (competency_level)
            first: dict[int, int] = {}
            for i, level in by_competency.get(node.competency or "", ()):
                first.setdefault(i, level)
            found = sorted(i for i, level in first.items() if level >= least)
        else:
            minimum = node.min_result
            found = [
                i
                for i in by_code.get(node.achievement or "", ())
                if minimum is None or ((result := awards[i].result) is not None and result >= minimum)
            ]
        months, not_expired = recency.within_months, recency.not_expired
        if months is not None:
            cutoff = _cutoff(as_of, months)
            found = [i for i in found if (earned := awards[i].earned) is not None and earned >= cutoff]
        if not_expired:
            found = [i for i in found if (expires := awards[i].expires) is None or expires >= as_of]
        out[node.id] = found
    return out
