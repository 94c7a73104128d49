"""Competency frameworks: a versioned graph of competencies joined by typed associations.

The shape follows 1EdTech CASE 1.0/1.1 (CFDocument, CFItem, CFAssociation) because that is
how frameworks travel between institutions; the hierarchy is the set of ``isChildOf``
associations, and associations may point outside the framework (external references).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from credstack.domain.errors import Problem


class AssociationType(StrEnum):
    """CASE association types (1.0 and 1.1)."""

    IS_CHILD_OF = "isChildOf"
    IS_PEER_OF = "isPeerOf"
    IS_PART_OF = "isPartOf"
    EXACT_MATCH_OF = "exactMatchOf"
    PRECEDES = "precedes"
    IS_RELATED_TO = "isRelatedTo"
    REPLACED_BY = "replacedBy"
    EXEMPLAR = "exemplar"
    HAS_SKILL_LEVEL = "hasSkillLevel"
    IS_TRANSLATION_OF = "isTranslationOf"


KNOWN_ASSOCIATION_TYPES = frozenset(t.value for t in AssociationType)


def is_valid_association_type(value: str) -> bool:
    """A CASE type, or an extension type (CASE 1.1 allows ``ext:`` prefixed types)."""
    return value in KNOWN_ASSOCIATION_TYPES or value.startswith("ext:")


@dataclass(frozen=True)
class NodeRef:
    """A reference to a node (item or document), possibly outside this framework."""

    identifier: str
    uri: str | None = None
    title: str | None = None


@dataclass
class Competency:
    """One competency statement (a CASE CFItem)."""

    identifier: str
    statement: str
    code: str | None = None
    abbreviated: str | None = None
    item_type: str | None = None
    education_levels: tuple[str, ...] = ()
    language: str | None = None
    uri: str | None = None
    notes: str | None = None
    keywords: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.code} {self.statement}" if self.code else self.statement


@dataclass
class Association:
    """A typed link from one node to another (a CASE CFAssociation)."""

    identifier: str
    type: str
    origin: NodeRef
    destination: NodeRef
    sequence: int | None = None
    grouping: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CompetencyFramework:
    """A versioned framework: the document, its competencies and their associations."""

    identifier: str
    title: str
    creator: str | None = None
    uri: str | None = None
    version: str | None = None
    language: str | None = None
    description: str | None = None
    adoption_status: str | None = None
    competencies: list[Competency] = field(default_factory=list)
    associations: list[Association] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    # ---- look-ups -------------------------------------------------------------------
    def _index(self) -> dict[str, Competency]:
        return {c.identifier: c for c in self.competencies}

    def competency(self, identifier: str) -> Competency | None:
        return self._index().get(identifier)

    def is_document(self, ref: NodeRef) -> bool:
        return ref.identifier == self.identifier or (
            self.uri is not None and ref.uri is not None and ref.uri == self.uri
        )

    def resolve(self, ref: NodeRef) -> str | None:
        """The identifier of the in-framework node a reference points at, or None if external.

        Matches by identifier first, then by URI, so that a package whose references use
        URLs where the items use UUIDs (or the reverse) still resolves.
        """
        return Resolver(self).resolve(ref)

    def resolver(self) -> Resolver:
        """A resolver built once, for resolving many references."""
        return Resolver(self)

    def hierarchy(self) -> Hierarchy:
        return Hierarchy.of(self)

    def validate(self) -> list[Problem]:
        """Structural problems that make the framework unusable (empty when it is sound)."""
        problems: list[Problem] = []
        seen: dict[str, str] = {}
        for i, c in enumerate(self.competencies):
            where = f"CFItems[{i}]"
            if not c.identifier:
                problems.append(Problem(where, "identifier is missing"))
                continue
            if c.identifier in seen or c.identifier == self.identifier:
                problems.append(
                    Problem(
                        where,
                        f"duplicate identifier {c.identifier!r} (also {seen.get(c.identifier, 'CFDocument')})",
                    )
                )
            seen.setdefault(c.identifier, where)
        assoc_seen: dict[str, str] = {}
        resolver = Resolver(self)
        for i, a in enumerate(self.associations):
            where = f"CFAssociations[{i}] ({a.identifier})"
            if not a.identifier:
                problems.append(Problem(f"CFAssociations[{i}]", "identifier is missing"))
            elif a.identifier in assoc_seen:
                problems.append(Problem(where, f"duplicate identifier (also {assoc_seen[a.identifier]})"))
            else:
                assoc_seen[a.identifier] = f"CFAssociations[{i}]"
            if not is_valid_association_type(a.type):
                problems.append(Problem(where, f"unknown associationType {a.type!r}"))
            if a.type == AssociationType.IS_CHILD_OF:
                origin = resolver.resolve(a.origin)
                if origin is None or origin == self.identifier:
                    problems.append(
                        Problem(
                            where,
                            f"isChildOf origin {a.origin.identifier!r} is not an item of this framework",
                        )
                    )
        if not problems:
            problems.extend(self.hierarchy().cycle_problems())
        return problems


class Resolver:
    """Maps node references to in-framework identifiers (None for external nodes)."""

    def __init__(self, framework: CompetencyFramework) -> None:
        self.doc_id = framework.identifier
        self.doc_uri = framework.uri
        self.by_id = {c.identifier for c in framework.competencies}
        self.by_uri = {c.uri: c.identifier for c in framework.competencies if c.uri}

    def resolve(self, ref: NodeRef) -> str | None:
        if ref.identifier in self.by_id:
            return ref.identifier
        if ref.identifier == self.doc_id or (self.doc_uri and ref.uri == self.doc_uri):
            return self.doc_id
        if ref.uri and ref.uri in self.by_uri:
            return self.by_uri[ref.uri]
        if ref.identifier in self.by_uri:  # an identifier given as the item's URL
            return self.by_uri[ref.identifier]
        return None

    def is_external(self, association: Association) -> bool:
        """Whether either end of the association lies outside the framework."""
        return self.resolve(association.origin) is None or self.resolve(association.destination) is None


@dataclass
class Hierarchy:
    """The tree (strictly: a DAG) that the ``isChildOf`` associations draw."""

    document: str
    parents: dict[str, list[str]]
    children: dict[str, list[str]]
    order: dict[str, int]
    items: list[str]

    @classmethod
    def of(cls, framework: CompetencyFramework) -> Hierarchy:
        resolver = Resolver(framework)
        parents: dict[str, list[str]] = defaultdict(list)
        children: dict[str, list[str]] = defaultdict(list)
        order: dict[str, int] = {}
        for a in framework.associations:
            if a.type != AssociationType.IS_CHILD_OF:
                continue
            child = resolver.resolve(a.origin)
            parent = resolver.resolve(a.destination)
            if child is None or child == framework.identifier or parent is None:
                continue  # a parent outside the package: the item is a root here
            if parent not in parents[child]:
                parents[child].append(parent)
                children[parent].append(child)
            if a.sequence is not None:
                order[child] = a.sequence
        items = [c.identifier for c in framework.competencies]
        position = {ident: i for i, ident in enumerate(items)}
        for kids in children.values():
            kids.sort(key=lambda k: (order.get(k, 1 << 30), position.get(k, 0)))
        # items with no parent in the package hang off the document
        for ident in items:
            if not parents.get(ident):
                children[framework.identifier].append(ident)
        return cls(framework.identifier, dict(parents), dict(children), order, items)

    def roots(self) -> list[str]:
        return list(self.children.get(self.document, []))

    def depths(self) -> dict[str, int]:
        """Number of isChildOf hops from each item to the document (top-level items are 1).

        With several parents an item takes its shortest path.
        """
        depth: dict[str, int] = {}
        frontier = [r for r in self.roots()]
        for r in frontier:
            depth[r] = 1
        while frontier:
            nxt: list[str] = []
            for node in frontier:
                for child in self.children.get(node, []):
                    if child not in depth:
                        depth[child] = depth[node] + 1
                        nxt.append(child)
            frontier = nxt
        return depth

    def cycle_problems(self) -> list[Problem]:
        reached = self.depths()
        stuck = [i for i in self.items if i not in reached]
        if not stuck:
            return []
        return [
            Problem(
                f"CFItem {stuck[0]}",
                f"isChildOf associations form a cycle ({len(stuck)} items unreachable from the document)",
            )
        ]

    def walk(self) -> Iterator[tuple[str, int]]:
        """Depth-first pre-order over the tree: (item identifier, depth)."""
        stack: list[tuple[str, int]] = [(r, 1) for r in reversed(self.roots())]
        seen: set[str] = set()
        while stack:
            node, d = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            yield node, d
            stack.extend((c, d + 1) for c in reversed(self.children.get(node, [])))


def association_counts(associations: Iterable[Association]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for a in associations:
        counts[a.type] += 1
    return dict(counts)
