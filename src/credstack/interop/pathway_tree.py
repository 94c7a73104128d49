"""Building blocks shared by the pathway importers (Badgr, CTDL JSON-LD, CTDL CSV).

Node ids of an imported tree follow one small grammar, which :func:`summary` relies on:

- a *component* (a Badgr element, a CTDL pathway component, a credential or course) has the
  source's identifier as its id; when the source requires the same component in several
  places, the second and later places get ``<id>~2``, ``<id>~3`` (a *repeat*);
- everything the importer adds under a node has the owner's id and a suffix:
  ``/condition[...]`` for a rule (a Badgr count rule, a CTDL ComponentCondition or
  ConditionProfile), ``/award`` and ``/requirements`` for "holds the credential already, or
  meets its requirements", ``/badge[i]``, ``/shortcut[i]``, ``/credits[i]``, ``/competency[i]``
  for leaves.

A requirement that is met whatever the learner holds (an empty "all", "at least 0 of") is
dropped, and an ``n_of`` around it needs one fewer; a rule that can never be met (more
required than listed) is refused with where it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.pathways.model import Node, NodeType

REPEAT = re.compile(r"~\d+$")
DERIVED = re.compile(r"/(condition\[[^\]]*\]|requirements|award|(badge|shortcut|credits|competency)\[\d+\])$")
CONDITION = re.compile(r"/condition\[[^\]]*\]")


class Ids:
    """Hands out node ids: a source identifier the first time, ``<id>~k`` when repeated."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()

    def seen(self, key: str) -> bool:
        return self.count[key] > 0

    def home(self, key: str) -> str:
        """The id of the one place the source puts this component (Badgr: its parent element)."""
        self.count[key] = max(self.count[key], 1)
        return key

    def repeat(self, key: str) -> str:
        """The id of a further place the component is required (``<id>~2``, ``<id>~3`` ...)."""
        self.count[key] = max(self.count[key], 1) + 1
        return f"{key}~{self.count[key]}"

    def take(self, key: str) -> str:
        """First use: the key itself; later uses: repeats."""
        return self.repeat(key) if self.count[key] else self.home(key)

    @property
    def repeats(self) -> int:
        return sum(n - 1 for n in self.count.values())


def leaf(node_id: str, kind: NodeType, achievement: str, label: str = "") -> Node:
    return Node(id=node_id, type=kind, achievement=achievement, label=label)


def group(
    node_id: str,
    options: Sequence[Node | None],
    *,
    n: int | None = None,
    kind: NodeType = "all",
    label: str = "",
    where: str,
    source: str,
) -> Node | None:
    """All / any / n of the options; None when met whatever is held (options that are None are)."""
    present = tuple(o for o in options if o is not None)
    met = len(options) - len(present)
    if kind == "n_of" and n is not None:
        need = n - met
        if need <= 0:
            return None
        if need > len(present):
            problem = Problem(where, f"requires {n} of {len(options)}: more than are listed")
            raise InvalidInput(problem, source=source)
        return Node(id=node_id, type="n_of", n=need, children=present, label=label)
    if kind == "any":
        if met:
            return None
        if not present:
            raise InvalidInput(Problem(where, "requires one of an empty list"), source=source)
        return Node(id=node_id, type="any", children=present, label=label)
    return Node(id=node_id, type="all", children=present, label=label) if present else None


def mark_shared(root: Node, ids: Ids) -> Node:
    """Mark the root ``shared`` when the source lets one award count in several places.

    Neither Badgr nor CTDL forbids counting one badge or course toward two requirements, and
    a component required twice is the same component: one completion meets both.
    """
    leaves = [n.achievement for n in root.walk() if n.type in ("achievement", "pathway")]
    if ids.repeats or len(leaves) != len(set(leaves)):
        return replace(root, shared=True)
    return root
