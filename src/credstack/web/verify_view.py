"""Shaping a verification for its page: the verdict, what the credential says, every check with
a label, an icon and words (never colour alone). No HTTP and no storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from credstack.credentials.verifier import Check, Report, issuer_id
from credstack.services.verify_requests import Verification, verdict

CHECK_LABELS = {
    "parse": "Reading the credential",
    "context": "Vocabulary (JSON-LD context)",
    "type": "Credential type",
    "structure": "Required fields",
    "schema": "Open Badges schema",
    "proof": "Signature",
    "dates": "Validity dates",
    "status": "Revocation and suspension",
    "issuer": "Issuer in the trusted registry",
}
LEVEL_LABELS = {"error": "Required", "warning": "Advisory", "info": "For information"}
FORMAT_LABELS = {"json": "JSON", "jwt": "VC-JWT", "png": "PNG badge", "svg": "SVG badge"}
KIND_LABELS = {
    "ob3": "Open Badges 3.0",
    "clr": "Comprehensive Learner Record 2.0",
    "endorsement": "Endorsement",
    "ob2": "Open Badges 2.0",
    "vc": "Verifiable credential",
}
ACHIEVEMENT_TYPES = {"MicroCredential": "Micro-credential"}
VERDICTS = {"valid": "Valid", "invalid": "Not valid", "undecided": "Could not be decided"}


@dataclass(frozen=True)
class CheckRow:
    name: str
    label: str
    level: str
    level_label: str
    outcome: str  # passed, failed, warning, unknown
    outcome_label: str
    icon: str
    message: str


@dataclass(frozen=True)
class Summary:
    achievement: str | None
    achievement_type: str | None
    issuer_name: str | None
    issuer_id: str | None
    learner: str | None
    learner_recorded: bool  # the name comes from this institution's records, not the credential
    valid_from: datetime | None
    valid_until: datetime | None
    credential_id: str | None

    @property
    def credential_link(self) -> str | None:
        cid = self.credential_id
        return cid if cid and cid.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class VerifyView:
    verified: bool
    reasons: list[CheckRow]  # the error-level checks that failed or could not be decided
    trust: CheckRow | None
    checks: list[CheckRow]
    summary: Summary | None
    kind: str
    format: str
    source: str | None
    trusted_as: str | None
    report_json: dict[str, Any]
    outcome: str = "invalid"  # valid | invalid (a required check failed) | undecided (one could not be made)

    @property
    def verdict(self) -> str:
        """The verdict in one line."""
        return VERDICTS[self.outcome]

    @property
    def proof_ok(self) -> bool:
        """Whether the signature holds, so that what the credential says of its issuer is true."""
        return any(r.name == "proof" and r.outcome == "passed" for r in self.checks)

    @property
    def trust_note(self) -> CheckRow | None:
        """The registry check, worth a note only about an issuer the signature vouches for."""
        return self.trust if self.proof_ok else None


def check_row(check: Check) -> CheckRow:
    if check.passed is True:
        outcome, label, icon = "passed", "Passed", "✓"
    elif check.passed is None:
        outcome, label, icon = "unknown", "Could not check", "?"
    elif check.level == "error":
        outcome, label, icon = "failed", "Failed", "✗"
    else:
        outcome, label, icon = "warning", "Warning", "!"
    return CheckRow(
        name=check.name,
        label=CHECK_LABELS.get(check.name, check.name.replace("_", " ").capitalize()),
        level=check.level,
        level_label=LEVEL_LABELS[check.level],
        outcome=outcome,
        outcome_label=label,
        icon=icon,
        message=check.message,
    )


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _learner(subject: dict[str, Any]) -> str | None:
    """A name the credential states: the subject's ``name``, or an unhashed name identifier."""
    if name := _text(subject.get("name")):
        return name
    for identity in subject.get("identifier") or []:
        if (
            isinstance(identity, dict)
            and identity.get("identityType") == "name"
            and identity.get("hashed") is False
        ):
            return _text(identity.get("identityHash"))
    return None


def summary(document: dict[str, Any] | None, recorded_learner: str | None = None) -> Summary | None:
    """What the credential says about itself (OB 3.0, or an OB 2.0 assertion's badge)."""
    if not isinstance(document, dict):
        return None
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        badge = document.get("badge")
        achievement = badge if isinstance(badge, dict) else {}
    issuer = document.get("issuer", achievement.get("issuer"))
    issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
    stated = _learner(subject)
    kind = _text(achievement.get("achievementType"))
    return Summary(
        achievement=_text(achievement.get("name")) or _text(document.get("name")),
        achievement_type=ACHIEVEMENT_TYPES.get(kind or "", kind),
        issuer_name=_text(issuer_name),
        issuer_id=issuer_id(document) or (issuer if isinstance(issuer, str) else None),
        learner=stated or recorded_learner,
        learner_recorded=stated is None and recorded_learner is not None,
        valid_from=_when(document.get("validFrom", document.get("issuanceDate", document.get("issuedOn")))),
        valid_until=_when(
            document.get("validUntil", document.get("expirationDate", document.get("expires")))
        ),
        credential_id=_text(document.get("id")),
    )


def verdict_outcome(report: Report) -> str:
    """The verdict the page shows, by the same rule as the verifications counted
    (services/verify_requests.verdict)."""
    return verdict(report)


def verify_view(found: Verification) -> VerifyView:
    report: Report = found.report
    rows = [check_row(c) for c in report.checks]
    return VerifyView(
        verified=report.verified,
        reasons=[r for r in rows if r.level == "error" and r.outcome != "passed"],
        trust=next((r for r in rows if r.name == "issuer"), None),
        checks=rows,
        summary=summary(report.credential, found.recorded_learner),
        kind=KIND_LABELS.get(report.kind, report.kind),
        format=FORMAT_LABELS.get(report.format, report.format),
        source=found.source,
        trusted_as=found.trusted_as,
        report_json=report.as_json(),
        outcome=verdict_outcome(report),
    )
