"""Articulation agreements and the credit equivalency table, written as YAML or JSON.

    agreements:
      - code: RIVERSIDE-PDW
        partner: Riverside Community College
        issuer: did:web:credentials.riverside.example
        achievement: https://credentials.riverside.example/achievements/pdw   # or achievement_name
        min_result: 70
        earned: {from: 2023-01-01, until: 2027-12-31}
        grants: {achievement: MC-PY}                # or {credits: 3, unit: credit-hours}
        pathway: CERT-DA                             # optional: toward this pathway only
        tags: [data]
    credit_units:                                    # optional: rows of the equivalency table
      - {code: cats, name: UK CATS credits, ects_per_unit: 0.5}

Every problem is reported with its line and column; nothing is read in part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.transfer import Agreement, CreditUnitDef
from credstack.interop.located import Located, parse

AGREEMENT_KEYS = {
    "code", "partner", "issuer", "achievement", "achievement_name", "min_result", "earned",
    "grants", "pathway", "tags", "note",
}  # fmt: skip
UNIT_KEYS = {"code", "name", "ects_per_unit"}


@dataclass(frozen=True)
class AgreementsFile:
    agreements: tuple[Agreement, ...]
    units: tuple[CreditUnitDef, ...]


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, at: Located, message: str) -> None:
        self.problems.append(Problem(at.where, message))

    def text(self, at: Located | None, field: str, parent: Located, *, required: bool = True) -> str | None:
        if at is None:
            if required:
                self.fail(parent, f"{field} is required")
            return None
        if not isinstance(at.value, str) or not at.value.strip():
            self.fail(at, f"{field} must be a non-empty text")
            return None
        return at.value.strip()

    def number(self, at: Located | None, field: str) -> Decimal | None:
        if at is None:
            return None
        try:
            if isinstance(at.value, bool):
                raise InvalidOperation
            value = Decimal(str(at.value))
        except InvalidOperation:
            self.fail(at, f"{field} must be a number, not {at.value!r}")
            return None
        if not value.is_finite() or value < 0:
            self.fail(at, f"{field} must be a number of at least 0")
            return None
        return value

    def day(self, at: Located | None, field: str) -> date | None:
        if at is None:
            return None
        try:
            return date.fromisoformat(str(at.value))
        except ValueError:
            self.fail(at, f"{field} must be a date (YYYY-MM-DD), not {at.value!r}")
            return None

    def unknown(self, at: Located, allowed: set[str], what: str) -> None:
        for key, value in at.value.items():
            if key not in allowed:
                self.problems.append(
                    Problem(
                        value.key_where,
                        f"unknown field {key!r} in {what} (allowed: {', '.join(sorted(allowed))})",
                    )
                )

    def agreement(self, at: Located) -> Agreement | None:
        if not isinstance(at.value, dict):
            self.fail(at, "an agreement must be a mapping")
            return None
        self.unknown(at, AGREEMENT_KEYS, "an agreement")
        before = len(self.problems)
        fields: dict[str, Any] = {
            "code": self.text(at.get("code"), "code", at),
            "partner": self.text(at.get("partner"), "partner", at),
            "issuer": self.text(at.get("issuer"), "issuer", at),
            "external_achievement": self.text(at.get("achievement"), "achievement", at, required=False),
            "external_name": self.text(at.get("achievement_name"), "achievement_name", at, required=False),
            "min_result": self.number(at.get("min_result"), "min_result"),
            "pathway": self.text(at.get("pathway"), "pathway", at, required=False),
            "note": self.text(at.get("note"), "note", at, required=False),
        }
        earned = at.get("earned")
        if earned is not None:
            if not isinstance(earned.value, dict):
                self.fail(earned, "earned must be a mapping with from and/or until")
            else:
                self.unknown(earned, {"from", "until"}, "earned")
                fields["earned_from"] = self.day(earned.get("from"), "earned.from")
                fields["earned_until"] = self.day(earned.get("until"), "earned.until")
        tags = at.get("tags")
        if tags is not None:
            if not isinstance(tags.value, list) or not all(isinstance(t.value, str) for t in tags.value):
                self.fail(tags, "tags must be a list of texts")
            else:
                fields["tags"] = tuple(t.value for t in tags.value)
        grants = at.get("grants")
        if grants is None or not isinstance(grants.value, dict):
            self.fail(grants or at, "grants is required: {achievement: CODE} or {credits: N, unit: UNIT}")
        else:
            self.unknown(grants, {"achievement", "credits", "unit"}, "grants")
            fields["grants_achievement"] = self.text(
                grants.get("achievement"), "grants.achievement", grants, required=False
            )
            fields["grants_credits"] = self.number(grants.get("credits"), "grants.credits")
            fields["credit_unit"] = self.text(grants.get("unit"), "grants.unit", grants, required=False)
        if len(self.problems) > before:
            return None
        try:
            return Agreement(**fields)
        except InvalidInput as exc:
            self.problems.extend(Problem(at.where, f"{p.location}: {p.message}") for p in exc.problems)
            return None

    def unit(self, at: Located) -> CreditUnitDef | None:
        if not isinstance(at.value, dict):
            self.fail(at, "a credit unit must be a mapping")
            return None
        self.unknown(at, UNIT_KEYS, "a credit unit")
        code = self.text(at.get("code"), "code", at)
        name = self.text(at.get("name"), "name", at)
        worth = self.number(at.get("ects_per_unit"), "ects_per_unit")
        if at.get("ects_per_unit") is None:
            self.fail(at, "ects_per_unit is required")
        elif worth is not None and worth == 0:
            self.fail(at.at(["ects_per_unit"]), "ects_per_unit must be more than 0")
            return None
        if code is None or name is None or worth is None:
            return None
        return CreditUnitDef(code, name, worth)


def read_agreements(data: bytes | str, *, source: str) -> AgreementsFile:
    """Agreements and credit units from a file; InvalidInput lists every problem with its line."""
    root = parse(data, source=source, format="json" if source.lower().endswith(".json") else None)
    reader = _Reader()
    entries: Located | None
    units: Located | None
    if isinstance(root.value, list):
        entries, units = root, None
    elif isinstance(root.value, dict):
        reader.unknown(root, {"agreements", "credit_units"}, "the file")
        entries, units = root.get("agreements"), root.get("credit_units")
    else:
        raise InvalidInput(Problem(root.where, "expected a list of agreements or a mapping"), source=source)
    agreements: list[Agreement] = []
    seen: dict[str, int] = {}
    for item in entries.value if entries is not None and isinstance(entries.value, list) else []:
        found = reader.agreement(item)
        if found is None:
            continue
        if found.code in seen:
            reader.fail(item, f"duplicate agreement code {found.code!r} (also on line {seen[found.code]})")
        seen[found.code] = item.line
        agreements.append(found)
    if entries is not None and not isinstance(entries.value, list):
        reader.fail(entries, "agreements must be a list")
    table: list[CreditUnitDef] = []
    if units is not None:
        if not isinstance(units.value, list):
            reader.fail(units, "credit_units must be a list")
        else:
            table = [u for item in units.value if (u := reader.unit(item)) is not None]
    if reader.problems:
        raise InvalidInput(reader.problems, source=source)
    if not agreements and not table:
        raise InvalidInput(
            Problem(root.where, "no agreements and no credit units in the file"), source=source
        )
    return AgreementsFile(tuple(agreements), tuple(table))
