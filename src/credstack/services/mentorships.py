"""Mentored micro-experiences: an industry mentor from a partner guides a learner through a short
practice with a goal, then signs it off; the sign-off is evidence an assessment can use.

Registrars, designers and administrators set mentorships up. Only the mentor signs off: a user
with the employer role whose email is the mentor's, or whoever holds the mentorship's sign-off
link (a secret made when the mentorship is set up, kept only as its SHA-256), for mentors who
have no account. A sign-off is final.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound, Problem
from credstack.domain.identity import Forbidden, Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.partners import Mentorship, Outcome, choice
from credstack.services.institutions import ensure_institution
from credstack.services.partners import MANAGERS, achievement_id, manager, member
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.partners import StoredMentorship

KEY_PREFIX = "ms_"
EVIDENCE_KIND = "mentor-signoff"  # EvidenceKind.MENTOR_SIGNOFF of domain/evidence.py


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def page_url(base_url: str, public_id: str) -> str:
    """The public page of the mentorship and its sign-off (what evidence links point to)."""
    return f"{base_url.rstrip('/')}/mentorships/{public_id}"


def sign_off_link(base_url: str, public_id: str, key: str) -> str:
    return f"{page_url(base_url, public_id)}/sign-off?key={key}"


@dataclass(frozen=True)
class NewMentorship:
    stored: StoredMentorship
    key: str  # the secret of the sign-off link: shown once, to pass on to the mentor


def add_mentorship(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, mentorship: Mentorship
) -> NewMentorship:
    problems = mentorship.validate()
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    public_id = str(uuid.uuid4())
    with uow:
        institution_id = manager(uow, institution, principal)
        partner = uow.partners.by_slug(institution_id, mentorship.partner.strip().lower())
        if partner is None:
            problems.append(Problem("partner", f"there is no partner {mentorship.partner!r}"))
        learner = (
            uow.learners.by_email(institution_id, mentorship.learner_email)
            if mentorship.learner_email
            else None
        )
        if learner is None and mentorship.learner_email:
            problems.append(Problem("learner", f"there is no learner {mentorship.learner_email!r} here"))
        target: int | None = None
        if mentorship.achievement:
            try:
                target = achievement_id(uow, institution_id, mentorship.achievement)
            except InvalidInput as exc:
                problems += exc.problems
        if problems:
            raise InvalidInput(problems)
        assert partner is not None and learner is not None
        uow.partners.add_mentorship(
            public_id=public_id, partner_id=partner.id, learner_id=learner[0], achievement_id=target,
            mentorship=mentorship, sign_off_key_hash=_hash(key), created_by=principal.actor,
        )  # fmt: skip
        uow.audit.record(
            actor=principal.actor, action="mentorship.added", subject_type="mentorship", subject_id=public_id,
            institution_id=institution_id,
            detail={"partner": partner.partner.slug, "mentor": mentorship.mentor_email,
                    "learner": mentorship.learner_email, "achievement": mentorship.achievement,
                    "goal": mentorship.goal, "starts": mentorship.starts, "ends": mentorship.ends,
                    "hours": mentorship.hours},
        )  # fmt: skip
        stored = uow.partners.mentorship(institution_id, public_id)
        uow.commit()
    assert stored is not None
    return NewMentorship(stored, key)


def _may_see(principal: Principal, m: StoredMentorship) -> bool:
    return (
        principal.has(*MANAGERS)
        or (Role.EMPLOYER in principal.roles and m.mentorship.is_mentor(principal.email))
        or (Role.LEARNER in principal.roles and m.mentorship.learner_email == principal.email.lower())
    )


def mentorships_for(
    uow: UnitOfWork, *, institution: Institution, principal: Principal
) -> list[StoredMentorship]:
    """Managers see every mentorship; a mentor sees theirs; a learner their own."""
    principal.require(*MANAGERS, Role.EMPLOYER, Role.LEARNER, scope="read")
    with uow:
        institution_id = member(uow, institution, principal)
        if principal.has(*MANAGERS):
            return uow.partners.mentorships(institution_id)
        found = {
            m.id: m
            for m in [
                *(uow.partners.mentorships(institution_id, mentor_email=principal.email)
                  if Role.EMPLOYER in principal.roles else []),
                *(uow.partners.mentorships(institution_id, learner_email=principal.email)
                  if Role.LEARNER in principal.roles else []),
            ]
        }  # fmt: skip
    return sorted(found.values(), key=lambda m: (m.mentorship.starts, m.id), reverse=True)


def mentorship(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, public_id: str
) -> StoredMentorship:
    """One mentorship, for its managers, its mentor and its learner (anyone else: not found)."""
    principal.require(*MANAGERS, Role.EMPLOYER, Role.LEARNER, scope="read")
    with uow:
        institution_id = member(uow, institution, principal)
        found = uow.partners.mentorship(institution_id, public_id)
    if found is None or not _may_see(principal, found):
        raise NotFound("mentorship", public_id)
    return found


def public_mentorship(uow: UnitOfWork, *, institution: Institution, public_id: str) -> StoredMentorship:
    """The mentorship behind its page: its address is the capability (an unguessable id), as for
    credentials; the page shows the learner's name, never their email."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.partners.mentorship(institution_id, public_id)
    if found is None:
        raise NotFound("mentorship", public_id)
    return found


def _sign(
    uow: UnitOfWork, institution_id: int, found: StoredMentorship, *, actor: str, via: str, statement: str,
    outcome: str, now: datetime | None,
) -> StoredMentorship:  # fmt: skip
    result = choice(Outcome, outcome, "outcome")
    signed = found.mentorship.signed(
        by=found.mentorship.mentor_email, statement=statement, outcome=result, at=now or datetime.now(UTC)
    )
    assert signed.sign_off is not None
    if not uow.partners.record_sign_off(found.id, signed.sign_off):
        raise InvalidTransition("this mentorship was signed off meanwhile; a sign-off is final")
    uow.audit.record(
        actor=actor, action="mentorship.signed_off", subject_type="mentorship", subject_id=found.public_id,
        institution_id=institution_id,
        detail={"via": via, "mentor": found.mentorship.mentor_email, "outcome": result.value},
        after={"signed_at": signed.sign_off.signed_at, "statement": signed.sign_off.statement,
               "outcome": result.value},
    )  # fmt: skip
    stored = uow.partners.mentorship(institution_id, found.public_id)
    assert stored is not None
    return stored


def sign_off(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    public_id: str,
    statement: str,
    outcome: str,
    now: datetime | None = None,
) -> StoredMentorship:
    """The mentor (a user with the employer role and the mentor's email) signs off."""
    principal.require(Role.EMPLOYER, scope="write")
    with uow:
        institution_id = member(uow, institution, principal)
        found = uow.partners.mentorship(institution_id, public_id)
        if found is None:
            raise NotFound("mentorship", public_id)
        if not found.mentorship.is_mentor(principal.email):
            raise Forbidden("only the mentor of this mentorship can sign it off")
        stored = _sign(
            uow, institution_id, found, actor=principal.actor, via="account", statement=statement, outcome=outcome,
            now=now,
        )  # fmt: skip
        uow.commit()
    return stored


def sign_off_with_key(
    uow: UnitOfWork,
    *,
    institution: Institution,
    public_id: str,
    key: str,
    statement: str,
    outcome: str,
    now: datetime | None = None,
) -> StoredMentorship:
    """The mentor signs off through the mentorship's sign-off link."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.partners.mentorship(institution_id, public_id)
        if found is None:
            raise NotFound("mentorship", public_id)
        if not check_key(found, key):
            raise Forbidden("this sign-off link is not valid for this mentorship")
        stored = _sign(
            uow, institution_id, found, actor=found.mentorship.mentor_email, via="sign-off link",
            statement=statement, outcome=outcome, now=now,
        )  # fmt: skip
        uow.commit()
    return stored


def check_key(found: StoredMentorship, key: str) -> bool:
    return bool(key) and hmac.compare_digest(_hash(key), found.sign_off_key_hash)


# ---- the sign-off as assessment evidence ------------------------------------------------------


@dataclass(frozen=True)
class SignOffEvidence:
    """A signed-off mentorship as an evidence item: ``kind``, ``title``, ``url``, ``note`` and
    ``attested_by`` are the fields of an evidence link (domain/evidence.py ``EvidenceDraft``)."""

    kind: str
    title: str
    url: str
    note: str
    attested_by: str
    mentorship: str  # the public id
    learner_email: str
    achievement: str | None
    outcome: Outcome
    signed_at: datetime
    starts: date
    ends: date


def evidence_of(found: StoredMentorship, *, base_url: str) -> SignOffEvidence:
    """The evidence item for a signed-off mentorship (InvalidTransition before the sign-off)."""
    m, s = found.mentorship, found.mentorship.sign_off
    if s is None:
        raise InvalidTransition("this mentorship is not signed off yet; its sign-off cannot be evidence")
    return SignOffEvidence(
        kind=EVIDENCE_KIND,
        title=f"Mentor sign-off: {m.goal}"[:200],
        url=page_url(base_url, found.public_id),
        note=f"{s.outcome.label} ({m.starts:%-d %b %Y} to {m.ends:%-d %b %Y}, {m.hours} hours). {s.statement}",
        attested_by=f"{m.mentor_name} ({found.partner_name})",
        mentorship=found.public_id,
        learner_email=m.learner_email,
        achievement=m.achievement,
        outcome=s.outcome,
        signed_at=s.signed_at,
        starts=m.starts,
        ends=m.ends,
    )


def sign_off_evidence_in(
    uow: UnitOfWork, *, institution_id: int, public_id: str, base_url: str, learner_email: str | None = None
) -> SignOffEvidence:
    """As :func:`sign_off_evidence`, inside a unit of work the caller has open. With
    ``learner_email`` a mentorship of anyone else is not found."""
    found = uow.partners.mentorship(institution_id, public_id)
    if found is None or (
        learner_email is not None and found.mentorship.learner_email != learner_email.lower()
    ):
        raise NotFound("mentorship", public_id)
    return evidence_of(found, base_url=base_url)


def sign_off_evidence(
    uow: UnitOfWork,
    *,
    institution: Institution,
    public_id: str,
    base_url: str,
    learner_email: str | None = None,
) -> SignOffEvidence:
    """A mentor's sign-off as an evidence link, in its own unit of work."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return sign_off_evidence_in(
            uow,
            institution_id=institution_id,
            public_id=public_id,
            base_url=base_url,
            learner_email=learner_email,
        )
