from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credstack.domain.achievement import (
    Achievement,
    Alignment,
    CreditConversion,
    CreditUnit,
    CreditValue,
    LifecycleState,
)
from credstack.domain.errors import InvalidTransition


def test_credit_conversion_both_ways():
    conv = CreditConversion(Decimal(2))
    assert conv.ects(CreditValue(Decimal(3), CreditUnit.CREDIT_HOURS)) == Decimal(6)
    assert conv.credit_hours(CreditValue(Decimal(5), CreditUnit.ECTS)) == Decimal("2.5")
    assert conv.ects(CreditValue(Decimal(5), CreditUnit.ECTS)) == Decimal(5)


@given(
    hours=st.decimals(min_value=0, max_value=200, places=1),
    rate=st.sampled_from([Decimal(2), Decimal("1.5"), Decimal("1.875"), Decimal(4)]),
)
def test_credit_hours_survive_a_round_trip_through_ects(hours, rate):
    conv = CreditConversion(rate)
    ects = conv.ects(CreditValue(hours, CreditUnit.CREDIT_HOURS))
    back = conv.credit_hours(CreditValue(ects, CreditUnit.ECTS))
    assert abs(back - hours) <= Decimal("0.005")


def test_lifecycle_follows_governance_order():
    a = Achievement("MC1", "Data basics")
    with pytest.raises(InvalidTransition):
        a.transition(LifecycleState.PUBLISHED)
    for state in (LifecycleState.IN_REVIEW, LifecycleState.APPROVED, LifecycleState.PUBLISHED):
        a.transition(state)
    assert a.awardable
    a.transition(LifecycleState.RETIRED)
    assert not a.awardable
    with pytest.raises(InvalidTransition):
        a.transition(LifecycleState.DRAFT)


def test_validation_names_each_field():
    a = Achievement(
        "",
        "x",
        level=9,
        credits=CreditValue(Decimal(-1)),
        alignments=[Alignment("c1", 2), Alignment("c1", 7)],
    )
    locations = {p.location for p in a.validate("row 3")}
    assert {
        "row 3.code",
        "row 3.level",
        "row 3.credits",
        "row 3.alignments",
        "row 3.alignments[c1]",
    } <= locations
