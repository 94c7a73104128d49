"""A curriculum map as CSV: the coverage matrix, the gap analysis and the coherence flags.

Competencies are written by code (their identifier where they have none). A text cell that a
spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-`` or ``@``) is written
with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from credstack.domain.curriculum import Cell, CurriculumMap

MATRIX_HEAD = (
    "outcome",
    "required_level",
    "competency",
    "depth",
    "statement",
    "best_level",
    "covered_level",
)
GAPS_HEAD = (
    "outcome",
    "required_level",
    "outcome_status",
    "best_level",
    "covered_level",
    "optional_only",
    "gap_competency",
    "gap_statement",
    "gap_status",
    "gap_best_level",
    "remedy",
    "courses",
    "achievements_outside_stack",
)
COHERENCE_HEAD = ("severity", "kind", "achievements", "competencies", "message")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _write(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows([_safe(v) for v in row] for row in rows)
    return out.getvalue()


def cell_text(cell: Cell | None) -> str:
    """``3``, or ``3 via DA.3.1`` when reached through a part of the competency."""
    if cell is None:
        return ""
    via = ", ".join(c.label for c in cell.via)
    return f"{cell.level} via {via}" if via else str(cell.level)


def matrix_csv(m: CurriculumMap) -> str:
    head = [*MATRIX_HEAD, *(c.code for c in m.matrix.columns)]
    rows = (
        [
            r.outcome.competency.label,
            r.outcome.level,
            r.competency.label,
            r.depth,
            r.competency.statement,
            r.best or "",
            r.covered or "",
            *(cell_text(c) for c in r.cells),
        ]
        for r in m.matrix.rows
    )
    return _write(head, rows)


def gaps_csv(m: CurriculumMap) -> str:
    rows: list[list[object]] = []
    for c in m.coverage:
        outcome = [
            c.outcome.competency.label,
            c.outcome.level,
            c.status,
            c.best or "",
            c.covered or "",
            "yes" if c.optional_only else "",
        ]
        if not c.gaps:
            rows.append([*outcome, "", "", "", "", "", "", ""])
        for g in c.gaps:
            rows.append(
                [
                    *outcome,
                    g.competency.label,
                    g.competency.statement,
                    g.status,
                    g.best or "",
                    g.remedy,
                    "; ".join(f"{x.course.code}:{x.level}" for x in g.courses),
                    "; ".join(f"{a.code}:{level}" for a, level in g.achievements),
                ]
            )
    return _write(GAPS_HEAD, rows)


def coherence_csv(m: CurriculumMap) -> str:
    rows = (
        [f.severity, f.kind, "; ".join(f.achievements), "; ".join(c.label for c in f.competencies), f.message]
        for f in m.flags
    )
    return _write(COHERENCE_HEAD, rows)
