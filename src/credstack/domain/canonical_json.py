"""Canonical JSON: one spelling for a JSON value, whichever database it was read back from.

Sorted keys, no whitespace, ``\\uXXXX`` escapes outside ASCII, and one spelling per number (its
exact decimal value in plain notation), so a value hashes the same when read back from SQLite
and from a PostgreSQL ``jsonb`` column, which reorders keys and rewrites ``1e+20`` as
``100000000000000000000`` and ``-0.0`` as ``0.0``. :func:`json_value` turns Python values
(decimals, dates, UUIDs, enums) into the plain JSON data that is stored and hashed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeAlias
from uuid import UUID

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"


def json_value(value: Any, *, where: str = "value") -> JsonValue:
    """``value`` as plain JSON data, the form it is stored and hashed in.

    Decimals become their exact string (``"7.50"``), dates and aware datetimes ISO strings
    (datetimes in UTC), UUIDs and enums their string or value, tuples lists. NaN, infinities,
    naive datetimes, sets and other objects are refused: they have no single JSON spelling.
    """
    if isinstance(value, Enum):
        return json_value(value.value, where=where)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value!r} has no JSON form")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: {value!r} has no JSON form")
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{where}: naive datetime {value!r}; audit entries record aware times")
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        out: dict[str, JsonValue] = {}
        for key, item in value.items():
            name = key.value if isinstance(key, Enum) else key
            if not isinstance(name, str | int) or isinstance(name, bool):
                raise ValueError(f"{where}: key {key!r} is not a string")
            if str(name) in out:
                raise ValueError(f"{where}: key {key!r} appears twice once written as a string")
            out[str(name)] = json_value(item, where=f"{where}.{name}")
        return out
    if isinstance(value, list | tuple):
        return [json_value(item, where=f"{where}[{i}]") for i, item in enumerate(value)]
    raise ValueError(f"{where}: {type(value).__name__} {value!r} has no JSON form")


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: sorted keys, no whitespace, ASCII escapes, canonical numbers."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float | Decimal):
        return canonical_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, Mapping):
        items = sorted((str(k), v) for k, v in value.items())
        return (
            "{" + ",".join(f"{json.dumps(k, ensure_ascii=True)}:{canonical_json(v)}" for k, v in items) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON data")


def canonical_number(value: int | float | Decimal) -> str:
    """The exact decimal value in plain notation, without trailing zeros: 2.0 -> ``2``,
    1e+20 -> ``100000000000000000000``, 1.5e-07 -> ``0.00000015``, -0.0 -> ``0``.

    Floats are read through their shortest repr, the digits ``json`` writes and PostgreSQL's
    ``numeric`` keeps. No decimal context is involved, so nothing is rounded.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} has no JSON form")
    sign, digit_tuple, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "0"
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    if exponent >= 0:
        text = stripped + "0" * exponent
    elif -exponent >= len(stripped):
        text = "0." + "0" * (-exponent - len(stripped)) + stripped
    else:
        text = stripped[:exponent] + "." + stripped[exponent:]
    return ("-" if sign else "") + text


def iso_utc(moment: datetime) -> str:
    """An aware time in UTC, ISO 8601 with microseconds: ``2026-03-01T09:30:00.123456+00:00``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
