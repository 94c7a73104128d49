"""Every result is ready for a chart (JSON) and a table (CSV), and does not depend on the
order its inputs came in."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from credstack.domain.analytics import (
    RoiInputs,
    SuppressionPolicy,
    completion_curve,
    employer_roi,
    employment_outcomes,
    equity_report,
    funnel,
    transition_matrix,
)
from tests.domain.analytics.builders import (
    AS_OF,
    AWARDS,
    HIRES,
    LEARNERS,
    PERFORMANCE,
    SATISFACTION,
    TERMINAL,
    demographics,
)

LABELS = demographics({"a": "x", "b": "x", "c": "y", "d": "y", "e": "x", "f": "y", "g": "x", "h": "y"})
ROI = RoiInputs("Acme", "2024A", Decimal(5000), Decimal("0.9"), Decimal("0.8"), Decimal(8000), Decimal(6000))


def build_all(learners: list[Any], awards: list[Any]) -> list[Any]:
    return [
        transition_matrix(learners, awards, as_of=AS_OF),
        funnel(learners, awards, terminal=TERMINAL, as_of=AS_OF),
        completion_curve(learners, awards, terminal=TERMINAL, as_of=AS_OF),
        employment_outcomes(
            learners, awards, HIRES, SATISFACTION, PERFORMANCE, terminal=TERMINAL, as_of=AS_OF
        ),
        employer_roi(learners, awards, [ROI], terminal=TERMINAL, as_of=AS_OF),
        equity_report(
            learners,
            awards,
            LABELS,
            attribute="gender",
            terminal=TERMINAL,
            as_of=AS_OF,
            horizon_days=60,
            policy=SuppressionPolicy(threshold=2, zeros_disclose=False),
        ),
    ]


@pytest.mark.parametrize("index", range(6))
def test_json_and_csv_ready(index: int) -> None:
    result = build_all(LEARNERS, AWARDS)[index]
    json.dumps(result.as_json(), allow_nan=False)
    rows = result.rows()
    assert rows
    keys = list(rows[0])
    assert all(list(row) == keys for row in rows)
    writer = csv.DictWriter(io.StringIO(), fieldnames=keys)
    writer.writerows(rows)


def test_results_do_not_depend_on_input_order() -> None:
    shuffle: Callable[[list[Any]], list[Any]] = lambda items: random.Random(4).sample(items, len(items))  # noqa: E731
    first = [r.as_json() for r in build_all(LEARNERS, AWARDS)]
    again = [r.as_json() for r in build_all(shuffle(LEARNERS), shuffle(AWARDS))]
    assert first == again
