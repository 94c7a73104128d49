"""CTDL pathways (Pathway, components, ComponentCondition) and credentials' ConditionProfiles.

A ``Pathway``'s requirement tree starts at its destination component (``hasDestinationComponent``,
or the legacy ``hasRoot``). A component is a requirement node with the component's ``@id``:

- with ``hasCondition``: all of its conditions. A ComponentCondition is ``n_of`` its targets
  (``targetComponent``) and nested conditions when it has ``requiredNumber``, ``any`` when its
  ``logicalOperator`` is Or/OnlyOne, else ``all``. A Constraint that sums credit values
  (``leftAction`` Sum of ``value``/``creditValue``, compared ``GTEQ``/``GT``/``EQ``) becomes a
  ``credits`` rule over the targets (or the component's children); other constraints (grades,
  resits...) cannot be checked from held awards and are named in the condition's label.
- without conditions but with children (``hasChild``, ``hasPart``, legacy ``isParentOf``): all
  of the children, except those a sibling's condition chooses among (the options of an elective).
- otherwise a leaf: an ``achievement`` keyed by ``sourceData`` (a badge URL), ``proxyFor``,
  ``ctid`` or ``@id``; unknown component types are read the same way.

A credential component with requirements of its own (not the destination) is ``any`` of holding
it already (``<id>/award``) and meeting them; required again elsewhere it is that award alone,
while any other component required again is repeated (``<id>~2``).

Without a Pathway, the credential with ``requires`` is read: each ConditionProfile is all of
its targets (``targetCredential``, ``targetLearningOpportunity``, ``targetAssessment``,
``targetCompetency``) and its credits (``creditValue``, ``creditUnitValue``); an
``alternativeCondition`` makes it any of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.pathways.model import Node, Pathway, Pool
from credstack.interop import ctdl_rules as rules
from credstack.interop.ctdl_graph import CtdlNode, Graph, number, refs, text, types
from credstack.interop.pathway_tree import Ids, group, leaf, mark_shared

CONDITION_TYPES = {"ComponentCondition", "ConditionProfile"}
TARGETS = ("targetComponent", "targetCredential", "targetLearningOpportunity", "targetAssessment")
CHILDREN = ("hasChild", "hasPart", "isParentOf")


def from_ctdl_pathway(data: str | bytes | Mapping[str, Any] | list[Any], *, source: str = "ctdl") -> Pathway:
    """Read a CTDL Pathway graph, or else a credential's ``requires`` ConditionProfiles."""
    return _Ctdl(Graph(data, source=source)).pathway()


class _Ctdl:
    def __init__(self, graph: Graph) -> None:
        self.graph, self.source = graph, graph.source
        self.ids = Ids()
        self.stack: list[str] = []

    def fail(self, where: str, message: str) -> InvalidInput:
        return InvalidInput(Problem(where, message), source=self.source)

    def pathway(self) -> Pathway:
        found = self.graph.of_type("Pathway")
        if found:
            path = found[0]
            dest = next(iter(refs(path.get("hasDestinationComponent")) + refs(path.get("hasRoot"))), None)
            if dest is None:
                marked = [
                    n for n in self.graph.nodes if n.get("isDestinationComponentFor") or n.get("isRootOf")
                ]
                dest = marked[0]["@id"] if marked else None
            target = self.graph.resolve(dest) if dest is not None else None
            if target is None:
                raise self.fail(f"Pathway {path['@id']}", "has no destination component in the file")
            root = self.component(target["@id"], destination=True)
            owner, name = target, text(path.get("name")) or rules.label(target)
            pathway_id = text(path.get("ctid")) or path["@id"]
            description = text(path.get("description")) or ""
        else:
            credentials = [n for n in self.graph.nodes if n.get("requires")]
            if not credentials:
                raise self.fail("(root)", "neither a Pathway nor a credential that requires anything")
            owner = next((n for n in credentials if rules.is_credential(n)), credentials[0])
            root = self.credential(owner)
            name, pathway_id = rules.label(owner) or owner["@id"], text(owner.get("ctid")) or owner["@id"]
            description = text(owner.get("description")) or ""
        if root is None:
            raise self.fail(f"{owner['@id']}", "requires nothing that can be checked")
        return Pathway(
            id=pathway_id,
            name=name,
            awards=rules.key(owner),
            root=mark_shared(root, self.ids),
            description=description,
        )

    def credential(self, node: CtdlNode) -> Node | None:
        node_id = self.ids.take(node["@id"])
        conditions = [
            self.condition(p, f"{node_id}/condition[{i}]", node)
            for i, p in enumerate(refs(node.get("requires")))
        ]
        return group(
            node_id, conditions, label=rules.label(node), where=f"{node['@id']}.requires", source=self.source
        )

    def component(self, ref: Any, *, destination: bool = False) -> Node | None:
        node = self.graph.resolve(ref)
        if node is None:
            return leaf(self.ids.take(str(ref)), "achievement", str(ref), f"{ref} (not in this file)")
        cid = str(node["@id"])
        if cid in self.stack:
            raise self.fail(cid, "requires itself: " + " -> ".join([*self.stack, cid]))
        conditions = refs(node.get("hasCondition"))
        children = [c for key in CHILDREN for c in refs(node.get(key))]
        credential, label = rules.is_credential(node), rules.label(node)
        if not conditions and not children:
            return leaf(self.ids.take(cid), "achievement", rules.key(node), label)
        if credential and not destination and self.ids.seen(cid):
            return leaf(self.ids.repeat(cid), "pathway", rules.key(node), label)
        node_id = self.ids.take(cid)
        self.stack.append(cid)
        if conditions:
            parts = [self.condition(c, f"{node_id}/condition[{i}]", node) for i, c in enumerate(conditions)]
        else:
            parts = [self.component(c) for c in self._required_children(children)]
        self.stack.pop()
        req = group(node_id, parts, label=label, where=cid, source=self.source)
        if req is None or not credential or destination:
            return req
        award = leaf(f"{node_id}/award", "pathway", rules.key(node), f"{label} (already held)".strip())
        return Node(
            id=node_id,
            type="any",
            label=label,
            children=(award, replace(req, id=f"{node_id}/requirements", label="")),
        )

    def _required_children(self, children: list[Any]) -> list[Any]:
        """The children that are not options a sibling's condition chooses among."""
        chosen: set[str] = set()
        for child in children:
            node = self.graph.resolve(child)
            for cond in refs(node.get("hasCondition")) if node else []:
                cond_node = self.graph.resolve(cond) or {}
                for target in (t for name in TARGETS for t in refs(cond_node.get(name))):
                    resolved = self.graph.resolve(target)
                    chosen.add(str(resolved["@id"]) if resolved else str(target))
        unique: dict[str, Any] = {}
        for child in children:
            resolved = self.graph.resolve(child)
            unique.setdefault(str(resolved["@id"]) if resolved else str(child), child)
        return [c for cid, c in unique.items() if cid not in chosen]

    def condition(self, ref: Any, cond_id: str, owner: CtdlNode) -> Node | None:
        where = f"{owner['@id']}: condition {cond_id.rsplit('/', 1)[-1]}"
        cond = self.graph.resolve(ref)
        if cond is None:
            raise self.fail(where, f"names condition {ref!r}, which is not in the file")
        if not (set(types(cond)) & CONDITION_TYPES) and not any(
            k in cond for k in (*TARGETS, "requiredNumber")
        ):
            cond = {"@id": cond_id, "targetComponent": [cond["@id"]]}  # requires a resource directly
        alternatives = refs(cond.get("alternativeCondition"))
        if not alternatives:
            return self._condition(cond, cond_id, owner, where)
        options = [self._condition(cond, f"{cond_id}/condition[0]", owner, where)]
        options += [
            self.condition(a, f"{cond_id}/condition[{k + 1}]", owner) for k, a in enumerate(alternatives)
        ]
        return group(cond_id, options, kind="any", where=where, source=self.source)

    def _condition(self, cond: CtdlNode, cond_id: str, owner: CtdlNode, where: str) -> Node | None:
        targets = [t for key in TARGETS for t in refs(cond.get(key))]
        options: list[Node | None] = [self.component(t) for t in targets]
        competencies = refs(cond.get("targetCompetency"))
        options += [rules.competency(c, f"{cond_id}/competency[{i}]") for i, c in enumerate(competencies)]
        subs = refs(cond.get("hasCondition"))
        options += [self.condition(s, f"{cond_id}/condition[{j}]", owner) for j, s in enumerate(subs)]
        amounts, unchecked = rules.credit_amounts(self.graph, cond, where)
        pool_refs = targets or [c for k in CHILDREN for c in refs(owner.get(k))]
        pool = Pool(achievements=frozenset(self._keys(pool_refs)))
        credits = [
            Node(id=f"{cond_id}/credits[{i}]", type="credits", min_credits=low, max_credits=high, pool=pool)
            for i, (low, high) in enumerate(amounts)
        ]
        label = text(cond.get("name")) or text(cond.get("description")) or ""
        if unchecked:
            label = f"{label} (not checked: {'; '.join(unchecked)})".strip()
        required = number(cond.get("requiredNumber"), where=f"{where}.requiredNumber", source=self.source)
        operator = rules.short(cond.get("logicalOperator")).lower()
        inner = f"{cond_id}/requirements" if credits else cond_id
        if required is not None:
            core = group(inner, options, kind="n_of", n=int(required), where=where, source=self.source)
        elif operator in ("or", "onlyone", "xone"):
            core = group(inner, options, kind="any", where=where, source=self.source) if options else None
        else:
            core = group(inner, options, where=where, source=self.source)
        if credits:
            core = group(cond_id, [core, *credits], where=where, source=self.source)
        return replace(core, label=label) if core is not None and label else core

    def _keys(self, refs_: list[Any]) -> list[str]:
        resolved = [(r, self.graph.resolve(r)) for r in refs_]
        return [rules.key(node) if node else str(ref) for ref, node in resolved]
