"""The institution that issues credentials, and the learners who earn them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from credstack.domain.achievement import CreditConversion


@dataclass
class Institution:
    slug: str
    name: str
    url: str | None = None
    conversion: CreditConversion = field(default_factory=CreditConversion)
    currency: str = "EUR"

    @classmethod
    def default(cls) -> Institution:
        return cls(slug="default", name="credstack institution", conversion=CreditConversion(Decimal(2)))


@dataclass
class Learner:
    email: str
    name: str
    external_id: str | None = None

    def __post_init__(self) -> None:
        self.email = self.email.strip().lower()
