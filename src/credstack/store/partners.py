"""Partner organisations and their co-design records, projects and mentorships.

Rows carry the ids of the partner, the achievement and the learner; what they hold comes back as
the domain's objects (``domain/partners.py``) with the names a page or an answer shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select, update

from credstack.domain.partners import (
    CoDesign,
    Mentorship,
    Outcome,
    Partner,
    PartnerKind,
    Project,
    ProjectKind,
    ProjectStatus,
    SignOff,
)
from credstack.store.tables import achievements, co_designs, learners, mentorships, partner_projects, partners


@dataclass(frozen=True)
class StoredPartner:
    id: int
    partner: Partner
    created_at: datetime


@dataclass(frozen=True)
class StoredCoDesign:
    id: int
    co_design: CoDesign
    partner_name: str
    achievement_id: int
    achievement_name: str


@dataclass(frozen=True)
class StoredProject:
    id: int
    project: Project
    partner_name: str
    achievement_id: int
    achievement_name: str


@dataclass(frozen=True)
class StoredMentorship:
    id: int
    public_id: str
    mentorship: Mentorship
    partner_name: str
    learner_name: str
    achievement_id: int | None
    achievement_name: str | None
    sign_off_key_hash: str
    created_by: str
    created_at: datetime


def _partner(r: Any) -> StoredPartner:
    return StoredPartner(
        r.id,
        Partner(
            name=r.name, kind=PartnerKind(r.kind), slug=r.slug, website=r.website, contact_name=r.contact_name,
            contact_email=r.contact_email, description=r.description,
        ),
        r.created_at,
    )  # fmt: skip


def _partner_values(p: Partner) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "name": p.name.strip(),
        "kind": p.kind.value,
        "website": p.website or None,
        "contact_name": p.contact_name or None,
        "contact_email": p.contact_email.strip().lower() if p.contact_email else None,
        "description": p.description.strip(),
    }


class PartnerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- partners ------------------------------------------------------------------------
    def add(self, institution_id: int, partner: Partner, *, created_by: str) -> int:
        return int(
            self.conn.execute(
                insert(partners)
                .values(institution_id=institution_id, created_by=created_by, **_partner_values(partner))
                .returning(partners.c.id)
            ).scalar_one()
        )

    def update(self, partner_id: int, partner: Partner) -> None:
        self.conn.execute(
            update(partners).where(partners.c.id == partner_id).values(**_partner_values(partner))
        )

    def remove(self, partner_id: int) -> None:
        self.conn.execute(delete(partners).where(partners.c.id == partner_id))

    def by_slug(self, institution_id: int, slug: str) -> StoredPartner | None:
        row = self.conn.execute(
            select(partners).where(partners.c.institution_id == institution_id, partners.c.slug == slug)
        ).one_or_none()
        return _partner(row) if row else None

    def all(self, institution_id: int) -> list[StoredPartner]:
        rows = self.conn.execute(
            select(partners)
            .where(partners.c.institution_id == institution_id)
            .order_by(func.lower(partners.c.name), partners.c.slug)
        )
        return [_partner(r) for r in rows]

    def usage(self, partner_id: int) -> dict[str, int]:
        """How many co-design records, projects and mentorships name the partner."""
        out = {}
        for label, table in (
            ("co-designs", co_designs),
            ("projects", partner_projects),
            ("mentorships", mentorships),
        ):
            out[label] = int(
                self.conn.execute(
                    select(func.count()).select_from(table).where(table.c.partner_id == partner_id)
                ).scalar_one()
            )
        return out

    # ---- co-design -----------------------------------------------------------------------
    def add_co_design(self, partner_id: int, achievement_id: int, co: CoDesign) -> int:
        return int(
            self.conn.execute(
                insert(co_designs)
                .values(
                    partner_id=partner_id, achievement_id=achievement_id, contribution=co.contribution.strip(),
                    since=co.since, until=co.until,
                )
                .returning(co_designs.c.id)
            ).scalar_one()
        )  # fmt: skip

    def co_designs(
        self, institution_id: int, *, partner_id: int | None = None, achievement_id: int | None = None
    ) -> list[StoredCoDesign]:
        query = (
            select(
                co_designs,
                partners.c.slug,
                partners.c.name.label("partner_name"),
                achievements.c.code,
                achievements.c.name.label("achievement_name"),
            )
            .join(partners, partners.c.id == co_designs.c.partner_id)
            .join(achievements, achievements.c.id == co_designs.c.achievement_id)
            .where(partners.c.institution_id == institution_id)
            .order_by(achievements.c.code, func.lower(partners.c.name), co_designs.c.since)
        )
        if partner_id is not None:
            query = query.where(co_designs.c.partner_id == partner_id)
        if achievement_id is not None:
            query = query.where(co_designs.c.achievement_id == achievement_id)
        return [
            StoredCoDesign(
                r.id, CoDesign(r.slug, r.code, r.contribution, r.since, r.until), r.partner_name,
                r.achievement_id, r.achievement_name,
            )
            for r in self.conn.execute(query)
        ]  # fmt: skip

    def co_design_exists(self, partner_id: int, achievement_id: int, since: object) -> bool:
        return (
            self.conn.execute(
                select(co_designs.c.id).where(
                    co_designs.c.partner_id == partner_id,
                    co_designs.c.achievement_id == achievement_id,
                    co_designs.c.since == since,
                )
            ).first()
            is not None
        )

    # ---- projects ------------------------------------------------------------------------
    def add_project(self, partner_id: int, achievement_id: int, p: Project) -> int:
        return int(
            self.conn.execute(
                insert(partner_projects)
                .values(
                    partner_id=partner_id, achievement_id=achievement_id, kind=p.kind.value, title=p.title.strip(),
                    brief=p.brief.strip(), places=p.places, opens=p.opens, closes=p.closes, status=p.status.value,
                )
                .returning(partner_projects.c.id)
            ).scalar_one()
        )  # fmt: skip

    def set_project_status(self, project_id: int, status: ProjectStatus) -> None:
        self.conn.execute(
            update(partner_projects).where(partner_projects.c.id == project_id).values(status=status.value)
        )

    def _projects(self, institution_id: int) -> Select[Any]:
        return (
            select(
                partner_projects,
                partners.c.slug,
                partners.c.name.label("partner_name"),
                achievements.c.code,
                achievements.c.name.label("achievement_name"),
            )
            .join(partners, partners.c.id == partner_projects.c.partner_id)
            .join(achievements, achievements.c.id == partner_projects.c.achievement_id)
            .where(partners.c.institution_id == institution_id)
        )

    def project(self, institution_id: int, project_id: int) -> StoredProject | None:
        row = self.conn.execute(
            self._projects(institution_id).where(partner_projects.c.id == project_id)
        ).one_or_none()
        return _project(row) if row else None

    def projects(
        self,
        institution_id: int,
        *,
        partner_id: int | None = None,
        achievement_id: int | None = None,
        status: ProjectStatus | None = None,
    ) -> list[StoredProject]:
        query = self._projects(institution_id).order_by(partner_projects.c.closes, partner_projects.c.id)
        if partner_id is not None:
            query = query.where(partner_projects.c.partner_id == partner_id)
        if achievement_id is not None:
            query = query.where(partner_projects.c.achievement_id == achievement_id)
        if status is not None:
            query = query.where(partner_projects.c.status == status.value)
        return [_project(r) for r in self.conn.execute(query)]

    def project_titled(self, partner_id: int, title: str) -> int | None:
        return self.conn.execute(
            select(partner_projects.c.id).where(
                partner_projects.c.partner_id == partner_id, partner_projects.c.title == title.strip()
            )
        ).scalar_one_or_none()

    def speaking_for(self, institution_id: int, email: str) -> list[StoredPartner]:
        """The partners an employer user speaks for: those whose contact email is theirs, and
        those the user mentors for. Both are recorded facts; an email's domain alone is not (a
        shared mail provider would join strangers to an organisation)."""
        email = email.strip().lower()
        mentors_for = select(mentorships.c.partner_id).where(func.lower(mentorships.c.mentor_email) == email)
        rows = self.conn.execute(
            select(partners)
            .where(
                partners.c.institution_id == institution_id,
                (func.lower(partners.c.contact_email) == email) | partners.c.id.in_(mentors_for),
            )
            .order_by(partners.c.slug)
        )
        return [_partner(r) for r in rows]

    # ---- mentorships ---------------------------------------------------------------------
    def add_mentorship(
        self,
        *,
        public_id: str,
        partner_id: int,
        learner_id: int,
        achievement_id: int | None,
        mentorship: Mentorship,
        sign_off_key_hash: str,
        created_by: str,
    ) -> int:
        m = mentorship
        return int(
            self.conn.execute(
                insert(mentorships)
                .values(
                    public_id=public_id, partner_id=partner_id, learner_id=learner_id,
                    achievement_id=achievement_id, mentor_name=m.mentor_name.strip(), mentor_email=m.mentor_email,
                    goal=m.goal.strip(), starts=m.starts, ends=m.ends, hours=m.hours,
                    sign_off_key_hash=sign_off_key_hash, created_by=created_by,
                )
                .returning(mentorships.c.id)
            ).scalar_one()
        )  # fmt: skip

    def record_sign_off(self, mentorship_id: int, sign_off: SignOff) -> bool:
        """Store the sign-off unless one is there already (whether it was stored)."""
        result = self.conn.execute(
            update(mentorships)
            .where(mentorships.c.id == mentorship_id, mentorships.c.signed_at.is_(None))
            .values(
                signed_at=sign_off.signed_at,
                signed_by=sign_off.signed_by,
                statement=sign_off.statement,
                outcome=sign_off.outcome.value,
            )
        )
        return bool(result.rowcount)

    def _mentorships(self, institution_id: int) -> Select[Any]:
        return (
            select(
                mentorships,
                partners.c.slug,
                partners.c.name.label("partner_name"),
                learners.c.email.label("learner_email"),
                learners.c.name.label("learner_name"),
                achievements.c.code,
                achievements.c.name.label("achievement_name"),
            )
            .join(partners, partners.c.id == mentorships.c.partner_id)
            .join(learners, learners.c.id == mentorships.c.learner_id)
            .outerjoin(achievements, achievements.c.id == mentorships.c.achievement_id)
            .where(partners.c.institution_id == institution_id)
        )

    def mentorship(self, institution_id: int, public_id: str) -> StoredMentorship | None:
        row = self.conn.execute(
            self._mentorships(institution_id).where(mentorships.c.public_id == public_id)
        ).one_or_none()
        return _mentorship(row) if row else None

    def mentorships(
        self,
        institution_id: int,
        *,
        mentor_email: str | None = None,
        learner_email: str | None = None,
        partner_id: int | None = None,
    ) -> list[StoredMentorship]:
        query = self._mentorships(institution_id).order_by(mentorships.c.starts.desc(), mentorships.c.id)
        if mentor_email is not None:
            query = query.where(mentorships.c.mentor_email == mentor_email.strip().lower())
        if learner_email is not None:
            query = query.where(learners.c.email == learner_email.strip().lower())
        if partner_id is not None:
            query = query.where(mentorships.c.partner_id == partner_id)
        return [_mentorship(r) for r in self.conn.execute(query)]


def _project(r: Any) -> StoredProject:
    project = Project(
        partner=r.slug, achievement=r.code, title=r.title, brief=r.brief, opens=r.opens, closes=r.closes,
        kind=ProjectKind(r.kind), places=r.places, status=ProjectStatus(r.status),
    )  # fmt: skip
    return StoredProject(r.id, project, r.partner_name, r.achievement_id, r.achievement_name)


def _mentorship(r: Any) -> StoredMentorship:
    sign_off = (
        SignOff(r.signed_at, r.signed_by or "", r.statement or "", Outcome(r.outcome))
        if r.signed_at is not None and r.outcome
        else None
    )
    m = Mentorship(
        partner=r.slug, mentor_name=r.mentor_name, mentor_email=r.mentor_email, learner_email=r.learner_email,
        goal=r.goal, starts=r.starts, ends=r.ends, hours=r.hours, achievement=r.code, sign_off=sign_off,
    )  # fmt: skip
    return StoredMentorship(
        r.id, r.public_id, m, r.partner_name, r.learner_name, r.achievement_id, r.achievement_name,
        r.sign_off_key_hash, r.created_by, r.created_at,
    )  # fmt: skip
