"""The published assessment blueprint of an achievement: what is certified, at which levels, how
it is assessed (the method, its tasks and conditions, who assesses), the rubric that decides a
pass, the credit value, who co-designed it, and how it lines up with external frameworks (its
EQF level, ESCO skills and any other framework its competencies are linked to).

The blueprint is assembled from the definition, never stored whole: only the assessment method
is kept apart (docs/adr/0010-partners-and-blueprints.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from urllib.parse import urlsplit

from credstack.domain.achievement import PROFICIENCY_LEVELS, AchievementKind, LifecycleState
from credstack.domain.errors import Problem
from credstack.domain.partners import NAME_MAX, PartnerKind, ProjectKind, text_problems
from credstack.domain.rubric import Rubric

EQF_URI = "http://data.europa.eu/snb/eqf/{level}"  # the EU Vocabularies concept for each EQF level
ESCO_PREFIX = "http://data.europa.eu/esco/"
MAX_TASKS = 20
PUBLIC_STATES = frozenset({LifecycleState.PUBLISHED, LifecycleState.RETIRED})


class AssessorKind(StrEnum):
    FACULTY = "faculty"
    EMPLOYER = "employer"
    THIRD_PARTY = "third-party"

    @property
    def label(self) -> str:
        return {"faculty": "Faculty", "employer": "Employer assessor", "third-party": "Third party"}[
            self.value
        ]


@dataclass(frozen=True)
class AssessmentTask:
    title: str
    description: str = ""


@dataclass(frozen=True)
class AssessmentMethod:
    """How the achievement is assessed, in words a learner and an employer can read."""

    narrative: str
    tasks: tuple[AssessmentTask, ...] = ()
    conditions: str = ""  # e.g. open book, supervised, on the employer's premises
    duration: str = ""  # e.g. "three weeks, about 25 hours"
    assessors: tuple[AssessorKind, ...] = (AssessorKind.FACULTY,)

    def validate(self) -> list[Problem]:
        problems = text_problems(self.narrative, "narrative")
        problems += text_problems(self.conditions, "conditions", required=False)
        problems += text_problems(self.duration, "duration", required=False, limit=NAME_MAX)
        if not self.assessors:
            problems.append(Problem("assessors", "name at least one: faculty, employer or third-party"))
        if len(set(self.assessors)) != len(self.assessors):
            problems.append(Problem("assessors", "each kind of assessor is named once"))
        if len(self.tasks) > MAX_TASKS:
            problems.append(Problem("tasks", f"at most {MAX_TASKS} tasks"))
        for i, task in enumerate(self.tasks):
            problems += text_problems(task.title, f"tasks[{i}].title", limit=NAME_MAX)
            problems += text_problems(task.description, f"tasks[{i}].description", required=False)
        return problems


# ---- alignment to external frameworks ---------------------------------------------------------


@dataclass(frozen=True)
class ExternalAlignment:
    """A target outside the institution: an EQF level, an ESCO skill, another framework's item."""

    framework: str  # "EQF", "ESCO", or the host name of another framework
    relation: str  # a CASE association type (exactMatchOf, isRelatedTo ...), or "level" for EQF
    name: str
    url: str | None = None
    code: str | None = None


def framework_of(url: str) -> str:
    """Which external framework an address belongs to."""
    if url.startswith(ESCO_PREFIX):
        return "ESCO"
    if url.startswith(EQF_URI.split("{", 1)[0]):
        return "EQF"
    return urlsplit(url).hostname or url


def eqf_alignment(level: int) -> ExternalAlignment:
    return ExternalAlignment("EQF", "level", f"EQF level {level}", EQF_URI.format(level=level), str(level))


# ---- the blueprint -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlueprintCompetency:
    code: str | None
    statement: str
    uri: str | None
    level_reached: int
    framework: str  # the framework's identifier
    external: tuple[ExternalAlignment, ...] = ()
    identifier: str = ""  # the competency's own identifier (rubric criteria name competencies by it)

    @property
    def level_name(self) -> str:
        return PROFICIENCY_LEVELS.get(self.level_reached, f"Level {self.level_reached}")


@dataclass(frozen=True)
class CoDesigner:
    """A partner that co-designed the achievement. ``slug`` is None for a partner the definition
    names but the partner registry does not hold."""

    name: str
    slug: str | None = None
    kind: PartnerKind | None = None
    website: str | None = None
    contribution: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TaskOffer:
    """A partner's project that serves as an assessment task, open to learners now."""

    id: int
    partner: str
    title: str
    kind: ProjectKind
    places: int
    closes: date


@dataclass(frozen=True)
class Credits:
    ects: Decimal
    credit_hours: Decimal
    defined_in: str  # the unit the definition states


@dataclass(frozen=True)
class Blueprint:
    code: str
    name: str
    kind: AchievementKind
    state: LifecycleState
    description: str
    criteria: str
    eqf_level: int | None
    credits: Credits | None
    expected_hours: int | None
    competencies: tuple[BlueprintCompetency, ...]
    rubric: Rubric | None
    method: AssessmentMethod | None
    co_designers: tuple[CoDesigner, ...]
    offers: tuple[TaskOffer, ...] = ()
    next_review: date | None = None

    @property
    def pass_rule(self) -> str | None:
        return self.rubric.pass_rule.describe() if self.rubric else None

    @property
    def alignments(self) -> tuple[ExternalAlignment, ...]:
        """Every external target once: the EQF level first, then each competency's links."""
        out: dict[tuple[str, str], ExternalAlignment] = {}
        if self.eqf_level is not None:
            eqf = eqf_alignment(self.eqf_level)
            out[(eqf.relation, eqf.url or "")] = eqf
        for c in self.competencies:
            for a in c.external:
                out.setdefault((a.relation, a.url or a.name), a)
        return tuple(out.values())

    def competency_labels(self) -> dict[str, str]:
        """Competency identifier -> its code (or statement), to name the rubric's competencies."""
        return {c.identifier: c.code or c.statement for c in self.competencies if c.identifier}

    @property
    def esco_skills(self) -> tuple[ExternalAlignment, ...]:
        return tuple(a for a in self.alignments if a.framework == "ESCO")
