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

A way's cost is the cost of every award it places, shared ones included, each paid once: an
award counted under a shared node and again elsewhere is bought once. So a way is dropped for
another only when the other consumes a subset of its awards *and* places no priced award it
does not place (then, whatever is added to both, the other is never dearer).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from credstack.domain.pathways.eligibility import Exceptions
from credstack.domain.pathways.model import Award, Node

Picks = tuple[tuple[str, tuple[int, ...]], ...]
DEFAULT_CAP = 8
CREDIT_SUBSETS_CAP = 32


@dataclass(frozen=True)
class Way:
    mask: int  # awards this way consumes (awards placed under a shared node are not consumed)
    cost: float  # of the awards in ``used``
    picks: Picks  # (leaf id, award indices) for every leaf this way uses
    used: int  # every award this way places, shared or not


EMPTY = Way(0, 0.0, (), 0)


def _popcount(mask: int) -> int:
    return mask.bit_count()


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
        self.paid = sum(1 << i for i, c in enumerate(self.costs) if c)  # awards that cost something
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
        seen: set[tuple[int, int]] = set()
        paid = self.paid
        for way in ways:
            if (way.mask, way.used & paid) in seen:
                continue
            if any(k.mask & way.mask == k.mask and not k.used & paid & ~way.used for k in kept):
                continue
            kept.append(way)
            seen.add((way.mask, way.used & paid))
            if len(kept) >= self.cap:
                self.exhaustive = False
                break
        return kept

    def _cost(self, used: int) -> float:
        return sum(self.costs[i] for i in range(len(self.costs)) if used >> i & 1)

    def _combine(self, left: list[Way], right: list[Way]) -> list[Way]:
        paid = self.paid
        return [
            Way(
                a.mask | b.mask,
                a.cost + b.cost if not a.used & b.used & paid else self._cost(a.used | b.used),
                a.picks + b.picks,
                a.used | b.used,
            )
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
                found = [Way(0, w.cost, w.picks, w.used) for w in found]
            self._memo[node.id] = found
        return found

    def _ways(self, node: Node) -> list[Way]:
        if self.exceptions.waiver(node.id):
            return [Way(0, 0.0, ((node.id, ()),), 0)]
        if node.type == "credits":
            return self._credit_ways(node)
        if node.is_leaf:
            return self._minimal(
                [
                    Way(1 << i, self.costs[i], ((node.id, (i,)),), 1 << i)
                    for i in self.candidates.get(node.id, [])
                ]
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
                found.append(Way(mask, cost, ((node.id, tuple(chosen)),), mask))
                return
            for j in range(start, len(pool)):
                i = pool[j]
                extend(j + 1, [*chosen, i], total + self.awards[i].credits, cost + self.costs[i])

        extend(0, [], Decimal(0), 0.0)
        return self._minimal(found)
