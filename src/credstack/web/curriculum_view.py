"""A curriculum map as the pages show it: column groups of the matrix, routes in words,
statuses as marks (an icon shape and a word, never colour alone) and remedies as sentences."""

from __future__ import annotations

from dataclasses import dataclass

from credstack.domain.curriculum import CurriculumMap, Gap
from credstack.domain.curriculum_stack import Member, Route

# outcome status -> (mark style shared with the pathway pages, word)
STATUS_MARKS: dict[str, tuple[str, str]] = {
    "covered": ("met", "Covered"),
    "partial": ("in_progress", "Partly covered"),
    "too-low": ("in_progress", "Too low"),
    "uncovered": ("not_started", "Not covered"),
}
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Note"}
KIND_WORDS = {
    "unknown-achievement": "Unknown achievement",
    "circular-requirement": "Circular requirement",
    "level-inversion": "Level inversion",
    "repeated-module": "Repeated module",
    "overlap": "Overlap",
    "no-contribution": "No contribution",
}


@dataclass(frozen=True)
class ColumnGroup:
    code: str  # the credential these columns stack into directly
    name: str
    span: int


def column_groups(m: CurriculumMap) -> list[ColumnGroup]:
    """Consecutive columns that stack into the same credential, for the matrix's top header."""
    names = {x.code: x.achievement.name for x in m.stack.members} | {
        m.stack.terminal.code: m.stack.terminal.name
    }
    groups: list[ColumnGroup] = []
    for column in m.matrix.columns:
        parent = column.parents[0] if column.parents else m.stack.terminal.code
        if groups and groups[-1].code == parent:
            last = groups.pop()
            groups.append(ColumnGroup(last.code, last.name, last.span + 1))
        else:
            groups.append(ColumnGroup(parent, names.get(parent, parent), 1))
    return groups


def route_text(route: Route) -> str:
    """``DIP-DBT > CERT-DA`` (joined by a right angle quote): the pathways entered and the choices or pools passed through
    (the leaf naming the achievement itself is left out)."""
    parts: list[str] = []
    for i, step in enumerate(route):
        if i == 0 or step.pathway != route[i - 1].pathway:
            parts.append(step.pathway)
        elif step.type in ("any", "n_of") or (step.type == "all" and not step.label.startswith("all of")):
            parts.append(step.label)
        elif step.type == "credits":
            parts.append(f"credits pool ({step.label})")
        elif step.type == "competency":
            parts.append(step.label)
    return " › ".join(parts)


def route_nodes(route: Route) -> str:
    """Every node of the route by pathway and node id, for the precise reader."""
    return " › ".join(f"{s.pathway}:{s.node}" for s in route)


def member_routes(member: Member) -> list[str]:
    return list(dict.fromkeys(route_text(r) for r in member.routes))


def remedy_text(gap: Gap) -> str:
    match gap.remedy:
        case "course":
            course = next(c for c in gap.courses if c.meets)
            return f"An existing course already aligns: {course.course.code} {course.course.title}."
        case "achievement":
            code = next(a.code for a, level in gap.achievements if level >= gap.required)
            return f"No course reaches it, but {code} (outside this stack) does: add it, or a module like it."
    return "New module needed: no course or achievement reaches this level."


def status_counts(m: CurriculumMap) -> dict[str, int]:
    return {s: sum(1 for c in m.coverage if c.status == s) for s in STATUS_MARKS}
