"""Counts over an imported requirement tree, in the terms the source formats use.

Each source requirement is counted once: a repeat (``<id>~k``, a component required in a
further place) is skipped with everything under it. Roles come from the id grammar of
:mod:`pathway_tree`: a *condition* is a node whose id ends in ``/condition[...]`` (a Badgr count
rule, a CTDL ComponentCondition or ConditionProfile) and its *nesting* is how many conditions
its id passes through since its component; a *component* is any other node with requirements
under it (a Badgr element, a CTDL component with conditions or children); the component depth
of the root is 0.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from credstack.domain.pathways.model import Node, Pathway
from credstack.interop.pathway_tree import CONDITION, DERIVED, REPEAT


def summary(pathway: Pathway) -> dict[str, Any]:
    """Node, component and condition counts; ``n/m`` for every n_of (n required of m listed)."""
    types: Counter[str] = Counter()
    n_of: list[str] = []
    credits: list[float] = []
    counts = Counter[str]()
    depth_max = nesting_max = 0

    def visit(node: Node, depth: int) -> None:
        nonlocal depth_max, nesting_max
        if REPEAT.search(node.id):
            counts["repeats"] += 1
            return
        types[node.type] += 1
        if node.type == "n_of":
            n_of.append(f"{node.n}/{len(node.children)}")
        if node.type == "credits":
            credits.append(float(node.min_credits or 0))
        if node.id.endswith("/award"):
            counts["award_shortcuts"] += 1
        if node.id.rsplit("/", 1)[-1].startswith("condition["):
            counts["conditions"] += 1
            nesting_max = max(nesting_max, len(CONDITION.findall(node.id)))
        component = not node.is_leaf and not DERIVED.search(node.id)
        if component:
            counts["components"] += 1
            depth_max = max(depth_max, depth)
        for child in node.children:
            visit(child, depth + 1 if component else depth)

    visit(pathway.root, 0)
    return {
        "nodes": sum(types.values()),
        "node_types": dict(types),
        "components": counts["components"],
        "max_depth(root=0)": depth_max,
        "achievement_refs": types["achievement"],
        "pathway_refs": types["pathway"],
        "competency_refs": types["competency"],
        "component_conditions": counts["conditions"],
        "conditions_with_requiredNumber": len(n_of),
        "requiredNumber_of_targets": n_of,
        "n_of_m_conditions(required<options)": sum(
            1 for r in n_of if int(r.split("/")[0]) < int(r.split("/")[1])
        ),
        "max_condition_nesting": nesting_max,
        "credit_values": credits,
        "award_shortcuts": counts["award_shortcuts"],
        "repeats": counts["repeats"],
        "shared": pathway.root.shared,
    }
