"""Outcome records as rows: sponsored cohorts, enrolments, hires and their ratings, consented
demographics, comparison cohorts, case studies and verification events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from credstack.domain.outcomes import ComparisonRecord, Rating, RatingKind, SponsoredCohort
from credstack.store.tables import (
    achievements,
    case_studies,
    comparison_cohorts,
    comparison_records,
    demographics,
    enrolments,
    hire_ratings,
    hires,
    learners,
    partners,
    sponsored_cohorts,
    verification_events,
)

ROI_FIELDS = (
    "productivity_gain",
    "retention_rate",
    "baseline_retention_rate",
    "replacement_cost",
    "programme_cost",
    "roi_years",
)


@dataclass(frozen=True)
class StoredCohort:
    id: int
    partner_slug: str
    partner_name: str
    enrolled: int
    cohort: SponsoredCohort


@dataclass(frozen=True)
class StoredHire:
    id: int
    email: str
    learner_name: str
    employer: str
    partner_slug: str | None
    role: str
    hired: date
    left: date | None
    credential: str | None
    ratings: tuple[tuple[int, Rating], ...] = ()


@dataclass(frozen=True)
class StoredCase:
    id: int
    achievement_id: int
    achievement_name: str
    email: str
    learner_name: str
    partner_name: str | None
    title: str
    task: str
    outcome: str
    evidence_url: str | None
    consented_at: datetime | None
    consent_withdrawn_at: datetime | None

    @property
    def public(self) -> bool:
        return self.consented_at is not None and self.consent_withdrawn_at is None


def _cohort(r: Any) -> SponsoredCohort:
    return SponsoredCohort(
        code=r.code, name=r.name, partner=r.partner_slug, pathway=r.pathway_code, seats=r.seats,
        seat_price=Decimal(r.seat_price), currency=r.currency, starts=r.starts,
        **{name: (None if getattr(r, name) is None else Decimal(getattr(r, name))) for name in ROI_FIELDS},
    )  # fmt: skip


def _rating(r: Any) -> Rating:
    return Rating(RatingKind(r.kind), Decimal(r.score), r.scale_max, r.rated_on, r.months)


class OutcomesRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- sponsored cohorts

    def _cohorts(self, institution_id: int) -> Any:
        enrolled = (
            select(func.count())
            .where(enrolments.c.sponsored_cohort_id == sponsored_cohorts.c.id)
            .scalar_subquery()
            .label("enrolled")
        )
        return (
            select(sponsored_cohorts, partners.c.slug.label("partner_slug"), partners.c.name.label("partner_name"), enrolled)
            .join(partners, partners.c.id == sponsored_cohorts.c.partner_id)
            .where(sponsored_cohorts.c.institution_id == institution_id)
        )  # fmt: skip

    def cohorts(self, institution_id: int, *, partner_id: int | None = None) -> list[StoredCohort]:
        query = self._cohorts(institution_id).order_by(sponsored_cohorts.c.starts, sponsored_cohorts.c.code)
        if partner_id is not None:
            query = query.where(sponsored_cohorts.c.partner_id == partner_id)
        return [
            StoredCohort(r.id, r.partner_slug, r.partner_name, r.enrolled, _cohort(r))
            for r in self.conn.execute(query)
        ]

    def cohort_id(self, institution_id: int, code: str) -> int | None:
        found = self.conn.execute(
            select(sponsored_cohorts.c.id).where(
                sponsored_cohorts.c.institution_id == institution_id, sponsored_cohorts.c.code == code
            )
        ).scalar()
        return None if found is None else int(found)

    def save_cohort(
        self, institution_id: int, partner_id: int, cohort: SponsoredCohort, *, by: str
    ) -> tuple[int, bool]:
        """Add the cohort, or change the one with its code; (id, whether it was added)."""
        values = {
            "partner_id": partner_id, "name": cohort.name, "pathway_code": cohort.pathway,
            "seats": cohort.seats, "seat_price": cohort.seat_price, "currency": cohort.currency,
            "starts": cohort.starts, **{name: getattr(cohort, name) for name in ROI_FIELDS},
        }  # fmt: skip
        existing = self.cohort_id(institution_id, cohort.code)
        if existing is not None:
            self.conn.execute(
                update(sponsored_cohorts).where(sponsored_cohorts.c.id == existing).values(**values)
            )
            return existing, False
        new = self.conn.execute(
            insert(sponsored_cohorts).values(
                institution_id=institution_id, code=cohort.code, created_by=by, **values
            )
        ).inserted_primary_key
        assert new is not None
        return int(new[0]), True

    # ---- enrolments

    def save_enrolment(
        self,
        institution_id: int,
        learner_id: int,
        pathway: str,
        *,
        started: date,
        cohort: str,
        site: str,
        sponsored_cohort_id: int | None,
        withdrawn: date | None,
    ) -> bool:
        """Enrol the learner, or change their enrolment on the pathway; whether it was added."""
        values = {
            "started": started, "cohort": cohort, "site": site,
            "sponsored_cohort_id": sponsored_cohort_id, "withdrawn": withdrawn,
        }  # fmt: skip
        key = and_(enrolments.c.learner_id == learner_id, enrolments.c.pathway_code == pathway)
        if self.conn.execute(select(enrolments.c.id).where(key)).first() is not None:
            self.conn.execute(update(enrolments).where(key).values(**values))
            return False
        self.conn.execute(
            insert(enrolments).values(institution_id=institution_id, learner_id=learner_id, pathway_code=pathway, **values)
        )  # fmt: skip
        return True

    def enrolments_of(self, learner_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(enrolments, sponsored_cohorts.c.code.label("sponsored_cohort"))
            .outerjoin(sponsored_cohorts, sponsored_cohorts.c.id == enrolments.c.sponsored_cohort_id)
            .where(enrolments.c.learner_id == learner_id)
            .order_by(enrolments.c.started)
        )
        return [
            {"pathway": r.pathway_code, "started": r.started, "cohort": r.cohort, "site": r.site,
             "sponsored_cohort": r.sponsored_cohort, "withdrawn": r.withdrawn}
            for r in rows
        ]  # fmt: skip

    # ---- hires and ratings

    def find_hire(self, learner_id: int, employer: str, hired: date) -> int | None:
        found = self.conn.execute(
            select(hires.c.id).where(
                hires.c.learner_id == learner_id,
                func.lower(hires.c.employer_name) == employer.lower(),
                hires.c.hired == hired,
            )
        ).scalar()
        return None if found is None else int(found)

    def save_hire(
        self,
        institution_id: int,
        learner_id: int,
        *,
        partner_id: int | None,
        employer: str,
        role: str,
        hired: date,
        left: date | None,
        credential: str | None,
        by: str,
    ) -> tuple[int, bool]:
        """Add the hire, or change the one of the same learner, employer and date."""
        values = {"partner_id": partner_id, "role": role, "left": left, "award_public_id": credential}
        existing = self.find_hire(learner_id, employer, hired)
        if existing is not None:
            self.conn.execute(update(hires).where(hires.c.id == existing).values(**values))
            return existing, False
        new = self.conn.execute(
            insert(hires).values(
                institution_id=institution_id, learner_id=learner_id, employer_name=employer, hired=hired,
                created_by=by, **values,
            )
        ).inserted_primary_key  # fmt: skip
        assert new is not None
        return int(new[0]), True

    def save_rating(self, hire_id: int, rating: Rating, *, by: str) -> bool:
        """Record the rating; one of the same kind (and months) replaces it. Whether it was added."""
        months = (
            hire_ratings.c.months.is_(None)
            if rating.months is None
            else hire_ratings.c.months == rating.months
        )
        key = and_(hire_ratings.c.hire_id == hire_id, hire_ratings.c.kind == rating.kind.value, months)
        added = self.conn.execute(delete(hire_ratings).where(key)).rowcount == 0
        self.conn.execute(
            insert(hire_ratings).values(
                hire_id=hire_id, kind=rating.kind.value, months=rating.months, score=rating.score,
                scale_max=rating.scale_max, rated_on=rating.rated_on, rated_by=by,
            )
        )  # fmt: skip
        return added

    def hires(
        self,
        institution_id: int,
        *,
        learner_id: int | None = None,
        partner_id: int | None = None,
        hire_id: int | None = None,
        limit: int = 200,
    ) -> list[StoredHire]:
        query = (
            select(hires, learners.c.email, learners.c.name.label("learner_name"), partners.c.slug.label("partner_slug"))
            .join(learners, learners.c.id == hires.c.learner_id)
            .outerjoin(partners, partners.c.id == hires.c.partner_id)
            .where(hires.c.institution_id == institution_id)
            .order_by(hires.c.hired.desc(), hires.c.id.desc())
            .limit(limit)
        )  # fmt: skip
        if learner_id is not None:
            query = query.where(hires.c.learner_id == learner_id)
        if partner_id is not None:
            query = query.where(hires.c.partner_id == partner_id)
        if hire_id is not None:
            query = query.where(hires.c.id == hire_id)
        rows = list(self.conn.execute(query))
        ratings: dict[int, list[tuple[int, Rating]]] = {}
        if rows:
            for r in self.conn.execute(
                select(hire_ratings)
                .where(hire_ratings.c.hire_id.in_([row.id for row in rows]))
                .order_by(hire_ratings.c.kind, hire_ratings.c.months)
            ):
                ratings.setdefault(r.hire_id, []).append((r.id, _rating(r)))
        return [
            StoredHire(
                r.id, r.email, r.learner_name, r.employer_name, r.partner_slug, r.role, r.hired, r.left,
                r.award_public_id, tuple(ratings.get(r.id, ())),
            )
            for r in rows
        ]  # fmt: skip

    # ---- demographics (consented values only)

    def set_demographic(
        self, learner_id: int, attribute: str, group: str, *, consented_at: datetime, source: str
    ) -> str | None:
        """Store the learner's group for the attribute; the group it replaced, if any."""
        key = and_(demographics.c.learner_id == learner_id, demographics.c.attribute == attribute)
        before = self.conn.execute(select(demographics.c.group_label).where(key)).scalar()
        if before is not None:
            self.conn.execute(
                update(demographics)
                .where(key)
                .values(group_label=group, consented_at=consented_at, source=source)
            )
        else:
            self.conn.execute(
                insert(demographics).values(
                    learner_id=learner_id, attribute=attribute, group_label=group, consented_at=consented_at,
                    source=source,
                )
            )  # fmt: skip
        return None if before is None else str(before)

    def remove_demographic(self, learner_id: int, attribute: str) -> bool:
        gone = self.conn.execute(
            delete(demographics).where(
                demographics.c.learner_id == learner_id, demographics.c.attribute == attribute
            )
        )
        return gone.rowcount > 0

    def demographics_of(self, learner_id: int) -> dict[str, tuple[str, datetime]]:
        rows = self.conn.execute(
            select(demographics)
            .where(demographics.c.learner_id == learner_id)
            .order_by(demographics.c.attribute)
        )
        return {r.attribute: (r.group_label, r.consented_at) for r in rows}

    # ---- comparison cohorts

    def replace_comparison(
        self,
        institution_id: int,
        code: str,
        name: str,
        description: str,
        records: Iterable[ComparisonRecord],
        *,
        by: str,
    ) -> tuple[int, int]:
        """Store the cohort with exactly these records (replacing any earlier import of the code);
        (cohort id, number of records it had before)."""
        found = self.conn.execute(
            select(comparison_cohorts.c.id).where(
                comparison_cohorts.c.institution_id == institution_id, comparison_cohorts.c.code == code
            )
        ).scalar()
        before = 0
        if found is None:
            new = self.conn.execute(
                insert(comparison_cohorts).values(
                    institution_id=institution_id,
                    code=code,
                    name=name,
                    description=description,
                    imported_by=by,
                )
            ).inserted_primary_key
            assert new is not None
            cohort_id = int(new[0])
        else:
            cohort_id = int(found)
            self.conn.execute(
                update(comparison_cohorts)
                .where(comparison_cohorts.c.id == cohort_id)
                .values(name=name, description=description, imported_by=by)
            )
            before = self.conn.execute(
                delete(comparison_records).where(comparison_records.c.cohort_id == cohort_id)
            ).rowcount
        rows = [
            {"cohort_id": cohort_id, "ref": r.ref, "started": r.started, "completed": r.completed,
             "withdrawn": r.withdrawn, "groups": r.groups}
            for r in records
        ]  # fmt: skip
        if rows:
            self.conn.execute(insert(comparison_records), rows)
        return cohort_id, before

    def comparison_cohorts(self, institution_id: int) -> list[dict[str, Any]]:
        count = (
            select(func.count())
            .where(comparison_records.c.cohort_id == comparison_cohorts.c.id)
            .scalar_subquery()
            .label("records")
        )
        rows = self.conn.execute(
            select(comparison_cohorts, count)
            .where(comparison_cohorts.c.institution_id == institution_id)
            .order_by(comparison_cohorts.c.code)
        )
        return [
            {"code": r.code, "name": r.name, "description": r.description, "records": r.records} for r in rows
        ]

    # ---- case studies

    def add_case(
        self,
        institution_id: int,
        achievement_id: int,
        learner_id: int,
        *,
        partner_id: int | None,
        title: str,
        task: str,
        outcome: str,
        evidence_url: str | None,
        by: str,
    ) -> int:
        new = self.conn.execute(
            insert(case_studies).values(
                institution_id=institution_id, achievement_id=achievement_id, learner_id=learner_id,
                partner_id=partner_id, title=title, task=task, outcome=outcome, evidence_url=evidence_url,
                created_by=by,
            )
        ).inserted_primary_key  # fmt: skip
        assert new is not None
        return int(new[0])

    def set_case_consent(
        self, case_id: int, *, consented_at: datetime | None, withdrawn_at: datetime | None
    ) -> None:
        self.conn.execute(
            update(case_studies)
            .where(case_studies.c.id == case_id)
            .values(consented_at=consented_at, consent_withdrawn_at=withdrawn_at)
        )

    def cases(
        self,
        institution_id: int,
        *,
        achievement_id: int | None = None,
        learner_id: int | None = None,
        case_id: int | None = None,
        public_only: bool = False,
    ) -> list[StoredCase]:
        query = (
            select(
                case_studies, achievements.c.name.label("achievement_name"), learners.c.email,
                learners.c.name.label("learner_name"), partners.c.name.label("partner_name"),
            )
            .join(achievements, achievements.c.id == case_studies.c.achievement_id)
            .join(learners, learners.c.id == case_studies.c.learner_id)
            .outerjoin(partners, partners.c.id == case_studies.c.partner_id)
            .where(case_studies.c.institution_id == institution_id)
            .order_by(case_studies.c.id.desc())
        )  # fmt: skip
        if achievement_id is not None:
            query = query.where(case_studies.c.achievement_id == achievement_id)
        if learner_id is not None:
            query = query.where(case_studies.c.learner_id == learner_id)
        if case_id is not None:
            query = query.where(case_studies.c.id == case_id)
        if public_only:
            query = query.where(
                case_studies.c.consented_at.is_not(None), case_studies.c.consent_withdrawn_at.is_(None)
            )
        return [
            StoredCase(
                r.id, r.achievement_id, r.achievement_name, r.email, r.learner_name, r.partner_name, r.title,
                r.task, r.outcome, r.evidence_url, r.consented_at, r.consent_withdrawn_at,
            )
            for r in self.conn.execute(query)
        ]  # fmt: skip

    # ---- verification events and counts

    def add_verification(
        self,
        institution_id: int,
        *,
        at: datetime,
        channel: str,
        verdict: str,
        award_public_id: str | None,
        partner_id: int | None,
    ) -> None:
        self.conn.execute(
            insert(verification_events).values(
                institution_id=institution_id, at=at, channel=channel, verdict=verdict,
                award_public_id=award_public_id, partner_id=partner_id,
            )
        )  # fmt: skip

    def counts(self, institution_id: int) -> dict[str, int]:
        """How many of each record the institution holds (for the outcomes page)."""

        def count(query: Any) -> int:
            return int(self.conn.execute(query).scalar() or 0)

        return {
            "sponsored_cohorts": count(select(func.count()).select_from(sponsored_cohorts).where(sponsored_cohorts.c.institution_id == institution_id)),
            "enrolments": count(select(func.count()).select_from(enrolments).where(enrolments.c.institution_id == institution_id)),
            "hires": count(select(func.count()).select_from(hires).where(hires.c.institution_id == institution_id)),
            "ratings": count(select(func.count()).select_from(hire_ratings).join(hires, hires.c.id == hire_ratings.c.hire_id).where(hires.c.institution_id == institution_id)),
            "demographics": count(select(func.count()).select_from(demographics).join(learners, learners.c.id == demographics.c.learner_id).where(learners.c.institution_id == institution_id)),
            "comparison_records": count(select(func.count()).select_from(comparison_records).join(comparison_cohorts, comparison_cohorts.c.id == comparison_records.c.cohort_id).where(comparison_cohorts.c.institution_id == institution_id)),
            "case_studies": count(select(func.count()).select_from(case_studies).where(case_studies.c.institution_id == institution_id)),
            "verifications": count(select(func.count()).select_from(verification_events).where(verification_events.c.institution_id == institution_id)),
        }  # fmt: skip
