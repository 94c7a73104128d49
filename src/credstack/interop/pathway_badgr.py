"""Badgr pathway exports: a tree of elements, each with count rules, read into a :class:`Pathway`.

An element is complete when its three rules hold: ``childElementRequirements`` over its
children (``all`` counts the children marked ``requiredForParentCompletion``; ``atLeastN``
counts any ``requiredCount`` of them), ``nonChildElementRequirements`` over elements elsewhere
in the tree (``elementIds``) and ``badgeRequirements`` over badges (``requiredBadges``). An
element with a completion badge is also complete when the learner already holds that badge
(``allowCompletionBadgeShortcut``) or one of its ``shortcutBadges``.

In the requirement tree an element is a node with the element id, each rule that asks for
something is ``<element>/condition[children|elements|badges]`` (``all``, or ``n_of`` for
``atLeastN``), a badge is an ``achievement`` keyed by its badge URL, and a shortcut makes the
element ``any`` of ``<element>/award`` (a ``pathway`` node: the completion badge) and
``<element>/requirements``. An element required from elsewhere is that element's award when it
has a completion badge, else a repeat of its requirements (``<element>~2``). The root's
completion badge is what the pathway awards.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.pathways.model import Node, Pathway
from credstack.interop.jsonfile import loads
from credstack.interop.pathway_tree import Ids, group, leaf, mark_shared


def from_badgr(data: str | bytes | Mapping[str, Any] | list[Any], *, source: str = "badgr") -> Pathway:
    """Read a Badgr pathway export (nested elements, or a flat list with child ids)."""
    doc = loads(data, source=source) if isinstance(data, str | bytes) else data
    return _Badgr(doc, source).pathway()


def _badge(ref: Any) -> str | None:
    if isinstance(ref, str):
        return ref or None
    if isinstance(ref, Mapping):
        for key in ("badgeUrl", "openBadgeId", "url", "@id", "id", "entityId", "slug"):
            if isinstance(ref.get(key), str) and ref[key]:
                return str(ref[key])
    return None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class _Badgr:
    def __init__(self, doc: Any, source: str) -> None:
        self.source = source
        self.index: dict[str, Mapping[str, Any]] = {}
        self.ids = Ids()
        self.stack: list[str] = []
        self.unnamed: dict[int, str] = {}
        for key in ("pathway", "rootElement", "root", "result"):
            if isinstance(doc, Mapping) and key in doc and not ("elementId" in doc or "requirements" in doc):
                doc = doc[key]
        elements = [e for e in _list(doc) if isinstance(e, Mapping)]
        if not elements:
            raise InvalidInput(Problem("(root)", "no Badgr pathway elements"), source=source)
        for element in elements:
            self._collect(element)
        children = {self._eid(c) for e in self.index.values() for c in _list(e.get("children"))}
        self.root = next((e for e in elements if self._eid(e) not in children), elements[0])

    def _eid(self, element: Any) -> str:
        if not isinstance(element, Mapping):
            return str(element)
        for key in ("elementId", "entityId", "id", "slug"):
            if element.get(key):
                return str(element[key])
        return self.unnamed.setdefault(id(element), f"element-{len(self.unnamed) + 1}")

    def _collect(self, element: Mapping[str, Any]) -> None:
        self.index.setdefault(self._eid(element), element)
        for child in _list(element.get("children")):
            if isinstance(child, Mapping):
                self._collect(child)

    def _where(self, element: Mapping[str, Any], path: str) -> str:
        return f"element {self._eid(element)} ({element.get('name') or 'unnamed'}).{path}"

    def pathway(self) -> Pathway:
        root = self.element(self.root, home=True, is_root=True)
        if root is None:
            raise InvalidInput(
                Problem(self._where(self.root, "requirements"), "requires nothing"), source=self.source
            )
        eid = self._eid(self.root)
        return Pathway(
            id=eid,
            name=str(self.root.get("name") or eid),
            awards=_badge(self.root.get("completionBadge")) or f"badgr-element:{eid}",
            root=mark_shared(root, self.ids),
            description=str(self.root.get("description") or ""),
        )

    def element(self, element: Mapping[str, Any], *, home: bool, is_root: bool = False) -> Node | None:
        eid = self._eid(element)
        if eid in self.stack:
            chain = " -> ".join([*self.stack, eid])
            raise InvalidInput(
                Problem(self._where(element, "requirements"), f"requires itself: {chain}"), source=self.source
            )
        node_id = self.ids.home(eid) if home else self.ids.repeat(eid)
        self.stack.append(eid)
        rules = _map(element.get("requirements"))
        child_rule = _map(rules.get("childElementRequirements"))
        kids = [(c, self._resolve(c)) for c in _list(element.get("children"))]
        if _kind(child_rule) == "all":
            kids = [
                (c, k)
                for c, k in kids
                if k is None or k.get("requiredForParentCompletion", True) is not False
            ]
        others = _map(rules.get("nonChildElementRequirements"))
        badges = _map(rules.get("badgeRequirements"))
        urls = [u for u in map(_badge, _list(badges.get("requiredBadges"))) if u]
        conditions = [
            self.rule(element, node_id, "children", child_rule, [self.child(c, k, home) for c, k in kids]),
            self.rule(
                element,
                node_id,
                "elements",
                others,
                [self.reference(r) for r in _list(others.get("elementIds"))],
            ),
            self.rule(
                element,
                node_id,
                "badges",
                badges,
                [
                    leaf(f"{node_id}/condition[badges]/badge[{i}]", "achievement", u)
                    for i, u in enumerate(urls)
                ],
            ),
        ]
        self.stack.pop()
        present = [c for c in conditions if c is not None]
        name = str(element.get("name") or "")
        badge = _badge(element.get("completionBadge"))
        shortcuts = [b for b in map(_badge, _list(rules.get("shortcutBadges"))) if b]
        if badge and rules.get("allowCompletionBadgeShortcut", True) is not False:
            shortcuts.insert(0, badge)
        if not present:
            return None
        if is_root or not shortcuts:
            return Node(id=node_id, type="all", label=name, children=tuple(present))
        held = [
            leaf(
                f"{node_id}/award" if b == badge else f"{node_id}/shortcut[{i}]",
                "pathway" if b == badge else "achievement",
                b,
            )
            for i, b in enumerate(shortcuts)
        ]
        requirements = Node(id=f"{node_id}/requirements", type="all", children=tuple(present))
        return Node(id=node_id, type="any", label=name, children=(*held, requirements))

    def _resolve(self, child: Any) -> Mapping[str, Any] | None:
        return child if isinstance(child, Mapping) else self.index.get(str(child))

    def child(self, ref: Any, element: Mapping[str, Any] | None, home: bool) -> Node | None:
        if element is None:
            return _missing(ref, self.ids)
        return self.element(element, home=home)

    def reference(self, ref: Any) -> Node | None:
        """An element required from elsewhere: its award if it has one, else its requirements again."""
        target = self.index.get(str(ref))
        if target is None:
            return _missing(ref, self.ids)
        badge = _badge(target.get("completionBadge"))
        if badge:
            return leaf(self.ids.repeat(self._eid(target)), "pathway", badge, str(target.get("name") or ""))
        return self.element(target, home=False)

    def rule(
        self,
        element: Mapping[str, Any],
        owner: str,
        name: str,
        spec: Mapping[str, Any],
        options: list[Node | None],
    ) -> Node | None:
        kind = _kind(spec)
        where = self._where(element, f"requirements.{name}.countRule")
        node_id = f"{owner}/condition[{name}]"
        if kind == "all":
            return group(node_id, options, where=where, source=self.source)
        if kind == "any":
            return group(node_id, options, kind="any", where=where, source=self.source) if options else None
        if kind in ("atLeastN", "atLeast", "nOf"):
            count = _map(spec.get("countRule")).get("requiredCount", 0)
            try:
                n = int(Decimal(str(count).strip() or 0))
            except (InvalidOperation, ValueError):
                raise InvalidInput(
                    Problem(where, f"requiredCount {count!r} is not a number"), source=self.source
                ) from None
            return group(node_id, options, kind="n_of", n=n, where=where, source=self.source)
        raise InvalidInput(Problem(where, f"unknown count rule {kind!r} (all, atLeastN)"), source=self.source)


def _missing(ref: Any, ids: Ids) -> Node:
    """An element the export names but does not contain: kept as a requirement that is visible."""
    return leaf(
        ids.take(f"badgr-element:{ref}"),
        "achievement",
        f"badgr-element:{ref}",
        f"element {ref} (not in this export)",
    )


def _kind(spec: Mapping[str, Any]) -> str:
    rule = spec.get("countRule")
    if isinstance(rule, str):
        return rule
    return str(_map(rule).get("@type") or _map(rule).get("type") or "all")
