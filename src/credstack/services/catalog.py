"""Use cases for the achievement catalog: import definitions, browse and filter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from credstack.domain.achievement import Achievement, AchievementKind, Alignment
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.institution import Institution
from credstack.interop.achievements_io import (
    ParsedAchievement,
    parse_achievements_csv,
    parse_achievements_json,
)
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.achievements import CatalogFilter, StoredAchievement
from credstack.store.frameworks import FrameworkSummary


@dataclass(frozen=True)
class AchievementImportResult:
    created: list[str]
    unchanged: list[str]

    def summary(self) -> dict[str, object]:
        return {"created": len(self.created), "unchanged": len(self.unchanged), "codes": self.created}


def parse_achievements(
    data: bytes,
    *,
    filename: str | None = None,
    fmt: Literal["auto", "json", "csv"] = "auto",
    currency: str = "EUR",
) -> list[ParsedAchievement]:
    source = filename or "achievements"
    if fmt == "auto":
        suffix = Path(filename).suffix.lower() if filename else ""
        fmt = "json" if suffix == ".json" or (not suffix and data.lstrip()[:1] in (b"[", b"{")) else "csv"
    if fmt == "json":
        return parse_achievements_json(data, source=source, currency=currency)
    return parse_achievements_csv(data, source=source, currency=currency)


def _fingerprint(a: Achievement) -> tuple[object, ...]:
    """What makes two definitions the same (the lifecycle state and review date aside)."""
    credits = (a.credits.amount.normalize(), a.credits.unit) if a.credits else None
    price = (a.price.amount.normalize(), a.price.currency) if a.price else None
    rubric = None
    if a.rubric is not None:
        rubric = (
            a.rubric.title,
            tuple(
                (
                    c.code,
                    c.title,
                    c.weight.normalize(),
                    tuple(sorted(c.competencies)),
                    tuple((lv.name, lv.points.normalize()) for lv in c.levels),
                )
                for c in a.rubric.criteria
            ),
        )
    return (
        a.code,
        a.name,
        a.kind,
        a.description,
        a.criteria,
        a.level,
        credits,
        a.validity_months,
        price,
        tuple(a.tags),
        a.expected_hours,
        tuple(a.employer_partners),
        tuple(sorted((al.competency, al.level_reached) for al in a.alignments)),
        rubric,
    )


def import_achievements(
    uow: UnitOfWork, *, institution: Institution, parsed: list[ParsedAchievement], actor: str = "system"
) -> AchievementImportResult:
    """Store parsed definitions in one transaction. Competency keys (code, identifier or URI)
    resolve against the latest revision of the institution's frameworks; a definition already
    in the catalog unchanged is skipped; one that differs is an error (definitions change
    through review, not by re-import). Any problem imports nothing."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        keys = {al.competency for p in parsed for al in p.achievement.alignments}
        keys |= {
            k
            for p in parsed
            if p.achievement.rubric
            for c in p.achievement.rubric.criteria
            for k in c.competencies
        }
        found = uow.frameworks.find_competencies(institution_id, keys)
        problems: list[Problem] = []
        resolved: list[tuple[ParsedAchievement, Achievement, dict[str, int]]] = []
        for p in parsed:
            ids: dict[str, int] = {}
            alignments: list[Alignment] = []
            for al in p.achievement.alignments:
                matches = [
                    m for m in found.get(al.competency, []) if al.framework in (None, m.framework_identifier)
                ]
                if not matches:
                    problems.append(
                        Problem(
                            f"{p.where} competencies", f"no competency {al.competency!r} in any framework"
                        )
                    )
                    continue
                if len({m.id for m in matches}) > 1:
                    where = ", ".join(sorted({m.framework_identifier for m in matches}))
                    problems.append(
                        Problem(
                            f"{p.where} competencies",
                            f"{al.competency!r} is ambiguous (frameworks {where}); name the framework",
                        )
                    )
                    continue
                match = matches[0]
                ids[match.competency.identifier] = match.id
                alignments.append(
                    Alignment(match.competency.identifier, al.level_reached, match.framework_identifier)
                )
            rubric = p.achievement.rubric
            if rubric is not None:
                criteria = []
                for c in rubric.criteria:
                    comps = []
                    for key in c.competencies:
                        hits = found.get(key, [])
                        if not hits:
                            problems.append(Problem(f"{p.where} rubric.{c.code}", f"no competency {key!r}"))
                        else:
                            comps.append(hits[0].competency.identifier)
                    criteria.append(replace(c, competencies=tuple(comps)))
                rubric = replace(rubric, criteria=criteria)
            resolved.append((p, replace(p.achievement, alignments=alignments, rubric=rubric), ids))
        if problems:
            raise InvalidInput(problems)
        created: list[str] = []
        unchanged: list[str] = []
        for p, achievement, ids in resolved:
            existing_id = uow.achievements.id_for_code(institution_id, achievement.code)
            if existing_id is not None:
                stored = uow.achievements.get(existing_id)
                if stored is not None and _fingerprint(stored.achievement) == _fingerprint(achievement):
                    unchanged.append(achievement.code)
                    continue
                problems.append(
                    Problem(
                        f"{p.where} code",
                        f"{achievement.code!r} is already in the catalog with different content",
                    )
                )
                continue
            new_id = uow.achievements.add(institution_id, achievement, ids)
            uow.audit.record(
                actor=actor,
                action="achievement.created",
                subject_type="achievement",
                subject_id=new_id,
                institution_id=institution_id,
                detail={"code": achievement.code, "state": achievement.state.value},
            )
            created.append(achievement.code)
        if problems:
            raise InvalidInput(problems)
        uow.commit()
    return AchievementImportResult(created, unchanged)


def catalog(
    uow: UnitOfWork, *, institution: Institution, flt: CatalogFilter | None = None
) -> list[StoredAchievement]:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return uow.achievements.search(institution_id, flt)


def achievement_detail(uow: UnitOfWork, achievement_id: int) -> StoredAchievement:
    with uow:
        found = uow.achievements.get(achievement_id)
    if found is None:
        raise NotFound("achievement", achievement_id)
    return found


# ---- reading, for the API and the pages ------------------------------------------------


def institution_profile(uow: UnitOfWork, *, institution: Institution) -> Institution:
    """The stored institution (its name, currency and credit conversion), or ``institution``
    itself before anything has been stored for it."""
    with uow:
        found = uow.institutions.get(institution.slug)
    return found[1] if found else institution


@dataclass(frozen=True)
class CatalogOverview:
    institution: Institution
    frameworks: list[FrameworkSummary]
    by_kind: dict[AchievementKind, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def catalog_overview(uow: UnitOfWork, *, institution: Institution) -> CatalogOverview:
    """The institution, its frameworks and how many achievements of each kind it offers."""
    with uow:
        found = uow.institutions.get(institution.slug)
        if found is None:
            return CatalogOverview(institution, [], {})
        institution_id, stored = found
        counts = uow.achievements.count_by_kind(institution_id)
        summaries = uow.frameworks.summaries(institution_id)
    by_kind = {k: counts[k.value] for k in AchievementKind if counts.get(k.value)}
    return CatalogOverview(stored, summaries, by_kind)


def alignment_counts(uow: UnitOfWork, *, framework_id: int) -> dict[int, int]:
    """For each competency (row id) of a framework, how many achievements align to it."""
    with uow:
        return uow.achievements.count_by_competency(framework_id)
