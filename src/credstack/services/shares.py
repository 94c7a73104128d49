"""Share links: a learner lets someone see one credential, for a while.

The learner makes a link for one of their credentials, optionally for one employer's email; the
link's secret is shown once and stored only as its SHA-256. Whoever holds the link sees the
credential, verified live, until the link expires or the learner revokes it; every view is
counted. An unknown, expired and revoked link are answered identically (``ShareUnavailable``),
so a link that no longer works says nothing about what it was. Making and revoking a link are in
the audit log; views are counted on the link, not logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from credstack.domain import sharing
from credstack.domain.errors import NotFound
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.partners import member
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.wallet import own_award
from credstack.store.awards import StoredAward
from credstack.store.shares import StoredShare

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ShareUnavailable(NotFound):
    """A share link that does not work: unknown, expired or revoked (never saying which)."""

    def __init__(self) -> None:
        super().__init__("share link", "")


def share_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


@dataclass(frozen=True)
class NewShare:
    share: StoredShare
    token: str  # the secret of the link: shown once


@dataclass(frozen=True)
class SharedCredential:
    share: StoredShare
    award: StoredAward


def state(share: StoredShare, now: datetime) -> sharing.ShareState:
    return sharing.ShareState.at(now, expires_at=share.expires_at, revoked_at=share.revoked_at)


def create_share(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    public_id: str,
    duration: str = "",
    until: date | None = None,
    recipient: str | None = None,
    clock: Clock = utc_now,
) -> NewShare:
    """A new link to one of the learner's own credentials (any other: not found)."""
    principal.require(Role.LEARNER, scope="write")
    award = own_award(uow, institution=institution, principal=principal, public_id=public_id)
    now = clock()
    expires_at = sharing.expiry(now=now, duration=duration, until=until)
    email = sharing.recipient(recipient)
    token = sharing.new_token()
    with uow:
        institution_id = member(uow, institution, principal)
        share_id = uow.shares.add(
            institution_id=institution_id, award_id=award.id, token_hash=sharing.token_hash(token),
            recipient_email=email, created_by=principal.actor, created_at=now, expires_at=expires_at,
        )  # fmt: skip
        uow.audit.record(
            actor=principal.actor, action="share.created", subject_type="share_link", subject_id=share_id,
            institution_id=institution_id,
            detail={"credential": award.public_id, "recipient": email, "expires_at": expires_at},
        )  # fmt: skip
        stored = uow.shares.get(institution_id, share_id)
        uow.commit()
    assert stored is not None
    return NewShare(stored, token)


def my_shares(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> list[StoredShare]:
    """Every link the learner made (working or not), newest first."""
    principal.require(Role.LEARNER, scope="read")
    with uow:
        institution_id = member(uow, institution, principal)
        learner = uow.learners.by_email(institution_id, principal.email)
        return uow.shares.for_learner(institution_id, learner[0]) if learner else []


def shares_of(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, public_id: str
) -> list[StoredShare]:
    """The links to one of the learner's own credentials, newest first."""
    award = own_award(uow, institution=institution, principal=principal, public_id=public_id)
    return [s for s in my_shares(uow, institution=institution, principal=principal) if s.award_id == award.id]


def revoke_share(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, share_id: int, clock: Clock = utc_now
) -> StoredShare:
    """Revoke one of the learner's links at once (again: no change); another's is not found."""
    principal.require(Role.LEARNER, scope="write")
    now = clock()
    with uow:
        institution_id = member(uow, institution, principal)
        found = uow.shares.get(institution_id, share_id)
        if found is None or found.learner_email != principal.email.lower():
            raise NotFound("share link", share_id)
        if uow.shares.revoke(share_id, now):
            uow.audit.record(
                actor=principal.actor, action="share.revoked", subject_type="share_link",
                subject_id=share_id, institution_id=institution_id,
                detail={"credential": found.public_id, "recipient": found.recipient_email},
            )  # fmt: skip
        revoked = uow.shares.get(institution_id, share_id)
        uow.commit()
    assert revoked is not None
    return revoked


def open_share(
    uow: UnitOfWork,
    *,
    institution: Institution,
    token: str,
    count: bool = True,
    viewer_email: str | None = None,
    clock: Clock = utc_now,
) -> SharedCredential:
    """The credential behind a working link, counting the view (not the learner's own, when the
    viewer is known to be them); ``ShareUnavailable`` otherwise."""
    if not sharing.plausible_token(token):
        raise ShareUnavailable()
    now = clock()
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        share = uow.shares.by_token_hash(institution_id, sharing.token_hash(token))
        if share is None or not state(share, now).live:
            raise ShareUnavailable()
        award = uow.awards.get(share.award_id)
        if award is None:  # pragma: no cover - the foreign key cascades
            raise ShareUnavailable()
        if count and (viewer_email or "").lower() != share.learner_email:
            uow.shares.count_view(share.id, now)
            uow.commit()
    return SharedCredential(share, award)


def shared_with(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, clock: Clock = utc_now
) -> list[SharedCredential]:
    """The credentials shared with the signed-in employer: working links made for their email."""
    principal.require(Role.EMPLOYER, scope="read")
    now = clock()
    with uow:
        institution_id = member(uow, institution, principal)
        shares = uow.shares.for_recipient(institution_id, principal.email, now)
        found = [(s, uow.awards.get(s.award_id)) for s in shares]
    return [SharedCredential(s, a) for s, a in found if a is not None]
