"""The credit equivalency table, articulation agreements and learners' transfer credits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from credstack.domain.transfer import Agreement, CreditUnitDef
from credstack.store.tables import articulation_agreements, credit_units, learners, transfer_credits


@dataclass(frozen=True)
class StoredAgreement:
    id: int
    agreement: Agreement
    created_by: str
    created_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True)
class StoredTransfer:
    id: int
    public_id: str
    institution_id: int
    learner_id: int
    learner_email: str
    agreement_code: str
    issuer: str
    external_achievement: str
    external_name: str
    result: Decimal | None
    earned: date | None
    expires: date | None
    achievement_code: str | None
    credits_ects: Decimal
    pathway_code: str | None
    status: str  # accepted | pending | rejected | withdrawn
    verification: dict[str, Any]
    credential: dict[str, Any]
    decided_by: str
    created_at: datetime
    partner: str = ""
    agreement_tags: tuple[str, ...] = ()


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored number without the column's trailing zeros (70.000 -> 70)."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


def _agreement(r: Any) -> StoredAgreement:
    return StoredAgreement(
        r.id,
        Agreement(
            code=r.code,
            partner=r.partner,
            issuer=r.issuer,
            external_achievement=r.external_achievement,
            external_name=r.external_name,
            min_result=_plain(r.min_result),
            earned_from=r.earned_from,
            earned_until=r.earned_until,
            grants_achievement=r.grants_achievement,
            grants_credits=_plain(r.grants_credits),
            credit_unit=r.credit_unit,
            pathway=r.pathway_code,
            tags=tuple(r.tags),
            note=r.note,
        ),
        r.created_by,
        r.created_at,
        r.retired_at,
    )


def _columns(a: Agreement) -> dict[str, Any]:
    return {
        "partner": a.partner,
        "issuer": a.issuer,
        "external_achievement": a.external_achievement,
        "external_name": a.external_name,
        "min_result": a.min_result,
        "earned_from": a.earned_from,
        "earned_until": a.earned_until,
        "grants_achievement": a.grants_achievement,
        "grants_credits": a.grants_credits,
        "credit_unit": a.credit_unit,
        "pathway_code": a.pathway,
        "tags": list(a.tags),
        "note": a.note,
    }


_TRANSFER_COLUMNS = (
    transfer_credits,
    articulation_agreements.c.code.label("agreement_code"),
    articulation_agreements.c.partner,
    articulation_agreements.c.tags.label("agreement_tags"),
    learners.c.email,
)


def _transfer(r: Any) -> StoredTransfer:
    return StoredTransfer(
        r.id, r.public_id, r.institution_id, r.learner_id, r.email, r.agreement_code, r.issuer, r.external_achievement,
        r.external_name, _plain(r.result), r.earned, r.expires, r.achievement_code, _plain(r.credits_ects) or Decimal(0), r.pathway_code,
        r.status, r.verification, r.credential, r.decided_by, r.created_at, r.partner, tuple(r.agreement_tags),
    )  # fmt: skip


class TransferRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- the equivalency table ----

    def units(self, institution_id: int) -> list[CreditUnitDef]:
        rows = self.conn.execute(
            select(credit_units)
            .where(credit_units.c.institution_id == institution_id)
            .order_by(credit_units.c.id)
        )
        return [CreditUnitDef(r.code, r.name, r.ects_per_unit) for r in rows]

    def set_unit(self, institution_id: int, unit: CreditUnitDef) -> CreditUnitDef | None:
        """Add or change a unit; returns what it was before (None when new)."""
        before = next((u for u in self.units(institution_id) if u.code == unit.code), None)
        if before is None:
            self.conn.execute(
                insert(credit_units).values(
                    institution_id=institution_id,
                    code=unit.code,
                    name=unit.name,
                    ects_per_unit=unit.ects_per_unit,
                )
            )
        else:
            self.conn.execute(
                update(credit_units)
                .where(credit_units.c.institution_id == institution_id, credit_units.c.code == unit.code)
                .values(name=unit.name, ects_per_unit=unit.ects_per_unit)
            )
        return before

    # ---- agreements ----

    def agreements(self, institution_id: int, *, current_only: bool = False) -> list[StoredAgreement]:
        query = select(articulation_agreements).where(
            articulation_agreements.c.institution_id == institution_id
        )
        if current_only:
            query = query.where(articulation_agreements.c.retired_at.is_(None))
        rows = self.conn.execute(
            query.order_by(articulation_agreements.c.partner, articulation_agreements.c.code)
        )
        return [_agreement(r) for r in rows]

    def agreement(self, institution_id: int, code: str) -> StoredAgreement | None:
        row = self.conn.execute(
            select(articulation_agreements).where(
                articulation_agreements.c.institution_id == institution_id,
                articulation_agreements.c.code == code,
            )
        ).one_or_none()
        return _agreement(row) if row else None

    def add_agreement(self, institution_id: int, agreement: Agreement, *, created_by: str) -> int:
        result = self.conn.execute(
            insert(articulation_agreements)
            .values(
                institution_id=institution_id,
                code=agreement.code,
                created_by=created_by,
                **_columns(agreement),
            )
            .returning(articulation_agreements.c.id)
        )
        return int(result.scalar_one())

    def update_agreement(self, agreement_id: int, agreement: Agreement) -> None:
        self.conn.execute(
            update(articulation_agreements)
            .where(articulation_agreements.c.id == agreement_id)
            .values(retired_at=None, **_columns(agreement))
        )

    def retire_agreement(self, agreement_id: int, at: datetime) -> None:
        self.conn.execute(
            update(articulation_agreements)
            .where(articulation_agreements.c.id == agreement_id)
            .values(retired_at=at)
        )

    # ---- transfer credits ----

    def add_transfer(self, institution_id: int, learner_id: int, agreement_id: int, **values: Any) -> str:
        public_id = str(uuid.uuid4())
        self.conn.execute(
            insert(transfer_credits).values(
                public_id=public_id,
                institution_id=institution_id,
                learner_id=learner_id,
                agreement_id=agreement_id,
                **values,
            )
        )
        return public_id

    def _query(self) -> Any:
        return (
            select(*_TRANSFER_COLUMNS)
            .join(articulation_agreements, articulation_agreements.c.id == transfer_credits.c.agreement_id)
            .join(learners, learners.c.id == transfer_credits.c.learner_id)
        )

    def existing(self, learner_id: int, digest: str, agreement_id: int) -> StoredTransfer | None:
        row = self.conn.execute(
            self._query().where(
                transfer_credits.c.learner_id == learner_id,
                transfer_credits.c.digest == digest,
                transfer_credits.c.agreement_id == agreement_id,
            )
        ).one_or_none()
        return _transfer(row) if row else None

    def for_learner(self, learner_id: int) -> list[StoredTransfer]:
        rows = self.conn.execute(
            self._query().where(transfer_credits.c.learner_id == learner_id).order_by(transfer_credits.c.id)
        )
        return [_transfer(r) for r in rows]

    def for_institution(
        self, institution_id: int, *, status: str | None = None, limit: int = 200
    ) -> list[StoredTransfer]:
        query = self._query().where(transfer_credits.c.institution_id == institution_id)
        if status:
            query = query.where(transfer_credits.c.status == status)
        rows = self.conn.execute(query.order_by(transfer_credits.c.id.desc()).limit(limit))
        return [_transfer(r) for r in rows]

    def by_public_id(self, public_id: str) -> StoredTransfer | None:
        row = self.conn.execute(self._query().where(transfer_credits.c.public_id == public_id)).one_or_none()
        return _transfer(row) if row else None

    def set_status(self, transfer_id: int, status: str, decided_by: str) -> None:
        self.conn.execute(
            update(transfer_credits)
            .where(transfer_credits.c.id == transfer_id)
            .values(status=status, decided_by=decided_by)
        )
