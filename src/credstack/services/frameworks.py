"""Use cases for competency frameworks: import (CASE JSON or CSV), export, browse."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from credstack.domain.errors import NotFound
from credstack.domain.institution import Institution
from credstack.interop.case_csv import parse_case_csv
from credstack.interop.case_json import CasePackage, export_case_package, parse_case_json
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.frameworks import CompetencyRow, FrameworkSummary

Format = Literal["auto", "json", "csv"]


@dataclass(frozen=True)
class FrameworkImportResult:
    framework: str
    framework_id: int
    revision: int
    title: str
    competencies: int
    associations: int
    association_types: dict[str, int]
    external_associations: int
    max_depth: int
    rubrics: int
    unchanged: bool

    def summary(self) -> dict[str, Any]:
        """The command-line contract's summary, followed by the details."""
        return asdict(self)


def package_counts(package: CasePackage) -> dict[str, Any]:
    """What a framework holds, as imports and the framework API report it."""
    fw = package.framework
    resolver = fw.resolver()
    return {
        "competencies": len(fw.competencies),
        "associations": len(fw.associations),
        "association_types": dict(Counter(a.type for a in fw.associations)),
        "external_associations": sum(1 for a in fw.associations if resolver.is_external(a)),
        "max_depth": max(fw.hierarchy().depths().values(), default=0),
        "rubrics": len(package.rubrics),
    }


def detect_format(data: bytes, filename: str | None) -> Literal["json", "csv"]:
    if filename and Path(filename).suffix.lower() in (".csv", ".tsv"):
        return "csv"
    if filename and Path(filename).suffix.lower() == ".json":
        return "json"
    head = data.lstrip()[:1]
    return "json" if head in (b"{", b"[") else "csv"


def parse_framework(
    data: bytes, *, filename: str | None = None, fmt: Format = "auto", title: str | None = None
) -> CasePackage:
    source = filename or "framework"
    kind = detect_format(data, filename) if fmt == "auto" else fmt
    if kind == "csv":
        return parse_case_csv(data, source=source, title=title or (Path(filename).stem if filename else None))
    return parse_case_json(data, source=source)


def content_hash(package: CasePackage) -> str:
    payload = json.dumps(export_case_package(package), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def import_framework(
    uow: UnitOfWork,
    *,
    institution: Institution,
    data: bytes,
    filename: str | None = None,
    fmt: Format = "auto",
    title: str | None = None,
    actor: str = "system",
) -> FrameworkImportResult:
    """Parse and store a framework in one transaction. A file identical to a stored revision
    changes nothing; a changed file becomes the next revision. Bad input raises InvalidInput
    and leaves the store as it was."""
    package = parse_framework(data, filename=filename, fmt=fmt, title=title)
    fw = package.framework
    digest = content_hash(package)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        existing = uow.frameworks.find_by_hash(institution_id, fw.identifier, digest)
        if existing is not None:
            framework_id, revision = existing
            unchanged = True
        else:
            framework_id, revision = uow.frameworks.add(
                institution_id,
                package,
                source_format=detect_format(data, filename) if fmt == "auto" else fmt,
                content_hash=digest,
            )
            unchanged = False
            uow.audit.record(
                actor=actor,
                action="framework.imported",
                subject_type="framework",
                subject_id=framework_id,
                institution_id=institution_id,
                detail={
                    "identifier": fw.identifier,
                    "revision": revision,
                    "file": filename,
                    "competencies": len(fw.competencies),
                    "associations": len(fw.associations),
                },
            )
        uow.commit()
    return FrameworkImportResult(
        framework=fw.identifier,
        framework_id=framework_id,
        revision=revision,
        title=fw.title,
        unchanged=unchanged,
        **package_counts(package),
    )


def resolve_framework_id(uow: UnitOfWork, *, institution: Institution, key: str) -> int:
    """A framework's id from its numeric id or its identifier (then the latest revision)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        summaries = uow.frameworks.summaries(institution_id)
    by_id = [s for s in summaries if str(s.id) == key]
    by_identifier = sorted((s for s in summaries if s.identifier == key), key=lambda s: s.revision)
    found = by_id or by_identifier[-1:]
    if not found:
        raise NotFound("framework", key)
    return found[0].id


def export_framework(uow: UnitOfWork, framework_id: int) -> dict[str, Any]:
    with uow:
        package = uow.frameworks.load(framework_id)
    if package is None:
        raise NotFound("framework", framework_id)
    return export_case_package(package)


@dataclass(frozen=True)
class TreeNode:
    row: CompetencyRow
    children: list[TreeNode]


@dataclass(frozen=True)
class FrameworkView:
    id: int
    meta: dict[str, Any]
    roots: list[TreeNode]
    count: int
    associations: list[dict[str, Any]]


def framework_view(uow: UnitOfWork, framework_id: int) -> FrameworkView:
    """The framework as a tree, for people to read."""
    with uow:
        meta = uow.frameworks.meta(framework_id)
        if meta is None:
            raise NotFound("framework", framework_id)
        package = uow.frameworks.load(framework_id)
        rows = {r.competency.identifier: r for r in uow.frameworks.competency_rows(framework_id)}
    assert package is not None
    hierarchy = package.framework.hierarchy()

    def build(ident: str, seen: frozenset[str]) -> TreeNode:
        kids = [build(k, seen | {k}) for k in hierarchy.children.get(ident, []) if k not in seen]
        return TreeNode(rows[ident], kids)

    roots = [build(r, frozenset({r})) for r in hierarchy.roots()]
    fw = package.framework
    resolver = fw.resolver()
    associations = [
        {
            "type": a.type,
            "origin": a.origin,
            "destination": a.destination,
            "external": resolver.is_external(a),
        }
        for a in fw.associations
        if a.type != "isChildOf"
    ]
    return FrameworkView(framework_id, meta, roots, len(rows), associations)


# ---- reading, for the API and the pages ------------------------------------------------


def list_frameworks(uow: UnitOfWork, *, institution: Institution) -> list[FrameworkSummary]:
    """The institution's frameworks, every revision, by title (none before first use)."""
    with uow:
        found = uow.institutions.get(institution.slug)
        return uow.frameworks.summaries(found[0]) if found else []


@dataclass(frozen=True)
class FrameworkDetail:
    """A stored framework's document metadata and what it holds."""

    meta: dict[str, Any]
    competencies: int
    associations: int
    association_types: dict[str, int]
    external_associations: int
    max_depth: int
    rubrics: int


def framework_detail(uow: UnitOfWork, *, framework_id: int) -> FrameworkDetail:
    with uow:
        meta = uow.frameworks.meta(framework_id)
        package = uow.frameworks.load(framework_id)
    if meta is None or package is None:
        raise NotFound("framework", framework_id)
    return FrameworkDetail(meta=meta, **package_counts(package))


@dataclass(frozen=True)
class CompetencyEntry:
    row: CompetencyRow
    parent: str | None  # the parent's identifier; None for a top-level competency


def competency_list(uow: UnitOfWork, *, framework_id: int) -> list[CompetencyEntry]:
    """Every competency once, in tree order (depth-first), with its parent."""
    view = framework_view(uow, framework_id)
    out: list[CompetencyEntry] = []
    seen: set[int] = set()

    def visit(node: TreeNode, parent: str | None) -> None:
        if node.row.id in seen:
            return
        seen.add(node.row.id)
        out.append(CompetencyEntry(node.row, parent))
        for child in node.children:
            visit(child, node.row.competency.identifier)

    for root in view.roots:
        visit(root, None)
    return out


def competency_options(
    uow: UnitOfWork, *, institution: Institution
) -> list[tuple[FrameworkSummary, list[CompetencyRow]]]:
    """Each of the institution's frameworks with its competencies, for choosing one."""
    with uow:
        found = uow.institutions.get(institution.slug)
        if found is None:
            return []
        return [(s, uow.frameworks.competency_rows(s.id)) for s in uow.frameworks.summaries(found[0])]
