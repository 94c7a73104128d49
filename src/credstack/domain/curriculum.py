"""Curriculum mapping for a terminal credential (a diploma, a certificate: an achievement that a
pathway awards). Its *outcomes* are the competencies aligned to it, each at the level it
certifies. The *components* are the assessed achievements of its stack (curriculum_stack):
only they reach competencies; a sub-credential's own alignments are claims about its
components, not evidence.

An achievement aligned to a competency's *part* (a framework child, at any depth) contributes
to the competency, and the matrix says through which part. Coverage is judged part by part:

- a competency is **covered** at level L when some component reaches it directly at L or
  above, or, when it has parts, when every one of its parts is covered at L;
- an outcome at level L is **covered** when it is covered at L; **partial** when some
  component reaches it or one of its parts at L or above but not all of it is covered;
  **too low** when what reaches it or its parts stays below L; **uncovered** when nothing does.

Each outcome that is not covered lists its *gaps*: the smallest parts not covered at L (a
part nothing reaches is named once, not its every sub-part), each with the catalogue's
courses that align to it (at what level), the catalog's achievements outside the stack that
reach it, and what would close it: an existing course, an existing achievement, or a new
module. Orderings are deterministic: outcomes as aligned, parts in framework order,
components in the order the pathway tree lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from credstack.domain.achievement import Achievement, LifecycleState
from credstack.domain.competency_tree import CompetencyInfo, CompetencyTree
from credstack.domain.curriculum_coherence import Flag, coherence_flags
from credstack.domain.curriculum_stack import Member, Stack


@dataclass(frozen=True)
class Course:
    """An existing course of the institution's catalogue (not a credential)."""

    code: str
    title: str
    credits: Decimal | None = None
    level: int | None = None  # EQF
    competencies: tuple[tuple[str, int], ...] = ()  # (competency identifier, level reached)


@dataclass(frozen=True)
class Outcome:
    competency: CompetencyInfo
    level: int


OutcomeStatus = Literal["covered", "partial", "too-low", "uncovered"]
Remedy = Literal["course", "achievement", "new-module"]


@dataclass(frozen=True)
class Cell:
    """What one component reaches on one row's competency (itself or its parts)."""

    level: int
    via: tuple[CompetencyInfo, ...]  # the parts through which it reaches that level; () when direct
    required: int

    @property
    def meets(self) -> bool:
        return self.level >= self.required


@dataclass(frozen=True)
class MatrixRow:
    outcome: Outcome
    competency: CompetencyInfo
    depth: int  # 0: the outcome itself; 1: one of its parts; 2: a part of a part ...
    cells: tuple[Cell | None, ...]  # one per column
    best: int | None  # the highest level any component reaches on it or its parts
    covered: int | None  # the level at which it is covered (directly, or by all its parts)


@dataclass(frozen=True)
class Matrix:
    columns: tuple[Member, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class Contribution:
    member: Member
    competency: CompetencyInfo  # what the component is aligned to: the outcome or one of its parts
    level: int
    direct: bool


@dataclass(frozen=True)
class Backmap:
    """A terminal outcome and every component alignment that contributes to it."""

    outcome: Outcome
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class CourseMatch:
    course: Course
    level: int
    via: tuple[CompetencyInfo, ...]  # () when the course aligns to the competency itself
    required: int

    @property
    def meets(self) -> bool:
        return self.level >= self.required


@dataclass(frozen=True)
class Gap:
    """A competency (an outcome or a part of one) not covered at the outcome's level."""

    competency: CompetencyInfo
    required: int
    best: int | None
    courses: tuple[CourseMatch, ...]  # highest level first
    achievements: tuple[tuple[Achievement, int], ...]  # catalog achievements outside the stack

    @property
    def status(self) -> Literal["too-low", "uncovered"]:
        return "too-low" if self.best else "uncovered"

    @property
    def remedy(self) -> Remedy:
        if any(c.meets for c in self.courses):
            return "course"
        if any(level >= self.required for _, level in self.achievements):
            return "achievement"
        return "new-module"


@dataclass(frozen=True)
class OutcomeCoverage:
    outcome: Outcome
    status: OutcomeStatus
    best: int | None
    covered: int | None
    gaps: tuple[Gap, ...]
    optional_only: bool  # covered, but only with components a learner may skip


@dataclass(frozen=True)
class CurriculumMap:
    stack: Stack
    outcomes: tuple[Outcome, ...]
    matrix: Matrix
    backmap: tuple[Backmap, ...]
    coverage: tuple[OutcomeCoverage, ...]
    flags: tuple[Flag, ...]


class _Levels:
    """Levels reached on each competency by a set of aligned things (components or courses)."""

    def __init__(self, tree: CompetencyTree, aligned: Sequence[tuple[str, int]]) -> None:
        self.tree = tree
        self.direct: dict[str, int] = {}
        for competency, level in aligned:
            self.direct[competency] = max(level, self.direct.get(competency, 0))

    def best(self, competency: str) -> tuple[int, tuple[CompetencyInfo, ...]]:
        """The highest level on the competency or its parts, and the parts giving it."""
        top = max((self.direct.get(c, 0) for c in self.tree.within(competency)), default=0)
        if not top or self.direct.get(competency, 0) == top:
            return top, ()
        via = tuple(self.tree.info(p) for p, _ in self.tree.parts(competency) if self.direct.get(p) == top)
        return top, via

    def covered(self, competency: str, _seen: frozenset[str] = frozenset()) -> int:
        own = self.direct.get(competency, 0)
        parts = [c for c in self.tree.children.get(competency, ()) if c not in _seen]
        if not parts:
            return own
        seen = _seen | {competency}
        return max(own, min(self.covered(p, seen) for p in parts))


def _aligned(members: Sequence[Member]) -> list[tuple[str, int]]:
    return [(al.competency, al.level_reached) for m in members for al in m.achievement.alignments]


def outcomes_of(terminal: Achievement, tree: CompetencyTree) -> tuple[Outcome, ...]:
    return tuple(Outcome(tree.info(al.competency), al.level_reached) for al in terminal.alignments)


def coverage_matrix(stack: Stack, outcomes: Sequence[Outcome], tree: CompetencyTree) -> Matrix:
    columns = stack.components
    per_member = [_Levels(tree, _aligned([m])) for m in columns]
    everyone = _Levels(tree, _aligned(columns))
    rows: list[MatrixRow] = []
    for outcome in outcomes:
        ident = outcome.competency.identifier
        for competency, depth in [(ident, 0), *tree.parts(ident)]:
            cells: list[Cell | None] = []
            for levels in per_member:
                level, via = levels.best(competency)
                cells.append(Cell(level, via, outcome.level) if level else None)
            best = everyone.best(competency)[0]
            covered = everyone.covered(competency)
            rows.append(
                MatrixRow(outcome, tree.info(competency), depth, tuple(cells), best or None, covered or None)
            )
    return Matrix(columns, tuple(rows))


def backmapping(stack: Stack, outcomes: Sequence[Outcome], tree: CompetencyTree) -> tuple[Backmap, ...]:
    out = []
    for outcome in outcomes:
        ident = outcome.competency.identifier
        order = {c: i for i, c in enumerate([ident, *(p for p, _ in tree.parts(ident))])}
        found = [
            Contribution(m, tree.info(al.competency), al.level_reached, al.competency == ident)
            for m in stack.components
            for al in sorted(m.achievement.alignments, key=lambda al: order.get(al.competency, 0))
            if al.competency in order
        ]
        out.append(Backmap(outcome, tuple(found)))
    return tuple(out)


def _course_matches(
    competency: str, required: int, courses: Sequence[Course], tree: CompetencyTree
) -> tuple[CourseMatch, ...]:
    found = []
    for course in courses:
        level, via = _Levels(tree, course.competencies).best(competency)
        if level:
            found.append(CourseMatch(course, level, via, required))
    return tuple(sorted(found, key=lambda m: (-m.level, m.course.code)))


def _outside(
    competency: str, stack: Stack, catalog: Sequence[Achievement], tree: CompetencyTree
) -> tuple[tuple[Achievement, int], ...]:
    inside = {m.code for m in stack.members} | {stack.terminal.code}
    found = []
    for a in catalog:
        if a.code in inside or a.state is LifecycleState.RETIRED:
            continue
        level = _Levels(tree, [(al.competency, al.level_reached) for al in a.alignments]).best(competency)[0]
        if level:
            found.append((a, level))
    return tuple(sorted(found, key=lambda f: (-f[1], f[0].code)))


def gap_analysis(
    stack: Stack,
    outcomes: Sequence[Outcome],
    tree: CompetencyTree,
    *,
    catalog: Sequence[Achievement] = (),
    courses: Sequence[Course] = (),
) -> tuple[OutcomeCoverage, ...]:
    levels = _Levels(tree, _aligned(stack.components))
    required_only = _Levels(tree, _aligned([m for m in stack.components if m.required]))
    out = []
    for outcome in outcomes:
        ident, need = outcome.competency.identifier, outcome.level
        best = levels.best(ident)[0]
        covered = levels.covered(ident)
        status: OutcomeStatus
        if covered >= need:
            status = "covered"
        elif best >= need:
            status = "partial"
        else:
            status = "too-low" if best else "uncovered"
        gaps = tuple(
            Gap(
                tree.info(c),
                need,
                levels.best(c)[0] or None,
                _course_matches(c, need, courses, tree),
                _outside(c, stack, catalog, tree),
            )
            for c in _uncovered_parts(ident, need, levels, tree)
        )
        optional_only = status == "covered" and required_only.covered(ident) < need
        out.append(OutcomeCoverage(outcome, status, best or None, covered or None, gaps, optional_only))
    return tuple(out)


def _uncovered_parts(competency: str, need: int, levels: _Levels, tree: CompetencyTree) -> list[str]:
    """The smallest parts not covered at ``need``: a competency none of whose parts is reached
    at all is named itself, not its every part."""
    if levels.covered(competency) >= need:
        return []
    parts = tree.children.get(competency, ())
    if not any(levels.best(p)[0] for p in parts):
        return [competency]
    return [gap for p in parts for gap in _uncovered_parts(p, need, levels, tree)]


def map_curriculum(
    stack: Stack,
    tree: CompetencyTree,
    *,
    catalog: Sequence[Achievement] = (),
    courses: Sequence[Course] = (),
) -> CurriculumMap:
    """The coverage matrix, backmapping, gap analysis and coherence flags of one stack."""
    outcomes = outcomes_of(stack.terminal, tree)
    return CurriculumMap(
        stack,
        outcomes,
        coverage_matrix(stack, outcomes, tree),
        backmapping(stack, outcomes, tree),
        gap_analysis(stack, outcomes, tree, catalog=catalog, courses=courses),
        coherence_flags(stack, outcomes, tree),
    )
