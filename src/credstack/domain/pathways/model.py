"""The pathway model: a requirement tree whose satisfaction awards a larger achievement.

Node types (DESIGN.md): ``all``, ``any``, ``n_of``, ``credits`` (a minimum, and optionally a
maximum, from a pool chosen by explicit list, tag, level, framework or kind), ``achievement``
(optionally with a minimum result), ``competency`` (a held award aligned to it at a minimum
level) and ``pathway`` (another pathway's award). Any node may carry recency (``within_months``,
or ``not_expired``: still valid when the stack completes) and ``shared`` (awards used under it
may count elsewhere in the pathway too; by default an award counts once per pathway).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

NodeType = Literal["all", "any", "n_of", "credits", "achievement", "competency", "pathway"]


@dataclass(frozen=True)
class Award:
    """What the engine needs to know about one held award (ours or transfer credit)."""

    id: str
    achievement: str
    credits: Decimal = Decimal(0)
    level: int | None = None
    kind: str = "micro-credential"
    tags: frozenset[str] = frozenset()
    result: Decimal | None = None
    earned: date | None = None
    expires: date | None = None
    competencies: tuple[tuple[str, int], ...] = ()  # (competency id, level reached)
    framework: str | None = None
    transfer: bool = False  # recognised through an articulation agreement

    def competency_level(self, competency: str) -> int | None:
        return next((lvl for cid, lvl in self.competencies if cid == competency), None)


@dataclass(frozen=True)
class Pool:
    """Which awards a credits node may draw from (every given criterion must hold)."""

    achievements: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    levels: frozenset[int] = frozenset()
    min_level: int | None = None
    frameworks: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def admits(self, award: Award) -> bool:
        return (
            (not self.achievements or award.achievement in self.achievements)
            and (not self.tags or bool(self.tags & award.tags))
            and (not self.levels or award.level in self.levels)
            and (self.min_level is None or (award.level is not None and award.level >= self.min_level))
            and (not self.frameworks or award.framework in self.frameworks)
            and (not self.kinds or award.kind in self.kinds)
        )


@dataclass(frozen=True)
class Node:
    """One requirement. ``id`` is unique within the pathway (the path when none is given)."""

    id: str
    type: NodeType
    label: str = ""
    children: tuple[Node, ...] = ()
    n: int | None = None  # n_of
    achievement: str | None = None  # achievement, pathway (the sub-pathway's achievement)
    min_result: Decimal | None = None
    competency: str | None = None
    min_level: int | None = None  # competency
    min_credits: Decimal | None = None  # credits
    max_credits: Decimal | None = None
    pool: Pool = field(default_factory=Pool)
    within_months: int | None = None
    not_expired: bool = False
    shared: bool = False

    @property
    def is_leaf(self) -> bool:
        return self.type in ("credits", "achievement", "competency", "pathway")

    @property
    def required(self) -> int:
        """How many children must be met (all / any / n_of)."""
        if self.type == "all":
            return len(self.children)
        if self.type == "any":
            return 1
        return self.n or 0

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def describe(self) -> str:
        if self.label:
            return self.label
        match self.type:
            case "achievement":
                extra = f" with a result of at least {self.min_result}" if self.min_result is not None else ""
                return f"{self.achievement}{extra}"
            case "competency":
                return f"competency {self.competency} at level {self.min_level or 1} or above"
            case "pathway":
                return f"the award of pathway {self.achievement}"
            case "credits":
                cap = f" (at most {self.max_credits} count)" if self.max_credits is not None else ""
                return f"{self.min_credits} credits{cap}"
            case "n_of":
                return f"{self.n} of {len(self.children)}"
            case _:
                return f"{self.type} of {len(self.children)}"


@dataclass(frozen=True)
class Pathway:
    """A versioned requirement tree that awards ``awards`` (an achievement code) when met."""

    id: str
    name: str
    awards: str
    root: Node
    version: int = 1
    description: str = ""

    def nodes(self) -> Iterator[Node]:
        return self.root.walk()
