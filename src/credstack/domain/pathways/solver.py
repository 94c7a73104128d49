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

from collections.abc import Sequence
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


# ---- one assignment, exactly: the audit's search ----------------------------------------------
#
# An audit needs one assignment that meets the tree, or the certainty that there is none. The
# search below decides that without listing ways: it keeps a set of goals (requirements still to
# meet) and the awards already used, and at every step applies what is forced, checks that every
# goal can still be met by the free awards (the audit's relaxation), then branches on the choice
# with the fewest options. Three things keep the branching small, each without losing a solution:
#
# - a single-award leaf tries only its *undominated* free candidates: candidate ``b`` is skipped
#   for ``a`` when every pending leaf that could use ``a`` could use ``b`` (and, at a credits leaf,
#   ``b`` carries at least ``a``'s credits). Any completion with ``b`` here becomes one with ``a``
#   here by swapping the two, so if ``a`` fails, ``b`` fails too;
# - an ``n_of`` (or ``any``) goal branches on its first still-possible child: met with it, or
#   without it (so each set of exactly n children is tried once); children that the free awards
#   cannot meet are dropped, and when only n remain they are all required;
# - credits leaves are filled last, when no other goal is pending: one pool per scope takes its
#   largest free awards; several pools in one scope are filled by a depth-first search over their
#   free awards (largest first, each to one pool or none) that memoises the states that failed.
#
# Failed states (goals and used awards) are memoised too. The search counts its steps; past its
# budget it gives up (``SearchBudget``) and the caller decides by the integer programme.

ALL, CHOOSE, SINGLE, CREDITS = 0, 1, 2, 3
SEARCH_BUDGET = 1000
# the search recurses once per branch (two frames) and the pool filling once per award: past
# these it gives way too, well inside Python's recursion limit
DEEPEST = 150
WIDEST_FILL = 250


class SearchBudget(Exception):
    """The search reached its step budget without a decision."""


@dataclass(frozen=True)
class Shape:
    """A pathway tree flattened for the search (kept per tree)."""

    nodes: tuple[Node, ...]  # preorder
    kind: tuple[int, ...]  # ALL, CHOOSE (n_of, any), SINGLE or CREDITS
    children: tuple[tuple[int, ...], ...]  # node numbers
    required: tuple[int, ...]
    leaf_of: tuple[int, ...]  # node -> leaf number, or -1
    leaves: tuple[int, ...]  # leaf number -> node
    scope: tuple[int, ...]  # leaf number -> scope: leaves clash only within one scope
    scopes: int
    under: tuple[int, ...]  # node -> the leaves below it (bits by leaf number)


_SHAPES: dict[int, tuple[Node, Shape]] = {}


def shape(root: Node) -> Shape:
    found = _SHAPES.get(id(root))
    if found is not None and found[0] is root:
        return found[1]
    nodes: list[Node] = []
    parent_scope: list[frozenset[str]] = []

    def visit(node: Node, shared: frozenset[str]) -> None:
        shared = shared | {node.id} if node.shared else shared
        nodes.append(node)
        parent_scope.append(shared)
        for child in node.children:
            visit(child, shared)

    visit(root, frozenset())
    number = {id(n): k for k, n in enumerate(nodes)}
    leaves = [k for k, n in enumerate(nodes) if n.is_leaf]
    leaf_of = [-1] * len(nodes)
    for j, k in enumerate(leaves):
        leaf_of[k] = j
    scope_ids: dict[frozenset[str], int] = {}
    scope = [scope_ids.setdefault(parent_scope[k], len(scope_ids)) for k in leaves]
    under = [0] * len(nodes)
    for k in range(len(nodes) - 1, -1, -1):
        if leaf_of[k] >= 0:
            under[k] = 1 << leaf_of[k]
        for child in nodes[k].children:
            under[k] |= under[number[id(child)]]
    kind = [
        SINGLE
        if n.is_leaf and n.type != "credits"
        else CREDITS
        if n.is_leaf
        else ALL
        if n.type == "all"
        else CHOOSE
        for n in nodes
    ]
    children = [tuple(number[id(c)] for c in n.children) for n in nodes]
    made = Shape(
        tuple(nodes),
        tuple(kind),
        tuple(children),
        tuple(n.required for n in nodes),
        tuple(leaf_of),
        tuple(leaves),
        tuple(scope),
        len(scope_ids),
        tuple(under),
    )
    if len(_SHAPES) >= 256:
        _SHAPES.clear()
    _SHAPES[id(root)] = (root, made)
    return made


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _scale(values: set[Decimal]) -> int:
    """A power of ten that makes every value a whole number."""
    places = 0
    for v in values:
        exponent = v.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return int(10**places)


Partial = tuple[int, tuple[int, ...], int]  # (n_of node, children still open, how many still needed)
State = tuple[int, int, tuple[Partial, ...], int]  # (single leaves, credits leaves, partials, used)


class Search:
    """One assignment meeting the tree, or None when there is none (exact), for one audit.

    ``credits`` are the awards' credits, ``candidates`` the leaves' (award indices). Awards are
    bits ``scope * len(credits) + index``: an award used in one scope is still free in
    another. ``run`` returns leaf id -> award indices, or raises ``SearchBudget``."""

    def __init__(
        self,
        tree: Shape,
        credits: Sequence[Decimal],
        candidates: dict[str, list[int]],
        waived: frozenset[str] = frozenset(),
        budget: int | None = None,
    ) -> None:
        self.tree, self.n, self.steps, self.depth = tree, len(credits), 0, 0
        self.budget = SEARCH_BUDGET if budget is None else budget
        n = self.n
        self.waived = [node.id in waived for node in tree.nodes]
        credit_nodes = [tree.nodes[k] for k in tree.leaves if tree.kind[k] == CREDITS]
        pooled = {i for node in credit_nodes for i in candidates.get(node.id, [])}
        scale = _scale(
            {credits[i] for i in pooled} | {node.min_credits or Decimal(0) for node in credit_nodes}
        )
        self.credit = [0] * n  # in units of 1 / scale, for the awards a credits leaf may take
        for i in pooled:
            self.credit[i] = int(credits[i] * scale)
        self.need = [int((tree.nodes[k].min_credits or Decimal(0)) * scale) for k in tree.leaves]
        self.cmask = [0] * len(tree.leaves)
        self.award_leaves = [0] * (n * tree.scopes)  # bit -> the leaves it is a candidate of
        self.credit_leaves = 0
        for j, k in enumerate(tree.leaves):
            base = tree.scope[j] * n
            if tree.kind[k] == CREDITS:
                self.credit_leaves |= 1 << j
            for i in candidates.get(tree.nodes[k].id, []):
                self.cmask[j] |= 1 << (base + i)
                self.award_leaves[base + i] |= 1 << j
        self.leaf_cands = [0] * len(tree.nodes)  # node -> the candidate bits of the leaves below it
        for k in range(len(tree.nodes) - 1, -1, -1):
            j = tree.leaf_of[k]
            if j >= 0:
                self.leaf_cands[k] = self.cmask[j]
            for c in tree.children[k]:
                self.leaf_cands[k] |= self.leaf_cands[c]
        self.picks: list[tuple[int, int]] = []  # (leaf, bit) for single-award leaves
        self.pooled: dict[int, tuple[int, ...]] = {}  # credits leaf -> bits, of the solution found
        self.failed: set[tuple[int, int, frozenset[Partial], int]] = set()
        self.possible_memo: dict[tuple[int, int], bool] = {}
        self.credits_memo: dict[int, int] = {}  # free candidate bits -> their credits
        self.cover_memo: dict[tuple[int, int], dict[int, tuple[int, ...]] | None] = {}

    # ---- the answer -------------------------------------------------------------------------
    def run(self) -> dict[str, tuple[int, ...]] | None:
        if not self._dfs([0], 0, 0, (), 0):
            return None
        tree, n = self.tree, self.n
        out: dict[str, list[int]] = {}
        for j, bit in self.picks:
            out.setdefault(tree.nodes[tree.leaves[j]].id, []).append(bit % n)
        for j, bits in self.pooled.items():
            out[tree.nodes[tree.leaves[j]].id] = [b % n for b in bits]
        return {leaf: tuple(sorted(ids)) for leaf, ids in out.items()}

    # ---- a quick placement ----------------------------------------------------------------------
    def placement(self) -> bool:
        """Whether a quick placement meets the tree: the leaves with the fewest candidates first,
        each taking free awards (a single-award leaf its first, a credits leaf its largest until
        it has its minimum). True is certain, the placement being an assignment; False says
        nothing."""
        tree, cmask, credit, n = self.tree, self.cmask, self.credit, self.n
        used = met = 0
        for j in sorted(range(len(tree.leaves)), key=lambda j: cmask[j].bit_count()):
            free = cmask[j] & ~used
            if not free:
                continue
            if tree.kind[tree.leaves[j]] == SINGLE:
                used |= free & -free
                met |= 1 << j
                continue
            total, need = 0, self.need[j]
            for b in sorted(_bits(free), key=lambda b: -credit[b % n]):
                if total >= need:
                    break
                used |= 1 << b
                total += credit[b % n]
            if total >= need:
                met |= 1 << j
        return self._met_with(0, met)

    def _met_with(self, k: int, met: int) -> bool:
        """Whether node ``k`` is met when the leaves in ``met`` are."""
        tree = self.tree
        if self.waived[k]:
            return True
        j = tree.leaf_of[k]
        if j >= 0:
            return bool(met >> j & 1)
        need = tree.required[k]
        for child in tree.children[k]:
            if need <= 0:
                break
            need -= self._met_with(child, met)
        return need <= 0

    # ---- the relaxation ---------------------------------------------------------------------
    def _free_credits(self, j: int, used: int) -> int:
        free = self.cmask[j] & ~used
        total = self.credits_memo.get(free)
        if total is None:
            credit, n = self.credit, self.n
            total = self.credits_memo[free] = sum(credit[b % n] for b in _bits(free))
        return total

    def _possible(self, k: int, used: int) -> bool:
        """Whether node ``k`` is met when every free award may count at every leaf it fits."""
        if self.waived[k]:
            return True
        key = (k, used & self.leaf_cands[k])
        found = self.possible_memo.get(key)
        if found is not None:
            return found
        tree = self.tree
        kind = tree.kind[k]
        if kind == SINGLE:
            found = bool(self.cmask[tree.leaf_of[k]] & ~used)
        elif kind == CREDITS:
            j = tree.leaf_of[k]
            found = self._free_credits(j, used) >= self.need[j]
        else:
            need, left = tree.required[k], len(tree.children[k])
            for c in tree.children[k]:
                if need <= 0 or need > left:
                    break
                left -= 1
                if self._possible(c, used):
                    need -= 1
            found = need <= 0
        self.possible_memo[key] = found
        return found

    # ---- the search -------------------------------------------------------------------------
    def _settle(
        self, goals: list[int], singles: int, credits: int, partials: list[Partial], used: int
    ) -> State | None:
        """Expand the new goals and apply what is forced; None when a goal can no longer be met.
        Forced picks are appended to ``self.picks``."""
        tree, waived, cmask = self.tree, self.waived, self.cmask
        while True:
            while goals:
                k = goals.pop()
                if waived[k]:
                    continue
                kind = tree.kind[k]
                if kind == SINGLE:
                    singles |= 1 << tree.leaf_of[k]
                elif kind == CREDITS:
                    credits |= 1 << tree.leaf_of[k]
                elif kind == ALL:
                    goals.extend(tree.children[k])
                else:
                    need = tree.required[k]
                    if need > len(tree.children[k]):
                        return None
                    if need > 0:
                        partials.append((k, tree.children[k], need))
            changed = False
            for j in _bits(singles):
                free = cmask[j] & ~used
                if not free:
                    return None
                if not free & (free - 1):  # one candidate left: forced
                    used |= free
                    singles ^= 1 << j
                    self.picks.append((j, free.bit_length() - 1))
                    changed = True
            kept: list[Partial] = []
            for k, open_, need in partials:
                still = tuple(c for c in open_ if self._possible(c, used))
                if len(still) < need:
                    return None
                if len(still) == need:
                    goals.extend(still)
                    changed = True
                else:
                    kept.append((k, still, need))
            partials = kept
            for j in _bits(credits):
                if self._free_credits(j, used) < self.need[j]:
                    return None
            if not changed:
                return singles, credits, tuple(partials), used

    def _alive(self, singles: int, credits: int, partials: tuple[Partial, ...]) -> int:
        alive = singles | credits
        under = self.tree.under
        for _, open_, _ in partials:
            for c in open_:
                alive |= under[c]
        return alive

    def _options(self, j: int, used: int, alive: int) -> list[int]:
        """The undominated free candidate bits of single-award leaf ``j``."""
        free = _bits(self.cmask[j] & ~used)
        if len(free) == 1:
            return free
        others = alive & ~(1 << j)
        profiles = []
        for b in free:
            uses = self.award_leaves[b] & others
            profiles.append((uses, self.credit[b % self.n] if uses & self.credit_leaves else -1))
        kept = []
        for x, (ux, cx) in enumerate(profiles):
            dominated = False
            for y, (uy, cy) in enumerate(profiles):
                if y == x or uy & ~ux or (cy > cx if cy >= 0 else False):
                    continue  # y is not as good as x
                # y <= x: y dominates x unless x <= y too and x comes first
                x_le_y = not ux & ~uy and (cx < 0 or cx <= cy)
                if not x_le_y or y < x:
                    dominated = True
                    break
            if not dominated:
                kept.append(free[x])
        return kept

    def _dfs(
        self, goals: list[int], singles: int, credits: int, partials: tuple[Partial, ...], used: int
    ) -> bool:
        self.steps += 1
        if self.steps > self.budget:
            raise SearchBudget
        self.depth += 1
        try:
            return self._branch(goals, singles, credits, partials, used)
        finally:
            self.depth -= 1

    def _branch(
        self, goals: list[int], singles: int, credits: int, partials: tuple[Partial, ...], used: int
    ) -> bool:
        if self.depth > DEEPEST:
            raise SearchBudget
        mark = len(self.picks)
        state = self._settle(goals, singles, credits, list(partials), used)
        while state is not None:
            singles, credits, partials, used = state
            key = (singles, credits, frozenset(partials), used)
            if key in self.failed:
                break
            if not singles and not partials:
                if self._cover(credits, used):
                    return True
                self.failed.add(key)
                break
            # the single-award leaf with the fewest undominated options
            alive = self._alive(singles, credits, partials)
            best: tuple[int, list[int]] | None = None
            for j in _bits(singles):
                options = self._options(j, used, alive)
                if best is None or len(options) < len(best[1]):
                    best = (j, options)
                    if len(options) == 1:
                        break
            if best is not None and len(best[1]) == 1:  # forced after all
                j, (b,) = best
                self.picks.append((j, b))
                state = self._settle([], singles & ~(1 << j), credits, list(partials), used | 1 << b)
                continue
            if best is not None and (not partials or len(best[1]) <= 2):
                j, options = best
                for b in options:
                    here = len(self.picks)
                    self.picks.append((j, b))
                    if self._dfs([], singles & ~(1 << j), credits, partials, used | 1 << b):
                        return True
                    del self.picks[here:]
            else:
                # the n_of goal with the fewest open children: with its first child, or without it
                p = min(range(len(partials)), key=lambda x: len(partials[x][1]))
                k, open_, need = partials[p]
                rest = partials[:p] + partials[p + 1 :]
                first, others = open_[0], open_[1:]
                with_first = (*rest, (k, others, need - 1)) if need > 1 else rest
                if self._dfs([first], singles, credits, with_first, used):
                    return True
                if self._dfs([], singles, credits, (*rest, (k, others, need)), used):
                    return True
            self.failed.add(key)
            break
        del self.picks[mark:]
        return False

    # ---- the credits pools, last --------------------------------------------------------------
    def _cover(self, credits: int, used: int) -> bool:
        """Fill every credits leaf in ``credits`` from the free awards (leaves of one scope
        draw on the same awards; scopes are independent)."""
        pooled: dict[int, tuple[int, ...]] = {}
        by_scope: dict[int, list[int]] = {}
        for j in _bits(credits):
            by_scope.setdefault(self.tree.scope[j], []).append(j)
        for group in by_scope.values():
            reach = 0
            for j in group:
                reach |= self.cmask[j]
            key = (sum(1 << j for j in group), used & reach)
            if key not in self.cover_memo:
                self.cover_memo[key] = self._fill(group, used)
            found = self.cover_memo[key]
            if found is None:
                return False
            pooled.update(found)
        self.pooled = pooled
        return True

    def _fill(self, group: list[int], used: int) -> dict[int, tuple[int, ...]] | None:
        credit, n = self.credit, self.n
        if len(group) == 1:
            (j,) = group
            chosen: list[int] = []
            total = 0
            for b in sorted(_bits(self.cmask[j] & ~used), key=lambda b: (-credit[b % n], b)):
                if total >= self.need[j]:
                    break
                chosen.append(b)
                total += credit[b % n]
            return {j: tuple(chosen)} if total >= self.need[j] else None
        reach = 0
        for j in group:
            reach |= self.cmask[j]
        size = len(group)
        fit_of = {
            b: sum(1 << x for x, j in enumerate(group) if self.cmask[j] >> b & 1)
            for b in _bits(reach & ~used)
        }
        if len(fit_of) > WIDEST_FILL:
            raise SearchBudget
        # largest first; identical awards (same credits, same pools) side by side
        awards = sorted(fit_of, key=lambda b: (-credit[b % n], fit_of[b], b))
        fits = [fit_of[b] for b in awards]
        value = [credit[b % n] for b in awards]
        twin = [i > 0 and fits[i] == fits[i - 1] and value[i] == value[i - 1] for i in range(len(awards))]
        # Hall's condition for the pools still short: every set S of them needs no more than the
        # awards still to come that fit some pool of S can bring (every set when there are at
        # most six pools, else each pool, each pair and all together)
        full = (1 << size) - 1
        if size <= 6:
            sets = list(range(1, full + 1))
        else:
            sets = sorted({full, *(1 << x | 1 << y for x in range(size) for y in range(x, size))})
        members = {m: [x for x in range(size) if m >> x & 1] for m in sets}
        rest = {m: [0] * (len(awards) + 1) for m in sets}
        for m in sets:
            column = rest[m]
            for i in range(len(awards) - 1, -1, -1):
                column[i] = column[i + 1] + (value[i] if fits[i] & m else 0)
        taken: list[list[int]] = [[] for _ in group]
        dead: set[tuple[int, tuple[int, ...], int]] = set()

        def fill(i: int, needs: tuple[int, ...], floor: int) -> bool:
            """Awards ``i``.. cover ``needs``; ``floor``: identical awards take pools in order
            (pool number, then ``size`` for none), so no arrangement is tried twice."""
            short = sum(1 << x for x in range(size) if needs[x] > 0)
            if not short:
                return True
            self.steps += 1
            if self.steps > self.budget:
                raise SearchBudget
            if (i, needs, floor) in dead:
                return False
            for m in sets:
                if not m & ~short and rest[m][i] < sum(needs[x] for x in members[m]):
                    return False
            options = sorted(
                (x for x in range(floor, size) if fits[i] >> x & 1 and needs[x] > 0), key=lambda x: -needs[x]
            )
            after = twin[i + 1] if i + 1 < len(awards) else False
            for x in options:
                taken[x].append(awards[i])
                if fill(i + 1, (*needs[:x], max(0, needs[x] - value[i]), *needs[x + 1 :]), x if after else 0):
                    return True
                taken[x].pop()
            if fill(i + 1, needs, size if after else 0):
                return True
            dead.add((i, needs, floor))
            return False

        if not fill(0, tuple(self.need[j] for j in group), 0):
            return None
        out: dict[int, tuple[int, ...]] = {}
        for x, j in enumerate(group):  # drop what the minimum does not need, smallest first
            chosen, total = list(taken[x]), sum(credit[b % n] for b in taken[x])
            for b in sorted(chosen, key=lambda b: (credit[b % n], -b)):
                if total - credit[b % n] >= self.need[j]:
                    chosen.remove(b)
                    total -= credit[b % n]
            out[j] = tuple(chosen)
        return out
