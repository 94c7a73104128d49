"""Equity by demographic group: by hand on a fixed set of groups, and property tests that
no table, chart data or CSV row reveals a group under the threshold."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.domain.analytics import (
    Award,
    Comparison,
    ComparisonCount,
    Demographic,
    EquityReport,
    Learner,
    SuppressionPolicy,
    equity_report,
)
from credstack.domain.errors import InvalidInput
from tests.domain.analytics.builders import day
from tests.domain.analytics.leaks import emitted_counts, labels_in

FIVE = SuppressionPolicy(threshold=5)
AS_OF = day(400)
HORIZON = 365


def group_of(
    group: str, n: int, progressed: int, completed: int, *, start: int = 0, consented: bool = True
) -> tuple[list[Learner], list[Award], list[Demographic]]:
    """n learners of ``group``: the first ``completed`` earn M1, M2 and CERT, the next ones
    up to ``progressed`` M1 and M2, the rest M1 only (all well within the horizon)."""
    prefix = f"{group}{'' if consented else '-private'}{start}-"
    learners, awards, labels = [], [], []
    for i in range(n):
        who = f"{prefix}{i:02d}"
        learners.append(Learner(who, day(start)))
        labels.append(Demographic(who, "gender", group, consented))
        awards.append(Award(who, "M1", day(start + 30)))
        if i < progressed:
            awards.append(Award(who, "M2", day(start + 90)))
        if i < completed:
            awards.append(Award(who, "CERT", day(start + 200)))
    return learners, awards, labels


def fixed_groups() -> tuple[list[Learner], list[Award], list[Demographic]]:
    learners: list[Learner] = []
    awards: list[Award] = []
    labels: list[Demographic] = []
    for args, kwargs in [
        (("A", 20, 15, 10), {}),
        (("B", 12, 6, 5), {}),
        (("C", 3, 2, 1), {}),
        (("D", 8, 6, 4), {}),
        (("C", 4, 4, 4), {"consented": False}),  # not consented: left out (else C would be 7)
        (("A", 2, 2, 2), {"start": 100}),  # started too late for the 365-day horizon
    ]:
        more = group_of(*args, **kwargs)  # type: ignore[arg-type]
        learners += more[0]
        awards += more[1]
        labels += more[2]
    # An A learner who is late: M2 on day 370 and CERT on day 390, after the horizon.
    awards += [Award("A0-19", "M2", day(370)), Award("A0-19", "CERT", day(390))]
    labels.append(Demographic("A0-19", "age", "under 25", True))  # another attribute: ignored
    return learners, awards, labels


COMPARISON = Comparison(
    "BSc entrants 2019",
    tuple(
        ComparisonCount(measure, group, n, k)  # type: ignore[arg-type]
        for measure, group, n, k in [
            ("completion", "A", 100, 60),
            ("completion", "B", 50, 20),
            ("completion", "C", 4, 1),
            ("completion", "D", 30, 12),
            ("progression", "A", 100, 80),
            ("progression", "B", 50, 35),
            ("progression", "C", 4, 3),
            ("progression", "D", 30, 20),
        ]
    ),
)


def report(**kwargs: Any) -> EquityReport:
    learners, awards, labels = fixed_groups()
    options: dict[str, Any] = {"comparison": COMPARISON, "policy": FIVE} | kwargs
    return equity_report(
        learners,
        awards,
        labels,
        attribute="gender",
        terminal="CERT",
        as_of=AS_OF,
        horizon_days=HORIZON,
        **options,
    )


def test_equity_by_hand() -> None:
    # Consented, eligible learners: A 20, B 12, C 3, D 8 (N = 43).
    # Sizes, threshold 5: C (3) is withheld; 43 - A - B - D would give C's 3, so the
    # smallest other group, D (8), is withheld too (pool 11). Shown: A, B.
    # Completion: A 10/20, B 5/12, C 1/3, D 4/8; total 20 of 43 (23 not). Pool C + D:
    #   11 learners, 5 completed, 6 not: safe, so A and B are shown.
    #   A: Wilson (0.2992980, 0.7007020); B: (0.1932603, 0.6804887); total (0.3251106, 0.6108436)
    #   B / A (A is the largest group, the reference) = (5/12) / (10/20) = 0.8333333, Katz
    #   se = sqrt(1/5 - 1/12 + 1/10 - 1/20) = 0.4082483 -> (0.3743839, 1.8548993)
    # Progression: A 15/20, B 6/12, C 2/3, D 6/8; total 29 of 43 (14 not). Pool C + D:
    #   11, 8 progressed, 3 not: 3 is under 5, so B's outcome is withheld as well (pool 23:
    #   14 and 9). A 15/20: Wilson (0.5312991, 0.8881383); total 29/43: (0.5251621, 0.7950670).
    # Comparison (BSc): C and D are withheld here too; completion A 60/100 (0.5020026,
    #   0.6905987), B 20/50 (0.2760839, 0.5381856); A / BSc A = 0.5 / 0.6 = 0.8333333, se =
    #   sqrt(1/10 - 1/20 + 1/60 - 1/100) = 0.2380476 -> (0.5226275, 1.3287560); B / BSc B =
    #   0.4166667 / 0.4 = 1.0416667, se = sqrt(1/5 - 1/12 + 1/20 - 1/50) = 0.3829708 ->
    #   (0.4917489, 2.2065519). Progression A 15/20 against 80/100: 0.9375, se =
    #   sqrt(1/15 - 1/20 + 1/80 - 1/100) = 0.1384437 -> (0.7147065, 1.2297442).
    r = report()
    assert r.reference == "A"
    completion = r.measure("completion")
    assert (completion.counts.learners, completion.counts.successes) == (43, 20)
    a, b = completion.groups
    assert (a.group, a.learners, a.is_reference, a.vs_reference) == ("A", 20, True, None)
    assert a.rate is not None and (a.rate.successes, a.rate.low, a.rate.high) == pytest.approx(
        (10, 0.2992980, 0.7007020), abs=1e-7
    )
    assert b.rate is not None and (b.rate.successes, b.rate.low, b.rate.high) == pytest.approx(
        (5, 0.1932603, 0.6804887), abs=1e-7
    )
    assert b.vs_reference is not None
    assert (b.vs_reference.value, b.vs_reference.low, b.vs_reference.high) == pytest.approx(
        (0.8333333, 0.3743839, 1.8548993), abs=1e-7
    )
    assert completion.overall is not None
    assert (completion.overall.low, completion.overall.high) == pytest.approx(
        (0.3251106, 0.6108436), abs=1e-7
    )
    assert a.comparison is not None and (a.comparison.low, a.comparison.high) == pytest.approx(
        (0.5020026, 0.6905987), abs=1e-7
    )
    assert b.comparison is not None and (b.comparison.low, b.comparison.high) == pytest.approx(
        (0.2760839, 0.5381856), abs=1e-7
    )
    assert a.vs_comparison is not None and b.vs_comparison is not None
    assert (a.vs_comparison.value, a.vs_comparison.low, a.vs_comparison.high) == pytest.approx(
        (0.8333333, 0.5226275, 1.3287560), abs=1e-7
    )
    assert (b.vs_comparison.value, b.vs_comparison.low, b.vs_comparison.high) == pytest.approx(
        (1.0416667, 0.4917489, 2.2065519), abs=1e-7
    )

    progression = r.measure("progression")
    assert (progression.counts.learners, progression.counts.successes) == (43, 29)
    pa, pb = progression.groups
    assert pa.rate is not None and (pa.rate.successes, pa.rate.low, pa.rate.high) == pytest.approx(
        (15, 0.5312991, 0.8881383), abs=1e-7
    )
    assert (pb.group, pb.learners, pb.rate, pb.vs_reference, pb.vs_comparison) == ("B", 12, None, None, None)
    assert pa.vs_comparison is not None
    assert (pa.vs_comparison.value, pa.vs_comparison.low, pa.vs_comparison.high) == pytest.approx(
        (0.9375, 0.7147065, 1.2297442), abs=1e-7
    )
    assert progression.overall is not None
    assert (progression.overall.low, progression.overall.high) == pytest.approx(
        (0.5251621, 0.7950670), abs=1e-7
    )

    text = str(r.as_json())
    assert "'C'" not in text and "'D'" not in text and "private" not in text
    rows = r.rows()
    assert [(row["measure"], row["kind"], row["group"]) for row in rows] == [
        ("progression", "group", "A"),
        ("progression", "group", "B"),
        ("progression", "total", None),
        ("progression", "comparison total", None),
        ("completion", "group", "A"),
        ("completion", "group", "B"),
        ("completion", "total", None),
        ("completion", "comparison total", None),
    ]
    assert rows[6]["learners"] == 43 and rows[6]["successes"] == 20
    assert rows[7]["learners"] == 184 and rows[7]["successes"] == 93
    assert r.as_json()["suppression"]["threshold"] == 5


def test_reference_named_or_withheld() -> None:
    r = report(reference="B")
    a, _ = r.measure("completion").groups
    assert a.vs_reference is not None and a.vs_reference.value == pytest.approx(1.2)  # 0.5 / (5/12)
    withheld = report(reference="C")
    assert withheld.reference is None
    assert all(g.vs_reference is None for m in withheld.measures for g in m.groups)


def test_without_consent_nobody_is_counted() -> None:
    learners, awards, labels = group_of("A", 30, 20, 10, consented=False)
    r = equity_report(
        learners, awards, labels, attribute="gender", terminal="CERT", as_of=AS_OF, horizon_days=HORIZON
    )
    assert all(m.counts.learners == 0 and m.groups == () for m in r.measures)
    assert r.reference is None
    assert [(row["kind"], row["learners"], row["rate"]) for row in r.rows()] == [("total", 0, None)] * 2


def test_conflicting_labels_are_an_error() -> None:
    labels = [Demographic("x", "gender", "A", True), Demographic("x", "gender", "B", True)]
    with pytest.raises(InvalidInput, match="demographics\\[1\\]: learner 'x' is in 'A' and 'B'"):
        equity_report([], [], labels, attribute="gender", terminal="CERT", as_of=AS_OF, horizon_days=HORIZON)


# Property test: random learners, groups, consent and threshold -----------------------------

learner_rows = st.lists(
    st.tuples(
        st.sampled_from(["north", "south", "east", "west", "other", "unsaid"]),
        st.booleans(),  # consented
        st.integers(0, 3),  # modules earned within the horizon
        st.booleans(),  # completed within the horizon
    ),
    max_size=80,
)
comparison_rows = st.lists(
    st.tuples(
        st.sampled_from(["progression", "completion"]),
        st.sampled_from(["north", "south", "east", "west", "elsewhere"]),
        st.integers(1, 30).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
    ),
    max_size=10,
    unique_by=lambda row: (row[0], row[1]),
)
COUNT_KEYS = {"learners", "successes", "trials", "comparison_learners", "comparison_successes"}


def counts_in(value: Any) -> list[int]:
    """Every count in a JSON value or list of rows, and each rate's complement."""
    found: list[int] = []
    if isinstance(value, dict):
        if isinstance(value.get("trials"), int) and isinstance(value.get("successes"), int):
            found.append(value["trials"] - value["successes"])
        for key, item in value.items():
            if key in COUNT_KEYS and isinstance(item, int):
                found.append(item)
            found += counts_in(item)
    elif isinstance(value, list):
        for item in value:
            found += counts_in(item)
    return found


@settings(max_examples=60, deadline=None, derandomize=True)
@given(learner_rows, comparison_rows, st.integers(1, 8), st.booleans())
def test_no_output_reveals_a_group_under_the_threshold(
    rows: list[tuple[str, bool, int, bool]],
    comparison: list[tuple[str, str, tuple[int, int]]],
    threshold: int,
    zeros_disclose: bool,
) -> None:
    learners, awards, labels = [], [], []
    for i, (group, consented, modules, completed) in enumerate(rows):
        who = f"L{i}"
        learners.append(Learner(who, day(0)))
        labels.append(Demographic(who, "region", group, consented))
        awards += [Award(who, f"M{m}", day(10 * (m + 1))) for m in range(modules)]
        if completed:
            awards.append(Award(who, "CERT", day(300)))
    policy = SuppressionPolicy(threshold, zeros_disclose)
    r = equity_report(
        learners,
        awards,
        labels,
        attribute="region",
        terminal="CERT",
        as_of=AS_OF,
        horizon_days=HORIZON,
        policy=policy,
        comparison=Comparison(
            "degree",
            tuple(ComparisonCount(m, g, n, k) for m, g, (n, k) in comparison),  # type: ignore[arg-type]
        ),
    )
    sizes: dict[str, int] = {}
    for group, consented, _, _ in rows:
        if consented:
            sizes[group] = sizes.get(group, 0) + 1
    data = r.as_json()
    table = r.rows()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    csv_text = buffer.getvalue()
    nobody = r.measures[0].counts.learners == 0  # no consented learner: "0 learners" reveals no one
    for count in counts_in(data) + counts_in(table):
        assert nobody or not policy.discloses(count), count
    for m in r.measures:
        assert nobody or not [c for c in emitted_counts(m.counts) if policy.discloses(c)]
        if m.comparison_counts is not None:
            assert not [c for c in emitted_counts(m.comparison_counts) if policy.discloses(c)]
    shown = labels_in(data)
    assert shown == labels_in(table)
    for group in shown:
        assert sizes.get(group, 0) >= threshold  # only groups of consented learners, none small
    for group in {"north", "south", "east", "west", "other", "unsaid", "elsewhere"} - shown:
        assert f",{group}," not in csv_text
