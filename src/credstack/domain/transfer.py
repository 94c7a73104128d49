"""Transfer credit: other institutions' credentials counted toward our pathways.

An *articulation agreement* says which external credentials (issuer, achievement, minimum
result, the period they were earned in) count as which achievement of ours, or as how many
credits (in some unit) toward which pathway. A learner hands in an external credential; once it
is verified, every agreement it meets turns it into *transfer credit*, which the audit sees as an
award marked ``transfer``. Credit units convert through the institution's *equivalency table*
(how many ECTS one unit is worth); the audit counts credits in ECTS.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credstack.domain.achievement import CreditConversion
from credstack.domain.errors import InvalidInput, Problem

ECTS = "ects"


@dataclass(frozen=True)
class CreditUnitDef:
    code: str
    name: str
    ects_per_unit: Decimal


def default_units(conversion: CreditConversion) -> tuple[CreditUnitDef, ...]:
    """The starting table. ECTS and credit hours follow the institution's own conversion; the
    others are the usual conventions (a UK CATS credit is half an ECTS credit; a US quarter
    credit is two thirds of a semester credit). Registrars change any of them."""
    hour = conversion.ects_per_credit_hour
    return (
        CreditUnitDef(ECTS, "ECTS credits", Decimal(1)),
        CreditUnitDef("credit-hours", "US semester credit hours", hour),
        CreditUnitDef("quarter-hours", "US quarter credit hours", (hour * 2 / 3).quantize(Decimal("0.0001"))),
        CreditUnitDef("cats", "UK CATS credits", Decimal("0.5")),
    )


@dataclass(frozen=True)
class Equivalency:
    """The credit equivalency table: units and their worth in ECTS."""

    units: tuple[CreditUnitDef, ...]

    def unit(self, code: str) -> CreditUnitDef:
        found = next((u for u in self.units if u.code == code), None)
        if found is None:
            known = ", ".join(u.code for u in self.units)
            raise InvalidInput(Problem("credit_unit", f"unknown credit unit {code!r} (known: {known})"))
        return found

    def to_ects(self, amount: Decimal, unit: str) -> Decimal:
        return (amount * self.unit(unit).ects_per_unit).quantize(Decimal("0.01")).normalize()


@dataclass(frozen=True)
class Agreement:
    """An articulation agreement with a partner institution."""

    code: str
    partner: str
    issuer: str  # the partner's issuer id (a DID or URL) as its credentials name it
    external_achievement: str | None = None  # the achievement's id; none: matched by name or any
    external_name: str | None = None
    min_result: Decimal | None = None
    earned_from: date | None = None
    earned_until: date | None = None
    grants_achievement: str | None = None  # counts as this achievement of ours
    grants_credits: Decimal | None = None  # or as these credits (none: as many as the credential earned)
    credit_unit: str | None = None
    pathway: str | None = None  # toward this pathway only (none: any)
    tags: tuple[str, ...] = ()
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise InvalidInput(Problem("code", "an agreement needs a code"))
        if not self.issuer.strip():
            raise InvalidInput(Problem("issuer", "an agreement names the partner's issuer id"))
        if (self.grants_achievement is None) == (self.grants_credits is None and self.credit_unit is None):
            raise InvalidInput(
                Problem("grants", "an agreement grants either an achievement or credits (with a credit_unit)")
            )
        if self.grants_achievement is None and self.credit_unit is None:
            raise InvalidInput(Problem("credit_unit", "credits granted need their unit"))
        if self.grants_credits is not None and self.grants_credits <= 0:
            raise InvalidInput(Problem("grants_credits", "must be more than 0"))
        if self.earned_from and self.earned_until and self.earned_from > self.earned_until:
            raise InvalidInput(Problem("earned_until", "the period ends before it starts"))

    def describe(self) -> str:
        what = self.external_name or self.external_achievement or "any credential"
        if self.grants_achievement:
            grants = self.grants_achievement
        else:
            amount = self.grants_credits if self.grants_credits is not None else "the credits earned"
            grants = f"{amount} {self.credit_unit}"
        toward = f" toward {self.pathway}" if self.pathway else ""
        return f"{what} from {self.partner} counts as {grants}{toward}"


@dataclass(frozen=True)
class ExternalClaim:
    """What an external credential says, as far as an agreement needs to know."""

    format: str  # ob3 | ob2
    issuer: str
    issuer_name: str
    achievement: str  # the achievement's (or BadgeClass's) id, or its name when it has none
    name: str
    result: Decimal | None = None
    earned: date | None = None
    expires: date | None = None
    credits: Decimal | None = None  # creditsEarned (or the achievement's creditsAvailable)
    identity_hashes: tuple[tuple[str, str], ...] = ()  # (hash "sha256$..." or plain, salt)
    subject_id: str | None = None

    def belongs_to(self, email: str) -> bool | None:
        """Whether the credential names this learner (True / False), or None when it names nobody
        by email (a DID only, or no recipient)."""
        if not self.identity_hashes:
            return None
        email = email.strip().lower()
        for identity, salt in self.identity_hashes:
            if identity.lower().startswith("sha256$"):
                digest = hashlib.sha256((email + salt).encode()).hexdigest()
                if identity[7:].lower() == digest:
                    return True
            elif identity.strip().lower() == email:
                return True
        return False


@dataclass(frozen=True)
class Decision:
    agreement: Agreement
    met: bool
    reasons: tuple[str, ...] = field(default=())  # why not (empty when met)


def decide(agreement: Agreement, claim: ExternalClaim) -> Decision:
    """Whether the claim meets the agreement, and if not every reason why."""
    reasons = []
    if claim.issuer != agreement.issuer:
        reasons.append(f"issued by {claim.issuer}, not {agreement.issuer}")
    if agreement.external_achievement and claim.achievement != agreement.external_achievement:
        reasons.append(f"achievement {claim.achievement} is not {agreement.external_achievement}")
    if (
        agreement.external_name
        and claim.name.strip().casefold() != agreement.external_name.strip().casefold()
    ):
        reasons.append(f"achievement {claim.name!r} is not {agreement.external_name!r}")
    if agreement.min_result is not None:
        if claim.result is None:
            reasons.append(f"no numeric result; at least {agreement.min_result} is required")
        elif claim.result < agreement.min_result:
            reasons.append(f"result {claim.result} is below the minimum {agreement.min_result}")
    if agreement.earned_from or agreement.earned_until:
        if claim.earned is None:
            reasons.append("no date earned")
        elif agreement.earned_from and claim.earned < agreement.earned_from:
            reasons.append(f"earned {claim.earned}, before {agreement.earned_from}")
        elif agreement.earned_until and claim.earned > agreement.earned_until:
            reasons.append(f"earned {claim.earned}, after {agreement.earned_until}")
    if (
        not reasons
        and agreement.grants_achievement is None
        and agreement.grants_credits is None
        and not claim.credits
    ):
        reasons.append("the agreement grants the credits earned, and the credential states none")
    return Decision(agreement, not reasons, tuple(reasons))


def granted_ects(agreement: Agreement, claim: ExternalClaim, table: Equivalency) -> Decimal:
    """The credits (ECTS) a met agreement grants; 0 when it grants an achievement (the audit then
    takes that achievement's own credits)."""
    if agreement.grants_achievement is not None:
        return Decimal(0)
    amount = agreement.grants_credits if agreement.grants_credits is not None else claim.credits
    return table.to_ects(amount or Decimal(0), agreement.credit_unit or ECTS)
