"""Curriculum mapping on a small hand-built catalogue: a diploma T whose pathway stacks two
micro-credentials, a certificate S (its own pathway: two more) and a choice of one of two.

Framework (codes; identifiers are "id-" + code)::

    A            B            C    D    E
    ├ A.1        ├ B.1
    │ ├ A.1.1    └ B.2
    │ └ A.1.2
    └ A.2

T (EQF 5) certifies A, B and C at level 2 and D at level 1.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from credstack.domain.achievement import Achievement, AchievementKind, Alignment, LifecycleState
from credstack.domain.competency_tree import CompetencyTree
from credstack.domain.curriculum import Course, CurriculumMap, map_curriculum
from credstack.domain.curriculum_stack import Stack, build_stack
from credstack.domain.errors import NotFound
from credstack.domain.framework import Association, Competency, CompetencyFramework, NodeRef
from credstack.domain.pathways.model import Node, Pathway, Pool

PARENTS = {"A.1": "A", "A.1.1": "A.1", "A.1.2": "A.1", "A.2": "A", "B.1": "B", "B.2": "B"}
CODES = ("A", "A.1", "A.1.1", "A.1.2", "A.2", "B", "B.1", "B.2", "C", "D", "E")


def ident(code: str) -> str:
    return f"id-{code}"


def framework() -> CompetencyFramework:
    return CompetencyFramework(
        identifier="fw",
        title="Test framework",
        competencies=[Competency(ident(c), f"Can do {c}", code=c, abbreviated=f"{c} short") for c in CODES],
        associations=[
            Association(f"as-{c}", "isChildOf", NodeRef(ident(c)), NodeRef(ident(p)))
            for c, p in PARENTS.items()
        ],
    )


def achievement(
    code: str,
    eqf: int | None,
    *aligns: tuple[str, int],
    kind: AchievementKind = AchievementKind.MICRO_CREDENTIAL,
    tags: tuple[str, ...] = (),
    state: LifecycleState = LifecycleState.PUBLISHED,
) -> Achievement:
    return Achievement(
        code=code,
        name=f"{code} name",
        kind=kind,
        level=eqf,
        alignments=[Alignment(ident(c), lvl) for c, lvl in aligns],
        tags=tags,
        state=state,
    )


def leaf(node_id: str, code: str, type_: str = "achievement") -> Node:
    return Node(node_id, type_, achievement=code)  # type: ignore[arg-type]


CATALOG = [
    achievement("M1", 4, ("A.1.1", 2), ("A.1.2", 2)),
    achievement("M2", 4, ("A.2", 1), ("B.1", 2)),
    achievement("M3", 6, ("B.1", 2)),  # everything it reaches, M2 reaches at the same level
    achievement("M4", 7, ("C", 1)),  # above the certificate it stacks into (EQF 6)
    achievement("M6", 5, ("E", 2)),  # M6 and M7: one of the two; they reach no outcome
    achievement("M7", 5, ("E", 2)),
    achievement("X", 5, ("C", 3)),  # in the catalog, outside the stack
    achievement("S", 6, ("B.1", 2), kind=AchievementKind.CERTIFICATE),  # above the diploma
    achievement("T", 5, ("A", 2), ("B", 2), ("C", 2), ("D", 1), kind=AchievementKind.DIPLOMA),
]
PATHWAYS = [
    Pathway(
        "T",
        "Diploma T",
        "T",
        Node(
            "t",
            "all",
            children=(
                leaf("t/m1", "M1"),
                leaf("t/m2", "M2"),
                leaf("t/s", "S", "pathway"),
                Node("t/choice", "any", children=(leaf("t/m6", "M6"), leaf("t/m7", "M7"))),
            ),
        ),
    ),
    Pathway("S", "Certificate S", "S", Node("s", "all", children=(leaf("s/m3", "M3"), leaf("s/m4", "M4")))),
]
COURSES = [
    Course("K1", "Course one", Decimal(5), 5, ((ident("A.2"), 2),)),
    Course("K2", "Course two", None, 4, ((ident("C"), 1),)),
    Course("K3", "Course three", None, None, ((ident("B.2"), 1), (ident("A.1.1"), 3))),
]


@pytest.fixture
def tree() -> CompetencyTree:
    return CompetencyTree.of([framework()])


def stack_of(tree: CompetencyTree, terminal: str = "T", catalog=CATALOG, pathways=PATHWAYS) -> Stack:
    return build_stack(terminal, catalog=catalog, pathways=pathways, resolve=tree.resolve)


@pytest.fixture
def mapped(tree: CompetencyTree) -> CurriculumMap:
    return map_curriculum(stack_of(tree), tree, catalog=CATALOG, courses=COURSES)


def test_the_stack_walks_into_the_sub_pathway(tree: CompetencyTree) -> None:
    stack = stack_of(tree)
    assert [m.code for m in stack.members] == ["M1", "M2", "S", "M3", "M4", "M6", "M7"]
    assert [m.code for m in stack.credentials] == ["S"]
    assert [m.code for m in stack.components] == ["M1", "M2", "M3", "M4", "M6", "M7"]
    m3 = stack.member("M3")
    assert m3 is not None and m3.parents == ("S",)
    assert [(s.pathway, s.node) for s in m3.routes[0]] == [
        ("T", "t"),
        ("T", "t/s"),
        ("S", "s"),
        ("S", "s/m3"),
    ]
    assert {m.code: m.required for m in stack.members} == {
        "M1": True,
        "M2": True,
        "S": True,
        "M3": True,
        "M4": True,
        "M6": False,
        "M7": False,
    }


def test_the_matrix_shows_levels_and_the_parts_they_come_through(mapped: CurriculumMap) -> None:
    matrix = mapped.matrix
    assert [c.code for c in matrix.columns] == ["M1", "M2", "M3", "M4", "M6", "M7"]
    rows = {r.competency.code: r for r in matrix.rows}
    assert [(r.competency.code, r.depth) for r in matrix.rows] == [
        ("A", 0),
        ("A.1", 1),
        ("A.1.1", 2),
        ("A.1.2", 2),
        ("A.2", 1),
        ("B", 0),
        ("B.1", 1),
        ("B.2", 1),
        ("C", 0),
        ("D", 0),
    ]

    def levels(code: str) -> list[tuple[int, list[str]] | None]:
        return [(c.level, [v.code for v in c.via]) if c else None for c in rows[code].cells]

    assert levels("A") == [(2, ["A.1.1", "A.1.2"]), (1, ["A.2"]), None, None, None, None]
    assert levels("A.1.1") == [(2, []), None, None, None, None, None]
    assert levels("B") == [None, (2, ["B.1"]), (2, ["B.1"]), None, None, None]
    assert levels("C") == [None, None, None, (1, []), None, None]
    assert all(c is None for c in rows["D"].cells)
    first = rows["A"].cells[0]
    assert first is not None and first.meets and first.required == 2
    second = rows["A"].cells[1]
    assert second is not None and not second.meets
    assert (rows["A"].best, rows["A"].covered) == (2, 1)  # A.2 holds it down
    assert (rows["A.1"].best, rows["A.1"].covered) == (2, 2)
    assert (rows["D"].best, rows["D"].covered) == (None, None)


def test_gaps_partial_too_low_and_uncovered_with_their_remedies(mapped: CurriculumMap) -> None:
    by_outcome = {c.outcome.competency.code: c for c in mapped.coverage}
    assert {k: (c.status, c.best, c.covered) for k, c in by_outcome.items()} == {
        "A": ("partial", 2, 1),
        "B": ("partial", 2, None),
        "C": ("too-low", 1, 1),
        "D": ("uncovered", None, None),
    }
    gaps = {
        k: [(g.competency.code, g.status, g.best, g.remedy) for g in c.gaps] for k, c in by_outcome.items()
    }
    assert gaps == {
        "A": [("A.2", "too-low", 1, "course")],  # K1 teaches A.2 at 2
        "B": [("B.2", "uncovered", None, "new-module")],  # K3 reaches B.2 at 1 only
        "C": [("C", "too-low", 1, "achievement")],  # K2 is below; X (outside the stack) reaches 3
        "D": [("D", "uncovered", None, "new-module")],
    }
    c_gap = by_outcome["C"].gaps[0]
    assert [(m.course.code, m.level, m.meets) for m in c_gap.courses] == [("K2", 1, False)]
    assert [(a.code, level) for a, level in c_gap.achievements] == [("X", 3)]
    b_gap = by_outcome["B"].gaps[0]
    assert [(m.course.code, m.level, m.meets) for m in b_gap.courses] == [("K3", 1, False)]


def test_an_unreached_part_is_named_once_not_its_every_sub_part(tree: CompetencyTree) -> None:
    catalog = [achievement("M", 5, ("A.2", 2)), achievement("T", 5, ("A", 2), kind=AchievementKind.DIPLOMA)]
    pathways = [Pathway("T", "T", "T", Node("t", "all", children=(leaf("t/m", "M"),)))]
    m = map_curriculum(stack_of(tree, catalog=catalog, pathways=pathways), tree, catalog=catalog)
    (coverage,) = m.coverage
    assert coverage.status == "partial"
    assert [g.competency.code for g in coverage.gaps] == ["A.1"]  # not A.1.1 and A.1.2


def test_a_level_reached_directly_covers_the_competency_whatever_its_parts(tree: CompetencyTree) -> None:
    catalog = [achievement("M", 5, ("A", 3)), achievement("T", 5, ("A", 2), kind=AchievementKind.DIPLOMA)]
    pathways = [Pathway("T", "T", "T", Node("t", "all", children=(leaf("t/m", "M"),)))]
    m = map_curriculum(stack_of(tree, catalog=catalog, pathways=pathways), tree, catalog=catalog)
    assert [(c.status, c.best, c.covered, c.gaps) for c in m.coverage] == [("covered", 3, 3, ())]


def test_covered_only_by_an_optional_choice_says_so(tree: CompetencyTree) -> None:
    catalog = [
        achievement("M", 5, ("C", 2)),
        achievement("N", 5, ("D", 1)),
        achievement("T", 5, ("C", 2), kind=AchievementKind.DIPLOMA),
    ]
    root = Node("t", "any", children=(leaf("t/m", "M"), leaf("t/n", "N")))
    m = map_curriculum(stack_of(tree, catalog=catalog, pathways=[Pathway("T", "T", "T", root)]), tree)
    assert [(c.status, c.optional_only) for c in m.coverage] == [("covered", True)]


def test_backmapping_names_each_contribution_and_its_route(mapped: CurriculumMap) -> None:
    back = {b.outcome.competency.code: b for b in mapped.backmap}
    assert [(x.member.code, x.competency.code, x.level, x.direct) for x in back["B"].contributions] == [
        ("M2", "B.1", 2, False),
        ("M3", "B.1", 2, False),
    ]
    assert [(x.member.code, x.competency.code, x.direct) for x in back["C"].contributions] == [
        ("M4", "C", True)
    ]
    assert back["D"].contributions == ()
    m3_route = back["B"].contributions[1].member.routes[0]
    assert [s.node for s in m3_route] == ["t", "t/s", "s", "s/m3"]


def test_coherence_flags_inversions_repeats_and_idle_modules(mapped: CurriculumMap) -> None:
    flags = [(f.kind, f.severity, f.achievements) for f in mapped.flags]
    assert flags == [
        ("level-inversion", "warning", ("M4", "S")),  # EQF 7 into EQF 6
        ("level-inversion", "warning", ("S", "T")),  # a sub-credential above its parent
        ("repeated-module", "warning", ("M3", "M2")),  # M3 adds nothing M2 does not reach
        ("no-contribution", "info", ("M6",)),
        ("no-contribution", "info", ("M7",)),
    ]  # M6 and M7 reach the same at the same level, but only one of them counts: no repeat
    repeat = next(f for f in mapped.flags if f.kind == "repeated-module")
    assert "M3 repeats M2" in repeat.message and [c.code for c in repeat.competencies] == ["B.1"]


def test_identical_modules_that_both_count_repeat_each_other_once(tree: CompetencyTree) -> None:
    catalog = [
        achievement("P", 5, ("C", 2), ("D", 1)),
        achievement("Q", 5, ("D", 1), ("C", 2)),
        achievement("R", 5, ("C", 2), ("A.2", 1)),
        achievement("T", 5, ("C", 2), ("D", 1), ("A", 1), kind=AchievementKind.DIPLOMA),
    ]
    root = Node("t", "n_of", n=2, children=(leaf("t/p", "P"), leaf("t/q", "Q"), leaf("t/r", "R")))
    m = map_curriculum(stack_of(tree, catalog=catalog, pathways=[Pathway("T", "T", "T", root)]), tree)
    assert [(f.kind, f.achievements) for f in m.flags] == [
        ("repeated-module", ("P", "Q")),
        ("overlap", ("P", "R")),
        ("overlap", ("Q", "R")),
    ]
    assert m.flags[0].message.startswith("P and Q reach the same competencies at the same levels")


def test_pools_and_competency_leaves_reach_catalog_achievements(tree: CompetencyTree) -> None:
    catalog = [
        achievement("P1", 5, ("C", 2), tags=("core",)),
        achievement("P2", 5, ("C", 2), tags=("core",)),
        achievement("P3", 5, ("D", 1), tags=("other",)),
        achievement("OLD", 5, ("C", 3), tags=("core",), state=LifecycleState.RETIRED),
        achievement("Q1", 5, ("E", 2)),
        achievement("Q2", 5, ("E", 1)),
        achievement("T", 5, ("C", 2), kind=AchievementKind.DIPLOMA, tags=("core",)),
    ]
    root = Node(
        "t",
        "all",
        children=(
            Node("t/pool", "credits", min_credits=Decimal(10), pool=Pool(tags=frozenset({"core"}))),
            Node("t/comp", "competency", competency="E", min_level=2),  # a code, resolved
        ),
    )
    stack = stack_of(tree, catalog=catalog, pathways=[Pathway("T", "T", "T", root)])
    assert [m.code for m in stack.members] == ["P1", "P2", "Q1"]  # not retired, not T itself
    assert not any(m.required for m in stack.members)
    m = map_curriculum(stack, tree)
    # two options of one credits pool can both count: compared; competency options are not
    assert [(f.kind, f.achievements) for f in m.flags] == [
        ("repeated-module", ("P1", "P2")),
        ("no-contribution", ("Q1",)),
    ]


def test_unknown_codes_and_cycles(tree: CompetencyTree) -> None:
    catalog = [
        achievement("M", 5, ("C", 2)),
        achievement("T", 5, ("C", 2), kind=AchievementKind.DIPLOMA),
        achievement("U", 5, kind=AchievementKind.CERTIFICATE),
    ]
    pathways = [
        Pathway(
            "T", "T", "T", Node("t", "all", children=(leaf("t/u", "U", "pathway"), leaf("t/gone", "GONE")))
        ),
        Pathway("U", "U", "U", Node("u", "all", children=(leaf("u/m", "M"), leaf("u/t", "T", "pathway")))),
    ]
    stack = stack_of(tree, catalog=catalog, pathways=pathways)
    assert stack.members == ()  # U needs T: it is earned after T, never toward it
    m = map_curriculum(stack, tree, catalog=catalog)
    assert [(f.kind, f.severity, f.achievements) for f in m.flags] == [
        ("unknown-achievement", "error", ("GONE",)),
        ("circular-requirement", "error", ("U", "T")),
    ]
    assert "node t/gone" in m.flags[0].message
    assert m.flags[1].message == "pathway T (node t/u) needs U, which cannot be earned before T"


def test_a_pool_never_admits_what_is_earned_after_the_terminal(tree: CompetencyTree) -> None:
    catalog = [
        achievement("M", 5, ("C", 2)),
        achievement("N", 5, ("D", 1)),
        achievement("T", 5, ("C", 2), kind=AchievementKind.CERTIFICATE),
        achievement("BIG", 6, ("C", 2), ("D", 1), kind=AchievementKind.DIPLOMA),
    ]
    pathways = [
        Pathway("T", "T", "T", Node("t", "credits", min_credits=Decimal(5), pool=Pool(min_level=5))),
        Pathway(
            "BIG", "BIG", "BIG", Node("b", "all", children=(leaf("b/t", "T", "pathway"), leaf("b/n", "N")))
        ),
    ]
    stack = stack_of(tree, catalog=catalog, pathways=pathways)
    assert [m.code for m in stack.members] == ["M", "N"]  # not BIG, which needs T
    assert stack.circular == ()  # a pool's options are not requirements: nothing to flag


def test_a_terminal_needs_a_pathway_and_a_catalog_entry(tree: CompetencyTree) -> None:
    with pytest.raises(NotFound, match="pathway that awards"):
        stack_of(tree, terminal="M1")
    with pytest.raises(NotFound, match="achievement"):
        stack_of(tree, terminal="NOPE")


def test_the_preferred_pathway_and_the_default_one(tree: CompetencyTree) -> None:
    fast = Pathway("T-FAST", "Fast", "T", Node("f", "all", children=(leaf("f/m1", "M1"),)))
    pathways = [fast, *PATHWAYS]
    assert stack_of(tree, pathways=pathways).pathway.id == "T"  # the one named like the credential
    chosen = build_stack("T", catalog=CATALOG, pathways=pathways, pathway="T-FAST")
    assert [m.code for m in chosen.members] == ["M1"]
    with pytest.raises(NotFound):
        build_stack("T", catalog=CATALOG, pathways=pathways, pathway="S")


def test_mapping_is_deterministic(tree: CompetencyTree) -> None:
    first = map_curriculum(stack_of(tree), tree, catalog=CATALOG, courses=COURSES)
    again = map_curriculum(
        stack_of(tree, catalog=list(reversed(CATALOG)), pathways=list(reversed(PATHWAYS))),
        tree,
        catalog=list(reversed(CATALOG)),
        courses=list(reversed(COURSES)),
    )
    assert first == again
