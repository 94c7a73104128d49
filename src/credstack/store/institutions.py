"""Institutions and learners."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select

from credstack.domain.achievement import CreditConversion
from credstack.domain.institution import Institution, Learner
from credstack.store.tables import institutions, learners


class InstitutionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, slug: str) -> tuple[int, Institution] | None:
        row = self.conn.execute(select(institutions).where(institutions.c.slug == slug)).one_or_none()
        if row is None:
            return None
        return row.id, Institution(
            slug=row.slug,
            name=row.name,
            url=row.url,
            currency=row.currency,
            conversion=CreditConversion(Decimal(row.ects_per_credit_hour)),
        )

    def add(self, institution: Institution) -> int:
        return int(
            self.conn.execute(
                insert(institutions)
                .values(
                    slug=institution.slug,
                    name=institution.name,
                    url=institution.url,
                    currency=institution.currency,
                    ects_per_credit_hour=institution.conversion.ects_per_credit_hour,
                )
                .returning(institutions.c.id)
            ).scalar_one()
        )


class LearnerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def by_email(self, institution_id: int, email: str) -> tuple[int, Learner] | None:
        row = self.conn.execute(
            select(learners).where(
                learners.c.institution_id == institution_id, learners.c.email == email.strip().lower()
            )
        ).one_or_none()
        return (row.id, Learner(row.email, row.name, row.external_id)) if row else None

    def add(self, institution_id: int, learner: Learner) -> int:
        return int(
            self.conn.execute(
                insert(learners)
                .values(
                    institution_id=institution_id,
                    email=learner.email,
                    name=learner.name,
                    external_id=learner.external_id,
                )
                .returning(learners.c.id)
            ).scalar_one()
        )

    def emails(self, institution_id: int) -> set[str]:
        rows = self.conn.execute(select(learners.c.email).where(learners.c.institution_id == institution_id))
        return {r.email for r in rows}

    def add_many(self, institution_id: int, people: Iterable[Learner]) -> int:
        rows = [
            {
                "institution_id": institution_id,
                "email": p.email,
                "name": p.name,
                "external_id": p.external_id,
            }
            for p in people
        ]
        if rows:
            self.conn.execute(insert(learners), rows)
        return len(rows)

    def count(self, institution_id: int) -> int:
        return int(
            self.conn.execute(
                select(func.count()).select_from(learners).where(learners.c.institution_id == institution_id)
            ).scalar_one()
        )
