"""Assessment rules: statuses, complete markings, disagreement and the decision."""

from __future__ import annotations

import pytest

from credstack.domain.assessment import (
    CriterionMark,
    Decision,
    Pending,
    Status,
    check_marking,
    disagreement,
    level_index,
    next_step,
    transition,
)
from credstack.domain.errors import InvalidInput, InvalidTransition
from tests.domain.assessment_builders import marking, rubric


def test_the_lifecycle_moves_forward_only() -> None:
    assert transition(Status.DRAFT, Status.SUBMITTED) is Status.SUBMITTED
    assert transition(Status.IN_MARKING, Status.DECIDED) is Status.DECIDED
    assert transition(Status.IN_MARKING, Status.IN_MODERATION) is Status.IN_MODERATION
    with pytest.raises(InvalidTransition, match="draft cannot become decided"):
        transition(Status.DRAFT, Status.DECIDED)
    with pytest.raises(InvalidTransition, match="it is final"):
        transition(Status.DECIDED, Status.IN_MARKING)


def test_a_marking_names_every_missing_level_and_comment() -> None:
    r = rubric(3)
    given = {
        "C1": CriterionMark("Proficient", "Good."),
        "C2": CriterionMark("Superb", "Great."),
        "C9": CriterionMark("Proficient", "?"),
        "C3": CriterionMark("Developing", "  "),
    }
    problems = {p.location: p.message for p in check_marking(r, given)}
    assert problems == {
        "marks[C9]": "no such criterion in the rubric",
        "marks[C2].level": "'Superb' is not a level of C2 (Not yet, Developing, Proficient, Exemplary)",
        "marks[C3].comment": "a comment is needed",
    }
    assert [p.location for p in check_marking(r, {"C1": CriterionMark("Proficient", "ok")})] == [
        "marks[C2]",
        "marks[C3]",
    ]
    assert check_marking(r, marking(2, 2, 2)) == []
    assert level_index(r, "C1", "exemplary") == 3


def test_disagreement_is_a_different_verdict_or_two_levels_apart() -> None:
    r = rubric(3)
    assert disagreement(r, marking(2, 2, 2), marking(3, 1, 2)) == ()
    assert disagreement(r, marking(2, 2, 2), marking(0, 2, 2)) == (
        "the first marking passes, the second fails",
        "C1: Proficient and Not yet are 2 levels apart",
    )
    assert disagreement(r, marking(1, 2, 3), marking(3, 2, 3)) == (
        "C1: Developing and Exemplary are 2 levels apart",
    )


def test_the_decision_follows_the_marks_that_count() -> None:
    r = rubric(3)
    first = marking(2, 2, 1)
    assert next_step(r, first=None, sampled=False) == Pending("first")
    single = next_step(r, first=first, sampled=False)
    assert isinstance(single, Decision) and (single.how, single.passed) == ("single", True)
    assert next_step(r, first=first, sampled=True) == Pending("second")
    agreed = next_step(r, first=first, sampled=True, second=marking(3, 2, 1))
    assert isinstance(agreed, Decision) and agreed.how == "agreed" and agreed.result["C2"] == "Proficient"
    split = next_step(r, first=first, sampled=True, second=marking(0, 2, 0))
    assert isinstance(split, Pending) and split.awaiting == "third" and split.reasons
    third = next_step(r, first=first, sampled=True, second=marking(0, 2, 0), third=marking(1, 1, 0))
    assert isinstance(third, Decision)
    assert (third.how, third.passed, third.result["C3"]) == ("reconciled", False, "Not yet")
    assert third.as_json()["disagreement"] == list(split.reasons)


def test_an_incomplete_marking_decides_nothing() -> None:
    with pytest.raises(InvalidInput, match=r"marks\[C3\]: not marked"):
        next_step(rubric(3), first={"C1": CriterionMark("Proficient", "x")} | marking(2, 2), sampled=False)
