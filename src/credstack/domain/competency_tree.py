"""The competencies of one or more frameworks as curriculum mapping reads them: each with its
code and statement, and the framework hierarchy (a competency's parts are its ``isChildOf``
children, at any depth)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from credstack.domain.framework import CompetencyFramework


@dataclass(frozen=True)
class CompetencyInfo:
    identifier: str
    code: str | None = None
    statement: str = ""
    uri: str | None = None
    abbreviated: str | None = None

    @property
    def label(self) -> str:
        """The code when there is one (what people scan for), else the statement."""
        return self.code or self.statement or self.identifier

    @property
    def name(self) -> str:
        """A short name: the abbreviated statement when there is one."""
        return self.abbreviated or self.statement or self.identifier


class CompetencyTree:
    """Competencies by identifier, in framework order, with their parts."""

    def __init__(
        self, items: Iterable[CompetencyInfo], children: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.items: dict[str, CompetencyInfo] = {c.identifier: c for c in items}
        self.children: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (children or {}).items()}
        self._keys: dict[str, str] = {}
        self._within: dict[str, frozenset[str]] = {}
        for c in self.items.values():
            for key in (c.uri, c.code, c.identifier):  # the identifier wins over a code that looks alike
                if key:
                    self._keys[key] = c.identifier

    @classmethod
    def of(cls, frameworks: Iterable[CompetencyFramework]) -> CompetencyTree:
        items: list[CompetencyInfo] = []
        children: dict[str, list[str]] = {}
        for fw in frameworks:
            items.extend(
                CompetencyInfo(c.identifier, c.code, c.statement, c.uri, c.abbreviated)
                for c in fw.competencies
            )
            hierarchy = fw.hierarchy()
            for parent, kids in hierarchy.children.items():
                if parent != fw.identifier:
                    children.setdefault(parent, []).extend(kids)
        return cls(items, children)

    def info(self, identifier: str) -> CompetencyInfo:
        """The competency, or a bare one naming the identifier when no framework holds it."""
        return self.items.get(identifier) or CompetencyInfo(identifier)

    def resolve(self, key: str) -> str | None:
        """The identifier of the competency whose identifier, code or URI is ``key``."""
        return self._keys.get(key)

    def parts(self, identifier: str) -> Iterator[tuple[str, int]]:
        """Every part of the competency, depth first in framework order: (identifier, depth),
        its children at depth 1. A part reached along two paths is given once."""
        seen = {identifier}
        stack = [(c, 1) for c in reversed(self.children.get(identifier, ()))]
        while stack:
            node, depth = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            yield node, depth
            stack.extend((c, depth + 1) for c in reversed(self.children.get(node, ())))

    def within(self, identifier: str) -> frozenset[str]:
        """The competency and all its parts."""
        found = self._within.get(identifier)
        if found is None:
            found = self._within[identifier] = frozenset(
                [identifier, *(p for p, _ in self.parts(identifier))]
            )
        return found
