"""Readable test data for the API and the pages: a corpus framework and two achievements."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from credstack.domain.institution import Institution
from credstack.services.catalog import import_achievements, parse_achievements
from credstack.services.frameworks import import_framework
from credstack.services.unit_of_work import UnitOfWork

CASE_JSON = "corpus/case/opensalt_what_standards_could_be.json"
CASE_CSV = "corpus/case/opensalt_sample_case_spreadsheet.csv"

RATIO = "CCSS.Math.Content.6.RP.A.1"
RATES = "CCSS.Math.Content.6.RP.A.3"
PROPORTION = "CCSS.Math.Content.7.RP.A.2"


def _levels(*descriptions: str) -> list[dict[str, Any]]:
    names = ("Beginning", "Developing", "Proficient")
    return [
        {"name": n, "points": i, "description": d}
        for i, (n, d) in enumerate(zip(names, descriptions, strict=True))
    ]


RATIO_REASONING: dict[str, Any] = {
    "code": "RATIO-1",
    "name": "Ratio reasoning",
    "kind": "micro-credential",
    "description": "Uses ratio and rate reasoning to solve real problems.",
    "criteria": "Complete the ratio project and reach the pass rule of its rubric.",
    "level": 4,
    "credits": 5,
    "credit_unit": "ects",
    "price": 250,
    "currency": "EUR",
    "state": "published",
    "validity_months": 36,
    "next_review": "2027-06-30",
    "tags": ["maths", "ratios"],
    "expected_hours": 120,
    "employer_partners": ["Acme Analytics"],
    "competencies": [{"competency": RATIO, "level": 2}, {"competency": RATES, "level": 3}],
    "rubric": {
        "title": "Ratio project",
        "pass_rule": {"min_points_each": 1, "min_percent": 60},
        "criteria": [
            {
                "code": "C1",
                "title": "Ratio language",
                "competencies": [RATIO],
                "levels": _levels(
                    "Cannot describe ratios.", "Describes simple ratios.", "Uses ratio language precisely."
                ),
            },
            {
                "code": "C2",
                "title": "Rate problems",
                "weight": 2,
                "competencies": [RATES],
                "levels": _levels("No method.", "Solves with help.", "Solves unaided and checks the answer."),
            },
        ],
    },
}

PROPORTIONAL: dict[str, Any] = {
    "code": "PROP-1",
    "name": "Proportional relationships",
    "kind": "certificate",
    "description": "Recognises and represents proportional relationships.",
    "level": 5,
    "credits": 3,
    "credit_unit": "credit-hours",
    "price": 900,
    "state": "draft",
    "competencies": [{"competency": PROPORTION, "level": 2}],
}


def achievements() -> list[dict[str, Any]]:
    return copy.deepcopy([RATIO_REASONING, PROPORTIONAL])


def achievements_file() -> bytes:
    return json.dumps(achievements()).encode()


def seed(uow: UnitOfWork, institution: Institution, shared: Path) -> int:
    """The corpus framework and the two achievements, through the services; the framework id."""
    result = import_framework(
        uow, institution=institution, data=(shared / CASE_JSON).read_bytes(), filename="standards.json"
    )
    parsed = parse_achievements(achievements_file(), filename="achievements.json")
    import_achievements(uow, institution=institution, parsed=parsed)
    return result.framework_id
