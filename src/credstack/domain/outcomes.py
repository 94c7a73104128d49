"""What happens around and after the credentials: who is on which pathway, employer-sponsored
cohorts, hires of credential holders and what their employers said of them, demographic groups
learners consented to give, traditional-degree comparison cohorts and case studies.

These are plain records with the rules each must keep; ``problems()`` names every broken rule
(``where`` is the field, row or line the record came from). Storing them is store/outcomes.py,
entering and importing them services/outcomes.py, reading them for analytics domain/analytics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from credstack.domain.errors import Problem

RATING_KINDS = ("satisfaction", "performance")
DEMOGRAPHIC_ATTRIBUTES = ("gender", "age-band", "ethnicity", "disability", "first-generation", "region")
"""The attributes a learner may be asked about; the form offers these, an import may add others."""


class RatingKind(StrEnum):
    SATISFACTION = "satisfaction"  # the employer's satisfaction with the hire
    PERFORMANCE = "performance"  # the employer's rating of the hire's performance, months after


def _after(
    problems: list[Problem], where: str, first: date, later: date | None, what: str, than: str
) -> None:
    if later is not None and later < first:
        problems.append(Problem(where, f"{what} {later.isoformat()} is before {than} {first.isoformat()}"))


@dataclass(frozen=True)
class Enrolment:
    """A learner on a pathway since ``started``, in a cohort and at a site, perhaps in an
    employer-sponsored cohort; ``withdrawn`` is the day they left it."""

    email: str
    pathway: str
    started: date
    cohort: str = ""
    site: str = ""
    sponsored_cohort: str | None = None
    withdrawn: date | None = None
    name: str | None = None

    def problems(self, where: str = "") -> list[Problem]:
        found: list[Problem] = []
        _after(found, f"{where} withdrawn".strip(), self.started, self.withdrawn, "withdrawn", "started")
        return found


@dataclass(frozen=True)
class SponsoredCohort:
    """Seats an employer bought on a pathway for its staff, and the figures it supplies for its
    return on investment (domain/analytics/roi.py); those stay None until supplied."""

    code: str
    name: str
    partner: str  # the partner's slug
    pathway: str
    seats: int
    seat_price: Decimal
    currency: str
    starts: date
    productivity_gain: Decimal | None = None
    retention_rate: Decimal | None = None
    baseline_retention_rate: Decimal | None = None
    replacement_cost: Decimal | None = None
    programme_cost: Decimal | None = None
    roi_years: Decimal | None = None

    def problems(self, where: str = "") -> list[Problem]:
        at = f"{where} ".lstrip()
        found: list[Problem] = []
        if self.seats < 1:
            found.append(Problem(f"{at}seats", "must be at least 1"))
        if self.seat_price < 0:
            found.append(Problem(f"{at}seat_price", "must be 0 or more"))
        for name in ("retention_rate", "baseline_retention_rate"):
            value = getattr(self, name)
            if value is not None and not Decimal(0) <= value <= Decimal(1):
                found.append(Problem(f"{at}{name}", "must be between 0 and 1 (a share, e.g. 0.85)"))
        for name in ("productivity_gain", "replacement_cost"):
            value = getattr(self, name)
            if value is not None and value < 0:
                found.append(Problem(f"{at}{name}", "must be 0 or more"))
        if self.programme_cost is not None and self.programme_cost <= 0:
            found.append(Problem(f"{at}programme_cost", "must be more than 0"))
        if self.roi_years is not None and self.roi_years <= 0:
            found.append(Problem(f"{at}roi_years", "must be more than 0"))
        return found

    @property
    def has_roi_inputs(self) -> bool:
        return None not in (
            self.productivity_gain,
            self.retention_rate,
            self.baseline_retention_rate,
            self.replacement_cost,
            self.programme_cost,
        )


@dataclass(frozen=True)
class Hire:
    """A credential holder hired: by whom, into what role, from when (and until when: retention)."""

    email: str
    employer: str  # the employer's name as given, or the partner's name
    role: str
    hired: date
    partner: str | None = None  # the partner's slug when the employer is a partner
    left: date | None = None
    credential: str | None = None  # the public id of the credential the hire rests on

    def problems(self, where: str = "") -> list[Problem]:
        found: list[Problem] = []
        if not self.employer.strip() and not self.partner:
            found.append(Problem(f"{where} employer".strip(), "is required (or give the partner)"))
        if not self.role.strip():
            found.append(Problem(f"{where} role".strip(), "is required"))
        _after(found, f"{where} left".strip(), self.hired, self.left, "left", "hired")
        return found


@dataclass(frozen=True)
class Rating:
    """An employer's rating of a hire: satisfaction, or performance ``months`` after the hire."""

    kind: RatingKind
    score: Decimal
    scale_max: int
    rated_on: date
    months: int | None = None

    def problems(self, where: str = "", hired: date | None = None) -> list[Problem]:
        at = f"{where} ".lstrip()
        found: list[Problem] = []
        if self.scale_max < 1:
            found.append(Problem(f"{at}scale_max", "must be at least 1"))
        elif not Decimal(0) <= self.score <= self.scale_max:
            found.append(Problem(f"{at}score", f"{self.score} is not on the scale 0 to {self.scale_max}"))
        if self.kind is RatingKind.PERFORMANCE and (self.months is None or self.months < 1):
            found.append(
                Problem(f"{at}months", "a performance rating needs the months after the hire (e.g. 3)")
            )
        if self.kind is RatingKind.SATISFACTION and self.months is not None:
            found.append(Problem(f"{at}months", "only a performance rating is given months after the hire"))
        if hired is not None:
            _after(found, f"{at}rated_on", hired, self.rated_on, "rated_on", "the hire on")
        return found


@dataclass(frozen=True)
class ComparisonRecord:
    """One learner of a traditional-degree cohort, anonymous: when they started, completed or
    withdrew, and the demographic groups they consented to give."""

    ref: str
    started: date
    completed: date | None = None
    withdrawn: date | None = None
    groups: dict[str, str] = field(default_factory=dict)

    def problems(self, where: str = "") -> list[Problem]:
        found: list[Problem] = []
        _after(found, f"{where} completed".strip(), self.started, self.completed, "completed", "started")
        _after(found, f"{where} withdrawn".strip(), self.started, self.withdrawn, "withdrawn", "started")
        if self.completed is not None and self.withdrawn is not None:
            found.append(Problem(where or "record", "has both a completion and a withdrawal date"))
        return found


@dataclass(frozen=True)
class CaseStudy:
    """A workplace task a holder of an achievement completed, for the achievement's public
    showcase; shown only while the holder's consent stands."""

    achievement: str  # the achievement's code or id
    email: str
    title: str
    task: str
    outcome: str
    partner: str | None = None
    evidence_url: str | None = None

    def problems(self) -> list[Problem]:
        found = [
            Problem(n, "is required") for n in ("title", "task", "outcome") if not getattr(self, n).strip()
        ]
        if self.evidence_url and not self.evidence_url.startswith(("https://", "http://")):
            found.append(Problem("evidence_url", "must be an http(s) address"))
        return found
