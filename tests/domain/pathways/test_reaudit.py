"""``reaudit`` gives exactly ``audit(...).met`` for every learner and pathway."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credstack.domain.pathways import solver
from credstack.domain.pathways.audit import audit
from credstack.domain.pathways.model import Award, Pathway
from credstack.domain.pathways.reaudit import ReauditStats, reaudit
from tests.domain.pathways.builders import (
    AS_OF,
    ach,
    all_of,
    any_of,
    award,
    comp,
    credits,
    n_of,
    pathway,
)
from tests.domain.pathways.test_properties import award_sets, examples
from tests.domain.pathways.test_properties import pathways as random_pathways

CODES = [f"M{i}" for i in range(12)]


def pathways() -> list[Pathway]:
    return [
        pathway(all_of(ach("M0"), ach("M1", min_result=60), credits(6, tags={"data"})), id="P1"),
        pathway(
            all_of(
                n_of(2, ach("M2"), ach("M3"), comp("K1", 2), ach("M4", within_months=12)),
                any_of(credits(4, min_level=6), ach("M5")),
                within_months=36,
            ),
            id="P2",
        ),
        pathway(
            all_of(
                any_of(ach("M0"), ach("M6"), shared=True), ach("M0"), credits(3, maximum=4, tags={"cloud"})
            ),
            id="P3",
        ),
        pathway(
            all_of(ach("M7", not_expired=True), n_of(1, comp("K2", 3), credits(5)), not_expired=True), id="P4"
        ),
        pathway(n_of(3, *(ach(c) for c in CODES[:6]), credits(8, achievements={"M8", "M9", "M10"})), id="P5"),
    ]


def random_award(rng: random.Random, i: int) -> Award:
    code = rng.choice(CODES)
    n = int(code[1:])
    return award(
        f"w{i}",
        code,
        credits=n % 4 + 1,
        tags={"data"} if n % 3 == 0 else {"cloud"} if n % 3 == 1 else set(),
        comps={f"K{n % 3}": n % 4},
        result=rng.choice([None, 50, 60, 70]),
        level=n % 3 + 5,
        earned=AS_OF - timedelta(days=rng.choice([10, 200, 400, 800, 1200, 1500])),
        expires=rng.choice([None, AS_OF - timedelta(days=1), AS_OF + timedelta(days=30)]),
    )


def learners(n: int, seed: int = 3) -> dict[str, list[Award]]:
    rng = random.Random(seed)
    out: dict[str, list[Award]] = {}
    for k in range(n):
        if out and rng.random() < 0.3:  # the same profile again: new ids, same everything else
            twin = out[rng.choice(list(out))]
            out[f"L{k}"] = [Award(**{**a.__dict__, "id": f"t{k}-{a.id}"}) for a in twin]
        else:
            out[f"L{k}"] = [random_award(rng, i) for i in range(rng.randint(0, 9))]
    return out


def expected(ps: list[Pathway], people: dict[str, list[Award]]) -> dict[tuple[str, str], bool]:
    return {(name, p.id): audit(p, held, as_of=AS_OF).met for name, held in people.items() for p in ps}


def test_reaudit_matches_audit_on_random_learners() -> None:
    ps, people = pathways(), learners(400)
    stats = ReauditStats()
    got = reaudit(ps, people, AS_OF, processes=1, stats=stats)
    assert got == expected(ps, people)
    assert stats.pairs == 400 * len(ps)
    assert stats.profiles < stats.pairs  # twins and look-alikes came from the memo
    assert stats.unmeetable + stats.placed + stats.searched + stats.programmed == stats.profiles
    assert stats.unmeetable > 0 and stats.placed > 0 and stats.searched > 0
    assert 0 < sum(got.values()) < len(got)


def test_order_of_awards_and_recency_boundaries() -> None:
    ps = pathways()
    m2, m5 = award("a", "M2", earned=AS_OF - timedelta(days=30)), award("c", "M5")
    base = [m2, award("b", "M4", earned=AS_OF.replace(year=2024)), m5]  # M4 within 12 months, just
    people = {
        "in": base,
        "reversed": base[::-1],
        "a day too old": [m2, award("b", "M4", earned=AS_OF.replace(year=2024) - timedelta(days=1)), m5],
        "expired": [award("m", "M7", expires=AS_OF - timedelta(days=1)), award("k", "X", comps={"K2": 3})],
        "expires today": [award("m", "M7", expires=AS_OF), award("k", "X", comps={"K2": 3})],
    }
    got = reaudit(ps, people, AS_OF, processes=1)
    assert got == expected(ps, people)
    assert got["in", "P2"] and not got["a day too old", "P2"]
    assert got["expires today", "P4"] and not got["expired", "P4"]


def test_crowded_profiles_follow_the_audit() -> None:
    crowd = [award(f"a{i}", f"A{i}", credits=1, tags={"x"}) for i in range(30)]
    leaves = [ach(f"A{i}") for i in range(11)]
    ps = [
        pathway(all_of(*leaves, credits(2, tags={"x"})), id="placed"),
        pathway(all_of(any_of(ach("A0"), ach("Q")), *leaves, credits(2, tags={"x"})), id="searched"),
    ]
    people = {"crowd": crowd, "crowd+q": [*crowd, award("q", "Q")]}
    got = reaudit(ps, people, AS_OF, processes=1)
    assert got == expected(ps, people)
    assert got["crowd", "placed"] and got["crowd+q", "searched"]  # the second by the search


def test_past_the_search_budget_the_integer_programme_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    ps, people = pathways(), learners(150, seed=5)
    want = expected(ps, people)
    monkeypatch.setattr(solver, "SEARCH_BUDGET", 0)
    stats = ReauditStats()
    assert reaudit(ps, people, AS_OF, processes=1, stats=stats) == want
    assert stats.programmed > 0 and stats.searched == 0


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_across_processes_with_progress() -> None:
    ps, people = pathways(), learners(4500, seed=11)
    seen: list[int] = []
    got = reaudit(ps, people, AS_OF, seen.append, processes=2)
    assert sum(seen) == len(people) and len(seen) == 3
    assert got == reaudit(ps, people, AS_OF, processes=1)


def test_nothing_to_do() -> None:
    assert reaudit(pathways(), {}, AS_OF) == {}
    assert reaudit([], {"L": [award("a", "M0")]}, AS_OF) == {}
    assert reaudit(pathways(), {"L": []}, AS_OF) == {("L", p.id): False for p in pathways()}


def test_credits_matter_only_where_a_pool_can_use_them() -> None:
    p = pathway(all_of(ach("M0"), credits(Decimal("2.5"), tags={"data"})), id="P")
    people = {
        "enough": [award("a", "M0"), award("b", "M3", credits="2.5", tags={"data"})],
        "short": [award("a", "M0"), award("b", "M3", credits="2.4", tags={"data"})],
        "untagged": [award("a", "M0", credits=9), award("b", "M3", credits="2.4", tags={"data"})],
    }
    got = reaudit([p], people, AS_OF, processes=1)
    assert got == {("enough", "P"): True, ("short", "P"): False, ("untagged", "P"): False}


def test_the_pathways_own_award_never_counts() -> None:
    p = pathway(all_of(credits(5), ach("M0")), id="P", awards="CERT")
    own = award("x", "CERT", credits=16)
    people = {"own": [own, award("a", "M0")], "other": [award("y", "M1", credits=6), award("a", "M0")]}
    got = reaudit([p], people, AS_OF, processes=1)
    assert got == expected([p], people) == {("own", "P"): False, ("other", "P"): True}


def test_order_and_surplus_copies_do_not_change_the_verdict() -> None:
    # The key is the sorted tokens, each kept only as often as it can count: the same verdicts
    # as the audit of every learner, with fewer profiles decided.
    p = pathway(
        all_of(ach("M0"), ach("M0"), credits(3, tags={"data"}), n_of(1, ach("M1"), comp("K1", 2))), id="P"
    )
    base = [award("a", "M0"), award("b", "M0"), award("c", "M3", credits=1, tags={"data"}), award("d", "M1")]
    people = {
        "base": base,
        "reversed": base[::-1],
        "more M0": [*base, award("e", "M0"), award("f", "M0")],
        "two credits short": [a for a in base if a.id != "c"],
        "credits in ones": [*base, *(award(f"c{i}", "M3", credits=1, tags={"data"}) for i in range(6))],
    }
    stats = ReauditStats()
    got = reaudit([p], people, AS_OF, processes=1, stats=stats)
    assert got == expected([p], people)
    # "reversed" is "base", and so is "more M0": two M0 fill the two leaves, more cannot count
    assert stats.profiles == 3
    assert got["credits in ones", "P"] and not got["base", "P"]


@examples(300)
@given(random_pathways, st.lists(award_sets(max_size=8), min_size=1, max_size=4), st.data())
def test_reaudit_is_the_audit_on_random_pathways(
    p: Pathway, transcripts: list[list[Award]], data: st.DataObject
) -> None:
    """Random trees (recency, shared nodes, pools) and learners, some holding copies of an
    award (new ids) or the pathway's own award."""
    people: dict[str, list[Award]] = {}
    for k, held in enumerate(transcripts):
        copies = [
            Award(**{**a.__dict__, "id": f"{a.id}-copy{c}"})
            for a in held
            for c in range(data.draw(st.integers(0, 2)))
        ]
        if data.draw(st.booleans()):
            copies.append(award("own", p.awards, credits=4, tags={"x", "y"}, level=3))
        people[f"L{k}"] = data.draw(st.permutations([*held, *copies]))
    assert reaudit([p], people, AS_OF, processes=1) == expected([p], people)
