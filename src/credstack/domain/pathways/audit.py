"""The audit: the requirement tree with every node's status, which awards went where, what is
missing, and credits done and to go. Model: degree-audit reports; every node explains itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from credstack.domain.pathways import milp
from credstack.domain.pathways.eligibility import Exceptions, candidates
from credstack.domain.pathways.model import Award, Node, Pathway
from credstack.domain.pathways.solver import Search, SearchBudget, shape

Status = Literal["met", "in_progress", "not_started"]
# which step of the audit gave the verdict (each is exact; see ``audit``)
DecidedBy = Literal["placement", "relaxation", "search", "integer programme"]


@dataclass(frozen=True)
class NodeAudit:
    node: Node
    status: Status
    awards: tuple[str, ...]  # awards counted at this leaf
    missing: str  # what is still needed ("" when met)
    children: tuple[NodeAudit, ...] = ()
    credits_done: Decimal = Decimal(0)
    exception: str | None = None  # a waiver or substitution, with who and why

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.node.id,
            "type": self.node.type,
            "label": self.node.describe(),
            "status": self.status,
        }
        if self.node.is_leaf:
            out["awards"] = list(self.awards)
        if self.node.type == "credits":
            out["credits"] = {"done": float(self.credits_done), "required": float(self.node.min_credits or 0)}
        if self.missing:
            out["missing"] = self.missing
        if self.exception:
            out["exception"] = self.exception
        if self.children:
            out["children"] = [c.as_json() for c in self.children]
        return out


@dataclass(frozen=True)
class Audit:
    pathway: Pathway
    as_of: date
    met: bool
    root: NodeAudit
    assignment: dict[str, list[str]]
    exhaustive: bool
    credits_done: Decimal
    credits_to_go: Decimal
    unused: tuple[str, ...] = field(default=())
    decided_by: DecidedBy = "placement"

    def as_json(self) -> dict[str, Any]:
        return {
            "pathway": self.pathway.id,
            "version": self.pathway.version,
            "awards": self.pathway.awards,
            "as_of": self.as_of.isoformat(),
            "met": self.met,
            "assignment": self.assignment,
            "credits": {"done": float(self.credits_done), "to_go": float(self.credits_to_go)},
            "unused_awards": list(self.unused),
            "exhaustive": self.exhaustive,
            "tree": self.root.as_json(),
        }


def _greedy_progress(
    root: Node, awards: list[Award], cands: dict[str, list[int]]
) -> dict[str, tuple[int, ...]]:
    """For an unmet pathway, a best-effort placement to show progress: the most constrained
    leaves first, each taking awards no clashing leaf has taken. As in the solver, two leaves
    clash unless a shared node holds one and not the other, i.e. unless the sets of shared
    nodes above them differ (``shape``'s scopes)."""
    tree = shape(root)
    leaves = sorted(
        ((tree.nodes[k], tree.scope[j]) for j, k in enumerate(tree.leaves)),
        key=lambda leaf: len(cands.get(leaf[0].id, ())),
    )
    taken: list[set[int]] = [set() for _ in range(tree.scopes)]
    placed: dict[str, tuple[int, ...]] = {}
    for leaf, scope in leaves:
        clashing = taken[scope]
        free = [i for i in cands.get(leaf.id, ()) if i not in clashing]
        if leaf.type == "credits":
            chosen, total, need = [], Decimal(0), leaf.min_credits or 0
            for i in sorted(free, key=lambda i: -awards[i].credits):
                if total >= need:
                    break
                chosen.append(i)
                total += awards[i].credits
            pick = tuple(chosen)
        else:
            pick = tuple(free[:1])
        placed[leaf.id] = pick
        clashing.update(pick)
    return placed


def _explain(
    node: Node, placed: dict[str, tuple[int, ...]], awards: list[Award], exceptions: Exceptions
) -> NodeAudit:
    waivers = {w.node: w for w in reversed(exceptions.waivers)}  # the first for a node counts
    substitutions = exceptions.substitutions

    def explain(node: Node) -> NodeAudit:
        waiver = waivers.get(node.id) if waivers else None
        if waiver is not None:
            return NodeAudit(node, "met", (), "", exception=f"waived by {waiver.by}: {waiver.reason}")
        if node.is_leaf:
            picks = placed.get(node.id, ())
            ids = tuple(awards[i].id for i in picks)
            note = None
            if substitutions:
                subs = [s for s in substitutions if s.node == node.id and s.award in ids]
                note = "; ".join(f"{s.award} substituted by {s.by}: {s.reason}" for s in subs) or None
            if node.type == "credits":
                done = sum((awards[i].credits for i in picks), Decimal(0))
                need = node.min_credits or Decimal(0)
                counted = min(done, node.max_credits) if node.max_credits is not None else done
                if done >= need:
                    return NodeAudit(node, "met", ids, "", credits_done=counted, exception=note)
                status: Status = "in_progress" if done else "not_started"
                return NodeAudit(
                    node, status, ids, f"{need - done} more credits from the pool", credits_done=done
                )
            if picks:
                return NodeAudit(node, "met", ids, "", exception=note)
            return NodeAudit(node, "not_started", (), f"needs {node.describe()}")
        children = tuple(map(explain, node.children))
        met = sum(1 for c in children if c.status == "met")
        required = node.required
        if met >= required:
            return NodeAudit(node, "met", (), "", children)
        started = met or any(c.status == "in_progress" for c in children)
        more = required - met
        return NodeAudit(
            node,
            "in_progress" if started else "not_started",
            (),
            f"needs {more} more of {len(children)}"
            if node.type != "all"
            else f"{more} of {len(children)} still to meet",
            children,
        )

    return explain(node)


def audit(
    pathway: Pathway, awards: list[Award], *, as_of: date, exceptions: Exceptions = Exceptions()
) -> Audit:
    """Audit ``awards`` against ``pathway`` as of a date: met when any assignment satisfies it.
    The award the pathway itself gives never counts toward it."""
    awards = [a for a in awards if a.achievement != pathway.awards]
    cands = candidates(pathway.root, awards, as_of, exceptions)
    # 1. The progress placement: when it meets the tree (a valid assignment), the pathway is met.
    placed = _greedy_progress(pathway.root, awards, cands)
    root = _explain(pathway.root, placed, awards, exceptions)
    # 2. Unmet even if an award could count everywhere it fits: no assignment can meet it.
    decided_by: DecidedBy = "placement" if root.status == "met" else "relaxation"
    if root.status != "met" and _meetable(pathway.root, awards, cands, exceptions):
        # 3. The exact search for one assignment; 4. past its step budget, the integer programme.
        waived = frozenset(w.node for w in exceptions.waivers)
        found: dict[str, tuple[int, ...]] | None
        try:
            found = Search(shape(pathway.root), [a.credits for a in awards], cands, waived).run()
            decided_by = "search"
        except SearchBudget:
            solution = milp.solve(pathway.root, awards, cands, exceptions=exceptions)
            found = solution.picks if solution is not None else None
            decided_by = "integer programme"
        if found is not None:
            placed = found
            root = _explain(pathway.root, placed, awards, exceptions)
    met = root.status == "met"
    assignment = {leaf: [awards[i].id for i in picks] for leaf, picks in placed.items() if picks}
    used = {i for picks in placed.values() for i in picks}
    done = sum((awards[i].credits for i in used), Decimal(0))
    to_go = sum(
        (
            (n.node.min_credits or Decimal(0)) - n.credits_done
            for n in _unmet(root)
            if n.node.type == "credits"
        ),
        Decimal(0),
    )
    unused = tuple(a.id for i, a in enumerate(awards) if i not in used)
    return Audit(pathway, as_of, met, root, assignment, True, done, to_go, unused, decided_by)


def _meetable(node: Node, awards: list[Award], cands: dict[str, list[int]], exceptions: Exceptions) -> bool:
    """Whether the tree is met when every award may count at every leaf it fits (a relaxation:
    False here means no assignment can meet it)."""
    waived = {w.node for w in exceptions.waivers}

    def meetable(node: Node) -> bool:
        if waived and node.id in waived:
            return True
        if node.type == "credits":
            return sum((awards[i].credits for i in cands.get(node.id, ())), Decimal(0)) >= (
                node.min_credits or 0
            )
        if node.is_leaf:
            return bool(cands.get(node.id))
        need = node.required
        for child in node.children:
            if need <= 0:
                break
            need -= meetable(child)
        return need <= 0

    return meetable(node)


def _unmet(node: NodeAudit) -> list[NodeAudit]:
    """The unmet nodes with no met ancestor: a requirement under a met node is not still to go."""
    if node.status == "met":
        return []
    return [node, *(n for child in node.children for n in _unmet(child))]
