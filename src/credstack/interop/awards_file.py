"""Held awards and catalogue entries for a stateless audit (`credstack audit`).

An awards file is a JSON list; each entry is either a plain award (``id``, ``achievement``,
``credits``, ``level``, ``kind``, ``tags``, ``result``, ``earned``, ``competencies`` as
``{competency id: level}``, optional ``expires``, ``framework``) or an Open Badges 3.0
credential, read for what an audit needs (its achievement's code, credits, dates and alignments).
A catalogue file is a JSON list of achievements not yet earned, each with ``achievement``,
``price``, ``credits`` and optionally ``hours``, ``level``, ``kind``, ``tags``, ``competencies``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.pathways.model import Award
from credstack.domain.pathways.plan import CatalogueItem
from credstack.interop.jsonfile import loads

KINDS = {"MicroCredential": "micro-credential", "Certificate": "certificate", "Diploma": "diploma"}


class _Reader:
    def __init__(self, record: dict[str, Any], where: str, problems: list[Problem]) -> None:
        self.record, self.where, self.problems = record, where, problems

    def bad(self, name: str, message: str) -> None:
        self.problems.append(Problem(f"{self.where}.{name}", message))

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.record.get(name)
        if value is None or value == "":
            if required:
                self.bad(name, "is required")
            return None
        return str(value)

    def number(self, name: str, default: Decimal | None = None) -> Decimal | None:
        value = self.record.get(name)
        if value is None:
            return default
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.bad(name, f"{value!r} is not a number")
            return default
        if number < 0:
            self.bad(name, "must not be negative")
        return number

    def day(self, name: str) -> date | None:
        value = self.record.get(name)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
        except ValueError:
            self.bad(name, f"{value!r} is not an ISO date")
            return None

    def level(self, name: str) -> int | None:
        value = self.record.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(name, f"{value!r} is not a whole number")
            return None
        return value

    def strings(self, name: str) -> frozenset[str]:
        value = self.record.get(name) or []
        if not isinstance(value, list):
            self.bad(name, "must be a list")
            return frozenset()
        return frozenset(str(v) for v in value)

    def competencies(self, name: str = "competencies") -> tuple[tuple[str, int], ...]:
        value = self.record.get(name) or {}
        if not isinstance(value, dict):
            self.bad(name, "must map competency ids to levels")
            return ()
        out = []
        for cid, lvl in value.items():
            if isinstance(lvl, bool) or not isinstance(lvl, int):
                self.bad(f"{name}.{cid}", f"level {lvl!r} is not a whole number")
                continue
            out.append((str(cid), lvl))
        return tuple(sorted(out))


def _from_credential(doc: dict[str, Any], where: str, problems: list[Problem]) -> Award | None:
    found = doc.get("credentialSubject")
    subject: dict[str, Any] = (found[0] if isinstance(found, list) and found else found) or {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(subject, dict) or not isinstance(achievement, dict):
        problems.append(
            Problem(f"{where}.credentialSubject.achievement", "is missing: not an OB 3.0 credential")
        )
        return None
    code = achievement.get("humanCode") or achievement.get("id")
    credits = subject.get("creditsEarned", achievement.get("creditsAvailable", 0))
    alignments = achievement.get("alignment") or []
    competencies = tuple(
        sorted((str(a.get("targetCode") or a.get("targetUrl")), 1) for a in alignments if isinstance(a, dict))
    )
    earned = _Reader(doc, where, problems).day("validFrom") or _Reader(doc, where, problems).day(
        "awardedDate"
    )
    return Award(
        id=str(doc.get("id") or code),
        achievement=str(code),
        credits=Decimal(str(credits or 0)),
        kind=KINDS.get(
            str(achievement.get("achievementType")), str(achievement.get("achievementType") or "")
        ),
        tags=frozenset(str(t) for t in achievement.get("tag") or []),
        earned=earned,
        expires=_Reader(doc, where, problems).day("validUntil"),
        competencies=competencies,
    )


def parse_awards(data: bytes | str, *, source: str = "awards") -> list[Award]:
    raw = loads(data, source=source)
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise InvalidInput(Problem("(root)", "an awards file is a JSON list of awards"), source=source)
    problems: list[Problem] = []
    awards: list[Award] = []
    for i, record in enumerate(raw):
        where = f"[{i}]"
        if not isinstance(record, dict):
            problems.append(Problem(where, "must be an object"))
            continue
        if "@context" in record:
            found = _from_credential(record, where, problems)
            if found is not None:
                awards.append(found)
            continue
        r = _Reader(record, where, problems)
        award = Award(
            id=r.text("id", required=True) or where,
            achievement=r.text("achievement", required=True) or "",
            credits=r.number("credits", Decimal(0)) or Decimal(0),
            level=r.level("level"),
            kind=r.text("kind") or "micro-credential",
            tags=r.strings("tags"),
            result=r.number("result"),
            earned=r.day("earned"),
            expires=r.day("expires"),
            competencies=r.competencies(),
            framework=r.text("framework"),
        )
        awards.append(award)
    seen: dict[str, int] = {}
    for i, a in enumerate(awards):
        if a.id in seen:
            problems.append(Problem(f"[{i}].id", f"duplicate award id {a.id!r} (also [{seen[a.id]}])"))
        seen.setdefault(a.id, i)
    if problems:
        raise InvalidInput(problems, source=source)
    return awards


def parse_catalogue(data: bytes | str, *, source: str = "catalogue") -> list[CatalogueItem]:
    raw = loads(data, source=source)
    if isinstance(raw, dict) and isinstance(raw.get("achievements"), list):
        raw = raw["achievements"]
    if not isinstance(raw, list):
        raise InvalidInput(Problem("(root)", "a catalogue is a JSON list of achievements"), source=source)
    problems: list[Problem] = []
    items: list[CatalogueItem] = []
    for i, record in enumerate(raw):
        if not isinstance(record, dict):
            problems.append(Problem(f"[{i}]", "must be an object"))
            continue
        r = _Reader(record, f"[{i}]", problems)
        code = r.text("achievement") or r.text("id") or r.text("code")
        if code is None:
            r.bad("achievement", "is required")
            continue
        items.append(
            CatalogueItem(
                achievement=code,
                price=r.number("price"),
                credits=r.number("credits", Decimal(0)) or Decimal(0),
                hours=r.number("hours", r.number("expected_hours")),
                level=r.level("level"),
                kind=r.text("kind") or "micro-credential",
                tags=r.strings("tags"),
                competencies=r.competencies(),
                framework=r.text("framework"),
            )
        )
    if problems:
        raise InvalidInput(problems, source=source)
    return items
