"""Learning resources: curriculum designers (and administrators) add, change, remove and import
them; anyone reads them. Every change is in the audit log; an import is all-or-nothing.

A resource names its achievement by code, its rubric criterion by the criterion's code, and its
competency by identifier or code (stored as the identifier, which survives a new revision of
the framework). Each must exist, else the error names the field (or the CSV row).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.resources import Resource, ResourceDraft, check, parse_csv, plain_key
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.resources import StoredResource

EDITORS = (Role.DESIGNER, Role.ADMIN)


def _resolve(
    uow: UnitOfWork, institution_id: int, draft: ResourceDraft, where: str = ""
) -> tuple[dict[str, Any], list[Problem]]:
    """The stored values of a cleaned, checked draft, or the problems looking up what it names."""
    at = f"{where}." if where else ""
    problems: list[Problem] = []
    achievement_id = None
    if draft.achievement:
        achievement_id = uow.achievements.id_for_code(institution_id, draft.achievement)
        if achievement_id is None:
            problems.append(
                Problem(f"{at}achievement", f"no achievement {draft.achievement!r} in the catalog")
            )
        elif draft.criterion:
            stored = uow.achievements.get(achievement_id)
            rubric = stored.achievement.rubric if stored else None
            if rubric is None or rubric.criterion(draft.criterion) is None:
                codes = ", ".join(c.code for c in rubric.criteria) if rubric else "it has no rubric"
                problems.append(
                    Problem(
                        f"{at}criterion",
                        f"{draft.achievement} has no criterion {draft.criterion!r} ({codes})",
                    )
                )
    competency = None
    if draft.competency:
        found = uow.frameworks.find_competencies(institution_id, {draft.competency}).get(draft.competency, [])
        identifiers = sorted({row.competency.identifier for row in found})
        if not identifiers:
            problems.append(
                Problem(f"{at}competency", f"no competency {draft.competency!r} in the frameworks")
            )
        elif len(identifiers) > 1:
            problems.append(
                Problem(
                    f"{at}competency", f"{draft.competency!r} names several competencies: give the identifier"
                )
            )
        else:
            competency = identifiers[0]
    values = {
        "title": draft.title,
        "url": draft.url,
        "kind": draft.kind,
        "minutes": draft.minutes,
        "provider": draft.provider,
        "achievement_id": achievement_id,
        "criterion": draft.criterion,
        "competency": competency,
    }
    return values, problems


def _checked(uow: UnitOfWork, institution_id: int, draft: ResourceDraft) -> dict[str, Any]:
    draft = draft.cleaned()
    problems = check(draft)
    if problems:
        raise InvalidInput(problems)
    values, problems = _resolve(uow, institution_id, draft)
    if problems:
        raise InvalidInput(problems)
    return values


def _audit(
    uow: UnitOfWork, principal: Principal, institution_id: int, action: str, resource: Resource, **extra: Any
) -> None:
    uow.audit.record(
        actor=principal.actor,
        action=action,
        subject_type="learning-resource",
        subject_id=resource.id,
        institution_id=institution_id,
        **extra,
    )


def add_resource(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, draft: ResourceDraft
) -> StoredResource:
    """Attach a new resource (curriculum designers and administrators)."""
    principal.require(*EDITORS, scope="write")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        values = _checked(uow, institution_id, draft)
        resource_id = uow.resources.add(institution_id, created_by=principal.actor, **values)
        stored = uow.resources.get(institution_id, resource_id)
        assert stored is not None
        _audit(
            uow, principal, institution_id, "resource.added", stored.resource, after=asdict(stored.resource)
        )
        uow.commit()
    return stored


def update_resource(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, resource_id: int, draft: ResourceDraft
) -> StoredResource:
    """Change every field of a resource (its attachment too)."""
    principal.require(*EDITORS, scope="write")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        before = uow.resources.get(institution_id, resource_id)
        if before is None:
            raise NotFound("learning resource", resource_id)
        values = _checked(uow, institution_id, draft)
        uow.resources.update(resource_id, updated_at=datetime.now(UTC), **values)
        after = uow.resources.get(institution_id, resource_id)
        assert after is not None
        if after.resource != before.resource:
            _audit(
                uow, principal, institution_id, "resource.changed", after.resource,
                before=asdict(before.resource), after=asdict(after.resource),
            )  # fmt: skip
            uow.commit()
    return after


def remove_resource(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, resource_id: int
) -> None:
    principal.require(*EDITORS, scope="write")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.resources.get(institution_id, resource_id)
        if found is None:
            raise NotFound("learning resource", resource_id)
        uow.resources.remove(resource_id)
        _audit(
            uow, principal, institution_id, "resource.removed", found.resource, before=asdict(found.resource)
        )
        uow.commit()


def import_resources(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, data: bytes, filename: str
) -> list[StoredResource]:
    """Add every resource of a CSV file (domain/resources.py ``CSV_COLUMNS``); any problem in
    any row: an error naming each row, and nothing added."""
    principal.require(*EDITORS, scope="write")
    drafts = parse_csv(data, source=filename)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        rows: list[dict[str, Any]] = []
        problems: list[Problem] = []
        for number, draft in enumerate(drafts, start=2):
            values, found = _resolve(uow, institution_id, draft, f"row {number}")
            rows.append(values)
            problems += found
        if problems:
            raise InvalidInput(problems, source=filename)
        ids = [uow.resources.add(institution_id, created_by=principal.actor, **values) for values in rows]
        added = [s for i in ids if (s := uow.resources.get(institution_id, i)) is not None]
        uow.audit.record(
            actor=principal.actor,
            action="resource.imported",
            subject_type="learning-resource",
            subject_id=filename,
            institution_id=institution_id,
            detail={"file": filename, "added": len(added), "ids": ids},
        )
        uow.commit()
    return added


def get_resource(uow: UnitOfWork, *, institution: Institution, resource_id: int) -> StoredResource:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.resources.get(institution_id, resource_id)
    if found is None:
        raise NotFound("learning resource", resource_id)
    return found


def list_resources(
    uow: UnitOfWork,
    *,
    institution: Institution,
    achievement: str | None = None,
    competency: str | None = None,
) -> list[StoredResource]:
    """Every resource, or those on an achievement (code) and/or a competency (identifier or
    code); an unknown achievement or competency has none."""
    if not (plain_key(achievement) and plain_key(competency)):
        return []  # no code or identifier has control characters
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        achievement_ids = None
        if achievement:
            found = uow.achievements.id_for_code(institution_id, achievement)
            achievement_ids = {found} if found is not None else set()
        identifiers = None
        if competency:
            rows = uow.frameworks.find_competencies(institution_id, {competency}).get(competency, [])
            identifiers = {r.competency.identifier for r in rows}
        every = uow.resources.search(institution_id)
    return [
        s
        for s in every
        if (achievement_ids is None or s.achievement_id in achievement_ids)
        and (identifiers is None or s.resource.competency in identifiers)
    ]


def resources_near(
    uow: UnitOfWork, institution_id: int, achievement_ids: set[int], competencies: set[str]
) -> list[Resource]:
    """Inside an open unit of work: the resources on any of these achievements or competencies."""
    if not achievement_ids and not competencies:
        return []
    return [
        s.resource
        for s in uow.resources.search(
            institution_id, achievement_ids=achievement_ids, competencies=competencies
        )
    ]
