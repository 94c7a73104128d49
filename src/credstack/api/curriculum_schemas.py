"""Pydantic models for the curriculum API: the course catalogue, the terminal credentials and
one credential's map (matrix, backmapping, gaps, coherence). Each output has an ``of``."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from credstack.domain.competency_tree import CompetencyInfo
from credstack.domain.curriculum import Cell, CurriculumMap, Gap, OutcomeCoverage
from credstack.domain.curriculum_coherence import Flag
from credstack.domain.curriculum_stack import Member, Route
from credstack.services.curriculum import CourseImport, Terminal
from credstack.store.courses import StoredCourse


class CourseImportOut(BaseModel):
    courses: int = Field(description="courses in the catalogue now")
    replaced: int = Field(description="courses the catalogue held before")
    unchanged: bool = Field(description="the catalogue held exactly these courses; nothing was written")
    source: str

    @classmethod
    def of(cls, done: CourseImport) -> CourseImportOut:
        return cls(courses=done.courses, replaced=done.replaced, unchanged=done.unchanged, source=done.source)


class CourseCompetencyOut(BaseModel):
    competency: str = Field(description="the competency's identifier")
    level: int


class CourseOut(BaseModel):
    code: str
    title: str
    credits: Decimal | None = Field(description="ECTS")
    level: int | None = Field(description="EQF level")
    competencies: list[CourseCompetencyOut]
    source: str

    @classmethod
    def of(cls, stored: StoredCourse) -> CourseOut:
        c = stored.course
        return cls(
            code=c.code,
            title=c.title,
            credits=c.credits,
            level=c.level,
            competencies=[CourseCompetencyOut(competency=k, level=lvl) for k, lvl in c.competencies],
            source=stored.source,
        )


class CompetencyOut(BaseModel):
    identifier: str
    code: str | None
    statement: str

    @classmethod
    def of(cls, c: CompetencyInfo) -> CompetencyOut:
        return cls(identifier=c.identifier, code=c.code, statement=c.statement)


class TerminalOut(BaseModel):
    code: str
    name: str
    kind: str
    level: int | None
    pathways: list[str] = Field(description="the pathways that award it, the default first")
    outcomes: int
    statuses: dict[str, int] = Field(description="outcomes by status, under the default pathway")
    flags: int
    url: str

    @classmethod
    def of(cls, t: Terminal) -> TerminalOut:
        a = t.achievement
        return cls(
            code=a.code,
            name=a.name,
            kind=a.kind.value,
            level=a.level,
            pathways=list(t.pathways),
            outcomes=len(t.map.outcomes),
            statuses={s: t.count(s) for s in ("covered", "partial", "too-low", "uncovered")},
            flags=len(t.map.flags),
            url=f"/api/v1/curriculum/{a.code}",
        )


class StepOut(BaseModel):
    pathway: str
    node: str
    type: str
    label: str


def _routes(routes: tuple[Route, ...]) -> list[list[StepOut]]:
    return [[StepOut(pathway=s.pathway, node=s.node, type=s.type, label=s.label) for s in r] for r in routes]


class MemberOut(BaseModel):
    code: str
    name: str
    kind: str
    level: int | None
    stacked: bool = Field(description="a sub-credential, awarded by a pathway inside the stack")
    required: bool = Field(description="reached through required nodes only")
    stacks_into: list[str]
    routes: list[list[StepOut]] = Field(description="every route from the pathway's root to it")

    @classmethod
    def of(cls, m: Member) -> MemberOut:
        a = m.achievement
        return cls(
            code=a.code,
            name=a.name,
            kind=a.kind.value,
            level=a.level,
            stacked=m.stacked,
            required=m.required,
            stacks_into=list(m.parents),
            routes=_routes(m.routes),
        )


class CellOut(BaseModel):
    level: int
    meets: bool
    via: list[str] = Field(description="codes of the parts it is reached through; empty when direct")

    @classmethod
    def of(cls, c: Cell | None) -> CellOut | None:
        return None if c is None else cls(level=c.level, meets=c.meets, via=[v.label for v in c.via])


class MatrixRowOut(BaseModel):
    outcome: str = Field(description="the outcome's identifier")
    competency: CompetencyOut
    depth: int = Field(description="0 for the outcome, 1 for its parts, 2 for theirs ...")
    required: int
    best: int | None
    covered: int | None
    cells: list[CellOut | None] = Field(description="one per column")


class MatrixOut(BaseModel):
    columns: list[str] = Field(description="the components' codes")
    rows: list[MatrixRowOut]


class ContributionOut(BaseModel):
    achievement: str
    competency: CompetencyOut
    level: int
    direct: bool = Field(description="aligned to the outcome itself (else to one of its parts)")
    routes: list[list[StepOut]]


class BackmapOut(BaseModel):
    outcome: CompetencyOut
    level: int
    contributions: list[ContributionOut]


class CourseMatchOut(BaseModel):
    code: str
    title: str
    level: int
    meets: bool


class GapOut(BaseModel):
    competency: CompetencyOut
    required: int
    best: int | None
    status: Literal["too-low", "uncovered"]
    remedy: Literal["course", "achievement", "new-module"]
    courses: list[CourseMatchOut]
    achievements: dict[str, int] = Field(description="catalog achievements outside the stack: code -> level")

    @classmethod
    def of(cls, g: Gap) -> GapOut:
        return cls(
            competency=CompetencyOut.of(g.competency),
            required=g.required,
            best=g.best,
            status=g.status,
            remedy=g.remedy,
            courses=[
                CourseMatchOut(code=c.course.code, title=c.course.title, level=c.level, meets=c.meets)
                for c in g.courses
            ],
            achievements={a.code: level for a, level in g.achievements},
        )


class CoverageOut(BaseModel):
    outcome: CompetencyOut
    level: int
    status: Literal["covered", "partial", "too-low", "uncovered"]
    best: int | None
    covered: int | None
    optional_only: bool
    gaps: list[GapOut]

    @classmethod
    def of(cls, c: OutcomeCoverage) -> CoverageOut:
        return cls(
            outcome=CompetencyOut.of(c.outcome.competency),
            level=c.outcome.level,
            status=c.status,
            best=c.best,
            covered=c.covered,
            optional_only=c.optional_only,
            gaps=[GapOut.of(g) for g in c.gaps],
        )


class FlagOut(BaseModel):
    kind: str
    severity: str
    achievements: list[str]
    competencies: list[str]
    message: str

    @classmethod
    def of(cls, f: Flag) -> FlagOut:
        return cls(
            kind=f.kind,
            severity=f.severity,
            achievements=list(f.achievements),
            competencies=[c.label for c in f.competencies],
            message=f.message,
        )


class CurriculumOut(BaseModel):
    """A terminal credential's curriculum map (docs/curriculum.md)."""

    code: str
    name: str
    pathway: str = Field(description="the pathway mapped")
    pathway_version: int
    pathways: list[str] = Field(description="every pathway that awards the credential")
    outcomes: list[CompetencyOut]
    stack: list[MemberOut]
    matrix: MatrixOut
    backmapping: list[BackmapOut]
    gaps: list[CoverageOut]
    coherence: list[FlagOut]

    @classmethod
    def of(cls, m: CurriculumMap, pathways: tuple[str, ...]) -> CurriculumOut:
        stack = m.stack
        return cls(
            code=stack.terminal.code,
            name=stack.terminal.name,
            pathway=stack.pathway.id,
            pathway_version=stack.pathway.version,
            pathways=list(pathways),
            outcomes=[CompetencyOut.of(o.competency) for o in m.outcomes],
            stack=[MemberOut.of(x) for x in stack.members],
            matrix=MatrixOut(
                columns=[c.code for c in m.matrix.columns],
                rows=[
                    MatrixRowOut(
                        outcome=r.outcome.competency.identifier,
                        competency=CompetencyOut.of(r.competency),
                        depth=r.depth,
                        required=r.outcome.level,
                        best=r.best,
                        covered=r.covered,
                        cells=[CellOut.of(c) for c in r.cells],
                    )
                    for r in m.matrix.rows
                ],
            ),
            backmapping=[
                BackmapOut(
                    outcome=CompetencyOut.of(b.outcome.competency),
                    level=b.outcome.level,
                    contributions=[
                        ContributionOut(
                            achievement=x.member.code,
                            competency=CompetencyOut.of(x.competency),
                            level=x.level,
                            direct=x.direct,
                            routes=_routes(x.member.routes),
                        )
                        for x in b.contributions
                    ],
                )
                for b in m.backmap
            ],
            gaps=[CoverageOut.of(c) for c in m.coverage],
            coherence=[FlagOut.of(f) for f in m.flags],
        )
