"""Worked examples for the cheapest completion plan."""

from __future__ import annotations

from decimal import Decimal

from credstack.domain.pathways.plan import cheapest_plans
from tests.domain.pathways.builders import (
    AS_OF,
    ach,
    all_of,
    any_of,
    award,
    comp,
    credits,
    item,
    n_of,
    pathway,
)


def test_the_cheapest_plan_first_then_alternatives() -> None:
    p = pathway(all_of(ach("CORE"), n_of(1, ach("X"), ach("Y"), ach("Z"))))
    catalogue = [item("CORE", 100), item("X", 50), item("Y", 30), item("Z", 40)]
    plans = cheapest_plans(p, [award("core", "CORE")], catalogue, as_of=AS_OF)
    assert [(pl.achievements, pl.price) for pl in plans] == [
        (("Y",), Decimal(30)),
        (("Z",), Decimal(40)),
        (("X",), Decimal(50)),
    ]


def test_nothing_to_buy_when_met_and_no_plan_when_impossible() -> None:
    p = pathway(ach("A"))
    assert cheapest_plans(p, [award("a", "A")], [item("B", 1)], as_of=AS_OF)[0].achievements == ()
    assert cheapest_plans(p, [], [item("B", 1)], as_of=AS_OF) == []


def test_one_item_serving_two_requirements_beats_two_cheaper_items() -> None:
    p = pathway(all_of(comp("K1", 2), credits(4, tags={"x"})))
    catalogue = [item("BIG", 70, credits=4, tags={"x"}, comps={"K1": 2}), item("K", 40, comps={"K1": 3})]
    catalogue.append(item("C", 40, credits=4, tags={"x"}))
    plans = cheapest_plans(p, [], catalogue, as_of=AS_OF)
    assert plans[0].achievements == ("C", "K")  # one award counts once: BIG cannot serve both


def test_a_plan_through_a_shared_node_names_what_to_earn_and_pays_once() -> None:
    # Regression: awards placed under a shared node were left out of the plan (the plan "{Z}"
    # did not complete the pathway) and, counted twice, priced the true cheapest plan {X} out.
    p = pathway(all_of(any_of(ach("X"), ach("Y"), shared=True), any_of(ach("X"), ach("Z"))))
    plans = cheapest_plans(p, [], [item("X", 10), item("Y", 6), item("Z", 6)], as_of=AS_OF)
    assert (plans[0].achievements, plans[0].price) == (("X",), Decimal(10))
    assert (plans[1].achievements, plans[1].price) == (("Y", "Z"), Decimal(12))


def test_a_shared_leaf_alone() -> None:
    plans = cheapest_plans(pathway(all_of(ach("A", shared=True))), [], [item("A", 1)], as_of=AS_OF)
    assert plans[0].achievements == ("A",)


def test_unpriced_items_only_when_nothing_priced_will_do() -> None:
    p = pathway(any_of(ach("FREE?"), ach("PAID")))
    plans = cheapest_plans(p, [], [item("FREE?", None), item("PAID", 500)], as_of=AS_OF)
    assert plans[0].achievements == ("PAID",)
    only = cheapest_plans(pathway(ach("FREE?")), [], [item("FREE?", None)], as_of=AS_OF)
    assert only[0].achievements == ("FREE?",) and only[0].price is None


def test_by_credits_and_by_hours() -> None:
    p = pathway(any_of(ach("LONG"), ach("HEAVY")))
    catalogue = [item("LONG", 10, credits=2, hours=90), item("HEAVY", 10, credits=6, hours=20)]
    assert cheapest_plans(p, [], catalogue, as_of=AS_OF, metric="credits")[0].achievements == ("LONG",)
    assert cheapest_plans(p, [], catalogue, as_of=AS_OF, metric="hours")[0].achievements == ("HEAVY",)


def test_held_achievements_are_not_offered_again() -> None:
    # The catalogue is "achievements not yet earned": a held A with too low a result is not
    # re-offered, so no plan completes this pathway.
    p = pathway(ach("A", min_result=70))
    assert cheapest_plans(p, [award("a", "A", result=50)], [item("A", 10)], as_of=AS_OF) == []
