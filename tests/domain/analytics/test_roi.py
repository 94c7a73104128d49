"""Employer ROI per sponsored cohort, computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from credstack.domain.analytics import RoiInputs, employer_roi
from credstack.domain.errors import InvalidInput
from tests.domain.analytics.builders import AS_OF, AWARDS, LEARNERS, TERMINAL


def acme(**changes: object) -> RoiInputs:
    values: dict[str, object] = {
        "sponsor": "Acme",
        "cohort": "2024A",
        "productivity_gain": Decimal(5000),
        "retention_rate": Decimal("0.9"),
        "baseline_retention_rate": Decimal("0.8"),
        "replacement_cost": Decimal(8000),
        "cost": Decimal(6000),
    }
    values.update(changes)
    return RoiInputs(**values)  # type: ignore[arg-type]


def test_roi_by_hand_with_the_formula_shown() -> None:
    # Acme's cohort 2024A: a, b, c, d (h is in 2024A but self-funded); completers a, b.
    # productivity = 2 * 0.9 * 5000 * 1 = 9000; retention = 2 * (0.9 - 0.8) * 8000 = 1600;
    # benefit 10600; net 10600 - 6000 = 4600; ROI = 4600 / 6000 = 0.766667 (76.67 %).
    report = employer_roi(LEARNERS, AWARDS, [acme()], terminal=TERMINAL, as_of=AS_OF)
    (roi,) = report.cohorts
    assert (roi.participants, roi.completers) == (4, 2)
    assert (roi.productivity_benefit, roi.retention_benefit, roi.benefit, roi.net) == (
        9000,
        1600,
        10600,
        4600,
    )
    assert roi.roi == Decimal(4600) / Decimal(6000)
    assert roi.formula == (
        "ROI = (benefit - cost) / cost; benefit = completers × retention × productivity gain × years"
        " + completers × (retention - baseline retention) × replacement cost"
        " = 2 × 0.9 × 5000 × 1 + 2 × (0.9 - 0.8) × 8000 = 9,000.00 + 1,600.00 = 10,600.00 EUR;"
        " ROI = (10,600.00 - 6,000.00) / 6,000.00 = 4,600.00 / 6,000.00 = 76.67 %"
    )
    row = report.rows()[0]
    assert (row["benefit"], row["net"], row["roi"]) == (10600.0, 4600.0, pytest.approx(0.7666667))
    assert report.as_json()["cohorts"][0]["formula"] == roi.formula


def test_worse_retention_is_a_loss_and_cohorts_are_sorted() -> None:
    # Retention 0.7 against 0.8 over two years: productivity 2 * 0.7 * 5000 * 2 = 14000,
    # retention 2 * (0.7 - 0.8) * 8000 = -1600, benefit 12400, ROI (12400 - 20000) / 20000 = -0.38.
    worse = acme(sponsor="Zeta", retention_rate=Decimal("0.7"), years=Decimal(2), cost=Decimal(20000))
    report = employer_roi(LEARNERS, AWARDS, [worse, acme()], terminal=TERMINAL, as_of=AS_OF)
    assert [r.inputs.sponsor for r in report.cohorts] == ["Acme", "Zeta"]
    zeta = report.cohorts[1]
    assert zeta.participants == 0  # no Zeta learners in the data
    assert zeta.completers == 0 and zeta.roi == -1
    report = employer_roi(
        LEARNERS,
        AWARDS,
        [acme(retention_rate=Decimal("0.7"), years=Decimal(2), cost=Decimal(20000))],
        terminal=TERMINAL,
        as_of=AS_OF,
    )
    (roi,) = report.cohorts
    assert (roi.productivity_benefit, roi.retention_benefit, roi.roi) == (14000, -1600, Decimal("-0.38"))
    assert roi.formula.endswith("= -7,600.00 / 20,000.00 = -38.00 %")


def test_bad_inputs_are_named() -> None:
    with pytest.raises(InvalidInput) as raised:
        employer_roi(
            LEARNERS,
            AWARDS,
            [acme(cost=Decimal(0), retention_rate=Decimal("1.2")), acme()],
            terminal=TERMINAL,
            as_of=AS_OF,
        )
    message = str(raised.value)
    assert "retention_rate: must be between 0 and 1" in message
    assert "cost: must be more than 0" in message
    assert "given twice" in message
