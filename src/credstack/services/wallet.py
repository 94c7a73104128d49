"""A learner's wallet: every credential they hold here, with its status, newest first.

A learner is known by email: the wallet holds the awards whose learner has the signed-in user's
email at this institution. Nobody sees another learner's wallet; asking for a credential that is
not yours is answered as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from credstack.domain.errors import NotFound
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services.credential_files import issuer_name
from credstack.services.partners import member
from credstack.services.pathway_views import list_pathways
from credstack.services.stacking import stored_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.awards import StoredAward

STATUS_LABELS = {"active": "Active", "revoked": "Revoked", "suspended": "Suspended", "expired": "Expired"}


def status_of(award: StoredAward, now: datetime) -> str:
    """active, revoked, suspended or expired (an active award past its end date)."""
    if award.status == "active" and award.valid_until is not None and award.valid_until <= now:
        return "expired"
    return award.status


@dataclass(frozen=True)
class WalletEntry:
    award: StoredAward
    status: str  # active | revoked | suspended | expired

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status.capitalize())

    @property
    def issuer(self) -> str:
        return issuer_name(self.award)

    @property
    def credits(self) -> Any:
        subject = self.award.credential.get("credentialSubject", {})
        return subject.get("creditsEarned", subject.get("achievement", {}).get("creditsAvailable"))

    @property
    def achievement_type(self) -> str | None:
        kind = self.award.credential.get("credentialSubject", {}).get("achievement", {})
        found = kind.get("achievementType")
        return str(found) if found else None


def _learner_id(uow: UnitOfWork, institution_id: int, principal: Principal) -> int | None:
    found = uow.learners.by_email(institution_id, principal.email)
    return found[0] if found else None


def wallet(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, now: datetime | None = None
) -> list[WalletEntry]:
    """The signed-in learner's credentials, newest first."""
    principal.require(Role.LEARNER, scope="read")
    now = now or datetime.now(UTC)
    with uow:
        institution_id = member(uow, institution, principal)
        learner_id = _learner_id(uow, institution_id, principal)
        awards = uow.awards.for_learner(learner_id) if learner_id is not None else []
    awards.sort(key=lambda a: (a.issued_at, a.id), reverse=True)
    return [WalletEntry(a, status_of(a, now)) for a in awards]


def own_award(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, public_id: str
) -> StoredAward:
    """One of the learner's own credentials; anyone else's is not found (nothing is revealed)."""
    principal.require(Role.LEARNER, scope="read")
    with uow:
        institution_id = member(uow, institution, principal)
        learner_id = _learner_id(uow, institution_id, principal)
        award = uow.awards.by_public_id(public_id)
    if award is None or learner_id is None or award.learner_id != learner_id:
        raise NotFound("credential in your wallet", public_id)
    return award


@dataclass(frozen=True)
class Stack:
    """A pathway the learner's credentials count towards (or that one of them completed)."""

    code: str
    name: str
    awards: str  # the achievement the pathway awards
    held: tuple[str, ...]  # the codes of the learner's credentials it names

    @property
    def map_href(self) -> str:
        return f"/wallet/pathways#pathway-{self.code}"


def stacks(uow: UnitOfWork, *, institution: Institution, entries: list[WalletEntry]) -> list[Stack]:
    """The pathways that name an achievement the learner holds, or award one, by name."""
    held = {e.award.achievement_code for e in entries if e.status != "revoked"}
    found = []
    for stored in list_pathways(uow, institution):
        pathway = stored_pathway(stored)
        named = {n.achievement for n in pathway.nodes() if n.achievement}
        hits = tuple(sorted(named & held))
        if hits or pathway.awards in held:
            found.append(Stack(stored.code, stored.name, pathway.awards, hits))
    return sorted(found, key=lambda s: s.name)
