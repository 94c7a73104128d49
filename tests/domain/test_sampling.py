"""The moderation sample: every fail and borderline, at least the minimum and the share per
assessor and cohort, the same for the same seed, and no earlier choice changed by a later one."""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.domain.errors import InvalidInput
from credstack.domain.sampling import FirstMarked, SamplingPolicy, borderline, pick, select_sample
from tests.domain.assessment_builders import rubric

items = st.lists(
    st.builds(
        FirstMarked,
        submission=st.uuids().map(str),
        assessor=st.sampled_from(["ann", "bob", "cy"]),
        cohort=st.sampled_from(["2025-09", "2026-01"]),
        passed=st.booleans(),
        borderline=st.booleans(),
    ),
    max_size=60,
    unique_by=lambda i: i.submission,
)
policies = st.builds(
    SamplingPolicy,
    share=st.decimals(min_value=0, max_value=1, places=2),
    minimum=st.integers(0, 5),
    include_fails=st.just(True),
    borderline=st.just("one-level"),
    seed=st.text(min_size=1, max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(items, policies)
def test_every_fail_and_borderline_is_sampled(marked: list[FirstMarked], policy: SamplingPolicy) -> None:
    picks = select_sample(marked, policy)
    for item in marked:
        if not item.passed or item.borderline:
            assert picks[item.submission].sampled
            assert picks[item.submission].reason in ("fail", "borderline")


@settings(max_examples=200, deadline=None)
@given(items, policies)
def test_each_assessor_and_cohort_gets_its_minimum_and_share(
    marked: list[FirstMarked], policy: SamplingPolicy
) -> None:
    picks = select_sample(marked, policy)
    total = Counter((i.assessor, i.cohort) for i in marked)
    chosen = Counter((i.assessor, i.cohort) for i in marked if picks[i.submission].sampled)
    for group, n in total.items():
        assert chosen[group] >= min(policy.minimum, n)
        assert chosen[group] >= math.ceil(policy.share * n)


@settings(max_examples=100, deadline=None)
@given(items, policies)
def test_the_sample_is_deterministic_and_prefix_stable(
    marked: list[FirstMarked], policy: SamplingPolicy
) -> None:
    whole = select_sample(marked, policy)
    assert select_sample(list(marked), policy) == whole
    for cut in range(len(marked) + 1):
        prefix = select_sample(marked[:cut], policy)
        assert all(whole[s] == p for s, p in prefix.items())


def test_the_share_is_near_the_policy_not_everything() -> None:
    policy = SamplingPolicy(share=Decimal("0.2"), minimum=2, seed="cohort-7")
    marked = [FirstMarked(f"s{i}", "ann", "c", True, False) for i in range(1000)]
    picks = select_sample(marked, policy)
    count = sum(p.sampled for p in picks.values())
    assert 200 <= count <= 300
    assert [picks["s0"].reason, picks["s1"].reason] == ["minimum", "minimum"]
    other = select_sample(marked, SamplingPolicy(share=Decimal("0.2"), minimum=2, seed="another"))
    assert {s for s, p in other.items() if p.sampled} != {s for s, p in picks.items() if p.sampled}


def test_fails_and_borderlines_can_be_left_to_the_share() -> None:
    policy = SamplingPolicy(share=Decimal(0), minimum=0, include_fails=False, borderline="none")
    failing = FirstMarked("s1", "ann", "c", passed=False, borderline=True)
    assert pick(failing, before=0, sampled_before=0, policy=policy).sampled is False


def test_a_bad_policy_names_its_fields() -> None:
    with pytest.raises(InvalidInput) as caught:
        SamplingPolicy(share=Decimal("1.5"), minimum=-1, seed="")
    assert [p.location for p in caught.value.problems] == ["share", "minimum", "seed"]


def test_borderline_means_one_level_on_one_criterion_changes_the_result() -> None:
    r = rubric(3, critical=("C3",))
    # comfortably passing: 3/3/3 -> a one-level drop anywhere still passes
    assert borderline(r, {"C1": "Exemplary", "C2": "Exemplary", "C3": "Exemplary"}) == ()
    # at the per-criterion minimum: C1 one level lower fails
    assert borderline(r, {"C1": "Developing", "C2": "Exemplary", "C3": "Exemplary"}) == (
        "C1 one level lower (Not yet) would fail",
    )
    # the critical criterion at proficient: one level lower fails
    assert "C3 one level lower (Developing) would fail" in borderline(
        r, {"C1": "Exemplary", "C2": "Exemplary", "C3": "Proficient"}
    )
    # a fail one level short of passing is borderline too
    assert borderline(r, {"C1": "Not yet", "C2": "Exemplary", "C3": "Exemplary"}) == (
        "C1 one level higher (Developing) would pass",
    )
    # the weighted score: 5/9 = 55.6% passes, 4/9 = 44.4% fails
    plain = rubric(3)
    reasons = borderline(plain, {"C1": "Proficient", "C2": "Proficient", "C3": "Developing"})
    assert "C1 one level lower (Developing) would fail" in reasons
    # a clear fail, far from the line, is not borderline
    assert borderline(plain, {"C1": "Not yet", "C2": "Not yet", "C3": "Not yet"}) == ()
