"""1EdTech CASE 1.0 / 1.1 CFPackage JSON: read into the domain, write back out.

Reading is lenient where real publishers differ (explicit nulls, identifiers that are URLs,
``CFPackageURI`` as a string or a link object, a package wrapped in ``CFPackage``) and strict
where the structure would be wrong (duplicate identifiers, an isChildOf whose child is not in
the package, hierarchy cycles). Fields credstack does not model are kept in ``extra`` so that
an export gives back every item and association with its data.
Spec: https://www.imsglobal.org/sites/default/files/CASE/casev1p1/information_model/caseservicev1p1_infomodelv1p0.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.framework import Association, Competency, CompetencyFramework, NodeRef
from credstack.domain.rubric import PassRule, PerformanceLevel, Rubric, RubricCriterion
from credstack.interop.jsonfile import loads

ITEM_FIELDS = (
    "identifier",
    "uri",
    "fullStatement",
    "humanCodingScheme",
    "abbreviatedStatement",
    "CFItemType",
    "educationLevel",
    "language",
    "notes",
    "conceptKeywords",
)
DOCUMENT_FIELDS = (
    "identifier",
    "uri",
    "title",
    "creator",
    "version",
    "language",
    "description",
    "adoptionStatus",
)
ASSOCIATION_FIELDS = (
    "identifier",
    "associationType",
    "originNodeURI",
    "destinationNodeURI",
    "sequenceNumber",
)


@dataclass
class CasePackage:
    """A parsed CASE package: the framework and the rubrics that came with it."""

    framework: CompetencyFramework
    rubrics: list[Rubric] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return str(value)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None)
    return (str(value),)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rest(obj: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in known}


def _key(obj: dict[str, Any], name: str) -> Any:
    """A top-level key, matched without regard to case (publishers differ)."""
    if name in obj:
        return obj[name]
    lowered = name.lower()
    for k, v in obj.items():
        if k.lower() == lowered:
            return v
    return None


def _node_ref(value: Any, where: str, problems: list[Problem]) -> NodeRef:
    """A LinkURI object; some publishers write a bare identifier or URL string instead."""
    if isinstance(value, str) and value:
        return NodeRef(identifier=value, uri=value if "://" in value else None)
    if isinstance(value, dict):
        ident = _text(value.get("identifier")) or _text(value.get("uri"))
        if ident:
            return NodeRef(identifier=ident, uri=_text(value.get("uri")), title=_text(value.get("title")))
    problems.append(Problem(where, "missing node reference (identifier or uri)"))
    return NodeRef(identifier="")


def parse_case_json(data: str | bytes, *, source: str = "CASE package") -> CasePackage:
    """Parse a CASE CFPackage; raise InvalidInput naming every problem found."""
    raw = loads(data, source=source)
    return parse_case_package(raw, source=source)


def parse_case_package(raw: Any, *, source: str = "CASE package") -> CasePackage:
    problems: list[Problem] = []
    if isinstance(raw, dict) and _key(raw, "CFPackage") is not None and _key(raw, "CFDocument") is None:
        raw = _key(raw, "CFPackage")
    if not isinstance(raw, dict):
        raise InvalidInput(Problem("(root)", "a CASE package is a JSON object"), source=source)
    doc = _key(raw, "CFDocument")
    if not isinstance(doc, dict):
        raise InvalidInput(Problem("CFDocument", "is missing or not an object"), source=source)
    doc_id = _text(doc.get("identifier")) or _text(doc.get("uri"))
    if not doc_id:
        problems.append(Problem("CFDocument.identifier", "is missing"))
    if not _text(doc.get("title")):
        problems.append(Problem("CFDocument.title", "is missing"))

    items_raw = _key(raw, "CFItems") or []
    assocs_raw = _key(raw, "CFAssociations") or []
    if not isinstance(items_raw, list):
        problems.append(Problem("CFItems", "must be a list"))
        items_raw = []
    if not isinstance(assocs_raw, list):
        problems.append(Problem("CFAssociations", "must be a list"))
        assocs_raw = []

    competencies = []
    for i, item in enumerate(items_raw):
        where = f"CFItems[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, "must be an object"))
            continue
        ident = _text(item.get("identifier")) or _text(item.get("uri"))
        if not ident:
            problems.append(Problem(f"{where}.identifier", "is missing"))
            continue
        statement = _text(item.get("fullStatement"))
        if statement is None:
            statement = _text(item.get("abbreviatedStatement")) or _text(item.get("humanCodingScheme"))
        if statement is None:
            problems.append(Problem(f"{where} ({ident}).fullStatement", "is missing"))
            continue
        competencies.append(
            Competency(
                identifier=ident,
                statement=statement,
                code=_text(item.get("humanCodingScheme")),
                abbreviated=_text(item.get("abbreviatedStatement")),
                item_type=_text(item.get("CFItemType")),
                education_levels=_strings(item.get("educationLevel")),
                language=_text(item.get("language")),
                uri=_text(item.get("uri")),
                notes=_text(item.get("notes")),
                keywords=_strings(item.get("conceptKeywords")),
                extra=_rest(item, ITEM_FIELDS),
            )
        )

    associations = []
    for i, assoc in enumerate(assocs_raw):
        where = f"CFAssociations[{i}]"
        if not isinstance(assoc, dict):
            problems.append(Problem(where, "must be an object"))
            continue
        ident = _text(assoc.get("identifier")) or _text(assoc.get("uri")) or ""
        kind = _text(assoc.get("associationType"))
        if not kind:
            problems.append(Problem(f"{where} ({ident}).associationType", "is missing"))
            continue
        associations.append(
            Association(
                identifier=ident,
                type=kind,
                origin=_node_ref(assoc.get("originNodeURI"), f"{where}.originNodeURI", problems),
                destination=_node_ref(
                    assoc.get("destinationNodeURI"), f"{where}.destinationNodeURI", problems
                ),
                sequence=_int(assoc.get("sequenceNumber")),
                grouping=_text((assoc.get("CFAssociationGroupingURI") or {}).get("identifier"))
                if isinstance(assoc.get("CFAssociationGroupingURI"), dict)
                else None,
                extra=_rest(assoc, ASSOCIATION_FIELDS),
            )
        )

    extra = {"CFDocument": _rest(doc, DOCUMENT_FIELDS)}
    definitions = _key(raw, "CFDefinitions")
    if definitions is not None:
        extra["CFDefinitions"] = definitions
    framework = CompetencyFramework(
        identifier=doc_id or "",
        title=_text(doc.get("title")) or "",
        creator=_text(doc.get("creator")),
        uri=_text(doc.get("uri")),
        version=_text(doc.get("version")),
        language=_text(doc.get("language")),
        description=_text(doc.get("description")),
        adoption_status=_text(doc.get("adoptionStatus")),
        competencies=competencies,
        associations=associations,
        extra=extra,
    )
    rubrics = _parse_rubrics(_key(raw, "CFRubrics"), problems)
    if not problems:
        problems.extend(framework.validate())
    if problems:
        raise InvalidInput(problems, source=source)
    return CasePackage(framework, rubrics)


def _decimal(value: Any, default: Decimal) -> Decimal:
    if value is None or value == "":
        return default
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return default


def _parse_rubrics(raw: Any, problems: list[Problem]) -> list[Rubric]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem("CFRubrics", "must be a list"))
        return []
    rubrics: list[Rubric] = []
    for i, r in enumerate(raw):
        where = f"CFRubrics[{i}]"
        if not isinstance(r, dict):
            problems.append(Problem(where, "must be an object"))
            continue
        criteria = []
        for j, c in enumerate(r.get("CFRubricCriteria") or []):
            if not isinstance(c, dict):
                problems.append(Problem(f"{where}.CFRubricCriteria[{j}]", "must be an object"))
                continue
            levels: list[PerformanceLevel] = []
            for lv in sorted(
                (x for x in (c.get("CFRubricCriterionLevels") or []) if isinstance(x, dict)),
                key=lambda x: _int(x.get("position")) or 0,
            ):
                levels.append(
                    PerformanceLevel(
                        name=_text(lv.get("quality"))
                        or _text(lv.get("description"))
                        or f"Level {len(levels) + 1}",
                        points=_decimal(lv.get("score"), Decimal(len(levels))),
                        description=_text(lv.get("description")) or "",
                        identifier=_text(lv.get("identifier")),
                    )
                )
            item = c.get("CFItemURI")
            item_id = _text(item.get("identifier")) if isinstance(item, dict) else _text(item)
            code = _text(c.get("identifier")) or f"C{j + 1}"
            criteria.append(
                RubricCriterion(
                    code=code,
                    title=_text(c.get("category")) or _text(c.get("description")) or code,
                    description=_text(c.get("description")) or "",
                    levels=levels,
                    weight=_decimal(c.get("weight"), Decimal(1)) or Decimal(1),
                    competencies=(item_id,) if item_id else (),
                    identifier=_text(c.get("identifier")),
                )
            )
        rubrics.append(
            Rubric(
                title=_text(r.get("title")) or f"Rubric {i + 1}",
                description=_text(r.get("description")) or "",
                criteria=criteria,
                pass_rule=PassRule(min_points_each=None),
                identifier=_text(r.get("identifier")),
            )
        )
    return rubrics


# ---- export -----------------------------------------------------------------------------


def _node(ref: NodeRef) -> dict[str, Any]:
    out: dict[str, Any] = {"identifier": ref.identifier}
    if ref.uri is not None:
        out["uri"] = ref.uri
    if ref.title is not None:
        out["title"] = ref.title
    return out


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != () and value != []:
        out[key] = list(value) if isinstance(value, tuple) else value


def export_case_package(package: CasePackage) -> dict[str, Any]:
    """A CFPackage that gives back every item and association, with the fields they came with."""
    fw = package.framework
    doc: dict[str, Any] = {"identifier": fw.identifier, "uri": fw.uri or fw.identifier}
    for key, value in (
        ("title", fw.title),
        ("creator", fw.creator),
        ("version", fw.version),
        ("language", fw.language),
        ("description", fw.description),
        ("adoptionStatus", fw.adoption_status),
    ):
        _put(doc, key, value)
    doc.update(fw.extra.get("CFDocument", {}))
    items = []
    for c in fw.competencies:
        item: dict[str, Any] = {
            "identifier": c.identifier,
            "uri": c.uri or c.identifier,
            "fullStatement": c.statement,
        }
        _put(item, "humanCodingScheme", c.code)
        _put(item, "abbreviatedStatement", c.abbreviated)
        _put(item, "CFItemType", c.item_type)
        _put(item, "educationLevel", c.education_levels)
        _put(item, "language", c.language)
        _put(item, "notes", c.notes)
        if c.keywords:
            item["conceptKeywords"] = list(c.keywords)
        item.update(c.extra)
        items.append(item)
    assocs = []
    for a in fw.associations:
        assoc: dict[str, Any] = {
            "identifier": a.identifier,
            "associationType": a.type,
            "originNodeURI": _node(a.origin),
            "destinationNodeURI": _node(a.destination),
        }
        _put(assoc, "sequenceNumber", a.sequence)
        assoc.update(a.extra)
        assoc.setdefault("uri", a.identifier)
        assocs.append(assoc)
    package_json: dict[str, Any] = {"CFDocument": doc, "CFItems": items, "CFAssociations": assocs}
    if "CFDefinitions" in fw.extra:
        package_json["CFDefinitions"] = fw.extra["CFDefinitions"]
    if package.rubrics:
        package_json["CFRubrics"] = [_export_rubric(r) for r in package.rubrics]
    return package_json


def _export_rubric(r: Rubric) -> dict[str, Any]:
    out: dict[str, Any] = {"identifier": r.identifier or r.title, "title": r.title}
    _put(out, "description", r.description or None)
    criteria = []
    for pos, c in enumerate(r.criteria, start=1):
        crit: dict[str, Any] = {
            "identifier": c.identifier or c.code,
            "category": c.title,
            "description": c.description,
            "weight": float(c.weight),
            "position": pos,
            "rubricId": r.identifier,
        }
        if c.competencies:
            crit["CFItemURI"] = {
                "identifier": c.competencies[0],
                "uri": c.competencies[0],
                "title": c.title,
            }
        crit["CFRubricCriterionLevels"] = [
            {
                "identifier": lv.identifier or f"{c.code}-{i}",
                "quality": lv.name,
                "description": lv.description,
                "score": float(lv.points),
                "position": i,
                "rubricCriterionId": c.identifier or c.code,
            }
            for i, lv in enumerate(c.levels, start=1)
        ]
        criteria.append(crit)
    out["CFRubricCriteria"] = criteria
    return out
