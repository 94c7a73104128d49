"""Stacking: store versioned pathways, audit learners against them, and issue the stacked
credential (OB 3.0 plus a CLR 2.0 ClrCredential of its components) when an award completes a
pathway, exactly once, recursing up the stack (a certificate that completes a diploma)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.clr import clr_credential
from credstack.credentials.ob3 import IssuerProfile
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.domain.pathways.audit import Audit, audit
from credstack.domain.pathways.eligibility import Exceptions, Substitution, Waiver
from credstack.domain.pathways.model import Award, Pathway
from credstack.interop.pathway_dump import pathway_to_dict
from credstack.interop.pathway_file import load_pathway
from credstack.interop.pathway_import import from_badgr, from_ctdl_csv, from_ctdl_pathway
from credstack.services.governance import new_pathway_version
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import IssuedAward, IssueRequest, NotAwardable, issue_award
from credstack.services.keys import open_key
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.awards import StoredAward
from credstack.store.pathways import StoredPathway

MAX_STACK_HEIGHT = 8


def stored_pathway(stored: StoredPathway) -> Pathway:
    """A stored version as the domain's pathway."""
    return load_pathway(json.dumps(stored.definition), source=f"pathway {stored.code}", format="json")


def read_pathway(data: bytes, *, filename: str, source_format: str = "pathway") -> Pathway:
    """A pathway from credstack's format (YAML/JSON) or imported from a Badgr export, a CTDL
    Pathway graph or the CTDL pathway CSV."""
    match source_format:
        case "pathway":
            fmt = "json" if filename.lower().endswith(".json") else None
            return load_pathway(data, source=filename, format=fmt)  # type: ignore[arg-type]
        case "badgr":
            return from_badgr(data, source=filename)
        case "ctdl":
            return from_ctdl_pathway(data, source=filename)
        case "ctdl-csv":
            return from_ctdl_csv(data, source=filename)
    raise InvalidInput(Problem("format", f"must be pathway, badgr, ctdl or ctdl-csv, not {source_format!r}"))


def save_pathway(
    uow: UnitOfWork,
    *,
    institution: Institution,
    data: bytes,
    filename: str,
    actor: str,
    source_format: str = "pathway",
    awards: str | None = None,
    author: Principal | None = None,
) -> tuple[Pathway, int]:
    """Store a pathway file as the next version of its pathway; the achievement it awards
    (``awards`` overrides what the file says, for imported formats) must be in the catalog.
    With an ``author`` (a designer) the new version is a draft for the governance board;
    without one (the CLI, ``POST /api/v1/pathways``, the demo) it is published on save, as a
    trusted import, and the audit log says so (docs/governance.md). Returns the pathway and its
    version."""
    pathway = read_pathway(data, filename=filename, source_format=source_format)
    if awards:
        pathway = replace(pathway, awards=awards)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        if uow.achievements.id_for_code(institution_id, pathway.awards) is None:
            raise InvalidInput(
                Problem("awards", f"no achievement {pathway.awards!r} in the catalog"), source=filename
            )
        definition = pathway_to_dict(pathway)
        versions = uow.pathways.versions(institution_id, pathway.id)
        if versions and versions[-1].definition == definition:
            return stored_pathway(versions[-1]), versions[-1].version
        version = uow.pathways.add(
            institution_id,
            code=pathway.id,
            name=pathway.name,
            awards_code=pathway.awards,
            definition=definition,
            state="draft" if author else "published",
        )
        uow.audit.record(
            actor=actor,
            action="pathway.saved",
            subject_type="pathway",
            subject_id=pathway.id,
            institution_id=institution_id,
            detail={"version": version, "file": filename},
        )
        new_pathway_version(
            uow, institution_id=institution_id, code=pathway.id, version=version, author=author, actor=actor
        )
        uow.commit()
    return pathway, version


def as_award(
    stored: StoredAward,
    credits: Decimal,
    level: int | None,
    kind: str,
    tags: tuple[str, ...],
    competencies: tuple[tuple[str, int], ...],
) -> Award:
    return Award(
        id=stored.public_id,
        achievement=stored.achievement_code,
        credits=credits,
        level=level,
        kind=kind,
        tags=frozenset(tags),
        earned=stored.valid_from.date(),
        expires=stored.valid_until.date() if stored.valid_until else None,
        competencies=competencies,
    )


def _definition_award(
    uow: UnitOfWork, institution: Institution, achievement_id: int
) -> tuple[Decimal, int | None, str, tuple[str, ...], tuple[tuple[str, int], ...]] | None:
    definition = uow.achievements.get(achievement_id, with_rubric=False)
    if definition is None:
        return None
    a = definition.achievement
    credits = institution.conversion.ects(a.credits) if a.credits else Decimal(0)
    comps = tuple(
        sorted(
            (key, al.level_reached)
            for al in definition.aligned
            for key in {al.row.competency.identifier, al.row.competency.code}
            if key
        )
    )
    return credits, a.level, a.kind.value, a.tags, comps


def transfer_awards(
    uow: UnitOfWork, institution: Institution, learner_id: int
) -> list[tuple[str | None, Award]]:
    """The learner's accepted transfer credits as awards (marked ``transfer``), each with the one
    pathway it counts toward (None: any). Credit granted as one of our achievements carries that
    achievement's credits, level, tags and competencies; credit granted as credits is of kind
    ``transfer`` with the agreement's tags (and the tag ``transfer``)."""
    out: list[tuple[str | None, Award]] = []
    institution_id = None
    for t in uow.transfers.for_learner(learner_id):
        if t.status != "accepted":
            continue
        common: dict[str, Any] = {
            "id": f"transfer:{t.public_id}",
            "earned": t.earned,
            "expires": t.expires,
            "transfer": True,
        }
        if t.achievement_code:
            if institution_id is None:
                found = uow.institutions.get(institution.slug)
                institution_id = found[0] if found else 0
            achievement_id = uow.achievements.id_for_code(institution_id, t.achievement_code)
            fields = _definition_award(uow, institution, achievement_id) if achievement_id else None
            if fields is None:
                continue
            credits, level, kind, tags, comps = fields
            award = Award(
                achievement=t.achievement_code, credits=credits, level=level, kind=kind,
                tags=frozenset(tags), competencies=comps, **common,
            )  # fmt: skip
        else:
            award = Award(
                achievement=f"transfer:{t.agreement_code}", credits=t.credits_ects, kind="transfer",
                tags=frozenset((*t.agreement_tags, "transfer")),
                **common,
            )  # fmt: skip
        out.append((t.pathway_code, award))
    return out


def learner_awards(
    uow: UnitOfWork, institution: Institution, learner_id: int, *, pathway: str | None = None
) -> list[Award]:
    """The learner's awards in force (not revoked or suspended) and accepted transfer credit, as
    the engine sees them; transfer credit tied to one pathway counts only when ``pathway`` is it."""
    out = []
    for stored in uow.awards.for_learner(learner_id):
        if stored.status != "active":
            continue
        fields = _definition_award(uow, institution, stored.achievement_id)
        if fields is None:
            continue
        out.append(as_award(stored, *fields))
    out += [a for only, a in transfer_awards(uow, institution, learner_id) if only is None or only == pathway]
    return out


def _exceptions(uow: UnitOfWork, learner_id: int, code: str) -> Exceptions:
    stored = uow.pathways.exceptions(learner_id, code)
    return Exceptions(
        waivers=tuple(Waiver(e.node_id, e.decided_by, e.reason) for e in stored if e.kind == "waiver"),
        substitutions=tuple(
            Substitution(e.award_public_id or "", e.node_id, e.decided_by, e.reason)
            for e in stored
            if e.kind == "substitution"
        ),
    )


@dataclass(frozen=True)
class LearnerAudit:
    audit: Audit
    version: int
    why: str  # which version the audit used, and why


def _progress(result: Audit) -> tuple[bool, int]:
    def met(node: Any) -> int:
        return int(node.status == "met") + sum(met(c) for c in node.children)

    return result.met, met(result.root)


def audit_learner(
    uow: UnitOfWork,
    *,
    institution: Institution,
    learner_email: str,
    pathway_code: str,
    as_of: date | None = None,
) -> LearnerAudit:
    """Audit under the version the learner started on, or the newest when that is better; only
    versions that went live count (a draft does not replace the published version)."""
    as_of = as_of or date.today()
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        found = uow.learners.by_email(institution_id, learner_email.strip().lower())
        if found is None:
            raise NotFound("learner", learner_email)
        every = uow.pathways.versions(institution_id, pathway_code)
        if not every:
            raise NotFound("pathway", pathway_code)
        # versions that went live (published, or retired since); a pathway still in its first
        # draft is audited as it stands (a designer's what-if)
        versions = [v for v in every if v.state in ("published", "retired")] or every
        held = learner_awards(uow, institution, found[0], pathway=pathway_code)
        exceptions = _exceptions(uow, found[0], pathway_code)
    first = min((a.earned for a in held if a.earned), default=as_of)
    started = next((v for v in reversed(versions) if v.created_at.date() <= first), versions[0])
    newest = versions[-1]
    newest_audit = audit(stored_pathway(newest), held, as_of=as_of, exceptions=exceptions)
    if started.version == newest.version:
        return LearnerAudit(newest_audit, newest.version, f"version {newest.version}, the current one")
    started_audit = audit(stored_pathway(started), held, as_of=as_of, exceptions=exceptions)
    if _progress(newest_audit) > _progress(started_audit):
        why = f"version {newest.version}: newer than version {started.version} (started on) and better for the learner"
        return LearnerAudit(newest_audit, newest.version, why)
    return LearnerAudit(
        started_audit, started.version, f"version {started.version}, the one the learner started on"
    )


def complete_stacks(
    uow: UnitOfWork, *, settings: Settings, institution: Institution, learner_email: str, actor: str
) -> list[StoredAward]:
    """Issue every stacked award the learner's awards now complete, up the stack; each once
    (its idempotency key is the pathway and the learner), with its ClrCredential."""
    issued: list[StoredAward] = []
    email = learner_email.strip().lower()
    for _ in range(MAX_STACK_HEIGHT):
        with uow:
            institution_id, institution = ensure_institution(uow, institution)
            found = uow.learners.by_email(institution_id, email)
            if found is None:
                return issued
            held = learner_awards(uow, institution, found[0])
            only_toward = [(p, a) for p, a in transfer_awards(uow, institution, found[0]) if p is not None]
            pathways = [
                (p, _exceptions(uow, found[0], p.code))
                for p in uow.pathways.latest(institution_id, published_only=True)
            ]
        have = {a.achievement for a in held}
        newly = []
        for stored, exceptions in pathways:
            if stored.awards_code in have:
                continue
            toward = [a for p, a in only_toward if p == stored.code]
            result = audit(
                stored_pathway(stored), held + toward, as_of=datetime.now(UTC).date(), exceptions=exceptions
            )
            if not result.met:
                continue
            used = sorted({award for ids in result.assignment.values() for award in ids})
            try:
                award = issue_award(
                    uow,
                    settings=settings,
                    institution=institution,
                    actor=actor,
                    request=IssueRequest(
                        stored.awards_code, email, idempotency_key=f"stack:{stored.code}:{email}"
                    ),
                ).award
            except NotAwardable as exc:  # e.g. the stacked achievement was retired: kept for the registrar
                _record_blocked(uow, institution, stored, email, actor, str(exc))
                continue
            attach_clr(uow, settings=settings, award=award, components=used)
            newly.append(award)
        if not newly:
            break
        issued.extend(newly)
    return issued


def _record_blocked(
    uow: UnitOfWork, institution: Institution, stored: StoredPathway, email: str, actor: str, why: str
) -> None:
    """A learner met a pathway whose award cannot be issued now: say so in the audit log."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        uow.audit.record(
            actor=actor,
            action="stack.not_awardable",
            subject_type="pathway",
            subject_id=stored.code,
            institution_id=institution_id,
            detail={"learner": email, "version": stored.version, "reason": why},
        )
        uow.commit()


def attach_clr(uow: UnitOfWork, *, settings: Settings, award: StoredAward, components: list[str]) -> None:
    """Sign and store the stacked award's ClrCredential (once)."""
    if award.clr is not None:
        return
    with uow:
        parts = [p.credential for pid in components if (p := uow.awards.by_public_id(pid)) is not None]
        for pid in components:  # transfer credit: the partner's own OB 3.0 credential, as handed in
            t = (
                uow.transfers.by_public_id(pid.removeprefix("transfer:"))
                if pid.startswith("transfer:")
                else None
            )
            if t is not None and isinstance(t.credential.get("credentialSubject"), dict):
                parts.append(t.credential)
        key = uow.keys.get(award.key_id)
    if key is None:
        raise NotFound("signing key", award.key_id)
    signer = open_key(key, settings)
    issuer = award.credential["issuer"]
    document = clr_credential(
        credential_id=f"{award.credential['id']}/clr",
        issuer=IssuerProfile(issuer["id"], issuer.get("name", ""), issuer.get("url")),
        name=f"{award.achievement_name}: record of achievement",
        stacked=award.credential,
        components=parts,
        valid_from=award.valid_from,
        identifier=award.credential["credentialSubject"]["identifier"][0],
    )
    signed = eddsa_rdfc_2022.add_proof(
        document, signer.private_key, signer.verification_method, created=award.valid_from
    )
    with uow:
        uow.awards.attach_clr(award.id, signed, components)
        uow.commit()


def issue_and_stack(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    request: IssueRequest,
    actor: str,
    definitions: dict[str, Any] | None = None,
) -> IssuedAward:
    """Issue an award, then every stacked award it completes (what every edge calls)."""
    issued = issue_award(
        uow, settings=settings, institution=institution, request=request, actor=actor, definitions=definitions
    )
    if issued.created:
        complete_stacks(
            uow, settings=settings, institution=institution, learner_email=request.learner_email, actor=actor
        )
    return issued
