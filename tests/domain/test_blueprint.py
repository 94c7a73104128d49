"""The blueprint as a plain object: the assessment method's rules, and the external alignments
(EQF level first, then each competency's ESCO and other links, each once)."""

from __future__ import annotations

from decimal import Decimal

from credstack.domain.achievement import AchievementKind, LifecycleState
from credstack.domain.blueprint import (
    AssessmentMethod,
    AssessmentTask,
    AssessorKind,
    Blueprint,
    BlueprintCompetency,
    ExternalAlignment,
    eqf_alignment,
    framework_of,
)
from credstack.domain.rubric import PassRule, PerformanceLevel, Rubric, RubricCriterion

ESCO = "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97"


def test_method_problems_name_their_fields() -> None:
    ok = AssessmentMethod(
        "A two-week project.", (AssessmentTask("Build the pipeline"),), assessors=(AssessorKind.FACULTY,)
    )
    assert ok.validate() == []
    bad = AssessmentMethod(
        "",
        (AssessmentTask(""),),
        assessors=(AssessorKind.EMPLOYER, AssessorKind.EMPLOYER),
        duration="x" * 300,
    )
    assert {p.location for p in bad.validate()} == {"narrative", "tasks[0].title", "assessors", "duration"}
    assert [p.location for p in AssessmentMethod("x", assessors=()).validate()] == ["assessors"]


def test_frameworks_are_told_apart_by_address() -> None:
    assert framework_of(ESCO) == "ESCO"
    assert framework_of("http://data.europa.eu/snb/eqf/5") == "EQF"
    assert framework_of("https://case.example.org/uri/abc") == "case.example.org"
    assert eqf_alignment(6) == ExternalAlignment(
        "EQF", "level", "EQF level 6", "http://data.europa.eu/snb/eqf/6", "6"
    )


def test_alignments_list_the_eqf_level_then_each_external_target_once() -> None:
    skill = ExternalAlignment("ESCO", "isRelatedTo", "computer programming", ESCO)
    rubric = Rubric(
        "Project",
        [RubricCriterion("C1", "Code", [PerformanceLevel("Pass", Decimal(1))])],
        PassRule(min_points_each=Decimal(1), min_percent=Decimal(60)),
    )
    bp = Blueprint(
        code="MC-1", name="Programming", kind=AchievementKind.MICRO_CREDENTIAL, state=LifecycleState.PUBLISHED,
        description="", criteria="", eqf_level=4, credits=None, expected_hours=None,
        competencies=(
            BlueprintCompetency("SD.1.1", "Writes code", None, 2, "fw", (skill,)),
            BlueprintCompetency("SD.1.2", "Tests code", None, 3, "fw", (skill,)),
        ),
        rubric=rubric, method=None, co_designers=(),
    )  # fmt: skip
    assert [a.framework for a in bp.alignments] == ["EQF", "ESCO"]
    assert bp.esco_skills == (skill,)
    assert bp.competencies[1].level_name == "Advanced"
    assert bp.pass_rule == "every criterion at 1 point or more and a weighted score of at least 60%"
