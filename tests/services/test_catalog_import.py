"""Importing achievement definitions (CSV and JSON), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from credstack.domain.achievement import AchievementKind, CreditUnit
from credstack.domain.errors import InvalidInput
from credstack.services.catalog import achievement_detail, catalog, import_achievements, parse_achievements
from credstack.services.frameworks import import_framework
from credstack.store.achievements import CatalogFilter
from tests.conftest import snapshot

FRAMEWORK_CSV = (
    '"Identifier","fullStatement","Human Coding Scheme","Is Child Of"\n'
    '"d1","Data analysis","DA",""\n'
    '"d11","Can clean a data set","DA.1","DA"\n'
    '"d12","Can chart a distribution","DA.2","DA"\n'
)
ACHIEVEMENTS_CSV = (
    "code,name,kind,level,credits,credit_unit,price,currency,state,tags,competencies,validity_months\n"
    "MC-1,Data cleaning,micro-credential,4,3,credit-hours,290,EUR,published,data;python,DA.1:2,24\n"
    "MC-2,Charts,micro-credential,5,5,ects,350,EUR,published,data,DA.2:1; d11:3,\n"
    "CERT-1,Certificate in Data,certificate,5,10,ects,600,EUR,draft,,DA:2,\n"
)


@pytest.fixture
def framework(uow, institution):
    return import_framework(uow, institution=institution, data=FRAMEWORK_CSV.encode(), filename="fw.csv")


def load(uow, institution, text: str, name: str = "a.csv"):
    return import_achievements(
        uow, institution=institution, parsed=parse_achievements(text.encode(), filename=name)
    )


def test_csv_import_and_filters(uow, institution, framework):
    result = load(uow, institution, ACHIEVEMENTS_CSV)
    assert result.created == ["MC-1", "MC-2", "CERT-1"]
    everything = catalog(uow, institution=institution)
    assert [s.achievement.code for s in everything] == ["MC-1", "MC-2", "CERT-1"]
    certs = catalog(uow, institution=institution, flt=CatalogFilter(kind=AchievementKind.CERTIFICATE))
    assert [s.achievement.code for s in certs] == ["CERT-1"]
    level5 = catalog(uow, institution=institution, flt=CatalogFilter(level=5))
    assert {s.achievement.code for s in level5} == {"MC-2", "CERT-1"}
    mc2 = next(s for s in everything if s.achievement.code == "MC-2")
    d11 = next(a.row.id for a in mc2.aligned if a.row.competency.code == "DA.1")
    by_comp = catalog(uow, institution=institution, flt=CatalogFilter(competency_id=d11))
    assert {s.achievement.code for s in by_comp} == {"MC-1", "MC-2"}
    detail = achievement_detail(uow, mc2.id).achievement
    assert sorted((a.competency, a.level_reached) for a in detail.alignments) == [("d11", 3), ("d12", 1)]
    assert detail.credits is not None and detail.credits.unit is CreditUnit.ECTS
    mc1 = achievement_detail(uow, everything[0].id).achievement
    assert mc1.credits is not None and mc1.credits.amount == Decimal(3) and mc1.tags == ("data", "python")
    assert mc1.price is not None and mc1.price.amount == Decimal(290)


def test_reimport_is_idempotent_and_a_changed_definition_is_refused(uow, institution, framework, engine):
    load(uow, institution, ACHIEVEMENTS_CSV)
    before = snapshot(engine)
    again = load(uow, institution, ACHIEVEMENTS_CSV)
    assert again.created == [] and len(again.unchanged) == 3
    assert snapshot(engine) == before
    with pytest.raises(InvalidInput) as info:
        load(uow, institution, ACHIEVEMENTS_CSV.replace("Data cleaning", "Data wrangling"))
    assert [p.location for p in info.value.problems] == ["line 2 code"]
    assert snapshot(engine) == before


JSON_DEFS = [
    {
        "code": "MC-9",
        "name": "Dashboards",
        "level": 5,
        "credits": 4,
        "competencies": [{"competency": "DA.2", "level": 2}],
        "rubric": {
            "title": "Dashboard rubric",
            "pass_rule": {"min_points_each": 1, "min_percent": 50},
            "criteria": [
                {
                    "code": "C1",
                    "title": "Clarity",
                    "competencies": ["DA.2"],
                    "levels": [{"name": "Not yet", "points": 0}, {"name": "Proficient", "points": 2}],
                }
            ],
        },
    }
]


def test_json_import_with_rubric(uow, institution, framework):
    result = load(uow, institution, json.dumps(JSON_DEFS), "defs.json")
    assert result.created == ["MC-9"]
    [stored] = catalog(uow, institution=institution)
    rubric = achievement_detail(uow, stored.id).achievement.rubric
    assert rubric is not None and rubric.criteria[0].competencies == ("d12",)
    assert rubric.evaluate({"C1": "Proficient"}).passed


@pytest.mark.parametrize(
    ("text", "location", "fragment"),
    [
        ("code,name,level\nMC-1,Ok,4\nMC-2,Bad,11\n", "line 3 level", "outside 1-8"),
        ("code,name,kind\nMC-1,Ok,badge\n", "line 2 kind", "is not one of"),
        ("code,name,competencies\nMC-1,Ok,DA.9:2\n", "line 2 competencies", "no competency 'DA.9'"),
        ("code,name,competencies\nMC-1,Ok,DA.1\n", "line 2 competencies", "KEY:LEVEL"),
        ("code,name\nMC-1,Ok\nMC-1,Again\n", "line 3 code", "duplicate code"),
        ("code,name,price\nMC-1,,abc\n", "line 2 name", "is required"),
        ("code,name,colour\nMC-1,Ok,red\n", "line 1", "unknown column"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_imported(
    uow, institution, framework, engine, text, location, fragment
):
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as info:
        load(uow, institution, text)
    assert any(p.location == location and fragment in p.message for p in info.value.problems), (
        info.value.problems
    )
    assert snapshot(engine) == before


def test_bad_json_is_named(uow, institution, framework):
    with pytest.raises(InvalidInput) as info:
        load(uow, institution, '[{"code": "X", "name": "Y", "shape": 1}]', "d.json")
    assert str(info.value.problems[0]) == "[0]: unknown field(s): shape"
    with pytest.raises(InvalidInput) as info:
        load(uow, institution, '[{"code": "X", "name": "Y"', "d.json")
    assert info.value.problems[0].location.startswith("line 1, column")
