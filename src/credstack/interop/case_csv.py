"""The CASE spreadsheet layout (one row per item, as OpenSALT imports and exports it).

A row names its parent in ``Is Child Of`` by the parent's Human Coding Scheme (or its
Identifier); relation columns (``IsRelatedTo``, ``IsPartOf``, ``replacedBy``, ``Exemplar``,
``hasSkillLevel``, ``exactMatchOf``, ``precedes``, ``isPeerOf``) become associations, to an
item of the sheet when the value names one and to an external node otherwise.
"""

from __future__ import annotations

import csv
import io
import uuid

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.framework import Association, Competency, CompetencyFramework, NodeRef
from credstack.interop.case_json import CasePackage

NAMESPACE = uuid.UUID("0b7f6a47-3c1e-4d9e-9a57-6d2f1c0e8a11")

COLUMNS = {  # normalised header -> role
    "identifier": "identifier",
    "fullstatement": "statement",
    "humancodingscheme": "code",
    "sequencenumber": "sequence",
    "abbreviatedstatement": "abbreviated",
    "conceptkeywords": "keywords",
    "notes": "notes",
    "ischildof": "parent",
    "language": "language",
    "educationlevel": "education_levels",
    "cfitemtype": "item_type",
    "itemtype": "item_type",
}
RELATIONS = {
    "ispartof": "isPartOf",
    "replacedby": "replacedBy",
    "exemplar": "exemplar",
    "hasskilllevel": "hasSkillLevel",
    "isrelatedto": "isRelatedTo",
    "exactmatchof": "exactMatchOf",
    "precedes": "precedes",
    "ispeerof": "isPeerOf",
}


def _norm(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


def parse_case_csv(
    data: str | bytes,
    *,
    source: str = "CASE spreadsheet",
    title: str | None = None,
    identifier: str | None = None,
    creator: str | None = None,
) -> CasePackage:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(Problem(f"byte {exc.start}", "not UTF-8 text"), source=source) from exc
    reader = csv.reader(io.StringIO(data))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(Problem("line 1", "the file is empty"), source=source) from None
    roles: dict[int, str] = {}
    relations: dict[int, str] = {}
    for i, name in enumerate(header):
        key = _norm(name)
        if key in COLUMNS:
            roles[i] = COLUMNS[key]
        elif key in RELATIONS:
            relations[i] = RELATIONS[key]
    if "statement" not in roles.values():
        raise InvalidInput(Problem("line 1", "no fullStatement column"), source=source)

    title = title or "Imported framework"
    doc_id = identifier or str(uuid.uuid5(NAMESPACE, f"doc:{title}"))
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str], dict[str, str], dict[str, str]]] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(Problem(f"line {line}", f"{len(row)} cells but the header has {len(header)}"))
            continue
        fields = {roles[i]: row[i].strip() for i in roles if i < len(row)}
        rels = {relations[i]: row[i].strip() for i in relations if i < len(row) and row[i].strip()}
        extra = {
            header[i]: row[i] for i in range(len(row)) if i not in roles and i not in relations and row[i]
        }
        rows.append((line, fields, rels, extra))

    by_code: dict[str, str] = {}
    by_ident: dict[str, str] = {}
    competencies: list[Competency] = []
    for line, fields, _rels, extra in rows:
        code = fields.get("code") or None
        ident = fields.get("identifier") or (str(uuid.uuid5(NAMESPACE, f"{doc_id}:{code}")) if code else "")
        where = f"line {line}" + (f" ({code or ident})" if code or ident else "")
        if not ident:
            problems.append(Problem(where, "needs an Identifier or a Human Coding Scheme"))
            continue
        if not fields.get("statement"):
            problems.append(Problem(f"{where} fullStatement", "is empty"))
        if ident in by_ident:
            problems.append(Problem(where, f"duplicate Identifier {ident!r} (also {by_ident[ident]})"))
            continue
        if code and code in by_code:
            problems.append(Problem(where, f"duplicate Human Coding Scheme {code!r}"))
        by_ident[ident] = where
        if code:
            by_code.setdefault(code, ident)
        keywords = tuple(_split(fields.get("keywords", "")))
        competencies.append(
            Competency(
                identifier=ident,
                statement=fields.get("statement", ""),
                code=code,
                abbreviated=fields.get("abbreviated") or None,
                item_type=fields.get("item_type") or None,
                education_levels=tuple(_split(fields.get("education_levels", ""))),
                language=fields.get("language") or None,
                notes=fields.get("notes") or None,
                keywords=keywords,
                extra=extra,
            )
        )
    by_id = {c.identifier: c for c in competencies}

    def resolve(value: str) -> str | None:
        if value in by_code:
            return by_code[value]
        return value if value in by_id else None

    def ref(ident: str) -> NodeRef:
        c = by_id[ident]
        return NodeRef(ident, c.uri, c.code or c.statement[:60])

    associations: list[Association] = []
    doc_ref = NodeRef(doc_id, None, title)
    item_lines = [(line, fields, rels) for line, fields, rels, _ in rows]
    for (line, fields, rels), comp in zip(item_lines, competencies, strict=False):
        parent_value = fields.get("parent", "")
        seq = fields.get("sequence")
        sequence = int(seq) if seq and seq.isdigit() else None
        if parent_value:
            parent = resolve(parent_value)
            if parent is None:
                problems.append(
                    Problem(
                        f"line {line} ({comp.code or comp.identifier}) Is Child Of",
                        f"{parent_value!r} matches no row's Human Coding Scheme or Identifier",
                    )
                )
                continue
            destination = ref(parent)
        else:
            destination = doc_ref
        associations.append(
            Association(
                identifier=str(uuid.uuid5(NAMESPACE, f"{doc_id}:isChildOf:{comp.identifier}")),
                type="isChildOf",
                origin=ref(comp.identifier),
                destination=destination,
                sequence=sequence,
            )
        )
        for kind, value in rels.items():
            for target in _split(value):
                internal = resolve(target)
                dest = (
                    ref(internal)
                    if internal
                    else NodeRef(target, target if "://" in target else None, target)
                )
                associations.append(
                    Association(
                        identifier=str(uuid.uuid5(NAMESPACE, f"{doc_id}:{kind}:{comp.identifier}:{target}")),
                        type=kind,
                        origin=ref(comp.identifier),
                        destination=dest,
                    )
                )
    if len(competencies) != len(rows) and not problems:
        problems.append(Problem(source, "some rows could not be read"))
    framework = CompetencyFramework(
        identifier=doc_id,
        title=title,
        creator=creator,
        competencies=competencies,
        associations=associations,
        extra={"source_columns": header},
    )
    if not problems:
        problems.extend(framework.validate())
    if problems:
        raise InvalidInput(problems, source=source)
    return CasePackage(framework)
