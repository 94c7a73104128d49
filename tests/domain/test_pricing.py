"""Pricing rules: each model's price of a plan, discounts, rounding, the cheapest marked, and
order status changes; with property tests for the rules that hold for any prices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credstack.domain.errors import InvalidInput, InvalidTransition
from credstack.domain.pricing import (
    Discount,
    Item,
    ModelKind,
    OrderStatus,
    PriceModel,
    Tier,
    check_transition,
    draft_order,
    quote,
    round_money,
)

D = Decimal
TODAY = date(2026, 11, 28)
NEEDED = (
    Item("MC-1", "One", D("390.00"), D(40)),
    Item("MC-2", "Two", D("450.00"), D(50)),
)
PER_MODULE = PriceModel("modules", ModelKind.PER_MODULE, "Per module", "EUR")
BUNDLE = PriceModel(
    "bundle", ModelKind.BUNDLE, "Bundle", "EUR", D("700.00"), pathway="P", includes=("MC-1", "MC-2", "MC-3")
)
SUBSCRIPTION = PriceModel(
    "monthly", ModelKind.SUBSCRIPTION, "Monthly", "EUR", D("99.00"), hours_per_month=D(20)
)
SEAT = PriceModel("seat", ModelKind.SEAT, "Seat", "EUR", D("650.00"), tier=Tier.EMPLOYER)
MODELS = (PER_MODULE, BUNDLE, SUBSCRIPTION, SEAT)


def q(**kw):
    args = {"needed": NEEDED, "models": MODELS, "currency": "EUR", "as_of": TODAY, "pathway": "P"} | kw
    return quote(**args)


def test_each_model_prices_the_plan_and_the_cheapest_is_marked():
    result = q()
    totals = {o.model.code: o.total for o in result.options}
    # 90 hours at 20 a month: 5 months (rounded up) at 99
    assert totals == {"modules": D("840.00"), "bundle": D("700.00"), "monthly": D("495.00")}
    assert result.option("monthly").note.startswith("5 months")
    assert result.cheapest.model.code == "monthly"
    assert [o.cheapest for o in result.options] == [False, False, True]


def test_the_seat_price_is_for_employers_and_prices_every_seat():
    result = q(tier=Tier.EMPLOYER, seats=10)
    assert result.option("seat").total == D("6500.00")
    assert result.option("modules").total == D("8400.00")
    assert result.cheapest.model.code == "monthly"  # 4950
    with pytest.raises(InvalidInput, match="seats"):
        q(seats=3)


def test_a_model_that_cannot_price_the_plan_says_why():
    result = q(needed=(*NEEDED, Item("MC-9", "Nine", None, None)))
    assert result.option("modules").reason == "MC-9 has no price"
    assert "does not include MC-9" in result.option("bundle").reason
    assert "no expected hours for MC-9" in result.option("monthly").reason
    assert result.cheapest is None


def test_module_prices_of_a_tier_replace_the_catalogue_price():
    employer = PriceModel("emp", ModelKind.PER_MODULE, "Employer modules", "EUR", tier=Tier.EMPLOYER,
                          module_prices=(("MC-1", D("300.00")),))  # fmt: skip
    result = q(models=(PER_MODULE, employer), tier=Tier.EMPLOYER)
    assert result.option("emp").total == D("750.00")
    assert q(models=(PER_MODULE, employer)).option("emp") is None  # not for individuals


def test_ties_go_to_the_stable_order_kind_then_code():
    same = PriceModel(
        "a-bundle", ModelKind.BUNDLE, "B", "EUR", D("840.00"), pathway="P", includes=("MC-1", "MC-2")
    )
    result = q(models=(same, PER_MODULE))
    assert result.cheapest.model.code == "modules"  # per-module comes before bundle


def test_discounts_one_per_line_the_largest_within_period_model_and_code():
    ten = Discount("TEN", "Ten percent", percent=D(10))
    fifty = Discount(
        "FIFTY", "Fifty off modules", amount=D(50), currency="EUR", applies_to=ModelKind.PER_MODULE
    )
    promo = Discount("SPRING", "Spring", percent=D(30), promo_code="spring26", valid_until=date(2026, 12, 31))
    old = Discount("OLD", "Expired", percent=D(90), valid_until=date(2026, 1, 1))
    result = q(discounts=(ten, fifty, promo, old))
    lines = result.option("modules").lines
    assert [(ln.discount, ln.discount_code) for ln in lines] == [(D("50.00"), "FIFTY"), (D("50.00"), "FIFTY")]
    assert result.option("bundle").lines[0].discount == D("70.00")  # TEN: FIFTY is modules only
    with_code = q(discounts=(ten, fifty, promo, old), promo="SPRING26")
    assert with_code.option("bundle").lines[0].discount_code == "SPRING"
    assert with_code.option("modules").total == D("588.00")  # 30% off each line


def test_money_rounds_half_up_to_the_minor_unit():
    assert round_money(D("2.345"), "EUR") == D("2.35")
    assert round_money(D("2.344"), "EUR") == D("2.34")
    assert round_money(D("1234.5"), "JPY") == D("1235")
    assert round_money(D("1.2345"), "KWD") == D("1.235")


def test_bad_models_and_discounts_name_the_field():
    with pytest.raises(InvalidInput) as e:
        PriceModel("x y", ModelKind.SEAT, "", "eur", D("-1")).check()
    fields = {p.location for p in e.value.problems}
    assert {"code", "name", "currency", "amount", "tier"} <= fields
    with pytest.raises(InvalidInput, match="hours_per_month"):
        PriceModel("s", ModelKind.SUBSCRIPTION, "S", "EUR", D(10)).check()
    with pytest.raises(InvalidInput, match="decimal places"):
        PriceModel("s", ModelKind.BUNDLE, "S", "EUR", D("10.001"), pathway="P", includes=("A",)).check()
    with pytest.raises(InvalidInput, match="percent"):
        Discount("d", "D", percent=D(10), amount=D(5), currency="EUR").check()
    with pytest.raises(InvalidInput, match="valid_until"):
        Discount("d", "D", percent=D(101), valid_from=TODAY, valid_until=date(2026, 1, 1)).check()


def test_order_statuses_move_only_forward():
    check_transition(OrderStatus.PLACED, OrderStatus.PAID)
    check_transition(OrderStatus.PAID, OrderStatus.REFUNDED)
    with pytest.raises(InvalidTransition, match="cannot become paid"):
        check_transition(OrderStatus.CANCELLED, OrderStatus.PAID)
    with pytest.raises(InvalidTransition):
        check_transition(OrderStatus.REFUNDED, OrderStatus.PAID)


def test_an_order_takes_the_lines_of_the_option_chosen():
    result = q(discounts=(Discount("TEN", "Ten", percent=D(10)),))
    draft = draft_order(result, "bundle", buyer_kind="learner", buyer="ada@example.org", pathway="P")
    assert draft.total == D("630.00") and draft.model_kind is ModelKind.BUNDLE
    with pytest.raises(InvalidInput, match="not a price model of this quote"):
        draft_order(result, "seat", buyer_kind="learner", buyer="a", pathway="P")
    missing = q(needed=(*NEEDED, Item("MC-9", "Nine", D(1), None)))
    with pytest.raises(InvalidInput, match="does not apply"):
        draft_order(missing, "monthly", buyer_kind="learner", buyer="a", pathway="P")


# ---- properties

amounts = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
hours = st.one_of(st.none(), st.integers(min_value=0, max_value=400).map(Decimal))
items = st.lists(
    st.builds(
        Item, st.sampled_from(["A", "B", "C", "D", "E"]), st.just("x"), st.one_of(st.none(), amounts), hours
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda i: i.code,
)
models = st.lists(
    st.one_of(
        st.builds(lambda: PER_MODULE),
        st.builds(
            lambda code, a, inc: PriceModel(code, ModelKind.BUNDLE, "b", "EUR", a, pathway="P", includes=tuple(inc)),
            st.sampled_from(["b1", "b2"]), amounts, st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), unique=True),
        ),
        st.builds(
            lambda code, a, pace: PriceModel(code, ModelKind.SUBSCRIPTION, "s", "EUR", a, hours_per_month=pace),
            st.sampled_from(["s1", "s2"]), amounts, st.integers(min_value=1, max_value=200).map(Decimal),
        ),
    ),
    max_size=5,
    unique_by=lambda m: m.code,
)  # fmt: skip
percents = st.decimals(min_value=D("0.01"), max_value=100, places=2)
discount_lists = st.lists(
    st.one_of(
        st.builds(lambda c, p: Discount(c, "d", percent=p), st.sampled_from(["d1", "d2", "d3"]), percents),
        st.builds(
            lambda c, a: Discount(c, "d", amount=a, currency="EUR"),
            st.sampled_from(["f1", "f2"]),
            amounts.filter(lambda a: a > 0),
        ),
    ),
    max_size=4,
    unique_by=lambda d: d.code,
)


@given(items, models, discount_lists)
def test_the_marked_quote_is_never_more_than_any_other(needed, ms, ds):
    result = quote(needed=needed, models=ms, discounts=ds, currency="EUR", as_of=TODAY, pathway="P")
    priced = [o for o in result.options if o.total is not None]
    assert (result.cheapest is None) == (not priced)
    if result.cheapest is not None:
        assert sum(o.cheapest for o in result.options) == 1
        assert all(result.cheapest.total <= o.total for o in priced)
        first = next(o for o in priced if o.total == result.cheapest.total)
        assert first is result.cheapest  # ties: the first in the stable order


@given(items, models, discount_lists)
def test_discounts_never_make_a_total_negative(needed, ms, ds):
    result = quote(needed=needed, models=ms, discounts=ds, currency="EUR", as_of=TODAY, pathway="P")
    for option in result.options:
        for line in option.lines:
            assert D(0) <= line.discount <= line.subtotal
            assert line.total >= 0
        assert option.total is None or option.total >= 0


@given(amounts, percents)
def test_a_percentage_off_is_rounded_half_up_to_the_cent(subtotal, percent):
    off = Discount("p", "p", percent=percent).off(subtotal, "EUR")
    exact = subtotal * percent / 100
    assert off == exact.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert abs(off - exact) <= D("0.005")
    assert off.as_tuple().exponent == -2


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False))
def test_rounding_is_half_up_and_within_half_a_minor_unit(value):
    for currency, unit in (("EUR", D("0.01")), ("JPY", D(1)), ("KWD", D("0.001"))):
        rounded = round_money(value, currency)
        assert abs(rounded - value) <= unit / 2
        assert rounded % unit == 0
        if abs(rounded - value) == unit / 2:  # a tie goes away from zero
            assert abs(rounded) > abs(value)
