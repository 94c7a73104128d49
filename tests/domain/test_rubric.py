from decimal import Decimal

from credstack.domain.rubric import PassRule, PerformanceLevel, Rubric, RubricCriterion

LEVELS = [
    PerformanceLevel("Not yet", Decimal(0)),
    PerformanceLevel("Developing", Decimal(1)),
    PerformanceLevel("Proficient", Decimal(2)),
    PerformanceLevel("Exemplary", Decimal(3)),
]


def rubric(rule: PassRule) -> Rubric:
    return Rubric(
        "R",
        [
            RubricCriterion("C1", "Analysis", LEVELS, weight=Decimal(2)),
            RubricCriterion("C2", "Communication", LEVELS),
        ],
        rule,
    )


def test_each_criterion_must_reach_its_minimum():
    r = rubric(PassRule(min_points_each=Decimal(1)))
    assert r.evaluate({"C1": "Proficient", "C2": "Developing"}).passed
    verdict = r.evaluate({"C1": "Exemplary", "C2": "Not yet"})
    assert not verdict.passed
    assert verdict.shortfalls == ("C2: Not yet is below the minimum of 1 points",)


def test_weighted_percentage():
    r = rubric(PassRule(min_points_each=None, min_percent=Decimal(60)))
    verdict = r.evaluate({"C1": 2, "C2": 0})  # (2*2 + 0) / (3*2 + 3) = 44.4%
    assert verdict.score == Decimal(4) and verdict.max_score == Decimal(9)
    assert not verdict.passed
    assert r.evaluate({"C1": "exemplary", "C2": "not yet"}).passed  # 6/9 = 66.7%


def test_unmarked_and_unknown_levels_are_named():
    verdict = rubric(PassRule()).evaluate({"C1": "Superb"})
    assert set(verdict.shortfalls) == {"C1: no level 'Superb'", "C2: not marked"}


def test_critical_criterion_needs_proficient():
    r = rubric(PassRule(critical=("C1",)))
    assert not r.evaluate({"C1": "Developing", "C2": "Exemplary"}).passed
    assert r.evaluate({"C1": "Proficient", "C2": "Developing"}).passed


def test_validation():
    bad = Rubric(
        "R", [RubricCriterion("C1", "x", []), RubricCriterion("C1", "y", LEVELS)], PassRule(critical=("C9",))
    )
    messages = [p.message for p in bad.validate()]
    assert "duplicate criterion code" in messages
    assert "a criterion needs at least one performance level" in messages
    assert any("C9" in m for m in messages)
