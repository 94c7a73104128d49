"""The audit log's hash chain: sealing an entry and verifying a chain, with no database.

Each entry carries ``seq`` (1, 2, 3 ... over the whole log), the hash of the entry before it
(``prev_hash``; the first entry chains to :data:`GENESIS`) and its own ``hash``: SHA-256 of the
canonical JSON of its fields (:func:`entry_hash`). Editing any field of a stored entry changes
what it hashes to; deleting one leaves a gap in ``seq`` and a ``prev_hash`` that points nowhere.

The hash is taken over canonical JSON (domain/canonical_json.py), so an entry hashes the same
whether it was read back from SQLite or from PostgreSQL's ``jsonb``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from credstack.domain.canonical_json import JsonValue, canonical_json, iso_utc

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""


@dataclass(frozen=True)
class AuditDraft:
    """What an entry says, before it has a place in the chain."""

    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    institution_id: int | None = None
    detail: JsonValue = field(default_factory=dict)
    before: JsonValue = None
    after: JsonValue = None


@dataclass(frozen=True)
class ChainEntry(AuditDraft):
    """An entry in its place: ``seq``, ``prev_hash`` and ``hash``; ``id`` is the row's key (not hashed)."""

    seq: int = 0
    prev_hash: str = GENESIS
    hash: str = ""
    id: int | None = None


@dataclass(frozen=True)
class ChainHead:
    """The last entry's position and hash: what the next entry chains to, or an anchor kept elsewhere."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        """``SEQ:HASH`` as printed by :meth:`__str__`."""
        seq, _, digest = text.strip().partition(":")
        if not seq.isdigit() or int(seq) < 1 or not _is_sha256(digest):
            raise ValueError(f"{text!r} is not SEQ:HASH (a positive number and 64 hex digits)")
        return cls(int(seq), digest.lower())


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdefABCDEF" for c in text)


HASHED = (
    "seq",
    "at",
    "institution_id",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "detail",
    "before",
    "after",
    "prev_hash",
)


def hash_input(entry: ChainEntry) -> str:
    """The canonical JSON that an entry's hash is taken over (its fields in :data:`HASHED`)."""
    if entry.at.tzinfo is None:
        raise ValueError(f"entry {entry.seq}: naive datetime {entry.at!r}")
    values: dict[str, Any] = {name: getattr(entry, name) for name in HASHED}
    values["at"] = iso_utc(entry.at)
    return canonical_json(values)


def entry_hash(entry: ChainEntry) -> str:
    """Hex SHA-256 of :func:`hash_input`."""
    return hashlib.sha256(hash_input(entry).encode("ascii")).hexdigest()


def seal(draft: AuditDraft, head: ChainHead | None) -> ChainEntry:
    """``draft`` as the entry after ``head`` (the first entry when ``head`` is None)."""
    values = {f.name: getattr(draft, f.name) for f in fields(AuditDraft)}
    entry = ChainEntry(
        **values,
        seq=head.seq + 1 if head else 1,
        prev_hash=head.hash if head else GENESIS,
    )
    return replace(entry, hash=entry_hash(entry))


class BreakKind(StrEnum):
    EDITED = "edited"  # the entry no longer hashes to its stored hash
    DELETED = "deleted"  # a gap in seq: entries before this one are missing
    UNCHAINED = "unchained"  # prev_hash is not the hash of the entry before
    REORDERED = "reordered"  # seq runs backwards (moving an entry's seq also changes its hash)
    TRUNCATED = "truncated"  # the log stops short of a head recorded earlier


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain breaks (``seq``/``id`` of the entry at which it was noticed) and why."""

    kind: BreakKind
    seq: int | None
    id: int | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "seq": self.seq, "id": self.id, "message": self.message}


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: ChainHead | None
    breaks: tuple[ChainBreak, ...]
    complete: bool  # False: the walk stopped at the break limit

    @property
    def valid(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> ChainBreak | None:
        return self.breaks[0] if self.breaks else None

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "entries": self.entries,
            "head": {"seq": self.head.seq, "hash": self.head.hash} if self.head else None,
            "breaks": [b.as_json() for b in self.breaks],
            "complete": self.complete,
        }


def _name(entry: ChainEntry) -> str:
    row = f"id {entry.id}, " if entry.id is not None else ""
    return f"entry seq {entry.seq} ({row}{entry.action})"


class ChainVerifier:
    """Checks entries one at a time in chain order, so a log of any length streams through.

    Each entry gets at most one break (the first check it fails); after a break the walk goes
    on from the entry as found, so one edit is reported once and later damage is still seen.
    ``anchor``, a head recorded earlier, also catches entries cut off the end of the log.
    """

    def __init__(self, *, anchor: ChainHead | None = None, max_breaks: int = 100) -> None:
        self.anchor = anchor
        self.max_breaks = max_breaks
        self.breaks: list[ChainBreak] = []
        self.count = 0
        self._last: ChainEntry | None = None
        self._anchor_seen = False

    @property
    def done(self) -> bool:
        """True once ``max_breaks`` breaks were found: walking further tells little more."""
        return len(self.breaks) >= self.max_breaks

    def add(self, entry: ChainEntry) -> None:
        problem = self._check(entry)
        if problem is not None and not self.done:
            self.breaks.append(ChainBreak(problem[0], entry.seq, entry.id, f"{_name(entry)}: {problem[1]}"))
        self.count += 1
        self._last = entry

    def _check(self, entry: ChainEntry) -> tuple[BreakKind, str] | None:
        last = self._last
        expected_seq = last.seq + 1 if last else 1
        expected_prev = last.hash if last else GENESIS
        after = f"seq {last.seq}" if last else "the start of the log"
        at_anchor = self.anchor is not None and entry.seq == self.anchor.seq
        self._anchor_seen = self._anchor_seen or at_anchor
        if entry.seq < expected_seq:
            return BreakKind.REORDERED, f"comes after {after}: out of order or duplicated"
        if entry.seq > expected_seq:
            missing = (
                f"seq {expected_seq}"
                if entry.seq == expected_seq + 1
                else f"seq {expected_seq} to {entry.seq - 1}"
            )
            return BreakKind.DELETED, f"follows {after}: {missing} missing (deleted)"
        if entry.prev_hash != expected_prev:
            return BreakKind.UNCHAINED, (
                f"does not chain to {after}: its prev_hash {entry.prev_hash[:12]}... is not "
                f"{expected_prev[:12]}... (the entry before was replaced, or rewritten with a new hash)"
            )
        try:
            computed = entry_hash(entry)
        except (TypeError, ValueError) as exc:  # a value put there by hand that JSON cannot hold
            return BreakKind.EDITED, f"was edited: it cannot be hashed ({exc})"
        if computed != entry.hash:
            return BreakKind.EDITED, (
                f"was edited: its content hashes to {computed[:12]}... but {entry.hash[:12]}... is stored"
            )
        if at_anchor and self.anchor is not None and entry.hash != self.anchor.hash:
            return BreakKind.EDITED, (
                f"is not the entry recorded as head {self.anchor}: its hash is {entry.hash[:12]}..."
            )
        return None

    def report(self) -> ChainReport:
        breaks = list(self.breaks)
        anchor, last = self.anchor, self._last
        if anchor is not None and not self._anchor_seen and not self.done:
            end = f"seq {last.seq}" if last else "no entries"
            if last is None or last.seq < anchor.seq:
                breaks.append(
                    ChainBreak(
                        BreakKind.TRUNCATED,
                        anchor.seq,
                        None,
                        f"the log ends at {end} but seq {anchor.seq} was recorded as head: "
                        "entries were removed from the end",
                    )
                )
        head = ChainHead(last.seq, last.hash) if last else None
        return ChainReport(self.count, head, tuple(breaks), complete=not self.done)


def verify_chain(
    entries: Iterable[ChainEntry], *, anchor: ChainHead | None = None, max_breaks: int = 100
) -> ChainReport:
    """Walk ``entries`` (in seq order) and report every break, up to ``max_breaks``."""
    verifier = ChainVerifier(anchor=anchor, max_breaks=max_breaks)
    for entry in entries:
        verifier.add(entry)
        if verifier.done:
            break
    return verifier.report()
