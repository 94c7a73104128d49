"""Learning resources for just-in-time learning: a link (title, http(s) address, kind, expected
minutes, provider) that a designer attaches to a competency, an achievement, or one rubric
criterion of an achievement. The learner meets it where it helps: on a next step of their
pathway map and beside a rubric criterion they did not reach.

The rules here are pure: what a valid resource is, how a CSV of resources reads (every problem
named by its row), and which resources belong beside a next step or a criterion.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from credstack.domain.errors import InvalidInput, Problem

KINDS: tuple[str, ...] = ("video", "reading", "course", "exercise", "tool", "podcast", "interactive")
KIND_LABELS = {
    "video": "Video",
    "reading": "Reading",
    "course": "Course",
    "exercise": "Exercise",
    "tool": "Tool",
    "podcast": "Podcast",
    "interactive": "Interactive",
}
MAX_TITLE = 200
MAX_URL = 2000
MAX_PROVIDER = 120
MAX_KEY = 300  # an achievement code, competency identifier or criterion code
MAX_MINUTES = 10_000  # about a semester of study: a longer "resource" is a programme
CSV_COLUMNS = ("title", "url", "kind", "minutes", "provider", "achievement", "competency", "criterion")
REQUIRED_COLUMNS = ("title", "url", "kind", "minutes")


@dataclass(frozen=True)
class ResourceDraft:
    """A resource as given (a form, an API body, a CSV row): the attachment by achievement code,
    competency identifier or code, and criterion code, before they are looked up."""

    title: str
    url: str
    kind: str
    minutes: int
    provider: str | None = None
    achievement: str | None = None
    competency: str | None = None
    criterion: str | None = None

    def cleaned(self) -> ResourceDraft:
        """Surrounding spaces gone, empty optional fields as None, the kind in lower case."""

        def opt(value: str | None) -> str | None:
            return (value or "").strip() or None

        return ResourceDraft(
            self.title.strip(),
            self.url.strip(),
            self.kind.strip().lower(),
            self.minutes,
            opt(self.provider),
            opt(self.achievement),
            opt(self.competency),
            opt(self.criterion),
        )


def url_problem(url: str, where: str = "url") -> Problem | None:
    """An address a learner may safely follow: http or https with a host, no spaces or control
    characters (so no ``javascript:``, ``data:`` or ``file:``)."""
    if not url:
        return Problem(where, "give the resource's address (http or https)")
    if len(url) > MAX_URL:
        return Problem(where, f"an address is at most {MAX_URL} characters")
    if any(c.isspace() or unicodedata.category(c) == "Cc" for c in url):
        return Problem(where, "an address has no spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return Problem(where, f"{url!r} is not a valid address")
    if parts.scheme.lower() not in ("http", "https"):
        return Problem(where, f"only http and https addresses are allowed, not {parts.scheme or 'none'!r}")
    if not host:
        return Problem(where, f"{url!r} names no host")
    return None


def _text_problem(value: str, where: str, limit: int, *, required: bool) -> Problem | None:
    if not value:
        return Problem(where, "required") if required else None
    if len(value) > limit:
        return Problem(where, f"at most {limit} characters")
    if any(unicodedata.category(c) == "Cc" for c in value):
        return Problem(where, "no control characters")
    return None


def plain_key(value: str | None) -> bool:
    """Whether a lookup key (code, identifier) is short and free of control characters."""
    return value is None or (
        len(value) <= MAX_KEY and not any(unicodedata.category(c) == "Cc" for c in value)
    )


def check(draft: ResourceDraft, where: str = "") -> list[Problem]:
    """Every problem with a cleaned draft, each named by its field (after ``where``)."""
    at = f"{where}." if where else ""
    problems = [
        p
        for p in (
            _text_problem(draft.title, f"{at}title", MAX_TITLE, required=True),
            url_problem(draft.url, f"{at}url"),
            _text_problem(draft.provider or "", f"{at}provider", MAX_PROVIDER, required=False),
        )
        if p is not None
    ]
    for name in ("achievement", "competency", "criterion"):
        problem = _text_problem(getattr(draft, name) or "", f"{at}{name}", MAX_KEY, required=False)
        if problem is not None:
            problems.append(problem)
    if draft.kind not in KINDS:
        problems.append(Problem(f"{at}kind", f"{draft.kind!r} is not one of {', '.join(KINDS)}"))
    if not 1 <= draft.minutes <= MAX_MINUTES:
        problems.append(
            Problem(f"{at}minutes", f"expected minutes are a whole number from 1 to {MAX_MINUTES}")
        )
    if not draft.achievement and not draft.competency:
        problems.append(
            Problem(f"{at}achievement", "attach the resource to an achievement, a competency or both")
        )
    if draft.criterion and not draft.achievement:
        problems.append(
            Problem(f"{at}criterion", "a rubric criterion belongs to an achievement: name it too")
        )
    return problems


def minutes_of(value: str, where: str) -> tuple[int, Problem | None]:
    """Expected minutes from text: a whole number."""
    text = value.strip()
    if not text.isdigit():
        return 0, Problem(where, f"{value!r} is not a whole number of minutes")
    return int(text), None


def parse_csv(data: bytes, *, source: str = "resources.csv") -> list[ResourceDraft]:
    """Resources from a CSV with a header row (``CSV_COLUMNS``; title, url, kind and minutes
    required). Every problem is named by its row (the header is row 1); any problem: nothing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(Problem("file", "not UTF-8 text"), source=source) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if missing or unknown:
        problems = [Problem("row 1", f"missing column {c!r}") for c in missing]
        problems += [
            Problem("row 1", f"unknown column {h!r} (known: {', '.join(CSV_COLUMNS)})") for h in unknown
        ]
        raise InvalidInput(problems, source=source)
    reader.fieldnames = header
    drafts: list[ResourceDraft] = []
    problems = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            problems.append(Problem(f"row {number}", "more fields than columns"))
            continue
        values = {k: (v or "") for k, v in row.items()}
        if not any(v.strip() for v in values.values()):
            continue  # a blank line
        minutes, bad = minutes_of(values["minutes"], f"row {number}.minutes")
        draft = ResourceDraft(
            values["title"], values["url"], values["kind"], minutes, values.get("provider"),
            values.get("achievement"), values.get("competency"), values.get("criterion"),
        ).cleaned()  # fmt: skip
        found = check(draft, f"row {number}")
        if bad is not None:
            found = [bad, *(p for p in found if not p.location.endswith(".minutes"))]
        problems += found
        drafts.append(draft)
    if problems:
        raise InvalidInput(problems, source=source)
    if not drafts:
        raise InvalidInput(Problem("file", "no resources: the file has a header row only"), source=source)
    return drafts


@dataclass(frozen=True)
class Resource:
    """A stored resource, attached by achievement code, competency identifier, criterion code."""

    id: int
    title: str
    url: str
    kind: str
    minutes: int
    provider: str | None = None
    achievement: str | None = None
    competency: str | None = None
    criterion: str | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.title())


def for_step(resources: Iterable[Resource], achievement: str, competencies: Iterable[str]) -> list[Resource]:
    """The resources for a next step (earning ``achievement``): those on the achievement (as a
    whole, then on its criteria), then those on any competency it covers (unless tied to a
    criterion of another achievement); each once, shortest first within each group."""
    comps = set(competencies)
    every = list(resources)
    whole = [r for r in every if r.achievement == achievement and not r.criterion]
    criteria = [r for r in every if r.achievement == achievement and r.criterion]
    on_competency = [r for r in every if r.competency in comps and _not_elsewhere(r, achievement)]
    return _unique(
        sorted(whole, key=_order) + sorted(criteria, key=_order) + sorted(on_competency, key=_order)
    )


def for_criterion(
    resources: Iterable[Resource], achievement: str, criterion: str, competencies: Iterable[str]
) -> list[Resource]:
    """The resources beside a rubric criterion: those on that very criterion first, then on the
    criterion's competencies, then on its achievement as a whole; each once."""
    comps = set(competencies)
    every = list(resources)
    own = [r for r in every if r.achievement == achievement and r.criterion == criterion]
    on_competency = [
        r
        for r in every
        if r.competency in comps and _not_elsewhere(r, achievement) and r.criterion in (None, criterion)
    ]
    whole = [r for r in every if r.achievement == achievement and not r.criterion]
    return _unique(sorted(own, key=_order) + sorted(on_competency, key=_order) + sorted(whole, key=_order))


def _not_elsewhere(r: Resource, achievement: str) -> bool:
    """Not tied to a criterion of another achievement's rubric."""
    return not r.criterion or r.achievement == achievement


def _order(r: Resource) -> tuple[int, str, int]:
    return (r.minutes, r.title.lower(), r.id)


def _unique(found: list[Resource]) -> list[Resource]:
    seen: set[int] = set()
    out = []
    for r in found:
        if r.id not in seen:
            seen.add(r.id)
            out.append(r)
    return out
