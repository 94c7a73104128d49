"""The moderation report: grouping, drift flags worked by hand, bad input, and properties
(row order does not matter; each breakdown's groups add up to the whole)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.domain.errors import InvalidInput
from credstack.domain.moderation import (
    Mark,
    MarkTable,
    ModerationPolicy,
    krippendorff_alpha,
    moderation_report,
    weighted_kappa,
)
from tests.domain.moderation.builders import submission


def two_assessors() -> list[Mark]:
    """assessor-a (north) marks one level above the moderator on most criteria;
    assessor-b (south) agrees with the moderator. Three criteria per submission."""
    marks: list[Mark] = []
    a, b = ("assessor-a", "north"), ("assessor-b", "south")
    marks += submission(
        "s1", [3, 3, 2], [2, 2, 2], assessor=a[0], site=a[1]
    )  # differences 1, 1, 0 -> mean 2/3
    marks += submission("s2", [4, 3, 3], [3, 2, 2], assessor=a[0], site=a[1])  # 1, 1, 1 -> 1
    marks += submission("s3", [2, 3, 4], [1, 2, 3], assessor=a[0], site=a[1])  # 1, 1, 1 -> 1
    marks += submission("s4", [3, 2, 3], [2, 2, 2], assessor=a[0], site=a[1])  # 1, 0, 1 -> 2/3
    marks += submission("s5", [1, 2, 3], [1, 2, 3], assessor=b[0], site=b[1])
    marks += submission("s6", [2, 2, 4], [2, 2, 4], assessor=b[0], site=b[1])
    marks += submission("s7", [0, 1, 2], [0, 1, 3], assessor=b[0], site=b[1])  # 0, 0, -1 -> -1/3
    marks += submission("s8", [3, 3, 3], None, assessor=b[0], site=b[1])  # not moderated
    return marks


def by_name(report: Any, dimension: str) -> dict[str, Any]:
    return {g.name: g for g in report.breakdowns[dimension]}


def test_counts_agreement_and_drift_worked_by_hand() -> None:
    report = moderation_report(two_assessors())
    o = report.overall
    assert (o.marks, o.units, o.agreement.pairs) == (45, 24, 21)
    assert o.agreement.exact_count == 10 and o.agreement.adjacent_count == 21

    assessors = by_name(report, "assessor")
    a, b = assessors["assessor=assessor-a"], assessors["assessor=assessor-b"]
    # a: submission means 2/3, 1, 1, 2/3 -> mean 5/6, s = sqrt(4 * (1/6)^2 / 3) = 0.19245,
    # t(0.975, 3) = 3.182: interval 5/6 +/- 0.3062 = [0.527, 1.140] -> flagged above.
    assert a.drift.n == 4 and a.drift.mean == pytest.approx(5 / 6)
    assert a.drift.low == pytest.approx(5 / 6 - 3.182 * 0.19245 / 2, abs=1e-3)
    assert a.drift.flagged and a.drift.direction == "above"
    # b: submission means 0, 0, -1/3 (s8 unmoderated): the interval straddles 0.
    assert b.drift.n == 3 and b.drift.mean == pytest.approx(-1 / 9)
    assert not b.drift.flagged
    assert b.units == 12 and b.agreement.pairs == 9 and b.agreement.exact == pytest.approx(8 / 9)
    assert [g.name for g in report.flagged] == ["site=north", "assessor=assessor-a"]


def test_group_kappa_is_the_kappa_of_its_pairs() -> None:
    marks = two_assessors()
    report = moderation_report(marks)
    b = by_name(report, "site")["site=south"]
    first = [1, 2, 3, 2, 2, 4, 0, 1, 2]
    second = [1, 2, 3, 2, 2, 4, 0, 1, 3]
    assert b.kappa_quadratic == weighted_kappa(first, second, weights="quadratic")
    assert b.kappa_linear == weighted_kappa(first, second, weights="linear")


def test_third_marks_count_in_alpha_but_not_in_pairs() -> None:
    marks = submission("s1", [1, 2, 3], [2, 2, 1], [2, None, 2])
    marks += submission("s2", [0, 3, 3], [0, 2, 3], [None, 3, None])
    report = moderation_report(marks)
    assert report.overall.agreement.pairs == 6 and report.overall.marks == 15
    rows: list[list[float | None]] = [[1, 2, 3, 0, 3, 3], [2, 2, 1, 0, 2, 3], [2, None, 2, None, 3, None]]
    assert report.overall.alpha_ordinal == krippendorff_alpha(rows, level="ordinal")


def test_threshold_and_confidence_come_from_the_policy() -> None:
    strict = moderation_report(two_assessors(), ModerationPolicy(drift_threshold=0.9))
    assert not strict.flagged  # assessor-a's mean 0.83 is under 0.9 levels
    loose = moderation_report(two_assessors(), ModerationPolicy(confidence=0.5, drift_threshold=0.0))
    assert loose.overall.drift.confidence == 0.5


def test_crossed_dimensions() -> None:
    policy = ModerationPolicy(dimensions=(("site", "assessor"), ("achievement",)))
    report = moderation_report(two_assessors(), policy)
    assert list(report.breakdowns) == ["site+assessor", "achievement"]
    groups = report.breakdowns["site+assessor"]
    assert [g.group for g in groups] == [
        {"site": "north", "assessor": "assessor-a"},
        {"site": "south", "assessor": "assessor-b"},
    ]
    assert groups[0].as_json()["dimension"] == "site+assessor"


def test_one_moderated_submission_has_no_interval() -> None:
    report = moderation_report(submission("s1", [3, 2], [2, 1]) + submission("s2", [1, 1]))
    d = report.overall.drift
    assert d.n == 1 and d.mean == 1.0 and d.low is None and not d.flagged
    assert d.reason == "fewer than 2 moderated differences, so there is no interval"


def test_no_marks_gives_an_empty_report() -> None:
    report = moderation_report([])
    o = report.overall
    assert (o.marks, o.units, o.agreement.pairs, o.drift.n) == (0, 0, 0, 0)
    assert o.kappa_quadratic.value is None and o.alpha_ordinal.value is None
    assert all(groups == () for groups in report.breakdowns.values())


def test_unmoderated_marks_only() -> None:
    report = moderation_report(submission("s1", [1, 2, 3]))
    o = report.overall
    assert o.agreement.exact is None and o.kappa_linear.reason == "fewer than 2 moderated pairs"
    assert o.alpha_ordinal.reason == "no unit has marks from two raters"


def test_table_input_and_json() -> None:
    marks = two_assessors()
    from_rows = moderation_report(marks)
    from_table = moderation_report(MarkTable.from_marks(marks))
    assert from_rows == from_table
    doc = json.loads(json.dumps(from_rows.as_json()))
    assert [f["group"] for f in doc["flagged"]] == [{"site": "north"}, {"assessor": "assessor-a"}]
    assert doc["overall"]["kappa_quadratic"]["value"] == pytest.approx(
        from_rows.overall.kappa_quadratic.value
    )


@pytest.mark.parametrize(
    ("marks", "where", "message"),
    [
        (
            [*submission("s1", [1, 2]), Mark("s1", "C1", "x", "fourth", 1, "a", "c", "s", "x")],  # type: ignore[arg-type]
            "marks[2]",
            "role must be",
        ),
        (submission("s1", [1, 2]) + submission("s1", [1]), "marks[2]", "same role"),
        (
            [*submission("s1", [1]), Mark("s2", "C1", "m", "second", 1, "a", "c", "s", "x")],
            "marks[1]",
            "no first",
        ),
        (submission("s1", [1, 2], [1, 2], moderator="assessor-a"), "marks[2]", "cannot also moderate"),
    ],
)
def test_bad_marks_are_named(marks: list[Mark], where: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        moderation_report(marks)
    assert err.value.problems[0].location == where
    assert message in err.value.problems[0].message


def test_bad_policy_is_refused() -> None:
    with pytest.raises(InvalidInput, match="dimensions"):
        ModerationPolicy(dimensions=(("campus",),))
    with pytest.raises(InvalidInput, match="confidence"):
        ModerationPolicy(confidence=1.5)


# --- properties -----------------------------------------------------------------------------

level = st.integers(min_value=0, max_value=4)


@st.composite
def mark_sets(draw: st.DrawFn) -> list[Mark]:
    marks: list[Mark] = []
    for n in range(draw(st.integers(min_value=0, max_value=14))):
        criteria = draw(st.integers(min_value=1, max_value=3))
        first = draw(st.lists(level, min_size=criteria, max_size=criteria))
        second = draw(st.none() | st.lists(level, min_size=criteria, max_size=criteria))
        third = None
        if second is not None:
            third = [draw(level) if a != b else None for a, b in zip(first, second, strict=True)]
        assessor = draw(st.sampled_from(["a1", "a2", "a3"]))
        marks += submission(
            f"s{n}",
            first,
            second,
            third,
            assessor=assessor,
            site={"a1": "north", "a2": "north", "a3": "south"}[assessor],
            achievement=draw(st.sampled_from(["ach-1", "ach-2"])),
            cohort=draw(st.sampled_from(["c1", "c2"])),
        )
    return marks


def rounded(doc: Any) -> Any:
    if isinstance(doc, float):
        return round(doc, 9)
    if isinstance(doc, dict):
        return {k: rounded(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [rounded(v) for v in doc]
    return doc


@settings(max_examples=40, derandomize=True, deadline=None)
@given(mark_sets(), st.integers(min_value=0, max_value=2**32))
def test_row_order_does_not_change_the_report(marks: list[Mark], seed: int) -> None:
    shuffled = list(marks)
    random.Random(seed).shuffle(shuffled)
    assert rounded(moderation_report(shuffled).as_json()) == rounded(moderation_report(marks).as_json())


@settings(max_examples=40, derandomize=True, deadline=None)
@given(mark_sets())
def test_each_breakdown_adds_up_to_the_whole(marks: list[Mark]) -> None:
    report = moderation_report(marks)
    o = report.overall

    def totals(g: Any) -> tuple[int, ...]:
        a = g.agreement
        return (g.marks, g.units, a.pairs, a.exact_count, a.adjacent_count, g.drift.n)

    for groups in report.breakdowns.values():
        sums = tuple(sum(t) for t in zip(*(totals(g) for g in groups), strict=True)) or (0,) * 6
        assert sums == totals(o)
        for g in groups:
            assert g.agreement.exact is None or 0 <= g.agreement.exact <= g.agreement.adjacent <= 1  # type: ignore[operator]
            for measure in (g.kappa_linear, g.kappa_quadratic, g.alpha_ordinal):
                assert (measure.value is None) != (measure.reason is None)
