"""The exact fallback: the assignment problem as a 0-1 integer programme, solved by HiGHS
(through scipy.optimize.milp) when the minimal-set search reaches its cap.

Variables: x[L, a] (award a counts at leaf L), y[N] (requirement N is met) and, for completion
plans, z[a] (hypothetical award a is bought). Constraints: a single-award leaf is met only with
one of its candidates; a credits leaf only with enough credits; ``all`` needs every child,
``n_of`` n of them; the root must be met; each award counts at most once among the leaves that
share a scope (the same set of ``shared`` ancestors: the solver's rule); a hypothetical award
counts only if bought. The objective is the cost of what is bought, then the fewest awards used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from credstack.domain.pathways.eligibility import Exceptions
from credstack.domain.pathways.model import Award, Node


@dataclass(frozen=True)
class Solution:
    picks: dict[str, tuple[int, ...]]  # leaf id -> award indices
    cost: float


def _scopes(root: Node) -> dict[str, frozenset[str]]:
    scope: dict[str, frozenset[str]] = {}

    def visit(node: Node, shared: frozenset[str]) -> None:
        shared = shared | {node.id} if node.shared else shared
        scope[node.id] = shared
        for child in node.children:
            visit(child, shared)

    visit(root, frozenset())
    return scope


def solve(
    root: Node,
    awards: list[Award],
    candidates: dict[str, list[int]],
    *,
    costs: list[float] | None = None,
    exceptions: Exceptions = Exceptions(),
    forbid: list[frozenset[int]] | None = None,
) -> Solution | None:
    """The cheapest satisfying assignment, or None when none exists. ``forbid`` excludes sets of
    bought awards already offered (for alternative plans)."""
    costs = costs or [0.0] * len(awards)
    nodes = list(root.walk())
    col: dict[tuple[str, int] | str, int] = {}
    for node in nodes:
        col[node.id] = len(col)
    leaves = [n for n in nodes if n.is_leaf and not exceptions.waiver(n.id)]
    for leaf in leaves:
        for a in candidates.get(leaf.id, []):
            col[(leaf.id, a)] = len(col)
    priced = sorted({a for leaf in leaves for a in candidates.get(leaf.id, []) if costs[a] > 0})
    buy = {a: len(col) + i for i, a in enumerate(priced)}
    width = len(col) + len(buy)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def row(terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(lower)
        for c, v in terms:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        lower.append(lo)
        upper.append(hi)

    inf = np.inf
    for node in nodes:
        y = col[node.id]
        if exceptions.waiver(node.id):
            continue
        if node.is_leaf:
            xs = [col[(node.id, a)] for a in candidates.get(node.id, [])]
            if node.type == "credits":
                need = float(node.min_credits or 0)
                row(
                    [(col[(node.id, a)], float(awards[a].credits)) for a in candidates.get(node.id, [])]
                    + [(y, -need)],
                    0,
                    inf,
                )
            else:
                row([(x, 1.0) for x in xs] + [(y, -1.0)], 0, inf)
                row([(x, 1.0) for x in xs], 0, 1)
        elif node.type == "all":
            for child in node.children:
                row([(col[child.id], 1.0), (y, -1.0)], 0, inf)
        else:
            row([(col[c.id], 1.0) for c in node.children] + [(y, -float(node.required))], 0, inf)
    scope = _scopes(root)
    groups: dict[tuple[frozenset[str], int], list[int]] = {}
    for leaf in leaves:
        for a in candidates.get(leaf.id, []):
            groups.setdefault((scope[leaf.id], a), []).append(col[(leaf.id, a)])
    for xs in groups.values():
        if len(xs) > 1:
            row([(x, 1.0) for x in xs], 0, 1)
    for leaf in leaves:
        for a in candidates.get(leaf.id, []):
            if a in buy:
                row([(col[(leaf.id, a)], 1.0), (buy[a], -1.0)], -inf, 0)
    for bought in forbid or []:
        if bought and all(a in buy for a in bought):
            row([(buy[a], 1.0) for a in bought], -inf, len(bought) - 1)
    objective = np.zeros(width)
    for key, c in col.items():
        if isinstance(key, tuple):
            objective[c] = 1e-6  # the fewest awards, after the cost
    for a, c in buy.items():
        objective[c] = costs[a]
    lo_bounds = np.zeros(width)
    lo_bounds[col[root.id]] = 1
    for node in nodes:
        if exceptions.waiver(node.id):
            lo_bounds[col[node.id]] = 1
    if not lower:
        row([(col[root.id], 1.0)], 1, 1)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(lower), width)).tocsr()
    result = milp(
        objective,
        integrality=np.ones(width),
        bounds=Bounds(lo_bounds, np.ones(width)),
        constraints=LinearConstraint(matrix, np.array(lower), np.array(upper)),
    )
    if result.status != 0 or result.x is None:
        return None
    chosen: dict[str, list[int]] = {}
    for key, c in col.items():
        if isinstance(key, tuple) and result.x[c] > 0.5:
            chosen.setdefault(key[0], []).append(key[1])
    for node in nodes:
        if exceptions.waiver(node.id):
            chosen.setdefault(node.id, [])
    cost = sum(costs[a] for a, c in buy.items() if result.x[c] > 0.5)
    return Solution({leaf: tuple(sorted(ids)) for leaf, ids in chosen.items()}, cost)
