"""The exact assignment of awards to requirements.

Every node yields the *minimal* ways to satisfy it: sets of awards (bitmasks) no proper subset
of which also satisfies it, each with the awards it places at each leaf. ``all`` combines its
children's ways on disjoint awards; ``n_of`` (and ``any``) runs a small dynamic programme over
its children (ways to satisfy k of the first i) instead of enumerating combinations; a
``credits`` leaf yields the minimal sub-pools reaching its minimum. An award counts once per
pathway: ways are combined only when their awards are disjoint, except under a ``shared`` node
whose awards may also count elsewhere. Because every way that satisfies a node contains a minimal
one, the root has a way whenever any assignment satisfies the pathway: unlike a greedy pass,
the search never commits an award to the wrong requirement. Each way also carries a cost (the
price, credits or hours of hypothetical awards, for completion plans), and the ways kept per
node are the cheapest ``cap``; ``exhaustive`` says whether that cap was ever reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from credstack.domain.pathways.eligibility import Exceptions
from credstack.domain.pathways.model import Award, Node

Picks = tuple[tuple[str, tuple[int, ...]], ...]
DEFAULT_CAP = 256
CREDIT_SUBSETS_CAP = 2048


@dataclass(frozen=True)
class Way:
    mask: int  # awards this way consumes (awards placed under a shared node are not consumed)
    cost: float
    picks: Picks  # (leaf id, award indices) for every leaf this way uses


EMPTY = Way(0, 0.0, ())


def _popcount(mask: int) -> int:
    return bin(mask).count("1")


class Solver:
    def __init__(
        self,
        awards: list[Award],
        candidates: dict[str, list[int]],
        *,
        costs: list[float] | None = None,
        exceptions: Exceptions = Exceptions(),
        cap: int = DEFAULT_CAP,
    ) -> None:
        self.awards = awards
        self.candidates = candidates
        self.costs = costs or [0.0] * len(awards)
        self.exceptions = exceptions
        self.cap = cap
        self.exhaustive = True
        self._memo: dict[str, list[Way]] = {}

    # ---- keeping the ways small ---------------------------------------------------------
    def _minimal(self, ways: list[Way]) -> list[Way]:
        """Drop every way that spends a superset of another's awards at no lower cost; keep
        the cheapest ``cap``."""
        ways.sort(key=lambda w: (w.cost, _popcount(w.mask)))
        kept: list[Way] = []
        seen: set[int] = set()
        for way in ways:
            if way.mask in seen:
                continue
            if any(k.mask & way.mask == k.mask and k.cost <= way.cost for k in kept):
                continue
            kept.append(way)
            seen.add(way.mask)
            if len(kept) >= self.cap:
                self.exhaustive = False
                break
        return kept

    def _combine(self, left: list[Way], right: list[Way]) -> list[Way]:
        return [
            Way(a.mask | b.mask, a.cost + b.cost, a.picks + b.picks)
            for a in left
            for b in right
            if not a.mask & b.mask
        ]

    # ---- the node types -------------------------------------------------------------------
    def ways(self, node: Node) -> list[Way]:
        found = self._memo.get(node.id)
        if found is None:
            found = self._ways(node)
            if node.shared:
                found = [Way(0, w.cost, w.picks) for w in found]
            self._memo[node.id] = found
        return found

    def _ways(self, node: Node) -> list[Way]:
        if self.exceptions.waiver(node.id):
            return [Way(0, 0.0, ((node.id, ()),))]
        if node.type == "credits":
            return self._credit_ways(node)
        if node.is_leaf:
            return self._minimal(
                [Way(1 << i, self.costs[i], ((node.id, (i,)),)) for i in self.candidates.get(node.id, [])]
            )
        need = node.required
        if need <= 0:
            return [EMPTY]
        if node.type == "all":
            acc = [EMPTY]
            for child in node.children:
                acc = self._minimal(self._combine(acc, self.ways(child)))
                if not acc:
                    return []
            return acc
        table: list[list[Way]] = [[EMPTY]] + [[] for _ in range(need)]
        for i, child in enumerate(node.children):
            child_ways = self.ways(child)
            if not child_ways:
                continue
            for k in range(min(need, i + 1), 0, -1):
                if table[k - 1]:
                    table[k] = self._minimal(table[k] + self._combine(table[k - 1], child_ways))
        return table[need]

    def _credit_ways(self, node: Node) -> list[Way]:
        target = node.min_credits or Decimal(0)
        pool = sorted(
            self.candidates.get(node.id, []), key=lambda i: (self.costs[i], -self.awards[i].credits)
        )
        if sum((self.awards[i].credits for i in pool), Decimal(0)) < target:
            return []
        found: list[Way] = []
        rest = [Decimal(0)] * (len(pool) + 1)  # credits still to be had from position j on
        for j in range(len(pool) - 1, -1, -1):
            rest[j] = rest[j + 1] + self.awards[pool[j]].credits

        def extend(start: int, chosen: list[int], total: Decimal, cost: float) -> None:
            if len(found) >= CREDIT_SUBSETS_CAP:
                self.exhaustive = False
                return
            if total + rest[start] < target:
                return
            if total >= target:
                mask = sum(1 << i for i in chosen)
                found.append(Way(mask, cost, ((node.id, tuple(chosen)),)))
                return
            for j in range(start, len(pool)):
                i = pool[j]
                extend(j + 1, [*chosen, i], total + self.awards[i].credits, cost + self.costs[i])

        extend(0, [], Decimal(0), 0.0)
        return self._minimal(found)
