"""Worked examples: one audit per node type and rule, read like the pathway's own sentences."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from credstack.domain.pathways.audit import Audit, NodeAudit, audit
from credstack.domain.pathways.model import Award, Pathway
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
    sub_pathway,
    substitute,
    waive,
)
from tests.domain.pathways.greedy import greedy_met


def run(p: Pathway, *awards: Award, **kwargs: object) -> Audit:
    return audit(p, list(awards), as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def node(result: Audit, node_id: str) -> NodeAudit:
    def find(n: NodeAudit) -> NodeAudit | None:
        if n.node.id == node_id:
            return n
        return next((f for c in n.children if (f := find(c)) is not None), None)

    found = find(result.root)
    assert found is not None, node_id
    return found


# ---- leaves ----------------------------------------------------------------------------------


def test_achievement_leaf_met_by_the_award_of_that_achievement() -> None:
    result = run(pathway(ach("DATA-101")), award("a1", "DATA-101"), award("a2", "SQL-101"))
    assert result.met
    assert result.root.status == "met"
    assert result.assignment == {"r": ["a1"]}
    assert result.unused == ("a2",)


def test_missing_achievement_says_what_is_needed() -> None:
    result = run(pathway(ach("DATA-101")), award("a2", "SQL-101"))
    assert not result.met
    assert result.root.status == "not_started"
    assert result.root.missing == "needs DATA-101"


def test_min_result() -> None:
    p = pathway(ach("DATA-101", min_result=70))
    assert not run(p, award("a1", "DATA-101", result=65)).met
    assert not run(p, award("a1", "DATA-101")).met  # no result recorded
    assert run(p, award("a1", "DATA-101", result=70)).met
    assert run(p, award("a1", "DATA-101", result=65)).root.missing == (
        "needs DATA-101 with a result of at least 70"
    )


def test_min_result_picks_the_award_that_reaches_it() -> None:
    result = run(
        pathway(ach("DATA-101", min_result=70)),
        award("first", "DATA-101", result=55),
        award("resit", "DATA-101", result=81),
    )
    assert result.assignment == {"r": ["resit"]}


def test_competency_leaf_needs_the_level() -> None:
    p = pathway(comp("K-SQL", 2))
    assert not run(p, award("a1", "SQL-101", comps={"K-SQL": 1})).met
    assert run(p, award("a1", "SQL-101", comps={"K-SQL": 3})).met
    assert run(p, award("a1", "SQL-101", comps={"K-PY": 3})).root.missing == (
        "needs competency K-SQL at level 2 or above"
    )


def test_sub_pathway_leaf_is_met_by_the_stacked_award() -> None:
    p = pathway(all_of(sub_pathway("CERT-DATA"), ach("CAPSTONE")))
    assert run(p, award("c", "CERT-DATA", kind="certificate"), award("k", "CAPSTONE")).met
    assert node(run(p, award("k", "CAPSTONE")), "r.0").missing == "needs the award of pathway CERT-DATA"


# ---- credits pools ---------------------------------------------------------------------------


def test_credits_pool_met_in_progress_and_not_started() -> None:
    p = pathway(credits(6, tags={"data"}))
    met = run(p, award("a1", "A", credits=4, tags={"data"}), award("a2", "B", credits=3, tags={"data"}))
    assert met.met and met.root.credits_done == 7 and met.credits_to_go == 0
    partial = run(p, award("a1", "A", credits=4, tags={"data"}), award("a3", "C", credits=5, tags={"art"}))
    assert partial.root.status == "in_progress"
    assert partial.root.missing == "2 more credits from the pool"
    assert partial.root.credits_done == 4
    assert partial.credits_done == 4 and partial.credits_to_go == 2
    none = run(p, award("a3", "C", credits=5, tags={"art"}))
    assert none.root.status == "not_started"
    assert none.credits_to_go == 6


def test_credits_cap_limits_what_counts() -> None:
    p = pathway(credits(3, maximum=5, tags={"data"}))
    result = run(p, award("a1", "A", credits=4, tags={"data"}), award("a2", "B", credits=4, tags={"data"}))
    assert result.met
    assert result.root.credits_done == 4  # one 4-credit award meets the minimum: the way is minimal
    big = run(p, award("a1", "A", credits=8, tags={"data"}))
    assert big.root.credits_done == 5
    assert big.root.as_json()["credits"] == {"done": 5.0, "required": 3.0}


@pytest.mark.parametrize(
    ("pool", "admitted"),
    [
        ({"achievements": {"A", "B"}}, {"a", "b"}),
        ({"levels": {5}}, {"b"}),
        ({"min_level": 5}, {"b", "c"}),
        ({"frameworks": {"AQF"}}, {"c"}),
        ({"kinds": {"transfer"}}, {"c"}),
        ({"tags": {"x"}, "min_level": 5}, {"b"}),  # every given criterion must hold
    ],
)
def test_pool_criteria(pool: dict[str, object], admitted: set[str]) -> None:
    awards = [
        award("a", "A", credits=1, level=4, tags={"x"}),
        award("b", "B", credits=1, level=5, tags={"x"}),
        award("c", "C", credits=1, level=6, framework="AQF", kind="transfer"),
    ]
    result = run(pathway(credits(len(admitted), **pool)), *awards)  # type: ignore[arg-type]
    assert result.met
    assert set(result.assignment["r"]) == admitted


def test_awards_without_credits_do_not_fill_a_pool() -> None:
    result = run(pathway(credits(1)), award("a", "A", credits=0))
    assert not result.met


# ---- combinators -----------------------------------------------------------------------------


def test_all_of_says_how_many_are_left() -> None:
    p = pathway(all_of(ach("A"), ach("B"), ach("C")))
    result = run(p, award("a", "A"))
    assert result.root.status == "in_progress"
    assert result.root.missing == "2 of 3 still to meet"
    assert [c.status for c in result.root.children] == ["met", "not_started", "not_started"]


def test_any_of() -> None:
    p = pathway(any_of(ach("A"), ach("B")))
    assert run(p, award("b", "B")).assignment == {"r.1": ["b"]}
    assert run(p, award("c", "C")).root.missing == "needs 1 more of 2"


def test_n_of() -> None:
    p = pathway(n_of(2, ach("A"), comp("K1"), ach("B")))
    assert not run(p, award("a", "A")).met
    assert run(p, award("a", "A")).root.missing == "needs 1 more of 3"
    assert run(p, award("a", "A"), award("x", "X", comps={"K1": 1})).met
    assert run(p, award("a", "A"), award("b", "B")).met
    assert p.root.describe() == "2 of 3"


def test_n_of_more_than_its_children_is_never_met() -> None:
    p = pathway(n_of(3, ach("A"), ach("B")))
    assert not run(p, award("a", "A"), award("b", "B")).met


def test_nested_statuses() -> None:
    p = pathway(all_of(all_of(ach("A"), ach("B")), any_of(ach("C"), credits(3, tags={"x"}))))
    result = run(p, award("a", "A"), award("y", "Y", credits=2, tags={"x"}))
    assert result.root.status == "in_progress"
    assert node(result, "r.0").status == "in_progress"
    assert node(result, "r.1").status == "in_progress"  # a credits pool part-filled
    assert node(result, "r.1.1").missing == "1 more credits from the pool"
    assert result.credits_to_go == 1


# ---- one award counts once, except under shared nodes --------------------------------------


def test_an_award_counts_once_per_pathway() -> None:
    p = pathway(all_of(ach("A"), credits(3, tags={"x"})))
    one = award("a", "A", credits=3, tags={"x"})
    assert not run(p, one).met
    assert run(p, one, award("b", "B", credits=3, tags={"x"})).met


def test_an_award_under_a_shared_node_may_count_elsewhere_too() -> None:
    p = pathway(all_of(ach("A", shared=True), credits(3, tags={"x"})))
    result = run(p, award("a", "A", credits=3, tags={"x"}))
    assert result.met
    assert result.assignment == {"r.0": ["a"], "r.1": ["a"]}


def test_inside_a_shared_node_an_award_still_counts_once() -> None:
    p = pathway(all_of(all_of(ach("A"), credits(3, tags={"x"}), shared=True), ach("B")))
    result = run(p, award("a", "A", credits=3, tags={"x"}), award("b", "B"))
    assert not result.met
    assert result.root.status != "met"  # the progress shown agrees with the verdict
    assert brute.brute_met(p, [award("a", "A", credits=3, tags={"x"}), award("b", "B")], AS_OF) is None


def test_two_shared_nodes_may_use_the_same_award() -> None:
    p = pathway(all_of(any_of(ach("A"), ach("B"), shared=True), any_of(ach("A"), ach("C"), shared=True)))
    assert run(p, award("a", "A")).met


# ---- recency -----------------------------------------------------------------------------------


def test_within_months_is_inherited_from_an_ancestor() -> None:
    p = pathway(all_of(any_of(ach("A"), ach("B")), within_months=12))
    assert not run(p, award("old", "A", earned=date(2024, 5, 1))).met
    assert run(p, award("new", "A", earned=date(2024, 7, 1))).met
    assert run(p, award("edge", "A", earned=date(2024, 6, 30))).met  # exactly 12 months


def test_the_strictest_recency_on_the_path_wins() -> None:
    p = pathway(all_of(ach("A", within_months=24), within_months=6))
    assert not run(p, award("a", "A", earned=date(2024, 1, 1))).met
    p = pathway(all_of(ach("A", within_months=6), within_months=24))
    assert not run(p, award("a", "A", earned=date(2024, 1, 1))).met


def test_recency_needs_an_earned_date() -> None:
    assert not run(pathway(ach("A", within_months=12)), award("a", "A", earned=None)).met


def test_recency_chooses_the_recent_award() -> None:
    p = pathway(all_of(ach("A"), any_of(ach("A", within_months=6))))
    result = run(p, award("new", "A", earned=date(2025, 5, 1)), award("old", "A", earned=date(2019, 1, 1)))
    assert result.met
    assert result.assignment == {"r.0": ["old"], "r.1.0": ["new"]}


def test_not_expired_is_inherited_and_only_applies_where_asked() -> None:
    expired = award("a", "A", expires=date(2025, 1, 1))
    assert run(pathway(all_of(ach("A"))), expired).met
    assert not run(pathway(all_of(all_of(ach("A")), not_expired=True)), expired).met
    assert run(pathway(all_of(ach("A"), not_expired=True)), award("a", "A", expires=AS_OF)).met


# ---- registrar exceptions ------------------------------------------------------------------


def test_waiver_is_shown_with_who_and_why() -> None:
    p = pathway(all_of(ach("A"), ach("B")))
    exc = exceptions(waive("r.1", by="Dr Okafor (registrar)", reason="RPL portfolio 2025-14"))
    result = run(p, award("a", "A"), exceptions=exc)
    assert result.met
    assert node(result, "r.1").exception == "waived by Dr Okafor (registrar): RPL portfolio 2025-14"
    assert node(result, "r.1").awards == ()
    assert result.root.as_json()["children"][1]["exception"].startswith("waived by Dr Okafor")


def test_waiving_a_whole_branch() -> None:
    p = pathway(all_of(ach("A"), all_of(ach("B"), credits(6))))
    assert run(p, award("a", "A"), exceptions=exceptions(waive("r.1"))).met


def test_substitution_is_shown_with_who_and_why() -> None:
    p = pathway(all_of(ach("A"), ach("B")))
    exc = exceptions(substitute("ext", "r.1", by="J. Singh", reason="articulation AG-7"))
    result = run(p, award("a", "A"), award("ext", "UNI-200", kind="transfer"), exceptions=exc)
    assert result.met
    assert result.assignment["r.1"] == ["ext"]
    assert node(result, "r.1").exception == "ext substituted by J. Singh: articulation AG-7"


def test_substitution_stands_whatever_the_recency() -> None:
    p = pathway(ach("A", within_months=6))
    old = award("old", "OLD-A", earned=date(2015, 1, 1))
    assert run(p, old, exceptions=exceptions(substitute("old", "r"))).met


def test_a_substituted_award_still_counts_once() -> None:
    p = pathway(all_of(ach("A"), ach("B")))
    assert not run(p, award("a", "A"), exceptions=exceptions(substitute("a", "r.1"))).met


# ---- credits done and to go ----------------------------------------------------------------


def test_credits_done_and_to_go() -> None:
    p = pathway(all_of(ach("CORE"), credits(10, tags={"elective"}), credits(4, tags={"project"})))
    result = run(
        p,
        award("core", "CORE", credits=5),
        award("e1", "E1", credits=3, tags={"elective"}),
        award("e2", "E2", credits=3, tags={"elective"}),
    )
    assert result.credits_done == 11  # every award the audit used
    assert result.credits_to_go == 4 + 4
    assert result.as_json()["credits"] == {"done": 11.0, "to_go": 8.0}


def test_a_met_pathway_has_no_credits_to_go() -> None:
    # Regression: a credits pool in an unneeded branch of a met ``any`` used to count as still to go.
    result = run(pathway(any_of(ach("A"), credits(6, tags={"x"}))), award("a", "A"))
    assert result.met
    assert result.credits_to_go == 0


# ---- the search, not a greedy pass ----------------------------------------------------------


def test_greedy_fails_where_the_engine_finds_the_assignment() -> None:
    # The credits pool comes first and its first candidate is the only award of A.
    p = pathway(all_of(credits(3, tags={"x"}), ach("A")))
    awards = [award("a", "A", credits=3, tags={"x"}), award("b", "B", credits=3, tags={"x"})]
    assert not greedy_met(p, awards, AS_OF)
    result = audit(p, awards, as_of=AS_OF)
    assert result.met and result.exhaustive
    assert result.assignment == {"r.0": ["b"], "r.1": ["a"]}
    assert brute.valid_assignment(p, awards, result.assignment, AS_OF) == []


def test_greedy_fails_on_an_n_of_where_the_engine_does_not() -> None:
    # Greedy lets the competency take the only K-award that is also the only A.
    p = pathway(all_of(n_of(1, comp("K1"), ach("B")), ach("A")))
    awards = [award("a", "A", comps={"K1": 2}), award("b", "B")]
    assert not greedy_met(p, awards, AS_OF)
    result = audit(p, awards, as_of=AS_OF)
    assert result.met
    assert brute.valid_assignment(p, awards, result.assignment, AS_OF) == []


def _crowded_pool() -> tuple[Pathway, list[Award]]:
    """Eleven achievements each held once, a 2-credit pool that all 30 one-credit awards fit:
    435 minimal pairs, which the search never lists (it fills a pool last, from what is free)."""
    root = all_of(any_of(ach("A0"), ach("Q")), *(ach(f"A{i}") for i in range(11)), credits(2, tags={"x"}))
    awards = [award(f"a{i}", f"A{i}", credits=1, tags={"x"}) for i in range(30)]
    return pathway(root), [*awards, award("q", "Q")]


def test_a_crowded_pool_is_decided_exactly() -> None:
    p, awards = _crowded_pool()
    witness = {f"r.{i + 1}": [f"a{i}"] for i in range(11)} | {"r.0.1": ["q"], "r.12": ["a11", "a12"]}
    assert brute.valid_assignment(p, awards, witness, AS_OF) == []
    assert brute.tree_met(
        p.root, {k: tuple(a for a in awards if a.id in v) for k, v in witness.items()}, exceptions()
    )
    result = audit(p, awards, as_of=AS_OF)  # the placement spends a0 twice over; the search decides
    assert result.met and result.exhaustive and result.decided_by == "search"
    assert brute.valid_assignment(p, awards, result.assignment, AS_OF) == []


def test_a_crowded_pool_is_still_met() -> None:
    p, awards = _crowded_pool()
    assert audit(p, awards, as_of=AS_OF).met


def _three_pools() -> tuple[Pathway, list[Award], dict[str, list[str]]]:
    """A certificate-sized pathway and a 14-award transcript (shrunk from the benchmark's
    population), with an assignment that meets it."""
    p = pathway(
        all_of(
            n_of(2, ach("MC-11"), ach("MC-16"), credits(6, tags={"cloud"})),
            credits(9, tags={"data"}),
            credits(6, min_level=6),
            credits(12, tags={"security"}),
            ach("MC-05"),
        )
    )
    awards = [
        award("w6", "MC-04", credits=3, level=4, tags={"data"}),
        award("w8", "MC-08", credits=5, level=6, tags={"business", "security"}),
        award("w9", "MC-20", credits=1, level=4, tags={"data"}),
        award("w10", "MC-16", credits=3, level=4, tags={"cloud"}),
        award("w14", "MC-03", credits=6, level=4, tags={"cloud", "security"}),
        award("w16", "MC-02", credits=3, level=5, tags={"security"}),
        award("w17", "MC-30", credits=4, level=7, tags={"business"}),
        award("w18", "MC-05", credits=5, level=5, tags={"data"}),
        award("w21", "MC-18", credits=4, level=6, tags={"business"}),
        award("w22", "MC-07", credits=1, level=7, tags={"data", "software"}),
        award("w23", "MC-09", credits=3, level=7, tags={"data", "security"}),
        award("w24", "MC-11", credits=1, level=7, tags={"business", "data"}),
        award("w25", "MC-01", credits=2, level=4, tags={"data"}),
        award("w26", "MC-11", credits=1, level=7, tags={"business", "data"}),
    ]
    witness = {
        "r.0.0": ["w24"],
        "r.0.1": ["w10"],
        "r.1": ["w6", "w9", "w22", "w23", "w25"],
        "r.2": ["w17", "w21"],
        "r.3": ["w8", "w14", "w16"],
        "r.4": ["w18"],
    }
    return p, awards, witness


def test_three_pools_can_be_met_and_the_search_finds_how() -> None:
    p, awards, witness = _three_pools()
    by_id = {a.id: a for a in awards}
    assert brute.valid_assignment(p, awards, witness, AS_OF) == []
    assert brute.tree_met(p.root, {k: tuple(by_id[i] for i in v) for k, v in witness.items()}, exceptions())
    result = audit(p, awards, as_of=AS_OF)  # the progress placement falls short; the search decides
    assert result.met and result.exhaustive and result.decided_by == "search"
    assert brute.valid_assignment(p, awards, result.assignment, AS_OF) == []


def test_three_pools_are_met() -> None:
    p, awards, _ = _three_pools()
    assert audit(p, awards, as_of=AS_OF).met


def test_a_progress_placement_that_meets_the_tree_decides() -> None:
    root = all_of(*(ach(f"A{i}") for i in range(11)), credits(2, tags={"x"}))
    awards = [award(f"a{i}", f"A{i}", credits=1, tags={"x"}) for i in range(30)]
    result = audit(pathway(root), awards, as_of=AS_OF)
    assert result.met and result.root.status == "met" and result.decided_by == "placement"
    assert brute.valid_assignment(pathway(root), awards, result.assignment, AS_OF) == []


# ---- the report --------------------------------------------------------------------------------


def test_as_json_explains_every_node() -> None:
    p = pathway(all_of(ach("A"), credits(3, tags={"x"})), id="P-DATA", awards="CERT-DATA")
    out = run(p, award("a", "A", credits=Decimal(2), tags={"x"})).as_json()
    assert out["pathway"] == "P-DATA" and out["awards"] == "CERT-DATA" and out["met"] is False
    assert out["as_of"] == "2025-06-30"
    assert out["tree"]["children"][0] == {
        "id": "r.0",
        "type": "achievement",
        "label": "A",
        "status": "met",
        "awards": ["a"],
    }
    assert out["tree"]["children"][1]["missing"] == "3 more credits from the pool"
