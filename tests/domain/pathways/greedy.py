"""A deliberately simple greedy reference: leaves in tree order, each takes the first free
candidate (a credits leaf keeps taking free candidates until it has its minimum). Leaves under a
``shared`` node take candidates whether free or not and leave them free.

It is what a hand-written audit would do, and it is wrong whenever an early leaf takes the award
a later leaf needed; the engine must never be.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from credstack.domain.pathways.eligibility import Exceptions, candidates
from credstack.domain.pathways.model import Award, Node, Pathway


def _leaves(node: Node, shared: bool = False) -> list[tuple[Node, bool]]:
    shared = shared or node.shared
    if node.is_leaf:
        return [(node, shared)]
    return [leaf for child in node.children for leaf in _leaves(child, shared)]


def greedy_assignment(
    pathway: Pathway, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> dict[str, list[int]]:
    cands = candidates(pathway.root, awards, as_of, exceptions)
    taken: set[int] = set()
    placed: dict[str, list[int]] = {}
    for leaf, shared in _leaves(pathway.root):
        free = [i for i in cands.get(leaf.id, []) if shared or i not in taken]
        if leaf.type == "credits":
            need, total, pick = leaf.min_credits or Decimal(0), Decimal(0), []
            for i in free:
                if total >= need:
                    break
                pick.append(i)
                total += awards[i].credits
        else:
            pick = free[:1]
        placed[leaf.id] = pick
        if not shared:
            taken.update(pick)
    return placed


def _met(node: Node, placed: dict[str, list[int]], awards: list[Award], exceptions: Exceptions) -> bool:
    if exceptions.waiver(node.id):
        return True
    if node.type == "credits":
        return sum((awards[i].credits for i in placed[node.id]), Decimal(0)) >= (node.min_credits or 0)
    if node.is_leaf:
        return bool(placed[node.id])
    return sum(_met(c, placed, awards, exceptions) for c in node.children) >= node.required


def greedy_met(
    pathway: Pathway, awards: list[Award], as_of: date, exceptions: Exceptions = Exceptions()
) -> bool:
    placed = greedy_assignment(pathway, awards, as_of, exceptions)
    return _met(pathway.root, placed, awards, exceptions)
