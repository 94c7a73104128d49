"""A brute-force reference for the pathway engine, for tiny cases only.

It shares no code with the engine. Eligibility is recomputed from the node's own condition and
every recency rule on the path from the root (each ``within_months`` must hold, so the strictest
wins; any ``not_expired`` applies); a substitution makes an award eligible whatever its
condition or recency; a waived node is met.

Then it tries every assignment of awards to leaves. Each leaf gets either nothing or a set of its
candidates that meets it on its own (one award for an achievement / competency / pathway leaf,
any subset reaching the minimum for a credits leaf): giving a leaf awards that do not meet it
can only add conflicts, so leaving those out loses no satisfying assignment. Two leaves may hold
the same award only when some ``shared`` node contains exactly one of them (an award used under
a shared node may count elsewhere too; otherwise an award counts once per pathway).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from credstack.domain.pathways.eligibility import Exceptions
from credstack.domain.pathways.model import Award, Node, Pathway


@dataclass(frozen=True)
class Leaf:
    node: Node
    shared_ancestors: frozenset[str]  # ids of the shared nodes containing it (itself included)
    months: tuple[int, ...]  # every within_months on its path
    not_expired: bool


def leaves(root: Node) -> list[Leaf]:
    out: list[Leaf] = []

    def visit(node: Node, shared: frozenset[str], months: tuple[int, ...], not_expired: bool) -> None:
        shared = shared | {node.id} if node.shared else shared
        months = (*months, node.within_months) if node.within_months is not None else months
        not_expired = not_expired or node.not_expired
        if node.is_leaf:
            out.append(Leaf(node, shared, months, not_expired))
        for child in node.children:
            visit(child, shared, months, not_expired)

    visit(root, frozenset(), (), False)
    return out


def own_condition(node: Node, award: Award) -> bool:
    if node.type in ("achievement", "pathway"):
        return award.achievement == node.achievement and (
            node.min_result is None or (award.result is not None and award.result >= node.min_result)
        )
    if node.type == "competency":
        levels = [lvl for cid, lvl in award.competencies if cid == node.competency]
        return any(lvl >= (node.min_level or 1) for lvl in levels)
    pool = node.pool
    return (
        award.credits > 0
        and (not pool.achievements or award.achievement in pool.achievements)
        and (not pool.tags or bool(pool.tags & award.tags))
        and (not pool.levels or award.level in pool.levels)
        and (pool.min_level is None or (award.level is not None and award.level >= pool.min_level))
        and (not pool.frameworks or award.framework in pool.frameworks)
        and (not pool.kinds or award.kind in pool.kinds)
    )


def recent_enough(leaf: Leaf, award: Award, as_of: date) -> bool:
    for months in leaf.months:
        if award.earned is None or award.earned < as_of - relativedelta(months=months):
            return False
    return not (leaf.not_expired and award.expires is not None and award.expires < as_of)


def eligible(leaf: Leaf, award: Award, as_of: date, exceptions: Exceptions) -> bool:
    if any(s.award == award.id and s.node == leaf.node.id for s in exceptions.substitutions):
        return True
    return own_condition(leaf.node, award) and recent_enough(leaf, award, as_of)


def leaf_met(node: Node, held: tuple[Award, ...]) -> bool:
    if node.type == "credits":
        return sum((a.credits for a in held), Decimal(0)) >= (node.min_credits or 0)
    return bool(held)


def tree_met(node: Node, assignment: dict[str, tuple[Award, ...]], exceptions: Exceptions) -> bool:
    """Whether ``node`` is met by the awards placed at its leaves."""
    if any(w.node == node.id for w in exceptions.waivers):
        return True
    if node.is_leaf:
        return leaf_met(node, assignment.get(node.id, ()))
    met = sum(tree_met(c, assignment, exceptions) for c in node.children)
    return met >= node.required


def conflicts(a: Leaf, b: Leaf) -> bool:
    """Whether two leaves may not hold the same award."""
    return a.shared_ancestors == b.shared_ancestors


def _options(leaf: Leaf, awards: list[Award], as_of: date, exceptions: Exceptions) -> list[tuple[Award, ...]]:
    pool = [a for a in awards if eligible(leaf, a, as_of, exceptions)]
    if leaf.node.type != "credits":
        return [(), *((a,) for a in pool)]
    subsets = [s for r in range(len(pool) + 1) for s in itertools.combinations(pool, r)]
    return [(), *(s for s in subsets if s and leaf_met(leaf.node, s))]


def assignments(
    pathway: Pathway, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> Iterator[dict[str, tuple[Award, ...]]]:
    """Every valid assignment (awards at most once, except across a shared boundary), by a plain
    depth-first walk over the leaves that drops a branch as soon as two leaves clash."""
    all_leaves = leaves(pathway.root)
    options = [_options(leaf, awards, as_of, exceptions) for leaf in all_leaves]
    chosen: list[tuple[Award, ...]] = []

    def walk(k: int) -> Iterator[dict[str, tuple[Award, ...]]]:
        if k == len(all_leaves):
            yield {leaf.node.id: held for leaf, held in zip(all_leaves, chosen, strict=True)}
            return
        for held in options[k]:
            ids = {a.id for a in held}
            if any(
                conflicts(all_leaves[j], all_leaves[k]) and ids & {a.id for a in chosen[j]} for j in range(k)
            ):
                continue
            chosen.append(held)
            yield from walk(k + 1)
            chosen.pop()

    yield from walk(0)


def search_space(
    pathway: Pathway, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> int:
    size = 1
    for leaf in leaves(pathway.root):
        size *= len(_options(leaf, awards, as_of, exceptions))
    return size


def brute_met(
    pathway: Pathway, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> dict[str, tuple[Award, ...]] | None:
    """A satisfying assignment, or None when no assignment satisfies the pathway."""
    for assignment in assignments(pathway, awards, as_of, exceptions):
        if tree_met(pathway.root, assignment, exceptions):
            return assignment
    return None


def valid_assignment(
    pathway: Pathway,
    awards: list[Award],
    assignment: dict[str, list[str]],
    as_of: date,
    exceptions: Exceptions = Exceptions(),
) -> list[str]:
    """What is wrong with an engine's assignment (leaf id -> award ids); empty when valid."""
    by_id = {a.id: a for a in awards}
    by_leaf = {leaf.node.id: leaf for leaf in leaves(pathway.root)}
    problems: list[str] = []
    for leaf_id, ids in assignment.items():
        if leaf_id not in by_leaf:
            problems.append(f"{leaf_id} is not a leaf")
            continue
        if len(set(ids)) != len(ids):
            problems.append(f"{leaf_id} holds an award twice")
        problems += [
            f"{i} is not eligible for {leaf_id}"
            for i in ids
            if i not in by_id or not eligible(by_leaf[leaf_id], by_id[i], as_of, exceptions)
        ]
    for a, b in itertools.combinations(sorted(assignment), 2):
        if a in by_leaf and b in by_leaf and conflicts(by_leaf[a], by_leaf[b]):
            problems += [f"{i} counted at both {a} and {b}" for i in set(assignment[a]) & set(assignment[b])]
    return problems


def plan_met(
    pathway: Pathway, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> bool:
    return brute_met(pathway, awards, as_of, exceptions) is not None
