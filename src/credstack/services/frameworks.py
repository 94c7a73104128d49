"""Use cases for competency frameworks: import (CASE JSON or CSV), export, browse."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from credstack.domain.errors import NotFound
from credstack.interop.case_csv import parse_case_csv
from credstack.interop.case_json import CasePackage, export_case_package, parse_case_json
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.frameworks import CompetencyRow

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
    institution: Any,
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
    depths = fw.hierarchy().depths()
    return FrameworkImportResult(
        framework=fw.identifier,
        framework_id=framework_id,
        revision=revision,
        title=fw.title,
        competencies=len(fw.competencies),
        associations=len(fw.associations),
        association_types=dict(Counter(a.type for a in fw.associations)),
        external_associations=sum(
            1 for a in fw.associations if fw.resolve(a.origin) is None or fw.resolve(a.destination) is None
        ),
        max_depth=max(depths.values(), default=0),
        rubrics=len(package.rubrics),
        unchanged=unchanged,
    )


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
    associations = [
        {
            "type": a.type,
            "origin": a.origin,
            "destination": a.destination,
            "external": fw.resolve(a.destination) is None or fw.resolve(a.origin) is None,
        }
        for a in fw.associations
        if a.type != "isChildOf"
    ]
    return FrameworkView(framework_id, meta, roots, len(rows), associations)
