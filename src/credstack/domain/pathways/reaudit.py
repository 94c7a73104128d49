"""Re-auditing a whole population against many pathways, exactly: ``audit(...).met`` for every
(learner, pathway), deciding each distinct award profile once.

Why the memo is exact. With no registrar exceptions, ``audit(pathway, awards, as_of=...).met``
sees the awards only through

1. the candidates of each leaf: whether the award meets the leaf's own condition (``matches``:
   achievement and result, competency levels, or a credits pool's achievement / tag / level /
   framework / kind criteria and credits above zero) and passes the leaf's recency (its own and
   its ancestors' ``within_months`` / ``not_expired``, ``Recency.admits`` as of the date);
2. the credits of the awards a credits leaf may draw on;
3. the order of the awards, through the indices the solver and the progress placement use to
   break ties. Award ids reach the verdict only through exceptions, which a re-audit has none of.

So every award is reduced, for one pathway, to a *token* standing for (the set of leaves it is a
candidate of, its credits when one of those is a credits leaf), and a learner's key for that
pathway is the sequence of tokens of the awards that are a candidate somewhere, in the learner's
order. Two learners with the same key hand the audit the same problem up to renaming award
indices in an order-preserving way (an award that is nobody's candidate only shifts indices), and
every step of the audit (bitmask unions, stable sorts, first-of-minimum choices, list order) is
unchanged by such a renaming: same key, same verdict.

The reduction goes through the engine's own ``matches`` and ``Recency.admits``, never a copy:
``matches`` reads only an award's achievement, result, competencies, credits, level, kind, tags and
framework and ``admits`` only its earned and expiry dates, so an award class is (those fields,
which of the pathways' recency rules its dates pass), evaluated once per class.

Each key is then decided once, in three steps, each giving ``audit``'s own verdict:

- *Unmeetable*: if the tree is unmet even when an award may count at every leaf it fits, no
  assignment meets it. ``audit`` says met only on a valid assignment (its solver's way, or its
  progress placement), so it says unmet.
- *Placed*: if the audit's own progress placement (``_greedy_progress``) meets the tree, ``audit``
  says met: it is met when its solver finds a way, and when it finds none, on that very placement.
- Otherwise, ``audit`` itself is run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from credstack.domain.pathways.audit import _explain, _greedy_progress, audit
from credstack.domain.pathways.eligibility import Exceptions, Recency, candidates, matches
from credstack.domain.pathways.model import Award, Node, Pathway

Progress = Callable[[int], None]
CHUNK = 2000  # learners per unit of work (and per progress step)


@dataclass
class ReauditStats:
    pairs: int = 0  # learner x pathway verdicts given
    profiles: int = 0  # distinct (pathway, award profile) keys, each decided once:
    placed: int = 0  # met by the audit's progress placement alone
    audits: int = 0  # by the audit's search (the rest could not be met even counting awards twice)


def _leaves(root: Node) -> list[tuple[Node, Recency]]:
    """Every leaf with the recency that applies at it, as ``candidates`` computes it."""
    out: list[tuple[Node, Recency]] = []

    def visit(node: Node, recency: Recency) -> None:
        recency = recency.under(node)
        if node.is_leaf:
            out.append((node, recency))
        for child in node.children:
            visit(child, recency)

    visit(root, Recency())
    return out


class _Classes:
    """Interns awards by what the engine can see of them: (static part, recency signature)."""

    def __init__(self, rules: list[Recency], as_of: date) -> None:
        self.rules, self.as_of = rules, as_of
        self.ids: dict[tuple[Any, ...], int] = {}
        self.examples: list[Award] = []  # one award of each class
        self.signatures: list[int] = []  # bit r: the class passes rules[r]
        self._dates: dict[tuple[date | None, date | None], int] = {}

    def signature(self, award: Award) -> int:
        dates = (award.earned, award.expires)
        found = self._dates.get(dates)
        if found is None:
            found = sum(1 << r for r, rule in enumerate(self.rules) if rule.admits(award, self.as_of))
            self._dates[dates] = found
        return found

    def of(self, award: Award) -> int:
        a, signature = award, self.signature(award)
        key = (
            a.achievement,
            a.credits,
            a.level,
            a.kind,
            a.tags,
            a.result,
            a.competencies,
            a.framework,
            signature,
        )
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.examples)
            self.examples.append(a)
            self.signatures.append(signature)
        return found


class _Tokens(dict[int, int]):
    """One pathway's view of award classes: class id -> token (0: a candidate of no leaf)."""

    def __init__(self, pathway: Pathway, classes: _Classes) -> None:
        super().__init__()
        self.root, self.classes = pathway.root, classes
        leaves = _leaves(pathway.root)
        self.leaves = [(node, classes.rules.index(rec)) for node, rec in leaves]
        self.index = {node.id: j for j, (node, _) in enumerate(leaves)}
        self.credit_leaves = [j for j, (node, _) in enumerate(leaves) if node.type == "credits"]
        self.meaning: list[tuple[int, Decimal]] = []  # token - 1 -> (leaf bits, credits)
        self.interned: dict[tuple[int, Decimal], int] = {}

    def __missing__(self, cls: int) -> int:
        example, signature = self.classes.examples[cls], self.classes.signatures[cls]
        bits, credit_leaf = 0, False
        for j, (node, rule) in enumerate(self.leaves):
            if signature >> rule & 1 and matches(node, example):
                bits |= 1 << j
                credit_leaf = credit_leaf or node.type == "credits"
        token = 0
        if bits:
            value = (bits, example.credits if credit_leaf else Decimal(0))
            token = self.interned.get(value, 0)
            if not token:
                self.meaning.append(value)
                token = self.interned[value] = len(self.meaning)
        self[cls] = token
        return token

    def possible(self, key: tuple[int, ...]) -> bool:
        """Whether the tree would be met if an award could count at every leaf it fits. When
        not, no assignment meets it and ``audit`` (whose every "met" rests on a valid assignment)
        says so too: the verdict is ``False`` without a search."""
        held, credits = 0, dict.fromkeys(self.credit_leaves, Decimal(0))
        for token in key:
            bits, amount = self.meaning[token - 1]
            held |= bits
            if amount:
                for j in self.credit_leaves:
                    if bits >> j & 1:
                        credits[j] += amount

        def met(node: Node) -> bool:
            if node.type == "credits":
                return credits[self.index[node.id]] >= (node.min_credits or 0)
            if node.is_leaf:
                return bool(held >> self.index[node.id] & 1)
            return sum(1 for child in node.children if met(child)) >= node.required

        return met(self.root)


class _Reauditor:
    def __init__(self, pathways: Sequence[Pathway], as_of: date) -> None:
        rules = list(dict.fromkeys(rec for p in pathways for _, rec in _leaves(p.root)))
        self.pathways, self.as_of = pathways, as_of
        self.classes = _Classes(rules, as_of)
        self.tokens = [_Tokens(p, self.classes) for p in pathways]
        self.memos: list[dict[tuple[int, ...], bool]] = [{} for _ in pathways]
        self.stats = ReauditStats()

    def verdicts(self, awards: Sequence[Award]) -> list[bool]:
        cls = list(map(self.classes.of, awards))
        out: list[bool] = []
        for pathway, tokens, memo in zip(self.pathways, self.tokens, self.memos, strict=True):
            key = tuple(filter(None, map(tokens.__getitem__, cls)))
            met = memo.get(key)
            if met is None:
                self.stats.profiles += 1
                met = memo[key] = tokens.possible(key) and self._met(pathway, list(awards))
            out.append(met)
        self.stats.pairs += len(self.pathways)
        return out

    def _met(self, pathway: Pathway, awards: list[Award]) -> bool:
        """``audit(...).met``, trying first the audit's own progress placement (cheap): when it
        meets the tree, ``audit`` says met whatever its solver finds."""
        root = pathway.root
        placed = _greedy_progress(root, awards, candidates(root, awards, self.as_of))
        if _explain(root, placed, awards, Exceptions()).status == "met":
            self.stats.placed += 1
            return True
        self.stats.audits += 1
        return audit(pathway, awards, as_of=self.as_of).met


# ---- across processes (fork: the workers inherit the learners instead of unpickling them) ----
_WORK: tuple[_Reauditor, list[Sequence[Award]]] | None = None


def _work(span: tuple[int, int]) -> tuple[int, int, bytes, ReauditStats]:
    if _WORK is None:
        raise RuntimeError("no re-audit in progress")
    reauditor, awards = _WORK
    reauditor.stats = ReauditStats()
    flat = bytes(v for i in range(*span) for v in reauditor.verdicts(awards[i]))
    return *span, flat, reauditor.stats


def reaudit(
    pathways: Sequence[Pathway],
    learners: Mapping[str, Sequence[Award]],
    as_of: date,
    progress: Progress | None = None,
    *,
    processes: int | None = None,
    stats: ReauditStats | None = None,
) -> dict[tuple[str, str], bool]:
    """``{(learner, pathway id): audit(pathway, awards, as_of=as_of).met}`` for every pair.

    ``progress`` is called with the number of learners just finished. ``processes`` defaults to
    the number of cores (each worker keeps its own memo); ``stats``, when given, is added to."""
    global _WORK
    names, awards = list(learners), list(learners.values())
    spans = [(i, min(i + CHUNK, len(names))) for i in range(0, len(names), CHUNK)]
    processes = min(processes or os.cpu_count() or 1, len(spans))
    width = len(pathways)
    flat = bytearray(len(names) * width)
    stats = stats if stats is not None else ReauditStats()

    def collect(start: int, stop: int, chunk: bytes, done: ReauditStats) -> None:
        flat[start * width : stop * width] = chunk
        stats.pairs += done.pairs
        stats.profiles += done.profiles
        stats.placed += done.placed
        stats.audits += done.audits
        if progress is not None:
            progress(stop - start)

    _WORK = (_Reauditor(pathways, as_of), awards)
    try:
        if processes > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                for result in pool.imap_unordered(_work, spans):
                    collect(*result)
        else:
            for span in spans:
                collect(*_work(span))
    finally:
        _WORK = None
    ids = [p.id for p in pathways]
    return {(name, pid): bool(flat[k]) for k, (name, pid) in enumerate((n, p) for n in names for p in ids)}
