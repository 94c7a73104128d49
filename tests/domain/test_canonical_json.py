"""Canonical JSON: one spelling per value, as SQLite and PostgreSQL's jsonb hand it back."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum

import pytest

from credstack.domain.canonical_json import canonical_json, json_value


class Colour(StrEnum):
    RED = "red"


def test_canonical_json_sorts_keys_and_drops_whitespace():
    assert canonical_json({"b": [1, {"d": None, "c": True}], "a": "é"}) == (
        '{"a":"\\u00e9","b":[1,{"c":true,"d":null}]}'
    )


@pytest.mark.parametrize(
    ("written", "read_back"),
    [
        (1e20, 10**20),  # jsonb prints numbers in plain notation; json.loads then makes an int
        (2.0, 2),
        (-0.0, 0.0),  # numeric has no negative zero
        (1.5e-07, 1.5e-07),
        (Decimal("7.50"), 7.5),
        (1.7976931348623157e308, int("17976931348623157" + "0" * 292)),
    ],
)
def test_a_number_has_one_spelling(written, read_back):
    assert canonical_json(written) == canonical_json(read_back)


@pytest.mark.parametrize(
    ("a", "b"),
    [(1, 1.5), ("1", 1), (True, 1), (None, 0), (10**40 + 1, 10**40 + 2), (0.1, 0.10000000000000002)],
)
def test_different_values_stay_different(a, b):
    assert canonical_json(a) != canonical_json(b)


def test_json_value_makes_plain_data_or_refuses():
    value = json_value(
        {
            "credits": Decimal("7.50"),
            "earned": date(2026, 1, 2),
            "at": datetime(2026, 1, 2, 12, 0, tzinfo=timezone(timedelta(hours=2))),
            3: ("a", Colour.RED),
        }
    )
    assert value == {
        "credits": "7.50",
        "earned": "2026-01-02",
        "at": "2026-01-02T10:00:00.000000+00:00",
        "3": ["a", "red"],
    }
    for bad in (float("nan"), datetime(2026, 1, 2), {1, 2}, {1: "a", "1": "b"}, object()):
        with pytest.raises(ValueError):
            json_value({"x": bad}, where="detail")
