"""RDF Dataset Canonicalization (RDFC-1.0): https://www.w3.org/TR/rdf-canon/

Input: quads as N-Quads term tuples (see :mod:`credstack.credentials.to_rdf`); output: the
canonical N-Quads document. Each method is one algorithm of the spec (4.4 main, 4.6 hash first
degree quads, 4.7 hash related blank node, 4.8 hash N-degree quads). As in the reference
(rdf-canonize), the N-degree work is bounded by the number of non-unique blank nodes
(``maxWorkFactor`` 1): a "poison" dataset raises :class:`CanonicalizationError`.
"""

from __future__ import annotations

import hashlib
import itertools
import re

from credstack.credentials.errors import CanonicalizationError
from credstack.credentials.rdf_terms import js_sorted
from credstack.credentials.to_rdf import Quad

_UCHAR = re.compile(r"\\u([0-9A-F]{4})")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _line(s: str, p: str, o: str, g: str) -> str:
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


class IdentifierIssuer:
    """4.5 Issue Identifier: labels issued in order, ``prefix + counter``."""

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = dict(issued or {})

    def issue(self, node: str) -> str:
        label = self.issued.get(node)
        if label is None:
            label = self.issued[node] = f"_:{self.prefix}{len(self.issued)}"
        return label

    def copy(self) -> IdentifierIssuer:
        return IdentifierIssuer(self.prefix, self.issued)


class Canonicalizer:
    """One canonicalization run (4.4 Canonicalization Algorithm)."""

    def __init__(self, quads: list[Quad]) -> None:
        self.quads = quads
        self.mentions: dict[str, dict[Quad, None]] = {}
        for quad in quads:
            for term in (quad[0], quad[2], quad[3]):
                if term.startswith("_:"):
                    self.mentions.setdefault(term, {})[quad] = None
        self.canonical = IdentifierIssuer("c14n")
        self.first_degree: dict[str, str] = {}
        self.budget = 0

    def run(self) -> str:
        by_hash: dict[str, list[str]] = {}
        for node in self.mentions:
            self.first_degree[node] = digest = self.hash_first_degree(node)
            by_hash.setdefault(digest, []).append(node)
        shared = []
        for digest in sorted(by_hash):
            if len(by_hash[digest]) == 1:
                self.canonical.issue(by_hash[digest][0])
            else:
                shared.append(by_hash[digest])
        self.budget = sum(len(nodes) for nodes in shared)
        for nodes in shared:
            paths = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = IdentifierIssuer("b")
                temporary.issue(node)
                paths.append(self.hash_n_degree(node, temporary))
            for _, issuer in sorted(paths, key=lambda result: result[0]):
                for node in issuer.issued:
                    self.canonical.issue(node)
        label = self.canonical.issued
        lines = [_line(*(label.get(t, t) for t in quad)) for quad in self.quads]
        return "".join(js_sorted(lines))

    def hash_first_degree(self, node: str) -> str:
        """4.6: the node's quads with itself as ``_:a`` and other blank nodes as ``_:z``."""
        lines = [
            _line(*(("_:a" if t == node else "_:z") if t.startswith("_:") else t for t in quad))
            for quad in self.mentions[node]
        ]
        return _sha256("".join(js_sorted(lines)))

    def hash_related(self, related: str, quad: Quad, issuer: IdentifierIssuer, position: str) -> str:
        """4.7: position, predicate (unescaped, as the reference hashes it) and related's label."""
        label = self.canonical.issued.get(related) or issuer.issued.get(related) or self.first_degree[related]
        predicate = "" if position == "g" else _UCHAR.sub(lambda m: chr(int(m.group(1), 16)), quad[1])
        return _sha256(position + predicate + label)

    def hash_n_degree(self, node: str, issuer: IdentifierIssuer) -> tuple[str, IdentifierIssuer]:
        """4.8: try every order of the related blank nodes, keep the smallest path."""
        if self.budget <= 0:
            raise CanonicalizationError("RDFC-1.0: maximum deep iterations exceeded (poison dataset)")
        self.budget -= 1
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.mentions[node]:
            for position, term in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
                if term.startswith("_:") and term != node:
                    related_by_hash.setdefault(self.hash_related(term, quad, issuer, position), []).append(
                        term
                    )
        data = ""
        for digest in sorted(related_by_hash):
            data += digest
            chosen_path, chosen_issuer = "", issuer
            for permutation in itertools.permutations(related_by_hash[digest]):
                result = self._path(permutation, issuer, chosen_path)
                if result is not None and (not chosen_path or result[0] < chosen_path):
                    chosen_path, chosen_issuer = result
            data += chosen_path
            issuer = chosen_issuer
        return _sha256(data), issuer

    def _path(
        self, permutation: tuple[str, ...], issuer: IdentifierIssuer, chosen: str
    ) -> tuple[str, IdentifierIssuer] | None:
        """4.8 step 5.4: the path of one permutation, or None once it cannot beat ``chosen``."""
        copy, path, recursion = issuer.copy(), "", []
        for related in permutation:
            if related in self.canonical.issued:
                path += self.canonical.issued[related]
            else:
                if related not in copy.issued:
                    recursion.append(related)
                path += copy.issue(related)
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None
        for related in recursion:
            digest, copy = self.hash_n_degree(related, copy)
            path += copy.issue(related) + f"<{digest}>"
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None
        return path, copy


def canonical_nquads(quads: list[Quad]) -> str:
    """The RDFC-1.0 canonical N-Quads of a dataset."""
    return Canonicalizer(quads).run()
