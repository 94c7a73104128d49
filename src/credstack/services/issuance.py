"""Issue an award: one signed Open Badges 3.0 AchievementCredential, exactly once.

Everything happens in one transaction: the status-list slot, the learner, the signed document
and the audit entry are stored together or not at all. The idempotency key (given, or derived
from the request's content) makes a repeated request return the award already issued.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError

from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.ob3 import (
    AlignmentTarget,
    CredentialRequest,
    EvidenceItem,
    IssuerProfile,
    Recipient,
    achievement_credential,
)
from credstack.credentials.status_list import status_entry
from credstack.domain.errors import DomainError, InvalidInput, NotFound, Problem
from credstack.domain.institution import Institution, Learner
from credstack.services.institutions import ensure_institution
from credstack.services.keys import Signer, active_signer
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.achievements import StoredAchievement
from credstack.store.awards import StoredAward
from credstack.store.keys import StoredStatusList

LIST_SIZE = 131_072  # bits per status list: the spec's minimum, for herd privacy


class NotAwardable(DomainError):
    """Only published definitions can be awarded, and only to submissions that pass."""


@dataclass(frozen=True)
class IssueRequest:
    achievement: str  # code
    learner_email: str
    learner_name: str | None = None
    marks: Mapping[str, str] = field(default_factory=dict)
    evidence: Sequence[EvidenceItem] = ()
    valid_from: datetime | None = None
    idempotency_key: str | None = None

    def key(self) -> str:
        if self.idempotency_key:
            return self.idempotency_key
        content = {
            "achievement": self.achievement,
            "learner": self.learner_email.strip().lower(),
            "marks": dict(sorted(self.marks.items())),
            "evidence": [e.url for e in self.evidence],
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
        }
        return "sha256:" + hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class IssuedAward:
    award: StoredAward
    created: bool


def credential_url(settings: Settings, public_id: str) -> str:
    return f"{settings.base_url.rstrip('/')}/credentials/{public_id}"


def status_list_url(settings: Settings, purpose: str, number: int) -> str:
    return f"{settings.base_url.rstrip('/')}/status/{purpose}/{number}"


def _lock_list(uow: UnitOfWork, institution_id: int, issuer_did: str, now: datetime) -> StoredStatusList:
    """The issuer's current revocation list, locked until commit (issuers queue here).
    A full list starts a new pair of lists (revocation and suspension) with the next number."""
    current = uow.status_lists.current(institution_id, "revocation", issuer_did, for_update=True)
    if current is None or current.next_index >= current.size:
        number = uow.status_lists.next_number(institution_id)
        for purpose in ("revocation", "suspension"):
            uow.status_lists.add(
                institution_id, purpose=purpose, number=number, issuer_did=issuer_did, size=LIST_SIZE, at=now
            )
        current = uow.status_lists.current(institution_id, "revocation", issuer_did, for_update=True)
        if current is None:  # pragma: no cover - added above
            raise NotFound("status list", number)
    return current


def _alignments(stored: StoredAchievement, settings: Settings) -> list[AlignmentTarget]:
    base = settings.base_url.rstrip("/")
    targets = []
    for a in stored.aligned:
        c = a.row.competency
        targets.append(
            AlignmentTarget(
                name=c.abbreviated or c.statement[:120],
                url=c.uri or f"{base}/frameworks/{a.row.framework_id}#{c.identifier}",
                code=c.code,
                framework=a.row.framework_identifier,
                description=c.statement,
            )
        )
    return targets


def build_credential(
    *,
    settings: Settings,
    institution: Institution,
    signer: Signer,
    stored: StoredAchievement,
    learner: Learner,
    request: IssueRequest,
    public_id: str,
    valid_from: datetime,
    list_number: int,
    index: int,
) -> dict[str, Any]:
    achievement = stored.achievement
    valid_until = (
        valid_from + relativedelta(months=achievement.validity_months)
        if achievement.validity_months
        else None
    )
    base = settings.base_url.rstrip("/")
    req = CredentialRequest(
        credential_id=credential_url(settings, public_id),
        issuer=IssuerProfile(id=signer.did, name=institution.name, url=institution.url),
        achievement=achievement,
        achievement_id=f"{base}/achievements/{stored.id}",
        recipient=Recipient(email=learner.email, name=learner.name, salt=public_id[:8]),
        valid_from=valid_from,
        valid_until=valid_until,
        alignments=_alignments(stored, settings),
        marks=request.marks,
        evidence=request.evidence,
        image_url=f"{base}/achievements/{stored.id}/badge.png",
        status=[
            status_entry(
                list_url=status_list_url(settings, "revocation", list_number),
                index=index,
                purpose="revocation",
            )
        ],
        conversion=institution.conversion,
    )
    document = achievement_credential(req)
    return eddsa_rdfc_2022.add_proof(
        document, signer.private_key, signer.verification_method, created=valid_from
    )


def issue_award(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    request: IssueRequest,
    actor: str,
    now: datetime | None = None,
    definitions: dict[str, StoredAchievement] | None = None,
) -> IssuedAward:
    """Issue once. Two identical requests at the same moment give one award: the second to
    commit hits the unique idempotency key, rolls back, and on retry finds the first."""
    for attempt in range(3):
        try:
            return _issue(
                uow,
                settings=settings,
                institution=institution,
                request=request,
                actor=actor,
                now=now,
                definitions={} if definitions is None else definitions,
            )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _reserve_slot(
    uow: UnitOfWork, institution: Institution, settings: Settings, now: datetime
) -> tuple[Signer, int, int]:
    """The signing key and the next status-list slot, in a short transaction of its own: the
    list's row lock is held for a moment, not while signing, so issuers in parallel processes
    do not queue behind each other. A slot whose award is then not stored (an error, a crash,
    a lost race) stays a clear bit that no credential points at: it changes nothing."""
    with UnitOfWork(uow.engine) as slot:
        institution_id, _ = ensure_institution(slot, institution)
        signer = active_signer(slot, institution_id, settings, now)
        status_list = _lock_list(slot, institution_id, signer.did, now)
        slot.status_lists.take_index(status_list.id, status_list.next_index)
        slot.commit()
    return signer, status_list.number, status_list.next_index


def _issue(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    request: IssueRequest,
    actor: str,
    now: datetime | None,
    definitions: dict[str, StoredAchievement],
) -> IssuedAward:
    now = now or datetime.now(UTC)
    key = request.key()
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        existing = uow.awards.by_idempotency_key(institution_id, key)
        if existing is not None:
            return IssuedAward(existing, created=False)
        stored = _awardable(uow, institution_id, request, definitions)
        uow.commit()
    signer, list_number, index = _reserve_slot(uow, institution, settings, now)
    email = request.learner_email.strip().lower()
    with uow:
        existing = uow.awards.by_idempotency_key(institution_id, key)  # issued in the meantime
        if existing is not None:
            return IssuedAward(existing, created=False)
        found = uow.learners.by_email(institution_id, email)
        if found is None:
            learner = Learner(email, request.learner_name or email.split("@")[0])
            learner_id = uow.learners.add(institution_id, learner)
        else:
            learner_id, learner = found
        public_id = str(uuid.uuid4())
        valid_from = (request.valid_from or now).replace(microsecond=0)
        credential = build_credential(
            settings=settings,
            institution=institution,
            signer=signer,
            stored=stored,
            learner=learner,
            request=request,
            public_id=public_id,
            valid_from=valid_from,
            list_number=list_number,
            index=index,
        )
        valid_until = credential.get("validUntil")
        award_id = uow.awards.add(
            institution_id,
            public_id=public_id,
            achievement_id=stored.id,
            learner_id=learner_id,
            idempotency_key=key,
            issued_at=now,
            valid_from=valid_from,
            valid_until=datetime.fromisoformat(valid_until.replace("Z", "+00:00")) if valid_until else None,
            key_id=signer.key.id,
            status="active",
            status_reason=None,
            status_list_number=list_number,
            status_index=index,
            results=dict(request.marks),
            evidence=[e.document() for e in request.evidence],
            credential=credential,
        )
        uow.audit.record(
            actor=actor,
            action="award.issued",
            subject_type="award",
            subject_id=public_id,
            institution_id=institution_id,
            detail={"achievement": stored.achievement.code, "learner": email, "status_index": index},
        )
        award = uow.awards.get(award_id)
        uow.commit()
    if award is None:  # pragma: no cover
        raise NotFound("award", award_id)
    return IssuedAward(award, created=True)


def _awardable(
    uow: UnitOfWork, institution_id: int, request: IssueRequest, definitions: dict[str, StoredAchievement]
) -> StoredAchievement:
    """The published achievement, with the request's marks meeting its pass rule. ``definitions``
    remembers achievements already read (a bulk run reads each definition once)."""
    if "@" not in request.learner_email:
        raise InvalidInput(Problem("learner", f"{request.learner_email!r} is not an email address"))
    stored = definitions.get(request.achievement)
    if stored is None:
        achievement_id = uow.achievements.id_for_code(institution_id, request.achievement)
        stored = uow.achievements.get(achievement_id) if achievement_id is not None else None
        if stored is not None:
            definitions[request.achievement] = stored
    if stored is None:
        raise InvalidInput(Problem("achievement", f"no achievement with code {request.achievement!r}"))
    code = stored.achievement.code
    if not stored.achievement.awardable:
        raise NotAwardable(f"{code} is {stored.achievement.state}: only published definitions are awarded")
    if request.marks:
        rubric = stored.achievement.rubric
        if rubric is None:
            raise InvalidInput(Problem("marks", f"{code} has no rubric to mark against"))
        verdict = rubric.evaluate(request.marks)
        if not verdict.passed:
            raise NotAwardable(
                f"{code}: the marks do not meet the pass rule: " + "; ".join(verdict.shortfalls)
            )
    return stored
