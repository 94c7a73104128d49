"""Curriculum mapping use cases: import the course catalogue, list the terminal credentials,
map one of them (matrix, backmapping, gaps, coherence) and export the views as CSV."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from credstack.domain.achievement import Achievement
from credstack.domain.competency_tree import CompetencyTree
from credstack.domain.curriculum import Course, CurriculumMap, map_curriculum
from credstack.domain.curriculum_stack import build_stack, pathways_awarding
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.framework import CompetencyFramework
from credstack.domain.institution import Institution
from credstack.domain.pathways.model import Pathway
from credstack.interop import curriculum_csv
from credstack.interop.course_csv import ParsedCourse, parse_course_csv
from credstack.services.institutions import ensure_institution
from credstack.services.stacking import stored_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.courses import StoredCourse

Export = Literal["matrix", "gaps", "coherence"]
EXPORTS: tuple[Export, ...] = ("matrix", "gaps", "coherence")


@dataclass(frozen=True)
class CourseImport:
    courses: int
    replaced: int  # how many courses the catalogue held before
    unchanged: bool  # the catalogue held exactly these courses already; nothing was written
    source: str

    def summary(self) -> dict[str, object]:
        return {
            "courses": self.courses,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "source": self.source,
        }


def _resolve(
    uow: UnitOfWork, institution_id: int, parsed: list[ParsedCourse]
) -> tuple[list[Course], list[Problem]]:
    keys = {key for p in parsed for key, _ in p.course.competencies}
    found = uow.frameworks.find_competencies(institution_id, keys)
    problems: list[Problem] = []
    resolved: list[Course] = []
    for p in parsed:
        competencies: list[tuple[str, int]] = []
        for key, level in p.course.competencies:
            matches = {m.competency.identifier: m.framework_identifier for m in found.get(key, [])}
            if not matches:
                problems.append(Problem(f"{p.where} competencies", f"no competency {key!r} in any framework"))
            elif len(matches) > 1:
                where = ", ".join(sorted(set(matches.values())))
                problems.append(
                    Problem(
                        f"{p.where} competencies",
                        f"{key!r} is ambiguous (frameworks {where}); use the competency's identifier",
                    )
                )
            else:
                ident = next(iter(matches))
                if any(c == ident for c, _ in competencies):
                    problems.append(Problem(f"{p.where} competencies", f"{key!r} names a competency twice"))
                competencies.append((ident, level))
        resolved.append(replace(p.course, competencies=tuple(competencies)))
    return resolved, problems


def import_courses(
    uow: UnitOfWork, *, institution: Institution, data: bytes, filename: str, actor: str
) -> CourseImport:
    """Replace the institution's course catalogue with the file's courses, all or nothing:
    any bad row, or a competency no framework holds, imports none. The same catalogue again
    writes nothing."""
    parsed = parse_course_csv(data, source=filename)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        resolved, problems = _resolve(uow, institution_id, parsed)
        if problems:
            raise InvalidInput(problems, source=filename)
        before = [s.course for s in uow.courses.list(institution_id)]
        wanted = sorted(resolved, key=lambda c: c.code)
        if before == wanted:
            return CourseImport(len(wanted), len(before), True, filename)
        uow.courses.replace(institution_id, wanted, source=filename)
        uow.audit.record(
            actor=actor,
            action="courses.imported",
            subject_type="course-catalogue",
            subject_id=institution.slug,
            institution_id=institution_id,
            detail={"file": filename, "courses": len(wanted), "replaced": len(before)},
        )
        uow.commit()
    return CourseImport(len(wanted), len(before), False, filename)


def list_courses(uow: UnitOfWork, *, institution: Institution) -> list[StoredCourse]:
    with uow:
        found = uow.institutions.get(institution.slug)
        return uow.courses.list(found[0]) if found else []


@dataclass(frozen=True)
class Terminal:
    """An achievement some pathway awards: a credential whose curriculum can be mapped."""

    id: int
    achievement: Achievement
    pathways: tuple[str, ...]  # the pathways that award it, the default one first
    map: CurriculumMap  # under the default pathway

    def count(self, status: str) -> int:
        return sum(1 for c in self.map.coverage if c.status == status)


@dataclass(frozen=True)
class Curriculum:
    map: CurriculumMap
    ids: dict[str, int]  # catalog page ids by achievement code
    pathways: tuple[str, ...]  # every pathway that awards the terminal (the one used is in map)
    courses: list[StoredCourse]
    tree: CompetencyTree


@dataclass(frozen=True)
class _Inputs:
    institution_id: int
    catalog: list[Achievement]
    ids: dict[str, int]
    pathways: list[Pathway]
    frameworks: list[CompetencyFramework]
    courses: list[StoredCourse]


def _inputs(uow: UnitOfWork, institution: Institution) -> _Inputs:
    with uow:
        found = uow.institutions.get(institution.slug)
        if found is None:
            return _Inputs(0, [], {}, [], [], [])
        institution_id = found[0]
        stored = uow.achievements.search(institution_id)
        pathways = [stored_pathway(p) for p in uow.pathways.latest(institution_id)]
        latest: dict[str, int] = {}
        for summary in uow.frameworks.summaries(institution_id):  # newest revision first
            latest.setdefault(summary.identifier, summary.id)
        frameworks = [
            pkg.framework for fid in latest.values() if (pkg := uow.frameworks.load(fid)) is not None
        ]
        courses = uow.courses.list(institution_id)
    return _Inputs(
        institution_id,
        [s.achievement for s in stored],
        {s.achievement.code: s.id for s in stored},
        pathways,
        frameworks,
        courses,
    )


def _map(inputs: _Inputs, tree: CompetencyTree, code: str, pathway: str | None) -> CurriculumMap:
    stack = build_stack(
        code, catalog=inputs.catalog, pathways=inputs.pathways, pathway=pathway, resolve=tree.resolve
    )
    courses = [
        replace(s.course, competencies=tuple((tree.resolve(k) or k, lvl) for k, lvl in s.course.competencies))
        for s in inputs.courses
    ]
    return map_curriculum(stack, tree, catalog=inputs.catalog, courses=courses)


def terminals(uow: UnitOfWork, *, institution: Institution) -> list[Terminal]:
    """Every achievement a pathway awards, in catalog order (certificates before diplomas),
    each mapped under its default pathway."""
    inputs = _inputs(uow, institution)
    tree = CompetencyTree.of(inputs.frameworks)
    out = []
    for a in inputs.catalog:
        awarding = tuple(p.id for p in pathways_awarding(a.code, inputs.pathways))
        if awarding:
            out.append(Terminal(inputs.ids[a.code], a, awarding, _map(inputs, tree, a.code, None)))
    return out


def curriculum(
    uow: UnitOfWork, *, institution: Institution, code: str, pathway: str | None = None
) -> Curriculum:
    """The curriculum map of the achievement ``code`` under one of the pathways that award it
    (by default the one whose id is the code, else the first by id)."""
    inputs = _inputs(uow, institution)
    tree = CompetencyTree.of(inputs.frameworks)
    mapped = _map(inputs, tree, code, pathway)
    awarding = tuple(p.id for p in pathways_awarding(code, inputs.pathways))
    return Curriculum(mapped, inputs.ids, awarding, inputs.courses, tree)


def export_csv(found: Curriculum, which: str) -> str:
    match which:
        case "matrix":
            return curriculum_csv.matrix_csv(found.map)
        case "gaps":
            return curriculum_csv.gaps_csv(found.map)
        case "coherence":
            return curriculum_csv.coherence_csv(found.map)
    raise InvalidInput(Problem("csv", f"must be {', '.join(EXPORTS)}, not {which!r}"))
