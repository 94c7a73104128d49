"""Readable builders for pathway trees, awards and catalogues.

Nodes are built without ids; ``pathway(...)`` (or ``with_ids``) names every node that has none by
its path from the root (``r``, ``r.0``, ``r.0.1``), so ids are unique as the engine requires.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from credstack.domain.pathways.eligibility import Exceptions, Substitution, Waiver
from credstack.domain.pathways.model import Award, Node, Pathway, Pool
from credstack.domain.pathways.plan import CatalogueItem

AS_OF = date(2025, 6, 30)
Number = int | str | Decimal


def _dec(value: Number | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _node(type_: str, children: Iterable[Node] = (), **fields: object) -> Node:
    return Node(id=str(fields.pop("id", "") or ""), type=type_, children=tuple(children), **fields)  # type: ignore[arg-type]


def all_of(*children: Node, **opts: object) -> Node:
    return _node("all", children, **opts)


def any_of(*children: Node, **opts: object) -> Node:
    return _node("any", children, **opts)


def n_of(n: int, *children: Node, **opts: object) -> Node:
    return _node("n_of", children, n=n, **opts)


def ach(code: str, min_result: Number | None = None, **opts: object) -> Node:
    return _node("achievement", achievement=code, min_result=_dec(min_result), **opts)


def sub_pathway(code: str, **opts: object) -> Node:
    return _node("pathway", achievement=code, **opts)


def comp(competency: str, min_level: int = 1, **opts: object) -> Node:
    return _node("competency", competency=competency, min_level=min_level, **opts)


def credits(
    minimum: Number,
    *,
    maximum: Number | None = None,
    tags: Iterable[str] = (),
    achievements: Iterable[str] = (),
    levels: Iterable[int] = (),
    min_level: int | None = None,
    frameworks: Iterable[str] = (),
    kinds: Iterable[str] = (),
    **opts: object,
) -> Node:
    pool = Pool(
        achievements=frozenset(achievements),
        tags=frozenset(tags),
        levels=frozenset(levels),
        min_level=min_level,
        frameworks=frozenset(frameworks),
        kinds=frozenset(kinds),
    )
    return _node("credits", min_credits=_dec(minimum), max_credits=_dec(maximum), pool=pool, **opts)


def with_ids(node: Node, path: str = "r") -> Node:
    """The same tree with every unnamed node named by its path."""
    children = tuple(with_ids(c, f"{path}.{i}") for i, c in enumerate(node.children))
    return dataclasses.replace(node, id=node.id or path, children=children)


def pathway(root: Node, *, id: str = "P", awards: str = "CERT") -> Pathway:
    return Pathway(id=id, name=f"Pathway {id}", awards=awards, root=with_ids(root))


def award(
    id: str,
    achievement: str,
    *,
    credits: Number = 0,
    tags: Iterable[str] = (),
    comps: Mapping[str, int] | None = None,
    result: Number | None = None,
    level: int | None = None,
    earned: date | None = date(2025, 1, 15),
    expires: date | None = None,
    kind: str = "micro-credential",
    framework: str | None = None,
) -> Award:
    return Award(
        id=id,
        achievement=achievement,
        credits=Decimal(credits),
        level=level,
        kind=kind,
        tags=frozenset(tags),
        result=_dec(result),
        earned=earned,
        expires=expires,
        competencies=tuple(sorted((comps or {}).items())),
        framework=framework,
    )


def item(
    achievement: str,
    price: Number | None,
    *,
    credits: Number = 0,
    tags: Iterable[str] = (),
    comps: Mapping[str, int] | None = None,
    level: int | None = None,
    hours: Number | None = None,
) -> CatalogueItem:
    return CatalogueItem(
        achievement=achievement,
        price=_dec(price),
        credits=Decimal(credits),
        hours=_dec(hours),
        level=level,
        tags=frozenset(tags),
        competencies=tuple(sorted((comps or {}).items())),
    )


def waive(node: str, by: str = "registrar", reason: str = "prior learning") -> Waiver:
    return Waiver(node=node, by=by, reason=reason)


def substitute(award: str, node: str, by: str = "registrar", reason: str = "equivalent") -> Substitution:
    return Substitution(award=award, node=node, by=by, reason=reason)


def exceptions(*decisions: Waiver | Substitution) -> Exceptions:
    return Exceptions(
        waivers=tuple(d for d in decisions if isinstance(d, Waiver)),
        substitutions=tuple(d for d in decisions if isinstance(d, Substitution)),
    )
