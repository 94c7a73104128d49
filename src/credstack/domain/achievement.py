"""Achievements: credential definitions (OB 3.0 calls them Achievement)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from credstack.domain.errors import InvalidTransition, Problem
from credstack.domain.rubric import Rubric


class AchievementKind(StrEnum):
    MICRO_CREDENTIAL = "micro-credential"
    CERTIFICATE = "certificate"
    DIPLOMA = "diploma"
    DEGREE_CREDIT = "degree-credit"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class LifecycleState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETIRED = "retired"


ALLOWED_TRANSITIONS: dict[LifecycleState, frozenset[LifecycleState]] = {
    LifecycleState.DRAFT: frozenset({LifecycleState.IN_REVIEW}),
    LifecycleState.IN_REVIEW: frozenset({LifecycleState.APPROVED, LifecycleState.DRAFT}),
    LifecycleState.APPROVED: frozenset({LifecycleState.PUBLISHED, LifecycleState.DRAFT}),
    LifecycleState.PUBLISHED: frozenset({LifecycleState.RETIRED}),
    LifecycleState.RETIRED: frozenset(),
}


class CreditUnit(StrEnum):
    CREDIT_HOURS = "credit-hours"
    ECTS = "ects"


@dataclass(frozen=True)
class CreditValue:
    amount: Decimal
    unit: CreditUnit = CreditUnit.ECTS


@dataclass(frozen=True)
class CreditConversion:
    """The institution's conversion table between credit hours and ECTS.

    The common convention (one US semester credit hour is about two ECTS) is the default;
    institutions set their own.
    """

    ects_per_credit_hour: Decimal = Decimal(2)

    def ects(self, value: CreditValue) -> Decimal:
        if value.unit is CreditUnit.ECTS:
            return value.amount
        return (value.amount * self.ects_per_credit_hour).normalize()

    def credit_hours(self, value: CreditValue) -> Decimal:
        if value.unit is CreditUnit.CREDIT_HOURS:
            return value.amount
        return (value.amount / self.ects_per_credit_hour).quantize(Decimal("0.01")).normalize()


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = "EUR"

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,.2f}"


@dataclass(frozen=True)
class Alignment:
    """The achievement certifies this competency at this level (1 = foundational ...)."""

    competency: str  # competency identifier
    level_reached: int
    framework: str | None = None  # framework identifier, when known


PROFICIENCY_LEVELS = {1: "Foundational", 2: "Intermediate", 3: "Advanced", 4: "Expert"}


@dataclass
class Achievement:
    code: str
    name: str
    kind: AchievementKind = AchievementKind.MICRO_CREDENTIAL
    description: str = ""
    criteria: str = ""
    level: int | None = None  # EQF level 1-8
    credits: CreditValue | None = None
    alignments: list[Alignment] = field(default_factory=list)
    validity_months: int | None = None
    price: Money | None = None
    state: LifecycleState = LifecycleState.DRAFT
    next_review: date | None = None
    tags: tuple[str, ...] = ()
    expected_hours: int | None = None
    employer_partners: tuple[str, ...] = ()
    rubric: Rubric | None = None

    def validate(self, where: str | None = None) -> list[Problem]:
        loc = where or f"achievement {self.code or '?'}"
        problems: list[Problem] = []
        if not self.code.strip():
            problems.append(Problem(f"{loc}.code", "is required"))
        if not self.name.strip():
            problems.append(Problem(f"{loc}.name", "is required"))
        if self.level is not None and not 1 <= self.level <= 8:
            problems.append(Problem(f"{loc}.level", f"EQF level must be 1-8, got {self.level}"))
        if self.credits is not None and self.credits.amount < 0:
            problems.append(Problem(f"{loc}.credits", "must not be negative"))
        if self.price is not None and self.price.amount < 0:
            problems.append(Problem(f"{loc}.price", "must not be negative"))
        if self.validity_months is not None and self.validity_months <= 0:
            problems.append(Problem(f"{loc}.validity_months", "must be positive"))
        seen: set[str] = set()
        for a in self.alignments:
            if a.competency in seen:
                problems.append(Problem(f"{loc}.alignments", f"competency {a.competency!r} aligned twice"))
            seen.add(a.competency)
            if not 1 <= a.level_reached <= max(PROFICIENCY_LEVELS):
                problems.append(
                    Problem(
                        f"{loc}.alignments[{a.competency}]",
                        f"level reached must be 1-{max(PROFICIENCY_LEVELS)}",
                    )
                )
        if self.rubric is not None:
            problems.extend(self.rubric.validate(f"{loc}.rubric"))
        return problems

    def transition(self, to: LifecycleState) -> None:
        if to not in ALLOWED_TRANSITIONS[self.state]:
            raise InvalidTransition(f"{self.code}: cannot go from {self.state} to {to}")
        self.state = to

    @property
    def awardable(self) -> bool:
        return self.state is LifecycleState.PUBLISHED
