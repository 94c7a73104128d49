"""A learner's transcript: every micro-credential, stacked award and transfer credit, with its date,
credits (in the achievement's own unit, in ECTS, and in every unit of the credit equivalency
table), status, the totals, and the degree credit granted by stacked awards; as data for the
page, a PDF, and a signed CLR 2.0 ClrCredential.

Revoked and suspended awards are listed with their status and count toward no total (a registrar
must see what was withdrawn; the learner's record must not claim it); the CLR, which a learner
hands to others, leaves them out. Stacked awards do not add to the credits earned (their
components already did): their credits are the *degree credit* they grant, totalled apart.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.clr import transcript_credential
from credstack.credentials.ob3 import IssuerProfile, Recipient
from credstack.domain.errors import NotFound
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution, Learner
from credstack.domain.transfer import ECTS, Equivalency
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import credential_url
from credstack.services.keys import active_signer
from credstack.services.transfer import equivalency
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

COUNTED = ("active", "accepted")  # the statuses that count toward totals
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Entry:
    source: str  # award | stacked | transfer
    id: str  # the award's public id, or "transfer:" and the transfer credit's id
    achievement: str  # our achievement's code (transfer granted as credits: "transfer:AGREEMENT")
    name: str
    kind: str  # the achievement's kind, or "transfer"
    issued: date
    status: str  # active | revoked | suspended (awards); accepted (transfer credit)
    credits: Decimal | None  # in ``unit``
    unit: str | None
    ects: Decimal
    equivalents: tuple[tuple[str, Decimal], ...] = ()  # (unit code, amount) for every unit of the table
    credential_url: str | None = None
    expires: date | None = None
    level: int | None = None
    pathway: str | None = None  # a stacked award: the pathway it completed
    components: tuple[str, ...] = ()  # a stacked award: the achievements it rests on
    part_of: tuple[str, ...] = ()  # the stacked awards (achievement codes) this one completed
    transfer_from: str | None = None  # transfer credit: the partner institution
    status_reason: str | None = None

    @property
    def counts(self) -> bool:
        return self.status in COUNTED


@dataclass(frozen=True)
class Transcript:
    institution: str
    learner: Learner
    entries: tuple[Entry, ...]
    units: tuple[tuple[str, str], ...]  # (code, name) of every unit of the table
    generated_at: datetime
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)  # award public id -> document

    @property
    def earned(self) -> list[Entry]:
        """What counts toward the credits earned: micro-credentials and transfer credit in force."""
        return [e for e in self.entries if e.counts and e.source != "stacked"]

    @property
    def stacked(self) -> list[Entry]:
        return [e for e in self.entries if e.counts and e.source == "stacked"]

    @property
    def ects_total(self) -> Decimal:
        return sum((e.ects for e in self.earned), Decimal(0))

    @property
    def degree_credit_ects(self) -> Decimal:
        return sum((e.ects for e in self.stacked), Decimal(0))

    def totals(self, entries: list[Entry]) -> list[tuple[str, str, Decimal]]:
        """(unit code, name, total) for every unit of the table."""
        out = []
        for code, name in self.units:
            amount = sum((dict(e.equivalents).get(code, Decimal(0)) for e in entries), Decimal(0))
            out.append((code, name, amount))
        return out


def _equivalents(ects: Decimal, table: Equivalency) -> tuple[tuple[str, Decimal], ...]:
    return tuple((u.code, (ects / u.ects_per_unit).quantize(CENT)) for u in table.units)


def _plain(value: Decimal) -> Decimal:
    return Decimal(format(value.normalize(), "f"))


def transcript(
    uow: UnitOfWork, *, institution: Institution, settings: Settings, learner_email: str
) -> Transcript:
    """The learner's whole record, oldest first; NotFound for an unknown learner."""
    email = learner_email.strip().lower()
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        found = uow.learners.by_email(institution_id, email)
        if found is None:
            raise NotFound("learner", learner_email)
        learner_id, learner = found
        table = equivalency(uow, institution_id, institution)
        awarding = {p.awards_code: p.code for p in uow.pathways.latest(institution_id)}
        stored = uow.awards.for_learner(learner_id)
        by_public = {a.public_id: a for a in stored}
        part_of: dict[str, list[str]] = {}
        for a in stored:
            for pid in a.components or []:
                part_of.setdefault(pid, []).append(a.achievement_code)
        entries: list[Entry] = []
        for a in stored:
            definition = uow.achievements.get(a.achievement_id, with_rubric=False)
            achievement = definition.achievement if definition else None
            credits = achievement.credits if achievement else None
            ects = _plain(institution.conversion.ects(credits)) if credits else Decimal(0)
            stacked = a.components is not None
            entries.append(
                Entry(
                    source="stacked" if stacked else "award",
                    id=a.public_id,
                    achievement=a.achievement_code,
                    name=a.achievement_name,
                    kind=achievement.kind.value if achievement else "micro-credential",
                    issued=a.valid_from.date(),
                    status=a.status,
                    credits=_plain(credits.amount) if credits else None,
                    unit=credits.unit.value if credits else None,
                    ects=ects,
                    equivalents=_equivalents(ects, table),
                    credential_url=credential_url(settings, a.public_id),
                    expires=a.valid_until.date() if a.valid_until else None,
                    level=achievement.level if achievement else None,
                    pathway=awarding.get(a.achievement_code) if stacked else None,
                    components=tuple(
                        by_public[p].achievement_code if p in by_public else p for p in a.components or []
                    ),
                    part_of=tuple(part_of.get(a.public_id, ())),
                    status_reason=a.status_reason,
                )
            )
        for t in uow.transfers.for_learner(learner_id):
            if t.status != "accepted":
                continue  # pending, rejected or withdrawn claims are no credit
            tid = f"transfer:{t.public_id}"
            ects = t.credits_ects
            name = t.external_name
            kind = "transfer"
            if t.achievement_code:
                aid = uow.achievements.id_for_code(institution_id, t.achievement_code)
                definition = uow.achievements.get(aid, with_rubric=False) if aid else None
                if definition and definition.achievement.credits:
                    ects = _plain(institution.conversion.ects(definition.achievement.credits))
                kind = definition.achievement.kind.value if definition else kind
            entries.append(
                Entry(
                    source="transfer",
                    id=tid,
                    achievement=t.achievement_code or f"transfer:{t.agreement_code}",
                    name=name,
                    kind=kind,
                    issued=t.earned or t.created_at.date(),
                    status=t.status,
                    credits=_plain(ects),
                    unit=ECTS,
                    ects=_plain(ects),
                    equivalents=_equivalents(ects, table),
                    expires=t.expires,
                    pathway=t.pathway_code,
                    part_of=tuple(part_of.get(tid, ())),
                    transfer_from=t.partner,
                )
            )
    entries.sort(key=lambda e: (e.issued, e.source == "stacked", e.achievement))
    return Transcript(
        institution.name,
        learner,
        tuple(entries),
        tuple((u.code, u.name) for u in table.units),
        datetime.now(UTC),
        {a.public_id: a.credential for a in stored},
    )


def require_transcript_access(principal: Principal, learner_email: str) -> None:
    """Registrars (and administrators) read anyone's transcript; a learner only their own."""
    if principal.email.strip().lower() == learner_email.strip().lower() and principal.has(Role.LEARNER):
        principal.require(Role.LEARNER, scope="read")
        return
    principal.require(Role.REGISTRAR, scope="read")


def transcript_clr(
    uow: UnitOfWork, *, institution: Institution, settings: Settings, record: Transcript
) -> dict[str, Any]:
    """The transcript as a signed ClrCredential: the credentials in force (revoked and suspended
    ones left out), each achievement, and the stacked awards' associations with their parts."""
    now = datetime.now(UTC).replace(microsecond=0)
    in_force = [e for e in record.entries if e.counts and e.id in record.credentials]
    docs = {e.id: record.credentials[e.id] for e in in_force}
    stacks = []
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        for e in in_force:
            if e.source != "stacked":
                continue
            award = uow.awards.by_public_id(e.id)
            parts = [docs[p] for p in (award.components or []) if p in docs] if award else []
            if parts:
                stacks.append((docs[e.id], parts))
        signer = active_signer(uow, institution_id, settings, now)
        uow.commit()  # a first key, when there was none
    document = transcript_credential(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer=IssuerProfile(signer.did, institution.name, institution.url),
        name=f"Transcript of {record.learner.name} at {institution.name}",
        description=(
            f"Micro-credentials and stacked awards of {record.learner.name}: "
            f"{record.ects_total} ECTS earned, {record.degree_credit_ects} ECTS of degree credit granted by stacked awards."
        ),
        credentials=list(docs.values()),
        stacks=stacks,
        valid_from=now,
        identifier=Recipient(email=record.learner.email, salt=secrets.token_hex(4)).identity(),
    )
    return eddsa_rdfc_2022.add_proof(document, signer.private_key, signer.verification_method, created=now)


def _money(value: object) -> str | None:
    return None if value is None else str(value)


def transcript_json(record: Transcript) -> dict[str, Any]:
    return {
        "institution": record.institution,
        "learner": {
            "email": record.learner.email,
            "name": record.learner.name,
            "id": record.learner.external_id,
        },
        "generated_at": record.generated_at.isoformat(),
        "entries": [
            {
                "id": e.id,
                "source": e.source,
                "achievement": e.achievement,
                "name": e.name,
                "kind": e.kind,
                "issued": e.issued.isoformat(),
                "status": e.status,
                "counts": e.counts,
                "credits": _money(e.credits),
                "unit": e.unit,
                "ects": _money(e.ects),
                "equivalents": {code: _money(v) for code, v in e.equivalents},
                "credential_url": e.credential_url,
                "pathway": e.pathway,
                "components": list(e.components),
                "part_of": list(e.part_of),
                "transfer_from": e.transfer_from,
            }
            for e in record.entries
        ],
        "totals": {code: _money(v) for code, _, v in record.totals(record.earned)},
        "degree_credit": {code: _money(v) for code, _, v in record.totals(record.stacked)},
    }
