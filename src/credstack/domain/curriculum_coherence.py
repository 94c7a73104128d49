"""The coherence check of a stack: do levels rise along it, and does any module repeat another?

Flags, most severe first:

- ``unknown-achievement`` (error): a pathway node names an achievement the catalog lacks.
- ``circular-requirement`` (error): a pathway node inside the stack names the terminal itself,
  a credential it is already inside, or one whose own pathway needs the terminal: it can never
  be met on the way to the terminal.
- ``level-inversion`` (warning): a member of the stack (a component, or a sub-credential)
  whose EQF level is above that of the credential it stacks into directly.
- ``repeated-module`` (warning): two components that can both count toward the stack, where
  every competency one of them reaches the other reaches at the same level: the first adds
  nothing the second does not certify already (when both reach exactly the same, they repeat
  each other and are flagged once).
- ``overlap`` (info): two components that can both count, reaching some competency at the same
  level, neither repeating the other wholly. Reaching a competency at a *higher* level than an
  earlier module is progression, and is not flagged.
- ``no-contribution`` (info): a component that reaches none of the terminal's outcomes nor any
  of their parts.

Two components *can both count* unless they are alternatives on every pair of their routes:
the routes part at a node that asks for one of its parts only (``any``, or ``n_of`` with
n = 1), or both are options of the same ``competency`` leaf (one eligible award meets it).
Options of one ``credits`` pool can both count, so they are compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Literal

from credstack.domain.competency_tree import CompetencyInfo, CompetencyTree
from credstack.domain.curriculum_stack import Member, Route, Stack

if TYPE_CHECKING:
    from credstack.domain.curriculum import Outcome

Severity = Literal["error", "warning", "info"]
FlagKind = Literal[
    "unknown-achievement",
    "circular-requirement",
    "level-inversion",
    "repeated-module",
    "overlap",
    "no-contribution",
]
SEVERITY: dict[FlagKind, Severity] = {
    "unknown-achievement": "error",
    "circular-requirement": "error",
    "level-inversion": "warning",
    "repeated-module": "warning",
    "overlap": "info",
    "no-contribution": "info",
}
KINDS: tuple[FlagKind, ...] = tuple(SEVERITY)


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    achievements: tuple[str, ...]  # the codes concerned, the one flagged first
    message: str
    competencies: tuple[CompetencyInfo, ...] = ()

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.kind]


def _alternatives(a: Route, b: Route) -> bool:
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    if shared == len(a) == len(b):  # both are options of one leaf
        return a[-1].type == "competency"
    if shared == 0 or shared == min(len(a), len(b)):
        return False
    return a[shared - 1].choice


def can_both_count(a: Member, b: Member) -> bool:
    return any(not _alternatives(ra, rb) for ra in a.routes for rb in b.routes)


def _pairs(m: Member) -> frozenset[tuple[str, int]]:
    return frozenset((al.competency, al.level_reached) for al in m.achievement.alignments)


def _listed(pairs: frozenset[tuple[str, int]], tree: CompetencyTree) -> str:
    shown = sorted((tree.info(c).label, level) for c, level in pairs)
    return ", ".join(f"{label} at level {level}" for label, level in shown)


def _infos(pairs: frozenset[tuple[str, int]], tree: CompetencyTree) -> tuple[CompetencyInfo, ...]:
    return tuple(sorted({tree.info(c) for c, _ in pairs}, key=lambda c: c.label))


def level_inversions(stack: Stack) -> list[Flag]:
    flags = []
    for m in stack.members:
        for parent_code in m.parents:
            holder = stack.member(parent_code)
            parent = (
                stack.terminal if parent_code == stack.terminal.code or holder is None else holder.achievement
            )
            mine, theirs = m.achievement.level, parent.level
            if mine is not None and theirs is not None and mine > theirs:
                what = "a sub-credential" if m.stacked else "a component"
                flags.append(
                    Flag(
                        "level-inversion",
                        (m.code, parent.code),
                        f"{m.code} (EQF {mine}) stacks into {parent.code} (EQF {theirs}): "
                        f"{what} above the credential it builds",
                    )
                )
    return flags


def repeats(stack: Stack, tree: CompetencyTree) -> list[Flag]:
    flags = []
    components = [m for m in stack.components if m.achievement.alignments]
    for a, b in combinations(components, 2):
        pa, pb = _pairs(a), _pairs(b)
        shared = pa & pb
        if not shared or not can_both_count(a, b):
            continue
        if pa == pb:
            flags.append(
                Flag(
                    "repeated-module",
                    (a.code, b.code),
                    f"{a.code} and {b.code} reach the same competencies at the same levels "
                    f"({_listed(pa, tree)})",
                    _infos(pa, tree),
                )
            )
        elif pa < pb or pb < pa:
            small, large = (a, b) if pa < pb else (b, a)
            flags.append(
                Flag(
                    "repeated-module",
                    (small.code, large.code),
                    f"{small.code} repeats {large.code}: {large.code} reaches everything {small.code} "
                    f"does at the same level ({_listed(shared, tree)})",
                    _infos(shared, tree),
                )
            )
        else:
            flags.append(
                Flag(
                    "overlap",
                    (a.code, b.code),
                    f"{a.code} and {b.code} both reach {_listed(shared, tree)}",
                    _infos(shared, tree),
                )
            )
    return flags


def coherence_flags(stack: Stack, outcomes: Sequence[Outcome], tree: CompetencyTree) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    for code in dict.fromkeys(u.code for u in stack.unknown):
        where = next(u.route[-1] for u in stack.unknown if u.code == code)
        flags.append(
            Flag(
                "unknown-achievement",
                (code,),
                f"pathway {where.pathway} (node {where.node}) names {code}, which is not in the catalog",
            )
        )
    for named in stack.circular:
        where = named.route[-1]
        flags.append(
            Flag(
                "circular-requirement",
                (named.code, stack.terminal.code),
                f"pathway {where.pathway} (node {where.node}) needs {named.code}, "
                f"which cannot be earned before {stack.terminal.code}",
            )
        )
    flags.extend(level_inversions(stack))
    flags.extend(repeats(stack, tree))
    if outcomes:
        scope = frozenset().union(*(tree.within(o.competency.identifier) for o in outcomes))
        for m in stack.components:
            if not any(al.competency in scope for al in m.achievement.alignments):
                flags.append(
                    Flag(
                        "no-contribution",
                        (m.code,),
                        f"{m.code} reaches none of the outcomes of {stack.terminal.code} nor their parts",
                    )
                )
    return tuple(sorted(flags, key=lambda f: (KINDS.index(f.kind), f.achievements)))
