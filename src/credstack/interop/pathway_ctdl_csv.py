"""The Credential Engine pathway bulk-upload CSV, read as a CTDL graph and then as a Pathway.

One row per resource: ``External Identifier``, ``Pathway Component Type`` (``Pathway``,
``CredentialComponent``, ``SelectionComponent``, ``CourseComponent``, ``ComponentCondition``
...), ``name``, ``description``, ``sourceData``, and the links ``hasDestinationComponent``,
``hasChild``, ``hasCondition``, ``targetComponent`` (several identifiers separated by ``|``)
with ``requiredNumber`` on condition rows. Other columns are kept under their camel-cased
header. The rows become the same graph a JSON-LD file gives, so the reading rules are those of
:func:`from_ctdl_pathway`.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.pathways.model import Pathway
from credstack.interop.pathway_ctdl import from_ctdl_pathway

LINKS = {
    "hasChild", "hasCondition", "targetComponent", "hasDestinationComponent", "isChildOf", "hasPart", "isPartOf",
    "prerequisite", "precedes", "precededBy", "targetCredential", "targetLearningOpportunity", "targetAssessment",
    "targetCompetency", "isDestinationComponentFor", "hasConstraint", "proxyFor",
}  # fmt: skip
ALIASES = {
    "externalidentifier": "@id", "identifier": "@id", "id": "@id", "@id": "@id",
    "pathwaycomponenttype": "@type", "componenttype": "@type", "type": "@type", "@type": "@type",
}  # fmt: skip


def _key(header: str) -> str:
    normal = re.sub(r"[^a-z0-9@]", "", header.lower())
    if normal in ALIASES:
        return ALIASES[normal]
    words = [w for w in re.split(r"[^A-Za-z0-9]+", header.strip()) if w]
    if not words:
        return ""
    return words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])


def ctdl_csv_graph(text: str | bytes, *, source: str = "pathway.csv") -> list[dict[str, Any]]:
    """One CTDL node per data row (links split on ``|``); errors name the row and its line."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(Problem(f"byte {exc.start}", "not UTF-8 text"), source=source) from exc
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(Problem("line 1", "the file is empty"), source=source) from None
    keys = [_key(h) for h in header]
    missing = [
        name
        for name, key in (("External Identifier", "@id"), ("Pathway Component Type", "@type"))
        if key not in keys
    ]
    if missing:
        raise InvalidInput(Problem("line 1", f"no {' or '.join(missing)} column"), source=source)
    nodes: list[dict[str, Any]] = []
    first_row: dict[str, str] = {}
    problems: list[Problem] = []
    line = reader.line_num + 1
    try:
        for number, row in enumerate(reader, start=1):
            where, line = f"row {number} (line {line})", reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            node: dict[str, Any] = {}
            for key, cell in zip(keys, row, strict=False):
                cell = cell.strip()
                if key and cell:
                    node[key] = [p.strip() for p in cell.split("|") if p.strip()] if key in LINKS else cell
            if not node.get("@id") or not node.get("@type"):
                problems.append(Problem(where, "needs an External Identifier and a Pathway Component Type"))
            elif node["@id"] in first_row:
                problems.append(
                    Problem(where, f"identifier {node['@id']!r} again (first at {first_row[node['@id']]})")
                )
            else:
                first_row[node["@id"]] = where
                nodes.append(node)
    except csv.Error as exc:
        raise InvalidInput(Problem(f"line {reader.line_num}", f"invalid CSV: {exc}"), source=source) from exc
    if problems:
        raise InvalidInput(problems, source=source)
    return nodes


def from_ctdl_csv(text: str | bytes, *, source: str = "pathway.csv") -> Pathway:
    """Read a pathway bulk-upload CSV into a Pathway."""
    return from_ctdl_pathway(ctdl_csv_graph(text, source=source), source=source)
