"""Shaping an award for its public page: read from the signed credential (what was certified),
plus the links a holder needs (downloads, verify, add to LinkedIn). No HTTP and no storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from credstack.services.issuance import credential_url
from credstack.services.status import RULES
from credstack.settings import Settings
from credstack.store.awards import StoredAward

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
DOWNLOADS = (
    ("json", "JSON", "Open Badges 3.0 credential (JSON-LD, Data Integrity proof)"),
    ("jwt", "JWT", "The same credential as a VC-JWT"),
    ("png", "PNG badge", "Badge image with the credential baked in"),
    ("svg", "SVG badge", "Scalable badge with the credential baked in"),
    ("pdf", "PDF certificate", "Printable certificate with a QR code to this page"),
)
KIND_LABELS = {"MicroCredential": "Micro-credential", "Certificate": "Certificate", "Diploma": "Diploma"}
ACTION_LABELS = {"revoke": "Revoke", "suspend": "Suspend", "reinstate": "Reinstate"}


@dataclass(frozen=True)
class ResultRow:
    criterion: str
    level: str
    points: str | None
    rank: int  # 1-based position of the level reached, lowest first
    of: int  # how many levels the criterion has
    description: str | None


@dataclass(frozen=True)
class Alignment:
    name: str
    url: str | None
    code: str | None
    framework: str | None
    description: str | None


@dataclass(frozen=True)
class Evidence:
    url: str
    name: str


@dataclass(frozen=True)
class Download:
    fmt: str
    label: str
    note: str
    href: str


@dataclass(frozen=True)
class CredentialView:
    award: StoredAward
    url: str
    name: str
    description: str | None
    criteria: str | None
    kind: str | None
    issuer_name: str
    issuer_url: str | None
    issuer_did: str
    issued_on: date
    valid_until: date | None
    expired: bool
    credits: Any
    results: list[ResultRow]
    alignments: list[Alignment]
    evidence: list[Evidence]
    downloads: list[Download]
    actions: list[str]

    @property
    def status(self) -> str:
        return self.award.status

    @property
    def valid(self) -> bool:
        return self.status == "active" and not self.expired

    @property
    def verify_url(self) -> str:
        return "/verify?" + urlencode({"url": self.url})

    @property
    def linkedin_url(self) -> str:
        params: dict[str, str | int] = {
            "startTask": "CERTIFICATION_NAME",
            "name": self.name,
            "organizationName": self.issuer_name,
            "issueYear": self.issued_on.year,
            "issueMonth": self.issued_on.month,
        }
        if self.valid_until:
            params["expirationYear"] = self.valid_until.year
            params["expirationMonth"] = self.valid_until.month
        params["certUrl"] = self.url
        params["certId"] = self.award.public_id
        return f"{LINKEDIN_ADD}?{urlencode(params, quote_via=quote)}"


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date(value: str | None) -> date | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).date() if value else None


def _results(subject: dict[str, Any], achievement: dict[str, Any]) -> list[ResultRow]:
    """Each rubric criterion of the credential with the level the learner reached."""
    reached = {r.get("resultDescription"): r.get("achievedLevel") for r in subject.get("result") or []}
    rows = []
    for rd in achievement.get("resultDescription") or []:
        levels = rd.get("rubricCriterionLevel") or []
        level_id = reached.get(rd.get("id"))
        for rank, level in enumerate(levels, start=1):
            if level.get("id") == level_id:
                rows.append(
                    ResultRow(
                        criterion=rd.get("name", ""),
                        level=level.get("name", ""),
                        points=level.get("points"),
                        rank=rank,
                        of=len(levels),
                        description=level.get("description"),
                    )
                )
    return rows


def credential_view(award: StoredAward, settings: Settings, *, now: datetime | None = None) -> CredentialView:
    doc = award.credential
    subject: dict[str, Any] = doc.get("credentialSubject", {})
    achievement: dict[str, Any] = subject.get("achievement", {})
    issuer = doc.get("issuer", {})
    issuer = issuer if isinstance(issuer, dict) else {"id": issuer, "name": issuer}
    valid_until = _date(doc.get("validUntil"))
    now = now or datetime.now(UTC)
    criteria = achievement.get("criteria", {}).get("narrative")
    description = achievement.get("description")
    return CredentialView(
        award=award,
        url=doc.get("id") or credential_url(settings, award.public_id),
        name=achievement.get("name") or award.achievement_name,
        description=description if description != achievement.get("name") else None,
        criteria=criteria if criteria not in (description, achievement.get("name")) else None,
        kind=KIND_LABELS.get(achievement.get("achievementType", ""), achievement.get("achievementType")),
        issuer_name=issuer.get("name", ""),
        issuer_url=issuer.get("url"),
        issuer_did=issuer.get("id", ""),
        issued_on=_date(doc.get("validFrom")) or award.valid_from.date(),
        valid_until=valid_until,
        expired=award.valid_until is not None and _utc(award.valid_until) < now,
        credits=subject.get("creditsEarned"),
        results=_results(subject, achievement),
        alignments=[
            Alignment(
                name=a.get("targetName", ""),
                url=a.get("targetUrl"),
                code=a.get("targetCode"),
                framework=a.get("targetFramework"),
                description=a.get("targetDescription"),
            )
            for a in achievement.get("alignment") or []
        ],
        evidence=[
            Evidence(e["id"], e.get("name") or e["id"]) for e in doc.get("evidence") or [] if e.get("id")
        ],
        downloads=[
            Download(fmt, label, note, f"/credentials/{award.public_id}/credential.{fmt}")
            for fmt, label, note in DOWNLOADS
        ],
        actions=[a for a, (allowed, *_) in RULES.items() if award.status in allowed],
    )
