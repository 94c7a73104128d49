"""Property tests: the engine against a brute-force reference on small random pathways.

Random trees (depth at most 3; all / any / n_of over achievement, competency and credits leaves,
now and then with recency, a ``shared`` node, a waiver or a substitution) and random award sets
(at most 7 awards). Derandomised, so CI sees the same examples every run.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from credstack.domain.pathways.audit import NodeAudit, audit
from credstack.domain.pathways.eligibility import Exceptions
from credstack.domain.pathways.model import Award, Node, Pathway
from credstack.domain.pathways.plan import PLAN_PREFIX, CatalogueItem, cheapest_plans
from tests.domain.pathways import brute
from tests.domain.pathways.builders import (
    AS_OF,
    ach,
    all_of,
    any_of,
    comp,
    credits,
    exceptions,
    item,
    n_of,
    pathway,
    substitute,
    waive,
)

CODES = ["A", "B", "C", "D", "E"]
COMPETENCIES = ["K1", "K2"]
TAGS = ["x", "y"]
SEARCH_LIMIT = 20_000  # assignments the brute force may walk per example


def examples(n: int) -> settings:
    """Fixed and derandomised: the same ``n`` examples every run (the whole file takes ~40 s)."""
    return settings(
        max_examples=n,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


# ---- strategies ---------------------------------------------------------------------------


def _opts(draw: st.DrawFn, allow_shared: bool = True) -> dict[str, object]:
    opts: dict[str, object] = {}
    if draw(st.integers(0, 99)) >= 85:
        opts["within_months"] = draw(st.sampled_from([6, 12, 24]))
    if draw(st.integers(0, 99)) >= 90:
        opts["not_expired"] = True
    if allow_shared and draw(st.integers(0, 99)) >= 85:
        opts["shared"] = True
    return opts


@st.composite
def leaf(draw: st.DrawFn) -> Node:
    kind = draw(st.sampled_from(["achievement", "achievement", "competency", "credits"]))
    opts = _opts(draw)
    if kind == "achievement":
        minimum = draw(st.sampled_from([None, None, 50, 70]))
        return ach(draw(st.sampled_from(CODES)), minimum, **opts)
    if kind == "competency":
        return comp(draw(st.sampled_from(COMPETENCIES)), draw(st.integers(1, 3)), **opts)
    pool = draw(
        st.sampled_from(
            [
                {},
                {"tags": {"x"}},
                {"tags": {"y"}},
                {"achievements": {"A", "B", "C"}},
                {"min_level": 2},
            ]
        )
    )
    return credits(draw(st.integers(1, 8)), **pool, **opts)


@st.composite
def tree(draw: st.DrawFn, depth: int = 0) -> Node:
    if depth >= 3 or (depth > 0 and draw(st.integers(0, 2)) == 0):
        return draw(leaf())
    children = draw(st.lists(tree(depth + 1), min_size=1, max_size=3))
    kind = draw(st.sampled_from(["all", "any", "n_of"]))
    opts = _opts(draw, allow_shared=depth > 0)
    if kind == "all":
        return all_of(*children, **opts)
    if kind == "any":
        return any_of(*children, **opts)
    return n_of(draw(st.integers(0, len(children) + 1)), *children, **opts)


def _leaf_count(node: Node) -> int:
    return 1 if node.is_leaf else sum(_leaf_count(c) for c in node.children)


pathways = tree().filter(lambda n: _leaf_count(n) <= 6).map(pathway)


@st.composite
def one_award(draw: st.DrawFn, id: str) -> Award:
    earned = AS_OF - timedelta(days=draw(st.integers(-30, 1000)))
    expires = draw(st.sampled_from([None, None, AS_OF - timedelta(days=10), AS_OF + timedelta(days=300)]))
    return Award(
        id=id,
        achievement=draw(st.sampled_from(CODES)),
        credits=Decimal(draw(st.integers(0, 4))),
        level=draw(st.sampled_from([None, 1, 2, 3])),
        tags=frozenset(draw(st.sets(st.sampled_from(TAGS)))),
        result=draw(st.sampled_from([None, Decimal(40), Decimal(60), Decimal(80)])),
        earned=draw(st.sampled_from([earned, earned, earned, None])),
        expires=expires,
        competencies=tuple(
            sorted(
                draw(st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(1, 3), max_size=2)).items()
            )
        ),
    )


@st.composite
def award_sets(draw: st.DrawFn, max_size: int = 7) -> list[Award]:
    n = draw(st.integers(0, max_size))
    return [draw(one_award(f"a{i}")) for i in range(n)]


@st.composite
def decisions(draw: st.DrawFn, p: Pathway, awards: list[Award]) -> Exceptions:
    """Now and then a waiver of some node, or a substitution of some award at some leaf."""
    out = []
    nodes = [n.id for n in p.nodes()]
    leaf_ids = [n.id for n in p.nodes() if n.is_leaf]
    if draw(st.integers(0, 99)) >= 80:
        out.append(waive(draw(st.sampled_from(nodes))))
    if awards and draw(st.integers(0, 99)) >= 70:
        out.append(substitute(draw(st.sampled_from(awards)).id, draw(st.sampled_from(leaf_ids))))
    return exceptions(*out)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Pathway, list[Award], Exceptions]:
    p = draw(pathways)
    awards = draw(award_sets())
    exc = draw(decisions(p, awards))
    assume(brute.search_space(p, awards, AS_OF, exc) <= SEARCH_LIMIT)
    return p, awards, exc


# ---- (a) met agrees with brute force, (e) exhaustive --------------------------------------


@examples(800)
@given(cases())
def test_met_agrees_with_brute_force(case: tuple[Pathway, list[Award], Exceptions]) -> None:
    p, awards, exc = case
    result = audit(p, awards, as_of=AS_OF, exceptions=exc)
    witness = brute.brute_met(p, awards, AS_OF, exc)
    assert result.met == (witness is not None), (witness, result.assignment)
    assert result.exhaustive


# ---- (b) the engine's assignment is valid and explains every node ---------------------------


def _walk(node: NodeAudit) -> list[NodeAudit]:
    return [node, *(n for c in node.children for n in _walk(c))]


@examples(800)
@given(cases())
def test_assignment_is_valid(case: tuple[Pathway, list[Award], Exceptions]) -> None:
    """Met or not, the awards shown are a valid assignment (the progress placement of an unmet
    pathway too), every node shown met is met by them, and every other node says what is missing."""
    p, awards, exc = case
    result = audit(p, awards, as_of=AS_OF, exceptions=exc)
    assert brute.valid_assignment(p, awards, result.assignment, AS_OF, exc) == []
    by_id = {a.id: a for a in awards}
    placed = {leaf: tuple(by_id[i] for i in ids) for leaf, ids in result.assignment.items()}
    for node in _walk(result.root):
        assert (node.status == "met") == brute.tree_met(node.node, placed, exc), node.node.id
        assert (node.status == "met") != bool(node.missing), node.node.id
    assert (result.root.status == "met") == result.met


# ---- (c) monotone: one more award never unmeets a met pathway ------------------------------


@examples(500)
@given(cases(), one_award("extra"))
def test_more_awards_never_hurt(case: tuple[Pathway, list[Award], Exceptions], extra: Award) -> None:
    p, awards, exc = case
    before = audit(p, awards, as_of=AS_OF, exceptions=exc).met
    after = audit(p, [*awards, extra], as_of=AS_OF, exceptions=exc).met
    assert after or not before


# ---- (d) the cheapest plan completes the pathway and nothing cheaper does ------------------


@st.composite
def catalogues(draw: st.DrawFn) -> list[CatalogueItem]:
    codes = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=5))
    return [
        item(
            code,
            draw(st.integers(1, 20)),
            credits=draw(st.integers(0, 4)),
            tags=draw(st.sets(st.sampled_from(TAGS))),
            comps=draw(st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(1, 3), max_size=2)),
            level=draw(st.sampled_from([None, 1, 2, 3])),
        )
        for code in codes
    ]


def as_award(entry: CatalogueItem) -> Award:
    """A catalogue item once earned, as the plan assumes it will be (top result, earned today)."""
    return Award(
        id=f"{PLAN_PREFIX}{entry.achievement}",
        achievement=entry.achievement,
        credits=entry.credits,
        level=entry.level,
        kind=entry.kind,
        tags=entry.tags,
        result=Decimal(100),
        earned=AS_OF,
        competencies=entry.competencies,
        framework=entry.framework,
    )


@examples(700)
@given(pathways, award_sets(max_size=3), catalogues())
def test_cheapest_plan_is_exact(p: Pathway, awards: list[Award], catalogue: list[CatalogueItem]) -> None:
    held = {a.achievement for a in awards}
    offered = [c for c in catalogue if c.achievement not in held]  # "achievements not yet earned"
    subsets = [s for r in range(len(offered) + 1) for s in itertools.combinations(offered, r)]
    assume(max(brute.search_space(p, [*awards, *map(as_award, s)], AS_OF) for s in subsets) <= SEARCH_LIMIT)
    completing = [s for s in subsets if brute.plan_met(p, [*awards, *map(as_award, s)], AS_OF)]
    plans = cheapest_plans(p, awards, catalogue, as_of=AS_OF)
    if not completing:
        assert plans == []
        return
    best = min(sum((c.price or Decimal(0) for c in s), Decimal(0)) for s in completing)
    assert plans, f"no plan, but {best} would do"
    chosen = [c for c in offered if c.achievement in plans[0].achievements]
    assert brute.plan_met(p, [*awards, *map(as_award, chosen)], AS_OF), plans[0]
    assert plans[0].price == best
