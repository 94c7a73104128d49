"""Small-group suppression: worked examples, the type refusing a disclosive table, and
property tests on random groups and thresholds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.domain.analytics import (
    GroupCount,
    ProtectedCounts,
    SuppressionBreach,
    SuppressionPolicy,
    protect,
)
from credstack.domain.errors import InvalidInput
from tests.domain.analytics.leaks import emitted_counts, labels_in

FIVE = SuppressionPolicy(threshold=5)


def test_primary_and_complementary_suppression_of_groups() -> None:
    # Sizes a 3, b 20, c 30, d 40 (total 93), threshold 5: a is under it; total - b - c - d
    # would give a's 3, so the smallest other group, b, is withheld too (pool 23).
    # Outcomes: c 12 of 30 (18 not) is shown; d 2 of 40 is under the threshold -> withheld.
    # Total successes 1 + 10 + 12 + 2 = 25; the pool of withheld outcomes (a, b, d): 63
    # learners, 13 successes, 50 not: safe.
    table = protect({"a": (3, 1), "b": (20, 10), "c": (30, 12), "d": (40, 2)}, FIVE)
    assert table.groups == (GroupCount("c", 30, 12), GroupCount("d", 40, None))
    assert (table.learners, table.successes, table.withheld) == (93, 25, True)
    assert table.proportion("d") is None and table.proportion("a") is None
    assert table.rows()[-1] == {"kind": "total", "group": None, "learners": 93, "successes": 25}


def test_complementary_suppression_of_outcomes() -> None:
    # Sizes 50 and 50. a: 3 successes (under 5) -> withheld; then total successes 23 minus
    # b's 20 would give a's 3: b's outcome is withheld too. Sizes stay shown.
    table = protect({"a": (50, 3), "b": (50, 20)}, FIVE)
    assert table.groups == (GroupCount("a", 50, None), GroupCount("b", 50, None))
    assert (table.learners, table.successes) == (100, 23)


def test_a_total_under_the_threshold_is_withheld() -> None:
    # a 3, b 4: both under 5; their total 7 is safe to show, its successes (3) are not.
    table = protect({"a": (3, 1), "b": (4, 2)}, FIVE)
    assert (table.groups, table.learners, table.successes) == ((), 7, None)
    # a 2 and b 1: even the total (3) would reveal a group of fewer than 5.
    tiny = protect({"a": (2, 1), "b": (1, 0)}, FIVE)
    assert (tiny.groups, tiny.learners, tiny.successes, tiny.withheld) == ((), None, None, True)


def test_zeros_are_withheld_unless_the_policy_allows_them() -> None:
    counts = {"a": (20, 0), "b": (30, 12)}
    strict = protect(counts, FIVE)
    assert strict.group("a") == GroupCount("a", 20, None)
    assert strict.group("b") == GroupCount("b", 30, None)  # else 12 - 12 = a's 0
    lenient = protect(counts, SuppressionPolicy(threshold=5, zeros_disclose=False))
    assert lenient.groups == (GroupCount("a", 20, 0), GroupCount("b", 30, 12))
    assert lenient.withheld is False


def test_nothing_withheld_when_every_count_is_large() -> None:
    table = protect({"x": (40, 20), "y": (25, 10)}, FIVE)
    assert table.withheld is False and table.successes == 30
    assert table.total() is not None


def test_the_type_refuses_a_disclosive_table() -> None:
    with pytest.raises(SuppressionBreach, match="group 'a': learners is under the threshold"):
        ProtectedCounts(FIVE, 50, None, (GroupCount("a", 3, None),), withheld=True)
    with pytest.raises(SuppressionBreach, match="learners of the groups withheld"):
        ProtectedCounts(FIVE, 23, None, (GroupCount("b", 20, None),), withheld=True)
    with pytest.raises(SuppressionBreach, match="successes of the outcomes withheld"):
        ProtectedCounts(FIVE, 100, 23, (GroupCount("a", 50, None), GroupCount("b", 50, 20)), withheld=True)
    with pytest.raises(SuppressionBreach, match="withheld is false"):
        ProtectedCounts(FIVE, 100, None, (GroupCount("a", 50, 25), GroupCount("b", 50, 25)), withheld=False)


def test_bad_counts_and_policies_are_refused() -> None:
    with pytest.raises(InvalidInput, match="group 'a'"):
        protect({"a": (3, 4)}, FIVE)
    with pytest.raises(InvalidInput, match="threshold"):
        SuppressionPolicy(threshold=0)


# Property tests ---------------------------------------------------------------------------

groups = st.dictionaries(
    st.sampled_from([f"g{i}" for i in range(12)]),
    st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
    max_size=8,
)
policies = st.builds(SuppressionPolicy, threshold=st.integers(1, 12), zeros_disclose=st.booleans())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(groups, policies, st.sets(st.sampled_from([f"g{i}" for i in range(12)]), max_size=3))
def test_no_shown_or_derivable_count_is_under_the_threshold(
    counts: dict[str, tuple[int, int]], policy: SuppressionPolicy, forced: set[str]
) -> None:
    table = protect(counts, policy, withhold=forced)
    if not counts:  # nobody at all: zero learners, which reveals no one
        assert (table.learners, table.successes, table.groups) == (0, 0, ())
        return
    for count in emitted_counts(table):
        assert count >= policy.threshold or (count == 0 and not policy.zeros_disclose)
    shown = {g.group for g in table.groups}
    # Nothing is emitted for a group withheld: its label appears nowhere.
    assert labels_in(table.as_json()) == shown
    assert labels_in(table.rows()) == shown
    for label, (n, _) in counts.items():
        if policy.discloses(n) or label in forced:
            assert label not in shown
    # What is shown is true, and the totals add up over every group.
    for g in table.groups:
        assert g.learners == counts[g.group][0]
        assert g.successes in (None, counts[g.group][1])
    if table.learners is not None:
        assert table.learners == sum(n for n, _ in counts.values())
    if table.successes is not None:
        assert table.successes == sum(k for _, k in counts.values())
    # Suppression only where needed: a table with nothing small loses nothing.
    safe = all(
        not policy.discloses(n) and not policy.discloses(k) and not policy.discloses(n - k)
        for n, k in counts.values()
    )
    total_n = sum(n for n, _ in counts.values())
    total_k = sum(k for _, k in counts.values())
    if (
        safe
        and not forced & counts.keys()
        and counts
        and not policy.discloses(total_k)
        and not policy.discloses(total_n - total_k)
    ):
        assert table.withheld is False and shown == set(counts)
