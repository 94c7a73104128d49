"""The demo catalog: plain domain objects that are sound, complete and reproducible."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from credstack.domain.achievement import AchievementKind, CreditUnit, LifecycleState
from credstack.domain.framework import AssociationType
from credstack.services.demo_data import (
    FRAMEWORK_ID,
    FRAMEWORK_URI,
    DemoCatalog,
    build_demo_catalog,
)

EXTERNAL_TYPES = {AssociationType.EXACT_MATCH_OF, AssociationType.IS_RELATED_TO}


@pytest.fixture(scope="module")
def catalog() -> DemoCatalog:
    return build_demo_catalog(learner_count=500)


def _depths(catalog: DemoCatalog) -> dict[str, int]:
    return catalog.framework.hierarchy().depths()


def test_institution() -> None:
    institution = build_demo_catalog(learner_count=0).institution
    assert institution.slug == "northbridge"
    assert institution.url == "https://northbridge.example.edu"
    assert institution.currency == "EUR"
    assert institution.conversion.ects_per_credit_hour == Decimal(2)


def test_framework_is_sound_and_three_levels_deep(catalog: DemoCatalog) -> None:
    framework = catalog.framework
    assert framework.validate() == []
    assert framework.identifier == FRAMEWORK_ID
    expected_uri = f"https://northbridge.example.edu/frameworks/{FRAMEWORK_ID}"
    assert framework.uri == FRAMEWORK_URI == expected_uri
    assert 38 <= len(framework.competencies) <= 42
    depths = _depths(catalog)
    assert len(depths) == len(framework.competencies)
    assert max(depths.values()) == 3
    by_depth = Counter(depths.values())
    assert by_depth[1] == 5
    for c in framework.competencies:
        assert c.code is not None
        assert depths[c.identifier] == c.code.count(".") + 1
        assert c.item_type == {1: "Domain", 2: "Area", 3: "Competency"}[depths[c.identifier]]
        assert c.uri == f"https://northbridge.example.edu/competencies/{c.identifier}"
        assert c.language == "en" and c.education_levels
        if depths[c.identifier] == 3:
            assert c.statement.startswith("Can ")


def test_every_area_and_domain_has_two_or_three_children(catalog: DemoCatalog) -> None:
    hierarchy = catalog.framework.hierarchy()
    depths = _depths(catalog)
    for ident, depth in depths.items():
        if depth < 3:
            assert 2 <= len(hierarchy.children.get(ident, [])) <= 3


def test_child_associations_are_sequenced_like_the_codes(catalog: DemoCatalog) -> None:
    framework = catalog.framework
    children = [a for a in framework.associations if a.type == AssociationType.IS_CHILD_OF]
    assert len(children) == len(framework.competencies)
    for a in children:
        assert a.origin.title is not None and a.sequence is not None
        if "." in a.origin.title:
            assert a.sequence == int(a.origin.title.rsplit(".", 1)[1])
        else:
            assert framework.is_document(a.destination)
    code_of = {c.identifier: c.code for c in framework.competencies}
    walked = [code_of[ident] for ident, _ in framework.hierarchy().walk()]
    assert walked == [c.code for c in framework.competencies]


def test_non_hierarchy_associations(catalog: DemoCatalog) -> None:
    framework = catalog.framework
    others = [a for a in framework.associations if a.type != AssociationType.IS_CHILD_OF]
    assert 5 <= len(others) <= 8
    precedes = [a for a in others if a.type == AssociationType.PRECEDES]
    assert precedes
    depths = _depths(catalog)
    for a in precedes:
        origin, destination = framework.resolve(a.origin), framework.resolve(a.destination)
        assert origin is not None and destination is not None
        assert depths[origin] == depths[destination] == 3
    external = [a for a in others if a.type in EXTERNAL_TYPES]
    assert 3 <= len(external) <= 4
    for a in external:
        assert framework.resolve(a.origin) is not None
        assert framework.resolve(a.destination) is None
        assert a.destination.identifier.startswith("http://data.europa.eu/esco/skill/")
        assert a.destination.title


def test_achievement_counts_and_validity(catalog: DemoCatalog) -> None:
    kinds = Counter(a.kind for a in catalog.achievements)
    assert kinds == {
        AchievementKind.MICRO_CREDENTIAL: 12,
        AchievementKind.CERTIFICATE: 2,
        AchievementKind.DIPLOMA: 1,
    }
    assert len({a.code for a in catalog.achievements}) == len(catalog.achievements)
    for a in catalog.achievements:
        assert a.validate() == [], a.code
        assert a.state is LifecycleState.PUBLISHED and a.awardable
        assert a.next_review is not None and a.next_review.year == 2027
        assert a.price is not None and a.price.currency == "EUR"
        assert a.description and a.criteria


def test_alignments_point_to_existing_competencies(catalog: DemoCatalog) -> None:
    depths = _depths(catalog)
    for a in catalog.achievements:
        assert a.alignments, a.code
        for al in a.alignments:
            assert catalog.framework.competency(al.competency) is not None
            assert al.framework == FRAMEWORK_ID
            if a.kind is AchievementKind.MICRO_CREDENTIAL:
                assert depths[al.competency] == 3
                assert 1 <= al.level_reached <= 3
            elif a.kind is AchievementKind.CERTIFICATE:
                assert depths[al.competency] == 2
        if a.kind is AchievementKind.MICRO_CREDENTIAL:
            assert 2 <= len(a.alignments) <= 4


def test_micro_credentials_have_the_catalog_fields(catalog: DemoCatalog) -> None:
    micro = [a for a in catalog.achievements if a.kind is AchievementKind.MICRO_CREDENTIAL]
    units = Counter(a.credits.unit for a in micro if a.credits)
    assert units[CreditUnit.ECTS] >= 8 and units[CreditUnit.CREDIT_HOURS] >= 2
    assert {a.validity_months for a in micro} == {24, 36, None}
    for a in micro:
        assert a.code.startswith("MC-")
        assert a.level is not None and 4 <= a.level <= 6
        assert a.expected_hours is not None and 40 <= a.expected_hours <= 120
        assert a.price is not None and Decimal(290) <= a.price.amount <= Decimal(690)
        assert 1 <= len(a.employer_partners) <= 2
        assert a.tags


def test_rubrics(catalog: DemoCatalog) -> None:
    micro = [a for a in catalog.achievements if a.kind is AchievementKind.MICRO_CREDENTIAL]
    assert any(a.rubric and a.rubric.pass_rule.critical for a in micro)
    for a in micro:
        rubric = a.rubric
        assert rubric is not None, a.code
        assert 3 <= len(rubric.criteria) <= 5
        aligned = {al.competency for al in a.alignments}
        covered: set[str] = set()
        for criterion in rubric.criteria:
            assert [lv.name for lv in criterion.levels] == [
                "Not yet",
                "Developing",
                "Proficient",
                "Exemplary",
            ]
            assert [lv.points for lv in criterion.levels] == [Decimal(n) for n in range(4)]
            assert all(lv.description for lv in criterion.levels)
            assert criterion.competencies and set(criterion.competencies) <= aligned
            covered |= set(criterion.competencies)
        assert covered == aligned, a.code
        proficient = rubric.evaluate({c.code: "Proficient" for c in rubric.criteria})
        assert proficient.passed, (a.code, proficient.shortfalls)
        not_yet = rubric.evaluate({c.code: "Not yet" for c in rubric.criteria})
        assert not not_yet.passed
        assert len(not_yet.shortfalls) >= len(rubric.criteria)


def test_critical_criterion_blocks_a_pass(catalog: DemoCatalog) -> None:
    a = next(a for a in catalog.achievements if a.rubric and a.rubric.pass_rule.critical)
    assert a.rubric is not None
    critical = a.rubric.pass_rule.critical[0]
    marks = {c.code: "Exemplary" for c in a.rubric.criteria} | {critical: "Developing"}
    verdict = a.rubric.evaluate(marks)
    assert not verdict.passed
    assert verdict.shortfalls == (f"{critical}: critical criterion below proficient",)


def test_stacks_name_their_components_and_sum_their_credits(catalog: DemoCatalog) -> None:
    conversion = catalog.institution.conversion
    by_code = {a.code: a for a in catalog.achievements}
    stacks = [a for a in catalog.achievements if a.kind is not AchievementKind.MICRO_CREDENTIAL]
    for stack in stacks:
        assert stack.rubric is None
        named = [code for code in by_code if f"({code})" in stack.description]
        assert len(named) == 4, stack.code
        assert all(f"({code})" in stack.criteria for code in named)
        components = [by_code[code] for code in named]
        assert stack.credits is not None and stack.credits.unit is CreditUnit.ECTS
        assert stack.credits.amount == sum(conversion.ects(c.credits) for c in components if c.credits)
        assert stack.price is not None
        assert stack.price.amount < sum(c.price.amount for c in components if c.price)
    diploma = next(a for a in stacks if a.kind is AchievementKind.DIPLOMA)
    assert diploma.name == "Diploma in Digital Business Technology"
    for certificate in (a for a in stacks if a.kind is AchievementKind.CERTIFICATE):
        assert f"({certificate.code})" in diploma.description


def test_learners(catalog: DemoCatalog) -> None:
    learners = catalog.learners
    assert len(learners) == 500
    emails = [learner.email for learner in learners]
    assert len(set(emails)) == len(emails)
    assert all(e.endswith("@learners.northbridge.example.edu") and e.isascii() for e in emails)
    assert len({learner.name for learner in learners}) > 200
    assert len(build_demo_catalog(learner_count=2000).learners) == 2000


def test_build_is_deterministic() -> None:
    first, second = build_demo_catalog(learner_count=300), build_demo_catalog(learner_count=300)
    assert first == second
    other_seed = build_demo_catalog(learner_count=300, seed=8)
    assert other_seed.learners != first.learners
    assert other_seed.framework == first.framework
    assert other_seed.achievements == first.achievements
