"""Transfer credit: articulation agreements, the credit equivalency table, and learners' claims.

A claim is an external credential a learner (or a registrar for them) hands in. It is verified
with the same verifier as any credential; its fields are read; every current agreement is tried.
For each agreement it meets, a transfer credit is recorded:

- ``accepted`` when the credential verified and names the learner (their email, hashed or not):
  the audit counts it at once, and any stack it completes is issued;
- ``pending`` when nothing is wrong but something could not be confirmed (a status list or an
  OB 2.0 hosted copy out of reach, a credential that names another email or only a DID): a
  registrar accepts or rejects it, with who and why on record.

A credential that fails verification (bad signature, revoked, expired, ...) is refused and nothing
is stored. Handing in the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from credstack.credentials.verifier import Report
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.institution import Institution, Learner
from credstack.domain.transfer import (
    ECTS,
    Agreement,
    CreditUnitDef,
    Decision,
    Equivalency,
    ExternalClaim,
    decide,
    default_units,
    granted_ects,
)
from credstack.interop.agreements_file import read_agreements
from credstack.interop.external_credential import read_claim
from credstack.services.institutions import ensure_institution
from credstack.services.remote import MAX_BYTES, too_large
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment, verify_bytes
from credstack.settings import Settings
from credstack.store.awards import StoredAward
from credstack.store.transfer import StoredAgreement, StoredTransfer

Verdict = Literal["verified", "undecided", "failed"]
DECISIONS = {"accept": "accepted", "reject": "rejected", "withdraw": "withdrawn"}


def equivalency(uow: UnitOfWork, institution_id: int, institution: Institution) -> Equivalency:
    """The institution's table: its own rows over the defaults."""
    stored = {u.code: u for u in uow.transfers.units(institution_id)}
    defaults = [stored.pop(u.code, u) for u in default_units(institution.conversion)]
    return Equivalency((*defaults, *stored.values()))


def credit_table(uow: UnitOfWork, *, institution: Institution) -> Equivalency:
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        return equivalency(uow, institution_id, institution)


def set_credit_unit(uow: UnitOfWork, *, institution: Institution, unit: CreditUnitDef, actor: str) -> None:
    if unit.code == ECTS and unit.ects_per_unit != 1:
        raise InvalidInput(Problem("ects_per_unit", "ECTS is the unit the audit counts in: it is worth 1"))
    if unit.ects_per_unit <= 0:
        raise InvalidInput(Problem("ects_per_unit", "must be more than 0"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        before = uow.transfers.set_unit(institution_id, unit)
        uow.audit.record(
            actor=actor,
            action="credit_unit.set",
            subject_type="credit_unit",
            subject_id=unit.code,
            institution_id=institution_id,
            detail={
                "name": unit.name,
                "ects_per_unit": str(unit.ects_per_unit),
                "before": str(before.ects_per_unit) if before else None,
            },
        )
        uow.commit()


@dataclass(frozen=True)
class AgreementsImported:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    units: list[str]

    def summary(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "credit_units": self.units,
        }


def _check_agreement(
    uow: UnitOfWork, institution_id: int, agreement: Agreement, table: Equivalency
) -> list[Problem]:
    where = f"agreement {agreement.code}"
    problems = []
    if (
        agreement.grants_achievement
        and uow.achievements.id_for_code(institution_id, agreement.grants_achievement) is None
    ):
        problems.append(
            Problem(where, f"grants achievement {agreement.grants_achievement!r}, not in the catalog")
        )
    if agreement.pathway and not uow.pathways.versions(institution_id, agreement.pathway):
        problems.append(Problem(where, f"pathway {agreement.pathway!r} does not exist"))
    if agreement.credit_unit and agreement.credit_unit not in {u.code for u in table.units}:
        known = ", ".join(u.code for u in table.units)
        problems.append(Problem(where, f"unknown credit unit {agreement.credit_unit!r} (known: {known})"))
    return problems


def import_agreements(
    uow: UnitOfWork, *, institution: Institution, data: bytes, filename: str, actor: str
) -> AgreementsImported:
    """Add or change agreements (by code) and credit units from a file; all or nothing."""
    parsed = read_agreements(data, source=filename)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        current = {u.code: u for u in equivalency(uow, institution_id, institution).units}
        table = Equivalency(tuple({**current, **{u.code: u for u in parsed.units}}.values()))
        problems = [p for a in parsed.agreements for p in _check_agreement(uow, institution_id, a, table)]
        if problems:
            raise InvalidInput(problems, source=filename)
        for unit in parsed.units:
            if unit.code == ECTS and unit.ects_per_unit != 1:
                raise InvalidInput(Problem("credit_units", "ECTS is worth 1 ECTS"), source=filename)
            uow.transfers.set_unit(institution_id, unit)
        for agreement in parsed.agreements:
            stored = uow.transfers.agreement(institution_id, agreement.code)
            if stored is None:
                uow.transfers.add_agreement(institution_id, agreement, created_by=actor)
                created.append(agreement.code)
            elif stored.agreement != agreement or stored.retired_at is not None:
                uow.transfers.update_agreement(stored.id, agreement)
                updated.append(agreement.code)
            else:
                unchanged.append(agreement.code)
                continue
            uow.audit.record(
                actor=actor,
                action="agreement.saved",
                subject_type="agreement",
                subject_id=agreement.code,
                institution_id=institution_id,
                detail={"file": filename, "terms": agreement.describe()},
            )
        uow.commit()
    return AgreementsImported(created, updated, unchanged, [u.code for u in parsed.units])


def list_agreements(uow: UnitOfWork, *, institution: Institution) -> list[StoredAgreement]:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return uow.transfers.agreements(institution_id)


def retire_agreement(uow: UnitOfWork, *, institution: Institution, code: str, actor: str) -> None:
    """An ended agreement matches no new claim; credit already granted under it stays."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        stored = uow.transfers.agreement(institution_id, code)
        if stored is None:
            raise NotFound("agreement", code)
        if stored.retired_at is None:
            uow.transfers.retire_agreement(stored.id, datetime.now(UTC))
            uow.audit.record(
                actor=actor,
                action="agreement.retired",
                subject_type="agreement",
                subject_id=code,
                institution_id=institution_id,
            )
            uow.commit()


# ---- claims ------------------------------------------------------------------------------------


def verdict(report: Report) -> Verdict:
    """verified; failed (some error check is false); or undecided (an error check could not be
    decided, e.g. a status list out of reach, and none is false)."""
    if report.verified:
        return "verified"
    if any(c.level == "error" and c.passed is False for c in report.checks):
        return "failed"
    return "undecided"


@dataclass(frozen=True)
class ClaimResult:
    report: Report
    verdict: Verdict
    claim: ExternalClaim | None
    decisions: list[Decision]  # every current agreement with this issuer, met or not
    transfers: list[StoredTransfer] = field(default_factory=list)  # recorded (or already on record)
    stacked: list[StoredAward] = field(default_factory=list)  # stacked awards the claim completed
    problem: str | None = None  # why nothing was recorded

    @property
    def status(self) -> str:
        if self.transfers:
            return (
                "accepted"
                if any(t.status == "accepted" for t in self.transfers)
                else self.transfers[0].status
            )
        return "refused"


def _pending_reasons(result: Verdict, report: Report, belongs: bool | None) -> list[str]:
    reasons = []
    if result == "undecided":
        reasons += [
            f"{c.name}: {c.message}" for c in report.checks if c.level == "error" and c.passed is None
        ]
    if belongs is False:
        reasons.append("the credential names a different email than the learner's")
    elif belongs is None:
        reasons.append("the credential does not name the learner by email")
    return reasons


def claim_transfer(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    learner_email: str,
    data: bytes,
    actor: str,
    filename: str = "credential",
    documents: dict[str, dict[str, Any]] | None = None,
    learner_name: str | None = None,
) -> ClaimResult:
    """Verify an external credential and record the transfer credit every agreement it meets
    grants. ``documents`` serves JSON for URLs (e.g. the issuer's status list, handed in)."""
    from credstack.services.stacking import complete_stacks

    if len(data) > MAX_BYTES:
        raise InvalidInput(Problem("file", f"the credential {too_large()}"), source=filename)
    email = learner_email.strip().lower()
    if "@" not in email:
        raise InvalidInput(Problem("learner", f"{learner_email!r} is not an email address"))
    env = environment(uow, settings=settings, institution=institution, extra_documents=documents)
    report = verify_bytes(data, env)
    result = verdict(report)
    if report.credential is None:
        return ClaimResult(report, result, None, [], problem="; ".join(report.errors) or "not a credential")
    try:
        claim = read_claim(report.credential)
    except InvalidInput as exc:
        return ClaimResult(report, result, None, [], problem=str(exc))
    digest = hashlib.sha256(data).hexdigest()
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        agreements = [
            s
            for s in uow.transfers.agreements(institution_id, current_only=True)
            if s.agreement.issuer == claim.issuer
        ]
        decisions = [decide(s.agreement, claim) for s in agreements]
        if result == "failed":
            return ClaimResult(
                report,
                result,
                claim,
                decisions,
                problem="the credential failed verification: " + "; ".join(report.errors),
            )
        met = [s for s, d in zip(agreements, decisions, strict=True) if d.met]
        if not met:
            why = (
                "no current agreement with this issuer"
                if not decisions
                else "it meets none of the agreements with this issuer"
            )
            return ClaimResult(report, result, claim, decisions, problem=why)
        found = uow.learners.by_email(institution_id, email)
        learner_id = (
            found[0] if found else uow.learners.add(institution_id, Learner(email, learner_name or email))
        )
        table = equivalency(uow, institution_id, institution)
        belongs = claim.belongs_to(email)
        status = "accepted" if result == "verified" and belongs is True else "pending"
        reasons = _pending_reasons(result, report, belongs)
        recorded: list[StoredTransfer] = []
        for stored in met:
            existing = uow.transfers.existing(learner_id, digest, stored.id)
            if existing is not None:
                recorded.append(existing)
                continue
            a = stored.agreement
            public_id = uow.transfers.add_transfer(
                institution_id,
                learner_id,
                stored.id,
                digest=digest,
                issuer=claim.issuer,
                external_achievement=claim.achievement,
                external_name=claim.name,
                result=claim.result,
                earned=claim.earned,
                expires=claim.expires,
                achievement_code=a.grants_achievement,
                credits_ects=granted_ects(a, claim, table),
                pathway_code=a.pathway,
                status=status,
                verification={**report.as_json(filename), "pending": reasons if status == "pending" else []},
                credential=report.credential,
                decided_by=actor if status == "accepted" else "",
            )
            uow.audit.record(
                actor=actor,
                action=f"transfer.{status}",
                subject_type="transfer_credit",
                subject_id=public_id,
                institution_id=institution_id,
                detail={
                    "learner": email,
                    "agreement": a.code,
                    "issuer": claim.issuer,
                    "achievement": claim.name,
                    "reasons": reasons if status == "pending" else [],
                },
            )
            row = uow.transfers.by_public_id(public_id)
            assert row is not None
            recorded.append(row)
        uow.commit()
    stacked: list[StoredAward] = []
    if any(t.status == "accepted" for t in recorded):
        stacked = complete_stacks(
            uow, settings=settings, institution=institution, learner_email=email, actor=actor
        )
    return ClaimResult(report, result, claim, decisions, recorded, stacked)


def decide_transfer(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    public_id: str,
    decision: str,
    actor: str,
    reason: str,
) -> tuple[StoredTransfer, list[StoredAward]]:
    """A registrar accepts or rejects a pending transfer credit, or withdraws a granted one."""
    from credstack.services.stacking import complete_stacks

    status = DECISIONS.get(decision)
    if status is None:
        raise InvalidInput(Problem("decision", f"must be one of {', '.join(DECISIONS)}, not {decision!r}"))
    if not reason.strip():
        raise InvalidInput(Problem("reason", "say why: the decision is kept with who made it"))
    allowed = {"accepted": {"pending"}, "rejected": {"pending"}, "withdrawn": {"accepted", "pending"}}[status]
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        stored = uow.transfers.by_public_id(public_id)
        if stored is None or stored.institution_id != institution_id:
            raise NotFound("transfer credit", public_id)
        if stored.status == status:
            return stored, []
        if stored.status not in allowed:
            raise InvalidInput(
                Problem("decision", f"a transfer credit that is {stored.status} cannot be {status}")
            )
        uow.transfers.set_status(stored.id, status, actor)
        uow.audit.record(
            actor=actor,
            action=f"transfer.{status}",
            subject_type="transfer_credit",
            subject_id=public_id,
            institution_id=institution_id,
            detail={"reason": reason, "learner": stored.learner_email},
            before={"status": stored.status, "decided_by": stored.decided_by or None},
            after={"status": status, "decided_by": actor},
        )
        uow.commit()
        after = uow.transfers.by_public_id(public_id)
    assert after is not None
    stacked: list[StoredAward] = []
    if status == "accepted":
        stacked = complete_stacks(
            uow, settings=settings, institution=institution, learner_email=stored.learner_email, actor=actor
        )
    return after, stacked


def transfers_for(
    uow: UnitOfWork, *, institution: Institution, learner_email: str | None = None, status: str | None = None
) -> list[StoredTransfer]:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        if learner_email is None:
            return uow.transfers.for_institution(institution_id, status=status)
        found = uow.learners.by_email(institution_id, learner_email.strip().lower())
        if found is None:
            raise NotFound("learner", learner_email)
        rows = uow.transfers.for_learner(found[0])
    return [t for t in rows if status is None or t.status == status]


def transfer_by_id(uow: UnitOfWork, *, institution: Institution, public_id: str) -> StoredTransfer:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.transfers.by_public_id(public_id)
        if found is None or found.institution_id != institution_id:
            raise NotFound("transfer credit", public_id)
        return found


def status_list_documents(files: list[tuple[str, bytes]]) -> dict[str, dict[str, Any]]:
    """Status list credentials handed in with a claim, served at their own ids."""
    out: dict[str, dict[str, Any]] = {}
    for name, data in files:
        try:
            document = json.loads(data)
        except ValueError as exc:
            raise InvalidInput(Problem(name, f"not JSON: {exc}")) from exc
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise InvalidInput(Problem(name, "a status list credential needs its id"))
        out[document["id"]] = document
    return out


def transfer_json(t: StoredTransfer, *, with_credential: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": t.public_id,
        "learner": t.learner_email,
        "status": t.status,
        "agreement": t.agreement_code,
        "partner": t.partner,
        "issuer": t.issuer,
        "external_achievement": t.external_achievement,
        "external_name": t.external_name,
        "result": float(t.result) if t.result is not None else None,
        "earned": t.earned.isoformat() if t.earned else None,
        "expires": t.expires.isoformat() if t.expires else None,
        "counts_as": t.achievement_code,
        "credits_ects": float(t.credits_ects),
        "pathway": t.pathway_code,
        "pending": t.verification.get("pending", []),
        "decided_by": t.decided_by or None,
        "recorded": t.created_at.isoformat(),
    }
    if with_credential:
        out["credential"] = t.credential
        out["verification"] = t.verification
    return out


def claim_json(result: ClaimResult) -> dict[str, Any]:
    claim = result.claim
    return {
        "status": result.status,
        "verdict": result.verdict,
        "problem": result.problem,
        "claim": None
        if claim is None
        else {
            "format": claim.format,
            "issuer": claim.issuer,
            "issuer_name": claim.issuer_name,
            "achievement": claim.achievement,
            "name": claim.name,
            "result": float(claim.result) if claim.result is not None else None,
            "earned": claim.earned.isoformat() if claim.earned else None,
        },
        "agreements": [
            {
                "code": d.agreement.code,
                "met": d.met,
                "terms": d.agreement.describe(),
                "reasons": list(d.reasons),
            }
            for d in result.decisions
        ],
        "transfers": [transfer_json(t) for t in result.transfers],
        "stacked": [{"id": a.public_id, "achievement": a.achievement_code} for a in result.stacked],
        "verification": result.report.as_json(),
    }


def agreement_json(stored: StoredAgreement) -> dict[str, Any]:
    a = stored.agreement
    return {
        "code": a.code,
        "partner": a.partner,
        "issuer": a.issuer,
        "achievement": a.external_achievement,
        "achievement_name": a.external_name,
        "min_result": float(a.min_result) if a.min_result is not None else None,
        "earned": {
            "from": a.earned_from.isoformat() if a.earned_from else None,
            "until": a.earned_until.isoformat() if a.earned_until else None,
        },
        "grants": {"achievement": a.grants_achievement}
        if a.grants_achievement
        else {
            "credits": float(a.grants_credits) if a.grants_credits is not None else None,
            "unit": a.credit_unit,
        },
        "pathway": a.pathway,
        "tags": list(a.tags),
        "note": a.note,
        "terms": a.describe(),
        "retired": stored.retired_at.isoformat() if stored.retired_at else None,
        "created_by": stored.created_by,
    }
