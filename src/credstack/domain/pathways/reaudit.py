"""Re-auditing a whole population against many pathways, exactly: ``audit(...).met`` for every
(learner, pathway), deciding each distinct award profile once.

Why the memo is exact. ``audit(pathway, awards, as_of=...).met`` is True exactly when some
assignment of the awards meets the pathway: each of its steps is exact (a placement that meets
the tree is such an assignment; the relaxation fails only when there is none; the search and the
integer programme are exact), and the property tests hold it to a brute force. With no registrar
exceptions, whether such an assignment exists depends on each award only through

1. the leaves it is a candidate of: whether it meets the leaf's own condition (``matches``:
   achievement and result, competency levels, or a credits pool's achievement / tag / level /
   framework / kind criteria and credits above zero) and passes the leaf's recency (its own and
   its ancestors' ``within_months`` / ``not_expired``, ``Recency.admits`` as of the date); an
   award of the achievement the pathway itself awards is a candidate of none (``audit`` drops it);
2. its credits, when one of those leaves is a credits leaf.

So every award is reduced, for one pathway, to a *token* standing for (that set of leaves, those
credits), and a learner's key for that pathway is the sorted list of the tokens of the awards
that are a candidate somewhere: the order of the awards, their ids and the awards that are
nobody's candidate do not change whether an assignment exists. Copies of one token beyond what
an assignment can use are dropped too: an award placed at a single-award leaf fills it, and a
credits leaf ``j`` that holds no more than it needs (any assignment can be trimmed to that)
holds at most ``need_j // credits + 1`` copies, so a token is kept at most (its single-award
leaves) + that sum over its credits leaves times.

The reduction goes through the engine's own ``matches`` and ``Recency.admits``, never a copy:
``matches`` reads only an award's achievement, result, competencies, credits, level, kind, tags and
framework and ``admits`` only its earned and expiry dates, so an award class is (those fields,
which of the pathways' recency rules its dates pass), evaluated once per class.

Each key is then decided once, exactly:

- *Unmeetable*: if the tree is unmet even when an award may count at every leaf it fits (the
  audit's relaxation; memoised on which leaves can each be met alone), no assignment meets it.
- *Placed*: a quick placement on the key itself (one award per token; ``Search.placement``)
  that meets the tree is an assignment: met.
- Otherwise the audit's exact search (``solver.Search``) runs on the key, and past its step
  budget the integer programme, as in ``audit``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from credstack.domain.pathways import milp
from credstack.domain.pathways.eligibility import Recency, leaf_rules, matches
from credstack.domain.pathways.model import Award, Pathway
from credstack.domain.pathways.solver import CREDITS, SINGLE, Search, SearchBudget, shape

Progress = Callable[[int], None]
CHUNK = 2000  # learners per unit of work (and per progress step)


@dataclass
class ReauditStats:
    pairs: int = 0  # learner x pathway verdicts given
    profiles: int = 0  # distinct (pathway, award profile) keys, each decided once:
    unmeetable: int = 0  # unmet even counting an award everywhere it fits
    placed: int = 0  # met by a quick placement
    searched: int = 0  # decided by the exact search
    programmed: int = 0  # decided by the integer programme (the search reached its budget)


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
        self.pathway, self.classes = pathway, classes
        self.tree = shape(pathway.root)
        leaves = leaf_rules(pathway.root)  # the tree's leaves in order, as ``shape`` numbers them
        self.leaves = [(node, classes.rules.index(rec)) for node, rec in leaves]
        self.ids = [node.id for node, _ in leaves]
        self.need = [node.min_credits or Decimal(0) for node, _ in leaves]
        self.credit_leaves = [j for j, (node, _) in enumerate(leaves) if node.type == "credits"]
        self.credit_mask = sum(1 << j for j in self.credit_leaves)
        # token - 1 -> (leaf bits, credits, the credits leaves among the bits, copies that can count)
        self.meaning: list[tuple[int, Decimal, tuple[int, ...], int]] = []
        self.interned: dict[tuple[int, Decimal], int] = {}
        self.places: list[list[str]] = []  # token - 1 -> the ids of the leaves in its bits
        self.relaxed: dict[int, bool] = {}  # leaves that can each be met alone -> tree met

    def __missing__(self, cls: int) -> int:
        example, signature = self.classes.examples[cls], self.classes.signatures[cls]
        bits = 0
        if example.achievement != self.pathway.awards:  # the pathway's own award never counts
            for j, (node, rule) in enumerate(self.leaves):
                if signature >> rule & 1 and matches(node, example):
                    bits |= 1 << j
        token = 0
        if bits:
            pools = tuple(j for j in self.credit_leaves if bits >> j & 1)
            value = (bits, example.credits if pools else Decimal(0))
            token = self.interned.get(value, 0)
            if not token:
                amount = value[1]
                copies = (bits & ~self.credit_mask).bit_count() + sum(
                    int(self.need[j] // amount) + 1 for j in pools
                )
                self.meaning.append((bits, amount, pools, copies))
                self.places.append([leaf for j, leaf in enumerate(self.ids) if bits >> j & 1])
                token = self.interned[value] = len(self.meaning)
        self[cls] = token
        return token

    def key(self, cls: Sequence[int]) -> tuple[int, ...]:
        """The learner's key: its tokens sorted, each at most as often as it can count."""
        tokens = sorted(filter(None, map(self.__getitem__, cls)))
        if len(set(tokens)) == len(tokens):
            return tuple(tokens)
        out: list[int] = []
        last, run = 0, 0
        for token in tokens:
            run = run + 1 if token == last else 1
            last = token
            if run <= self.meaning[token - 1][3]:
                out.append(token)
        return tuple(out)

    def possible(self, key: tuple[int, ...]) -> bool:
        """Whether the tree would be met if an award could count at every leaf it fits. When
        not, no assignment meets it, and ``audit`` says so too."""
        held = 0
        sums = dict.fromkeys(self.credit_leaves, Decimal(0))
        meaning = self.meaning
        for token in key:
            bits, amount, pools, _ = meaning[token - 1]
            held |= bits
            for j in pools:
                sums[j] += amount
        alone = held & ~self.credit_mask
        for j, total in sums.items():
            if total >= self.need[j]:
                alone |= 1 << j
        found = self.relaxed.get(alone)
        if found is None:
            found = self.relaxed[alone] = self._met_alone(0, alone)
        return found

    def _met_alone(self, k: int, alone: int) -> bool:
        tree = self.tree
        kind = tree.kind[k]
        if kind in (SINGLE, CREDITS):
            return bool(alone >> tree.leaf_of[k] & 1)
        need = tree.required[k]
        for child in tree.children[k]:
            if need <= 0:
                break
            need -= self._met_alone(child, alone)
        return need <= 0

    def problem(self, key: tuple[int, ...]) -> tuple[list[Decimal], dict[str, list[int]]]:
        """The key as an audit's problem: one award per token (its credits), and each leaf's
        candidates."""
        cands: dict[str, list[int]] = {leaf: [] for leaf in self.ids}
        credits: list[Decimal] = []
        for i, token in enumerate(key):
            credits.append(self.meaning[token - 1][1])
            for leaf in self.places[token - 1]:
                cands[leaf].append(i)
        return credits, cands


class _Reauditor:
    def __init__(self, pathways: Sequence[Pathway], as_of: date) -> None:
        rules = list(dict.fromkeys(rec for p in pathways for _, rec in leaf_rules(p.root)))
        self.pathways, self.as_of = pathways, as_of
        self.classes = _Classes(rules, as_of)
        self.tokens = [_Tokens(p, self.classes) for p in pathways]
        self.memos: list[dict[tuple[int, ...], bool]] = [{} for _ in pathways]
        self.stats = ReauditStats()

    def verdicts(self, awards: Sequence[Award]) -> list[bool]:
        cls = list(map(self.classes.of, awards))
        out: list[bool] = []
        for tokens, memo in zip(self.tokens, self.memos, strict=True):
            key = tokens.key(cls)
            met = memo.get(key)
            if met is None:
                self.stats.profiles += 1
                met = memo[key] = self._met(tokens, key)
            out.append(met)
        self.stats.pairs += len(self.pathways)
        return out

    def _met(self, tokens: _Tokens, key: tuple[int, ...]) -> bool:
        """Whether some assignment of the key's awards meets the pathway (``audit(...).met``)."""
        if not tokens.possible(key):
            self.stats.unmeetable += 1
            return False
        credits, cands = tokens.problem(key)
        search = Search(tokens.tree, credits, cands)
        if search.placement():
            self.stats.placed += 1
            return True
        try:
            found = search.run() is not None
            self.stats.searched += 1
            return found
        except SearchBudget:
            self.stats.programmed += 1
            stand_ins = [Award(id=str(i), achievement="", credits=c) for i, c in enumerate(credits)]
            return milp.solve(tokens.pathway.root, stand_ins, cands) is not None


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
        stats.unmeetable += done.unmeetable
        stats.placed += done.placed
        stats.searched += done.searched
        stats.programmed += done.programmed
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
