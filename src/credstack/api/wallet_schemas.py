"""Pydantic models for the wallet API: a learner's credentials, their share links, and what was
shared with an employer. Each output model has an ``of`` constructor."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from credstack.api.award_schemas import UtcDatetime
from credstack.api.verify_schemas import ReportOut
from credstack.services.credential_files import FORMATS
from credstack.services.issuance import credential_url
from credstack.services.shares import SharedCredential, share_url, state
from credstack.services.wallet import WalletEntry
from credstack.settings import Settings
from credstack.store.shares import StoredShare


class WalletCredentialOut(BaseModel):
    id: str = Field(description="the credential's public id")
    url: str = Field(description="its public page (and the credential's `id`)")
    achievement: str
    achievement_code: str
    achievement_type: str | None
    issuer: str
    issued_at: UtcDatetime
    valid_until: UtcDatetime | None
    status: Literal["active", "revoked", "suspended", "expired"]
    credits: Any = Field(description="ECTS earned, as the credential states them")
    downloads: dict[str, str] = Field(description="path of each download (json, jwt, png, svg, pdf)")

    @classmethod
    def of(cls, entry: WalletEntry, settings: Settings) -> WalletCredentialOut:
        a = entry.award
        return cls(
            id=a.public_id, url=credential_url(settings, a.public_id), achievement=a.achievement_name,
            achievement_code=a.achievement_code, achievement_type=entry.achievement_type,
            issuer=entry.issuer, issued_at=a.valid_from, valid_until=a.valid_until,
            status=entry.status,  # type: ignore[arg-type]  # one of the four
            credits=entry.credits,
            downloads={f: f"/wallet/credentials/{a.public_id}/credential.{f}" for f in FORMATS},
        )  # fmt: skip


class ShareIn(BaseModel):
    """How long the link works (a duration, or the last day), and optionally whom it is for."""

    duration: Literal["1d", "7d", "30d", "90d", "1y"] | None = Field(
        default=None, description="1 day, a week, 30 days, 90 days or a year"
    )
    until: date | None = Field(default=None, description="or the last day the link works (UTC)")
    recipient: str | None = Field(
        default=None, max_length=320, description="the employer's email: they see it under /shared"
    )


class ShareOut(BaseModel):
    id: int
    credential: str = Field(description="the credential's public id")
    achievement: str
    recipient: str | None
    created_at: UtcDatetime
    expires_at: UtcDatetime
    revoked_at: UtcDatetime | None
    state: Literal["active", "expired", "revoked"]
    views: int
    last_viewed_at: UtcDatetime | None

    @classmethod
    def of(cls, s: StoredShare, now: datetime) -> ShareOut:
        return cls(
            id=s.id, credential=s.public_id, achievement=s.achievement_name, recipient=s.recipient_email,
            created_at=s.created_at, expires_at=s.expires_at, revoked_at=s.revoked_at,
            state=state(s, now).label.lower(),  # type: ignore[arg-type]
            views=s.views, last_viewed_at=s.last_viewed_at,
        )  # fmt: skip


class NewShareOut(ShareOut):
    url: str = Field(description="the link, with its secret: returned only now, never again")
    token: str = Field(description="the secret alone")


class SharedOut(BaseModel):
    share_id: int
    credential: str = Field(description="the credential's public id")
    url: str = Field(description="the credential's public page")
    achievement: str
    learner_name: str
    expires_at: UtcDatetime
    verification: ReportOut = Field(description="the credential verified now")

    @classmethod
    def of(cls, found: SharedCredential, settings: Settings, report: ReportOut) -> SharedOut:
        s, a = found.share, found.award
        return cls(
            share_id=s.id, credential=a.public_id, url=credential_url(settings, a.public_id),
            achievement=a.achievement_name, learner_name=a.learner_name, expires_at=s.expires_at,
            verification=report,
        )  # fmt: skip


def new_share_out(s: StoredShare, token: str, settings: Settings, now: datetime) -> NewShareOut:
    return NewShareOut(
        **ShareOut.of(s, now).model_dump(), url=share_url(settings.base_url, token), token=token
    )
