"""Shaping domain objects for people to read: numbers, credits, the rubric grid, the
catalog filter form and the ends of an association. No HTTP and no storage here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from credstack.domain.achievement import (
    PROFICIENCY_LEVELS,
    AchievementKind,
    CreditConversion,
    CreditValue,
)
from credstack.domain.framework import NodeRef
from credstack.domain.rubric import PerformanceLevel, Rubric, RubricCriterion
from credstack.services.frameworks import TreeNode
from credstack.store.achievements import CatalogFilter, StoredAchievement
from credstack.store.frameworks import CompetencyRow

EQF_LEVELS = range(1, 9)


def num(value: Decimal | int | float | None) -> str:
    """A number as people write it: no exponent, no trailing zeros."""
    if value is None:
        return ""
    d = Decimal(str(value)).normalize()
    return f"{d:f}"


KIND_LABELS: dict[AchievementKind, tuple[str, str]] = {
    AchievementKind.MICRO_CREDENTIAL: ("Micro-credential", "Micro-credentials"),
    AchievementKind.CERTIFICATE: ("Certificate", "Certificates"),
    AchievementKind.DIPLOMA: ("Diploma", "Diplomas"),
    AchievementKind.DEGREE_CREDIT: ("Degree credit", "Degree credits"),
}


def kind_label(kind: AchievementKind, count: int = 1) -> str:
    singular, plural = KIND_LABELS.get(kind, (kind.label, kind.label))
    return singular if count == 1 else plural


def points(value: Decimal) -> str:
    n = num(value)
    return f"{n} pt" if n == "1" else f"{n} pts"


def level_name(level: int) -> str:
    return PROFICIENCY_LEVELS.get(level, f"Level {level}")


def humanise(camel: str) -> str:
    """``exactMatchOf`` -> ``Exact match of``; ``ext:foo`` stays as it is."""
    if ":" in camel:
        return camel
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", camel).lower()
    return words[:1].upper() + words[1:]


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---- credits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Credits:
    ects: Decimal
    credit_hours: Decimal
    defined_in: str  # the unit the definition states

    @property
    def ects_text(self) -> str:
        return f"{num(self.ects)} ECTS"

    @property
    def hours_text(self) -> str:
        n = num(self.credit_hours)
        return f"{n} credit hour" if n == "1" else f"{n} credit hours"


def credits(value: CreditValue | None, conversion: CreditConversion) -> Credits | None:
    if value is None:
        return None
    return Credits(conversion.ects(value), conversion.credit_hours(value), value.unit.value)


# ---- the rubric grid ---------------------------------------------------------------------


@dataclass(frozen=True)
class RubricRow:
    criterion: RubricCriterion
    competencies: list[str]  # labels (codes where known)
    cells: list[PerformanceLevel | None]


@dataclass(frozen=True)
class RubricGrid:
    """Criteria as rows, performance levels as columns. When every criterion has the same
    levels the headers name them; otherwise columns are positions and cells name the level."""

    headers: list[str]
    uniform: bool
    rows: list[RubricRow]
    pass_rule: str


def rubric_grid(rubric: Rubric, competency_labels: dict[str, str]) -> RubricGrid:
    shapes = {tuple((lv.name, lv.points) for lv in c.levels) for c in rubric.criteria}
    uniform = len(shapes) == 1
    width = max((len(c.levels) for c in rubric.criteria), default=0)
    if uniform:
        headers = [f"{lv.name} ({points(lv.points)})" for lv in rubric.criteria[0].levels]
    else:
        headers = [f"Level {i}" for i in range(1, width + 1)]
    rows = [
        RubricRow(
            c,
            [competency_labels.get(k, k) for k in c.competencies],
            [*c.levels, *([None] * (width - len(c.levels)))],
        )
        for c in rubric.criteria
    ]
    return RubricGrid(headers, uniform, rows, rubric.pass_rule.describe())


def competency_labels(stored: StoredAchievement) -> dict[str, str]:
    return {
        a.row.competency.identifier: a.row.competency.code or shorten(a.row.competency.statement, 40)
        for a in stored.aligned
    }


# ---- the catalog filter form -------------------------------------------------------------


@dataclass(frozen=True)
class CatalogForm:
    """The catalog's filter form as submitted: values to redisplay, the filter to apply,
    and a message for each value that could not be used."""

    kind: str = ""
    level: str = ""
    competency: str = ""
    q: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, *, kind: str, level: str, competency: str, q: str) -> CatalogForm:
        errors: dict[str, str] = {}
        if kind and kind not in {k.value for k in AchievementKind}:
            errors["kind"] = f"There is no kind {kind!r}."
        if level and not (level.isdigit() and int(level) in EQF_LEVELS):
            errors["level"] = "The EQF level must be a whole number from 1 to 8."
        if competency and not competency.isdigit():
            errors["competency"] = "Choose a competency from the list."
        return cls(kind.strip(), level.strip(), competency.strip(), q.strip(), errors)

    @property
    def filter(self) -> CatalogFilter:
        ok = {
            k: v
            for k, v in (("kind", self.kind), ("level", self.level), ("competency", self.competency))
            if v and k not in self.errors
        }
        return CatalogFilter(
            kind=AchievementKind(ok["kind"]) if "kind" in ok else None,
            level=int(ok["level"]) if "level" in ok else None,
            competency_id=int(ok["competency"]) if "competency" in ok else None,
            text=self.q or None,
        )

    @property
    def active(self) -> bool:
        return any((self.kind, self.level, self.competency, self.q))


def competency_option_label(row: CompetencyRow) -> str:
    indent = "\u00a0\u00a0" * (row.depth - 1)
    c = row.competency
    return f"{indent}{c.code} — {shorten(c.statement, 70)}" if c.code else indent + shorten(c.statement, 80)


# ---- associations ------------------------------------------------------------------------


@dataclass(frozen=True)
class End:
    """One end of an association: a competency of this framework, or something outside it."""

    label: str
    anchor: str | None = None  # in-page anchor of a competency of this framework
    href: str | None = None  # an external link
    title: str | None = None  # the title the package gives an external node

    @property
    def external(self) -> bool:
        return self.anchor is None


@dataclass(frozen=True)
class AssociationRow:
    type: str
    label: str
    origin: End
    destination: End


def _flatten(nodes: list[TreeNode]) -> list[CompetencyRow]:
    out: list[CompetencyRow] = []
    for n in nodes:
        out.append(n.row)
        out.extend(_flatten(n.children))
    return out


def association_rows(roots: list[TreeNode], associations: list[dict[str, object]]) -> list[AssociationRow]:
    index: dict[str, CompetencyRow] = {}
    for row in _flatten(roots):
        index[row.competency.identifier] = row
        if row.competency.uri:
            index.setdefault(row.competency.uri, row)

    def end(ref: NodeRef) -> End:
        row = index.get(ref.identifier) or (index.get(ref.uri) if ref.uri else None)
        if row is not None:
            c = row.competency
            return End(c.code or shorten(c.statement, 50), anchor=f"c-{row.id}")
        target = next(
            (u for u in (ref.uri, ref.identifier) if u and u.startswith(("http://", "https://"))), None
        )
        title = ref.title if ref.title not in (ref.identifier, ref.uri) else None
        return End(ref.uri or ref.identifier, href=target, title=title)

    rows = []
    for a in associations:
        origin, destination = a["origin"], a["destination"]
        assert isinstance(origin, NodeRef) and isinstance(destination, NodeRef)
        kind = str(a["type"])
        rows.append(AssociationRow(kind, humanise(kind), end(origin), end(destination)))
    return rows
