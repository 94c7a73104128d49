"""The audit's exact search (``solver.Search``) on its own, and the candidates it starts from.

Small random cases are checked against the brute force; medium ones, beyond the brute force,
against the integer programme (an independent exact method); both with the assignment checked
by the brute force's own rules. Worked examples show the three ways the search avoids trying
everything (forced picks, dominated candidates, credits pools filled last) and the fallback.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credstack.domain.pathways import milp, solver
from credstack.domain.pathways.audit import audit
from credstack.domain.pathways.eligibility import Exceptions, Recency, candidates, matches
from credstack.domain.pathways.model import Award, Node, Pathway
from credstack.domain.pathways.solver import Search, SearchBudget, shape
from tests.domain.pathways import brute
from tests.domain.pathways.builders import (
    AS_OF,
    ach,
    all_of,
    any_of,
    award,
    comp,
    credits,
    exceptions,
    n_of,
    pathway,
    substitute,
    waive,
)
from tests.domain.pathways.test_properties import CODES, COMPETENCIES, TAGS, cases, examples, one_award


def search(
    p: Pathway, awards: list[Award], exc: Exceptions = Exceptions(), budget: int | None = None
) -> dict[str, tuple[int, ...]] | None:
    cands = candidates(p.root, awards, AS_OF, exc)
    return Search(
        shape(p.root), [a.credits for a in awards], cands, frozenset(w.node for w in exc.waivers), budget
    ).run()


def check(p: Pathway, awards: list[Award], exc: Exceptions, found: dict[str, tuple[int, ...]]) -> None:
    """The search's answer is a valid assignment that meets the tree."""
    assignment = {leaf: [awards[i].id for i in picks] for leaf, picks in found.items()}
    assert brute.valid_assignment(p, awards, assignment, AS_OF, exc) == []
    by_id = {a.id: a for a in awards}
    placed = {leaf: tuple(by_id[i] for i in ids) for leaf, ids in assignment.items()}
    assert brute.tree_met(p.root, placed, exc), assignment


def minimal_pools(p: Pathway, awards: list[Award], found: dict[str, tuple[int, ...]]) -> None:
    """No credits leaf holds an award its minimum does not need."""
    for node in p.nodes():
        if node.type == "credits" and found.get(node.id):
            held = [awards[i].credits for i in found[node.id]]
            assert all(sum(held) - c < (node.min_credits or 0) for c in held), (node.id, held)


# ---- against the brute force ------------------------------------------------------------------


@examples(800)
@given(cases())
def test_search_agrees_with_brute_force(case: tuple[Pathway, list[Award], Exceptions]) -> None:
    p, awards, exc = case
    found = search(p, awards, exc, budget=10**6)
    witness = brute.brute_met(p, awards, AS_OF, exc)
    assert (found is not None) == (witness is not None), (witness, found)
    if found is not None:
        check(p, awards, exc, found)
        minimal_pools(p, awards, found)


# ---- medium cases, against the integer programme -------------------------------------------------


@st.composite
def medium_leaf(draw: st.DrawFn) -> Node:
    kind = draw(st.sampled_from(["achievement", "competency", "credits", "credits"]))
    opts: dict[str, object] = {}
    if draw(st.integers(0, 99)) >= 88:
        opts["shared"] = True
    if draw(st.integers(0, 99)) >= 88:
        opts["within_months"] = draw(st.sampled_from([6, 12, 24]))
    if kind == "achievement":
        return ach(draw(st.sampled_from(CODES)), draw(st.sampled_from([None, None, 50, 70])), **opts)
    if kind == "competency":
        return comp(draw(st.sampled_from(COMPETENCIES)), draw(st.integers(1, 3)), **opts)
    pool = draw(
        st.sampled_from(
            [{}, {"tags": {"x"}}, {"tags": {"y"}}, {"min_level": 2}, {"achievements": {"A", "B"}}]
        )
    )
    minimum = draw(st.sampled_from(["1", "2", "3", "4", "5", "6", "8", "10", "2.5", "4.5"]))
    return credits(minimum, **pool, **opts)


@st.composite
def medium_tree(draw: st.DrawFn, depth: int = 0) -> Node:
    if depth >= 3 or (depth > 0 and draw(st.integers(0, 2)) == 0):
        return draw(medium_leaf())
    children = draw(st.lists(medium_tree(depth + 1), min_size=1, max_size=4))
    kind = draw(st.sampled_from(["all", "all", "any", "n_of"]))
    opts: dict[str, object] = {"shared": True} if depth > 0 and draw(st.integers(0, 99)) >= 88 else {}
    if kind == "all":
        return all_of(*children, **opts)
    if kind == "any":
        return any_of(*children, **opts)
    return n_of(draw(st.integers(1, len(children))), *children, **opts)


@st.composite
def medium_awards(draw: st.DrawFn) -> list[Award]:
    n = draw(st.integers(5, 24))
    out = []
    for i in range(n):
        a = draw(one_award(f"a{i}"))
        halves = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8, 10]))
        out.append(Award(**{**a.__dict__, "credits": Decimal(halves) / 2}))
    return out


@examples(250)
@given(medium_tree().map(pathway), medium_awards(), st.data())
def test_search_agrees_with_the_integer_programme(
    p: Pathway, awards: list[Award], data: st.DataObject
) -> None:
    exc = (
        exceptions(waive(data.draw(st.sampled_from([n.id for n in p.nodes()]))))
        if data.draw(st.booleans())
        else Exceptions()
    )
    cands = candidates(p.root, awards, AS_OF, exc)
    found = search(p, awards, exc, budget=10**6)
    exact = milp.solve(p.root, awards, cands, exceptions=exc)
    assert (found is not None) == (exact is not None), (found, exact)
    if found is not None:
        check(p, awards, exc, found)
        minimal_pools(p, awards, found)


# ---- worked examples --------------------------------------------------------------------------


def test_two_pools_of_one_scope_are_filled_together() -> None:
    # Largest first into the pool that needs most gives the 5 to "wide" and starves "narrow"
    # (x only, and only the 5 has x): the search backtracks, and "wide" takes 3 + 2.
    p = pathway(all_of(credits(4, tags={"x"}, id="narrow"), credits(5, id="wide")))
    awards = [
        award("five", "A", credits=5, tags={"x"}),
        award("three", "B", credits=3),
        award("two", "C", credits=2),
    ]
    found = search(p, awards)
    assert found == {"narrow": (0,), "wide": (1, 2)}
    assert not search(p, awards[:2])


def test_identical_awards_and_pools_are_tried_once() -> None:
    # Twelve one-credit awards, three pools of four that every award fits, and a fourth that
    # cannot be filled: the search proves it without trying the ways of sharing out the twelve.
    p = pathway(all_of(*(credits(4, tags={"x"}) for _ in range(4))))
    awards = [award(f"a{i}", f"A{i}", credits=1, tags={"x"}) for i in range(15)]
    s = Search(shape(p.root), [a.credits for a in awards], candidates(p.root, awards, AS_OF))
    assert s.run() is None and s.steps < 50
    more = [*awards, award("b", "B", credits=1, tags={"x"})]
    assert search(p, more) is not None


def test_a_candidate_no_other_leaf_wants_is_taken_without_branching() -> None:
    # Each of ten achievements is held twice; twenty leaves in two groups of ten want them. Every
    # candidate of a leaf is as good as its twin, so the search never branches.
    p = pathway(all_of(*(ach(f"A{i}") for i in range(10)), *(ach(f"A{i}") for i in range(10))))
    awards = [award(f"a{i}{k}", f"A{i}") for i in range(10) for k in range(2)]
    s = Search(shape(p.root), [a.credits for a in awards], candidates(p.root, awards, AS_OF))
    found = s.run()
    assert found is not None and s.steps == 1
    check(p, awards, Exceptions(), found)


def test_a_dominated_candidate_is_not_tried() -> None:
    # K1 is shown by "both" (which also counts for B) and by "k" (which counts for nothing else):
    # "k" dominates, so the competency takes it and B keeps "both", with no backtracking.
    p = pathway(all_of(comp("K1", 1, id="k1"), ach("B", id="b")))
    awards = [award("both", "B", comps={"K1": 2}), award("k", "X", comps={"K1": 1}), award("b", "B")]
    s = Search(shape(p.root), [a.credits for a in awards], candidates(p.root, awards, AS_OF))
    assert s.run() == {"k1": (1,), "b": (0,)} and s.steps == 1


def test_an_award_counts_once_in_each_scope() -> None:
    # Three scopes (the shared any, the unshared rest, the shared pool): one award serves all.
    p = pathway(all_of(any_of(ach("A"), shared=True), ach("A"), credits(3, tags={"x"}, shared=True)))
    awards = [award("a", "A", credits=3, tags={"x"})]
    found = search(p, awards)
    assert found == {"r.0.0": (0,), "r.1": (0,), "r.2": (0,)}
    check(p, awards, Exceptions(), found)
    # within one scope it counts once: the pool, unshared, needs another award
    p = pathway(all_of(any_of(ach("A"), shared=True), ach("A"), credits(3, tags={"x"})))
    assert search(p, awards) is None
    assert search(p, [*awards, award("b", "B", credits=3, tags={"x"})]) is not None


def test_waivers_and_substitutions() -> None:
    p = pathway(all_of(ach("A"), credits(4, tags={"x"}), n_of(2, ach("B"), ach("C"), ach("D"))))
    awards = [award("a", "A", credits=2, tags={"x"}), award("b", "B", credits=2, tags={"x"}), award("e", "E")]
    assert search(p, awards) is None
    exc = exceptions(waive("r.1"), substitute("e", "r.2.1"))
    found = search(p, awards, exc)
    assert found is not None
    check(p, awards, exc, found)


def test_past_its_budget_the_search_gives_way_to_the_integer_programme(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The progress placement spends "a" on the unneeded A of the any; the search does not.
    p = pathway(all_of(any_of(ach("B"), ach("A")), credits(3, tags={"x"})))
    awards = [award("a", "A", credits=3, tags={"x"}), award("b", "B")]
    with pytest.raises(SearchBudget):
        search(p, awards, budget=0)
    expected = audit(p, awards, as_of=AS_OF)
    assert expected.met and expected.decided_by == "search"
    monkeypatch.setattr(solver, "SEARCH_BUDGET", 0)
    result = audit(p, awards, as_of=AS_OF)
    assert result.met and result.decided_by == "integer programme"
    assert brute.valid_assignment(p, awards, result.assignment, AS_OF) == []


def test_a_very_long_transcript_is_left_to_the_integer_programme() -> None:
    # Two pools drawing on 301 awards, every one of which they need: the pool filling would
    # recurse too deep, so the search gives way (as past its budget) and the audit is still exact.
    p = pathway(all_of(any_of(ach("B"), ach("A")), credits(101, tags={"x"}), credits(200, tags={"x"})))
    awards = [award("a", "A", credits=1, tags={"x"}), award("b", "B")]
    awards += [award(f"c{i}", "C", credits=1, tags={"x"}) for i in range(300)]
    with pytest.raises(SearchBudget):
        search(p, awards)
    result = audit(p, awards, as_of=AS_OF)  # the placement spends "a" on A
    assert result.met and result.decided_by == "integer programme"
    assert brute.valid_assignment(p, awards, result.assignment, AS_OF) == []
    assert not audit(p, awards[:-1], as_of=AS_OF).met


def test_the_audit_says_which_step_decided() -> None:
    p = pathway(all_of(credits(3, tags={"x"}), ach("A")))
    one = award("a", "A", credits=3, tags={"x"})
    assert audit(p, [one, award("b", "B", credits=3, tags={"x"})], as_of=AS_OF).decided_by == "placement"
    assert audit(p, [award("b", "B", credits=3, tags={"x"})], as_of=AS_OF).decided_by == "relaxation"
    assert audit(p, [one], as_of=AS_OF).decided_by == "search"


# ---- candidates: the indexed lookup is the plain definition ---------------------------------------


def plain_candidates(root: Node, awards: list[Award], exc: Exceptions) -> dict[str, list[int]]:
    """``matches`` and ``Recency.admits`` at every leaf for every award; a substituted award
    whatever its recency (award ids are unique here)."""
    out: dict[str, list[int]] = {}

    def visit(node: Node, recency: Recency) -> None:
        recency = recency.under(node)
        if node.is_leaf:
            subs = exc.substitutes(node.id)
            out[node.id] = [
                i
                for i, a in enumerate(awards)
                if (a.id in subs or matches(node, a)) and recency.admits(a, AS_OF)
            ]
            out[node.id] += sorted(i for i, a in enumerate(awards) if a.id in subs and i not in out[node.id])
        for child in node.children:
            visit(child, recency)

    visit(root, Recency())
    return out


@examples(200)
@given(medium_tree().map(pathway), medium_awards(), st.data())
def test_candidates_are_the_plain_definition(p: Pathway, awards: list[Award], data: st.DataObject) -> None:
    leaves = [n.id for n in p.nodes() if n.is_leaf]
    exc = Exceptions()
    if data.draw(st.booleans()):
        exc = exceptions(
            substitute(data.draw(st.sampled_from(awards)).id, data.draw(st.sampled_from(leaves)))
        )
    old = [
        Award(
            **{**a.__dict__, "id": f"old{k}", "earned": AS_OF - timedelta(days=3000), "tags": frozenset(TAGS)}
        )
        for k, a in enumerate(awards[:2])
    ]
    everything = [*awards, *old]
    assert candidates(p.root, everything, AS_OF, exc) == plain_candidates(p.root, everything, exc)
