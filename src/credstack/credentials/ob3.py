"""Open Badges 3.0 AchievementCredential documents, built from the catalog's domain objects.

Spec: https://www.imsglobal.org/spec/ob/v3p0/ (data model §B). The document is what gets
signed; it only uses terms the bundled contexts define (VC 2.0 first, then OB 3.0.3).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credstack.domain.achievement import Achievement, AchievementKind, CreditConversion
from credstack.domain.rubric import Rubric

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT = [VC_V2, OB_V3]

ACHIEVEMENT_TYPES = {
    AchievementKind.MICRO_CREDENTIAL: "MicroCredential",
    AchievementKind.CERTIFICATE: "Certificate",
    AchievementKind.DIPLOMA: "Diploma",
    AchievementKind.DEGREE_CREDIT: "Course",
}


@dataclass(frozen=True)
class IssuerProfile:
    id: str  # the issuer's DID
    name: str
    url: str | None = None
    email: str | None = None
    image: str | None = None

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"id": self.id, "type": ["Profile"], "name": self.name}
        if self.url:
            doc["url"] = self.url
        if self.email:
            doc["email"] = self.email
        if self.image:
            doc["image"] = {"id": self.image, "type": "Image"}
        return doc


@dataclass(frozen=True)
class AlignmentTarget:
    """A competency the achievement certifies, as the credential describes it."""

    name: str
    url: str
    code: str | None = None
    framework: str | None = None
    description: str | None = None
    target_type: str = "CFItem"

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": ["Alignment"], "targetName": self.name, "targetUrl": self.url}
        if self.description:
            doc["targetDescription"] = self.description
        if self.code:
            doc["targetCode"] = self.code
        if self.framework:
            doc["targetFramework"] = self.framework
        doc["targetType"] = self.target_type
        return doc


@dataclass(frozen=True)
class EvidenceItem:
    url: str
    name: str | None = None
    narrative: str | None = None
    description: str | None = None
    genre: str | None = None  # e.g. "Portfolio", "Code repository", "Employer project"

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"id": self.url, "type": ["Evidence"]}
        for key, value in (
            ("name", self.name),
            ("narrative", self.narrative),
            ("description", self.description),
            ("genre", self.genre),
        ):
            if value:
                doc[key] = value
        return doc


@dataclass(frozen=True)
class Recipient:
    """The learner, identified by a salted hash of their email (or by a DID they hold)."""

    email: str
    name: str | None = None
    did: str | None = None
    salt: str = ""

    def identity(self) -> dict[str, Any]:
        digest = hashlib.sha256((self.email.strip().lower() + self.salt).encode()).hexdigest()
        doc: dict[str, Any] = {
            "type": "IdentityObject",
            "hashed": True,
            "identityHash": f"sha256${digest}",
            "identityType": "emailAddress",
        }
        if self.salt:
            doc["salt"] = self.salt
        return doc


@dataclass(frozen=True)
class CredentialRequest:
    """Everything that goes into one AchievementCredential, before signing."""

    credential_id: str
    issuer: IssuerProfile
    achievement: Achievement
    achievement_id: str
    recipient: Recipient
    valid_from: datetime
    valid_until: datetime | None = None
    alignments: Sequence[AlignmentTarget] = ()
    marks: Mapping[str, str] = field(default_factory=dict)  # rubric criterion code -> level name
    evidence: Sequence[EvidenceItem] = ()
    image_url: str | None = None
    status: Sequence[dict[str, Any]] = ()
    conversion: CreditConversion = field(default_factory=CreditConversion)


def iso(moment: datetime) -> str:
    """XML Schema dateTime in UTC with a Z, seconds precision (what every verifier parses)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(value: Any) -> float | int:
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def _rubric_descriptions(rubric: Rubric, base: str) -> list[dict[str, Any]]:
    out = []
    for c in rubric.criteria:
        rid = f"{base}#criterion-{c.code}"
        doc: dict[str, Any] = {
            "id": rid,
            "type": ["ResultDescription"],
            "name": c.title,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [
                {
                    "id": f"{rid}-level-{i}",
                    "type": ["RubricCriterionLevel"],
                    "name": lv.name,
                    **({"description": lv.description} if lv.description else {}),
                    "points": str(_number(lv.points)),
                }
                for i, lv in enumerate(c.levels)
            ],
        }
        ordered = sorted(c.levels, key=lambda lv: lv.points)
        if len(ordered) > 1 and rubric.pass_rule.min_points_each is not None:
            needed = next((lv for lv in ordered if lv.points >= rubric.pass_rule.min_points_each), None)
            if needed is not None:
                doc["requiredLevel"] = f"{rid}-level-{c.levels.index(needed)}"
        out.append(doc)
    return out


def _results(rubric: Rubric, base: str, marks: Mapping[str, str]) -> list[dict[str, Any]]:
    results = []
    for c in rubric.criteria:
        given = marks.get(c.code)
        level = c.level(given) if given is not None else None
        if level is None:
            continue
        rid = f"{base}#criterion-{c.code}"
        results.append(
            {
                "type": ["Result"],
                "resultDescription": rid,
                "achievedLevel": f"{rid}-level-{c.levels.index(level)}",
                "status": "Completed",
            }
        )
    return results


def achievement_document(req: CredentialRequest) -> dict[str, Any]:
    a = req.achievement
    doc: dict[str, Any] = {
        "id": req.achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[a.kind],
        "name": a.name,
        "description": a.description or a.name,
        "criteria": {
            "id": f"{req.achievement_id}#criteria",
            "narrative": a.criteria or a.description or a.name,
        },
        "humanCode": a.code,
    }
    if req.image_url:
        doc["image"] = {"id": req.image_url, "type": "Image", "caption": a.name}
    if a.credits is not None:
        doc["creditsAvailable"] = _number(req.conversion.ects(a.credits))
    if req.alignments:
        doc["alignment"] = [t.document() for t in req.alignments]
    if a.tags:
        doc["tag"] = list(a.tags)
    if a.rubric is not None:
        doc["resultDescription"] = _rubric_descriptions(a.rubric, req.achievement_id)
    return doc


def achievement_credential(req: CredentialRequest) -> dict[str, Any]:
    """An unsigned OB 3.0 AchievementCredential (VC 2.0)."""
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if req.recipient.did:
        subject["id"] = req.recipient.did
    subject["identifier"] = [req.recipient.identity()]
    subject["achievement"] = achievement_document(req)
    if req.achievement.rubric is not None and req.marks:
        subject["result"] = _results(req.achievement.rubric, req.achievement_id, req.marks)
    if req.achievement.credits is not None:
        subject["creditsEarned"] = _number(req.conversion.ects(req.achievement.credits))
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": req.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": req.achievement.name,
        "issuer": req.issuer.document(),
        "validFrom": iso(req.valid_from),
    }
    if req.valid_until is not None:
        credential["validUntil"] = iso(req.valid_until)
    credential["credentialSubject"] = subject
    if req.evidence:
        credential["evidence"] = [e.document() for e in req.evidence]
    if len(req.status) == 1:
        credential["credentialStatus"] = dict(req.status[0])
    elif req.status:
        credential["credentialStatus"] = [dict(s) for s in req.status]
    return credential
