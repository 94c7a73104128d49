"""Pydantic models for the awards API: issue a credential, read it, change its status.

Separate from the tables and from ``api/schemas.py`` (the catalog's contract). Each output
model has an ``of`` constructor from the stored award, so routes stay one line of mapping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field

from credstack.credentials.ob3 import EvidenceItem
from credstack.services.credential_files import FORMATS
from credstack.services.issuance import IssueRequest, credential_url
from credstack.settings import Settings
from credstack.store.awards import StoredAward


def _http_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL")
    return value


def _utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite gives them back without a zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


HttpUrlText = Annotated[str, AfterValidator(_http_url)]
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class IssueIn(BaseModel):
    """One award: the achievement's code, the learner, the rubric marks and the evidence."""

    achievement: str = Field(min_length=1, description="the achievement's code")
    learner_email: str = Field(min_length=3, max_length=320)
    learner_name: str | None = Field(default=None, max_length=200)
    results: dict[str, str] = Field(
        default_factory=dict, description="rubric criterion code -> the level name reached"
    )
    evidence: list[HttpUrlText] = Field(default_factory=list, description="links to the work assessed")
    idempotency_key: str | None = Field(
        default=None,
        max_length=200,
        description="the same key returns the award already issued (the Idempotency-Key header works too)",
    )

    def request(self, idempotency_key: str | None) -> IssueRequest:
        return IssueRequest(
            achievement=self.achievement.strip(),
            learner_email=self.learner_email,
            learner_name=(self.learner_name or "").strip() or None,
            marks=dict(self.results),
            evidence=tuple(EvidenceItem(url=u) for u in self.evidence),
            idempotency_key=idempotency_key,
        )


class StatusChangeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="why: it goes into the audit trail")


class AchievementRef(BaseModel):
    id: int
    code: str
    name: str


class LearnerRef(BaseModel):
    email: str
    name: str


class AwardSummaryOut(BaseModel):
    """An award without its credential document."""

    id: str = Field(description="the award's public id")
    url: str = Field(description="the credential's public page (its `id`)")
    achievement: AchievementRef
    learner: LearnerRef
    status: str = Field(description="active, suspended or revoked")
    status_reason: str | None
    issued_at: UtcDatetime
    valid_from: UtcDatetime
    valid_until: UtcDatetime | None
    downloads: dict[str, str]

    @classmethod
    def of(cls, award: StoredAward, settings: Settings) -> AwardSummaryOut:
        return cls(
            id=award.public_id,
            url=credential_url(settings, award.public_id),
            achievement=AchievementRef(
                id=award.achievement_id, code=award.achievement_code, name=award.achievement_name
            ),
            learner=LearnerRef(email=award.learner_email, name=award.learner_name),
            status=award.status,
            status_reason=award.status_reason,
            issued_at=award.issued_at,
            valid_from=award.valid_from,
            valid_until=award.valid_until,
            downloads={fmt: f"/api/v1/awards/{award.public_id}/credential.{fmt}" for fmt in FORMATS},
        )


class AwardOut(AwardSummaryOut):
    """An award with its signed credential."""

    credential: dict[str, Any]

    @classmethod
    def of(cls, award: StoredAward, settings: Settings) -> AwardOut:
        summary = AwardSummaryOut.of(award, settings)
        return cls(**summary.model_dump(), credential=award.credential)


class IssuedOut(BaseModel):
    """What POST /awards answers: the award's id, whether this request created it, and the
    signed OB 3.0 credential."""

    id: str
    created: bool
    status: str
    url: str
    credential: dict[str, Any]

    @classmethod
    def of(cls, award: StoredAward, *, created: bool, settings: Settings) -> IssuedOut:
        return cls(
            id=award.public_id,
            created=created,
            status=award.status,
            url=credential_url(settings, award.public_id),
            credential=award.credential,
        )
