"""Employers and other partner organisations, and what they do with the institution: co-design
achievements, offer micro-internships and employer projects as assessment tasks, and mentor
learners through short guided practice that ends with the mentor's sign-off.

Every ``validate`` names the field that is wrong, so an API body, a CLI option or a form field
can say exactly what to fix; nothing here touches storage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from credstack.domain.errors import InvalidInput, InvalidTransition, Problem

NAME_MAX = 200
TEXT_MAX = 4000
MAX_PLACES = 500
MAX_MENTOR_HOURS = 400  # a micro-experience is short: a few days to a few weeks of guided practice


class PartnerKind(StrEnum):
    EMPLOYER = "employer"
    PROFESSIONAL_BODY = "professional-body"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class ProjectKind(StrEnum):
    MICRO_INTERNSHIP = "micro-internship"
    EMPLOYER_PROJECT = "employer-project"

    @property
    def label(self) -> str:
        return "Micro-internship" if self is ProjectKind.MICRO_INTERNSHIP else "Employer project"


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


PROJECT_TRANSITIONS: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    ProjectStatus.DRAFT: frozenset({ProjectStatus.OPEN, ProjectStatus.CANCELLED}),
    ProjectStatus.OPEN: frozenset({ProjectStatus.CLOSED, ProjectStatus.CANCELLED}),
    ProjectStatus.CLOSED: frozenset({ProjectStatus.OPEN, ProjectStatus.CANCELLED}),
    ProjectStatus.CANCELLED: frozenset(),
}


class Outcome(StrEnum):
    """What the mentor says of the goal at sign-off."""

    MET = "met"
    PARTLY_MET = "partly-met"
    NOT_MET = "not-met"

    @property
    def label(self) -> str:
        return {"met": "Goal met", "partly-met": "Goal partly met", "not-met": "Goal not met"}[self.value]


# ---- field checks ------------------------------------------------------------------------


E = TypeVar("E", bound=StrEnum)


def choice(kind: type[E], value: str, field: str) -> E:
    """``value`` as a member of ``kind``; InvalidInput naming ``field`` and the allowed values."""
    try:
        return kind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise InvalidInput(Problem(field, f"{value!r} is not one of: {allowed}")) from None


def text_problems(
    value: str | None, field: str, *, required: bool = True, limit: int = TEXT_MAX
) -> list[Problem]:
    if value is None or not value.strip():
        return [Problem(field, "is required")] if required else []
    if len(value) > limit:
        return [Problem(field, f"is at most {limit} characters ({len(value)} given)")]
    return []


def email_problems(value: str | None, field: str, *, required: bool = True) -> list[Problem]:
    if value is None or not value.strip():
        return [Problem(field, "is required")] if required else []
    local, at, domain = value.strip().rpartition("@")
    if (
        not at
        or not local
        or "." not in domain
        or len(value) > 320
        or any(c.isspace() for c in value.strip())
    ):
        return [Problem(field, f"{value!r} is not an email address")]
    return []


def url_problems(value: str | None, field: str) -> list[Problem]:
    if value is None or not value.strip():
        return []
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value.strip()):
        return [Problem(field, f"{value!r} is not an http(s) address")]
    return []


def slugify(name: str) -> str:
    """``Harbourline Logistics Ltd.`` -> ``harbourline-logistics-ltd``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80]


SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


def _check(problems: Iterable[Problem]) -> None:
    found = list(problems)
    if found:
        raise InvalidInput(found)


# ---- partner organisations -----------------------------------------------------------------


@dataclass(frozen=True)
class Partner:
    """An organisation the institution works with. ``slug`` names it in addresses and commands."""

    name: str
    kind: PartnerKind = PartnerKind.EMPLOYER
    slug: str = ""
    website: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not self.slug:
            object.__setattr__(self, "slug", slugify(self.name))

    def validate(self) -> list[Problem]:
        problems = text_problems(self.name, "name", limit=NAME_MAX)
        if self.name.strip() and not SLUG.match(self.slug):
            problems.append(
                Problem("slug", f"{self.slug!r} must be lower-case letters, digits and hyphens (1-80)")
            )
        problems += url_problems(self.website, "website")
        problems += text_problems(self.contact_name, "contact_name", required=False, limit=NAME_MAX)
        problems += email_problems(self.contact_email, "contact_email", required=False)
        problems += text_problems(self.description, "description", required=False)
        return problems

    def checked(self) -> Partner:
        _check(self.validate())
        return self


# ---- co-design -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoDesign:
    """A partner helped design an achievement: what they contributed, and over which period."""

    partner: str  # the partner's slug
    achievement: str  # the achievement's code
    contribution: str
    since: date
    until: date | None = None

    def validate(self) -> list[Problem]:
        problems = text_problems(self.achievement, "achievement", limit=80)
        problems += text_problems(self.contribution, "contribution")
        if self.until is not None and self.until < self.since:
            problems.append(Problem("until", f"{self.until} is before the start ({self.since})"))
        return problems

    def active_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


# ---- projects offered as assessment tasks -----------------------------------------------------


@dataclass(frozen=True)
class Project:
    """A micro-internship or employer project a partner offers as the assessment task of an
    achievement, with a number of places and the period in which learners can take it up."""

    partner: str  # the partner's slug
    achievement: str  # the achievement's code
    title: str
    brief: str
    opens: date
    closes: date
    kind: ProjectKind = ProjectKind.MICRO_INTERNSHIP
    places: int = 1
    status: ProjectStatus = ProjectStatus.OPEN

    def validate(self) -> list[Problem]:
        problems = text_problems(self.achievement, "achievement", limit=80)
        problems += text_problems(self.title, "title", limit=NAME_MAX)
        problems += text_problems(self.brief, "brief")
        if not 1 <= self.places <= MAX_PLACES:
            problems.append(Problem("places", f"must be 1-{MAX_PLACES}, got {self.places}"))
        if self.closes < self.opens:
            problems.append(Problem("closes", f"{self.closes} is before the opening date ({self.opens})"))
        return problems

    def listed_on(self, day: date) -> bool:
        """Whether the public sees it as open on ``day``."""
        return self.status is ProjectStatus.OPEN and self.opens <= day <= self.closes

    def moved(self, to: ProjectStatus) -> Project:
        if to is self.status:
            return self
        if to not in PROJECT_TRANSITIONS[self.status]:
            raise InvalidTransition(f"project {self.title!r}: cannot go from {self.status} to {to}")
        return replace(self, status=to)


# ---- mentored micro-experiences ---------------------------------------------------------------


@dataclass(frozen=True)
class SignOff:
    """The mentor's word at the end: when, who, what they saw, and whether the goal was met."""

    signed_at: datetime
    signed_by: str  # the email of who signed (the mentor)
    statement: str
    outcome: Outcome


@dataclass(frozen=True)
class Mentorship:
    """An industry mentor from a partner guides one learner through a short practice with a goal;
    the mentor's sign-off can then be handed in as evidence for an assessment."""

    partner: str  # the partner's slug
    mentor_name: str
    mentor_email: str
    learner_email: str
    goal: str
    starts: date
    ends: date
    hours: int
    achievement: str | None = None  # the achievement the practice prepares for, if any
    sign_off: SignOff | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "mentor_email", self.mentor_email.strip().lower())
        object.__setattr__(self, "learner_email", self.learner_email.strip().lower())

    def validate(self) -> list[Problem]:
        problems = text_problems(self.mentor_name, "mentor_name", limit=NAME_MAX)
        problems += email_problems(self.mentor_email, "mentor_email")
        problems += email_problems(self.learner_email, "learner")
        problems += text_problems(self.goal, "goal")
        if self.achievement is not None:
            problems += text_problems(self.achievement, "achievement", limit=80)
        if self.ends < self.starts:
            problems.append(Problem("ends", f"{self.ends} is before the start ({self.starts})"))
        if not 1 <= self.hours <= MAX_MENTOR_HOURS:
            problems.append(Problem("hours", f"must be 1-{MAX_MENTOR_HOURS}, got {self.hours}"))
        return problems

    def is_mentor(self, email: str) -> bool:
        return email.strip().lower() == self.mentor_email

    def status(self, today: date) -> str:
        if self.sign_off is not None:
            return "signed off"
        if today < self.starts:
            return "planned"
        return "in progress" if today <= self.ends else "awaiting sign-off"

    def signed(self, *, by: str, statement: str, outcome: Outcome, at: datetime) -> Mentorship:
        """This mentorship signed off. Once only, and not before the practice has started."""
        if self.sign_off is not None:
            raise InvalidTransition(
                f"this mentorship was signed off on {self.sign_off.signed_at:%Y-%m-%d}; a sign-off is final"
            )
        _check(text_problems(statement, "statement"))
        if at.date() < self.starts:
            raise InvalidTransition(f"the practice starts on {self.starts}; it cannot be signed off before")
        return replace(self, sign_off=SignOff(at, by.strip().lower(), statement.strip(), outcome))
