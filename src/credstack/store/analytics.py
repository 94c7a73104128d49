"""The analytics queries: a refresh that derives the summary tables (analytics_items,
analytics_paths, analytics_transitions) from enrolments, awards and hires in SQL, and the
aggregates each analytics page reads from them. Everything here is SQLAlchemy Core and runs on
SQLite and PostgreSQL; nothing loads awards into Python: the largest result is one row per
distinct (days, outcome) or per group.

Days are whole days from the learner's entry (``enrolments.started``); a date is the UTC date
of an award's ``valid_from`` (the day the credential says it was earned).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    and_,
    case,
    cast,
    delete,
    distinct,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.sql.elements import KeyedColumnElement

from credstack.domain.analytics import END, START, Selection
from credstack.store.tables import (
    achievements,
    analytics_items,
    analytics_paths,
    analytics_refreshes,
    analytics_transitions,
    assignments,
    awards,
    co_designs,
    comparison_cohorts,
    comparison_records,
    demographics,
    enrolments,
    hire_ratings,
    hires,
    learners,
    memberships,
    mentorships,
    partners,
    pathways,
    sponsored_cohorts,
    verification_events,
)


@dataclass(frozen=True, slots=True)
class Item:
    pathway: str
    code: str
    position: int
    terminal: bool


@dataclass(frozen=True, slots=True)
class Refresh:
    as_of: date
    refreshed_at: datetime
    learners: int


@dataclass(frozen=True, slots=True)
class SponsoredCohort:
    id: int
    code: str
    name: str
    sponsor: str  # the partner's slug
    sponsor_name: str
    pathway: str
    seats: int
    seat_price: Any
    currency: str
    starts: date
    productivity_gain: Any
    retention_rate: Any
    baseline_retention_rate: Any
    replacement_cost: Any
    programme_cost: Any
    roi_years: Any


class AnalyticsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---- the refresh -----------------------------------------------------------------------

    def _days(self, later: Any, earlier: Any) -> ColumnElement[int]:
        """Whole days from ``earlier`` to ``later`` (both dates)."""
        if self.conn.dialect.name == "postgresql":
            return cast(later - earlier, Integer)
        return cast(func.julianday(later) - func.julianday(earlier), Integer)

    def _day(self, moment: Any) -> ColumnElement[date]:
        """The UTC date of a stored timestamp."""
        if self.conn.dialect.name == "postgresql":
            return cast(func.timezone("UTC", moment), Date)
        return func.date(moment)

    def pathway_definitions(self, institution_id: int) -> list[tuple[str, str, dict[str, Any]]]:
        """(code, awards_code, definition) of each pathway's live version: the newest published
        one, else the newest."""
        rows = self.conn.execute(
            select(pathways.c.code, pathways.c.awards_code, pathways.c.definition, pathways.c.state)
            .where(pathways.c.institution_id == institution_id)
            .order_by(pathways.c.code, pathways.c.version)
        ).all()
        chosen: dict[str, tuple[str, dict[str, Any], bool]] = {}
        for code, awards_code, definition, state in rows:
            published = state == "published"
            known = chosen.get(code)
            if known is None or published or not known[2]:
                chosen[code] = (awards_code, definition, published)
        return [(code, a, d) for code, (a, d, _) in sorted(chosen.items())]

    def achievement_ids(self, institution_id: int) -> dict[str, int]:
        rows = self.conn.execute(
            select(achievements.c.code, achievements.c.id).where(
                achievements.c.institution_id == institution_id
            )
        ).all()
        return {code: i for code, i in rows}

    def tune_for_refresh(self) -> None:
        """Room for the refresh's sorts and hashes in memory (PostgreSQL; this transaction only)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SET LOCAL work_mem = '256MB'"))

    def clear(self, institution_id: int) -> None:
        for table in (analytics_transitions, analytics_paths, analytics_items, analytics_refreshes):
            self.conn.execute(delete(table).where(table.c.institution_id == institution_id))

    def add_items(self, institution_id: int, items: Sequence[tuple[Item, int]]) -> None:
        if items:
            self.conn.execute(
                insert(analytics_items),
                [
                    {
                        "institution_id": institution_id,
                        "pathway_code": item.pathway,
                        "achievement_id": achievement_id,
                        "code": item.code,
                        "position": item.position,
                        "terminal": item.terminal,
                    }
                    for item, achievement_id in items
                ],
            )

    def _earned(self, institution_id: int, as_of: date) -> Any:
        """Per enrolment and pathway item: the day it was first earned (by ``as_of``), ranked in
        the order earned (same day: by code) and, separately, among the non-terminal items."""
        e, i, a = enrolments, analytics_items, awards
        earned_day = func.min(self._day(a.c.valid_from))
        first = (
            select(
                e.c.id.label("enrolment_id"),
                i.c.code.label("code"),
                i.c.terminal.label("terminal"),
                earned_day.label("earned"),
            )
            .select_from(
                e.join(
                    i, and_(i.c.institution_id == e.c.institution_id, i.c.pathway_code == e.c.pathway_code)
                ).join(a, and_(a.c.learner_id == e.c.learner_id, a.c.achievement_id == i.c.achievement_id))
            )
            .where(
                e.c.institution_id == institution_id,
                e.c.started <= as_of,
                a.c.status != "revoked",
                a.c.valid_from < datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC),
            )
            .group_by(e.c.id, i.c.code, i.c.terminal)
            .cte("first_earned")
        )
        return select(
            first.c.enrolment_id,
            first.c.code,
            first.c.terminal,
            first.c.earned,
            func.row_number()
            .over(partition_by=first.c.enrolment_id, order_by=(first.c.earned, first.c.code))
            .label("rn"),
            func.row_number()
            .over(
                partition_by=(first.c.enrolment_id, first.c.terminal), order_by=(first.c.earned, first.c.code)
            )
            .label("rn_kind"),
        ).cte("ranked")

    def _sponsor(self) -> Any:
        return func.coalesce(partners.c.slug, "")

    def _enrolment_source(self) -> Any:
        return enrolments.outerjoin(
            sponsored_cohorts, sponsored_cohorts.c.id == enrolments.c.sponsored_cohort_id
        ).outerjoin(partners, partners.c.id == sponsored_cohorts.c.partner_id)

    def build_paths(self, institution_id: int, as_of: date) -> int:
        e = enrolments
        ranked = self._earned(institution_id, as_of)

        def clamp(days: ColumnElement[int]) -> ColumnElement[int]:
            return case((days < 0, 0), else_=days)

        not_terminal = ranked.c.terminal.is_(False)
        first_day = func.min(ranked.c.earned)
        second_day = func.max(case((and_(not_terminal, ranked.c.rn_kind == 2), ranked.c.earned)))
        done_day = func.max(case((ranked.c.terminal.is_(True), ranked.c.earned)))
        first_hire = (
            select(func.min(hires.c.hired))
            .where(hires.c.learner_id == e.c.learner_id, hires.c.hired >= e.c.started, hires.c.hired <= as_of)
            .scalar_subquery()
        )
        query = (
            select(
                e.c.institution_id,
                e.c.pathway_code,
                e.c.learner_id,
                e.c.started,
                e.c.cohort,
                e.c.site,
                self._sponsor(),
                e.c.sponsored_cohort_id,
                func.coalesce(func.sum(case((not_terminal, 1), else_=0)), 0),
                clamp(self._days(first_day, e.c.started)),
                clamp(self._days(second_day, e.c.started)),
                clamp(self._days(done_day, e.c.started)),
                case((e.c.withdrawn <= as_of, clamp(self._days(e.c.withdrawn, e.c.started)))),
                self._days(literal(as_of, Date), e.c.started),
                self._days(first_hire, e.c.started),
            )
            .select_from(self._enrolment_source().outerjoin(ranked, ranked.c.enrolment_id == e.c.id))
            .where(e.c.institution_id == institution_id, e.c.started <= as_of)
            .group_by(
                e.c.id,
                e.c.institution_id,
                e.c.pathway_code,
                e.c.learner_id,
                e.c.started,
                e.c.cohort,
                e.c.site,
                partners.c.slug,
                e.c.sponsored_cohort_id,
                e.c.withdrawn,
            )
        )
        names = [
            "institution_id",
            "pathway_code",
            "learner_id",
            "started",
            "cohort",
            "site",
            "sponsor",
            "sponsored_cohort_id",
            "modules",
            "first_days",
            "second_days",
            "done_days",
            "left_days",
            "span_days",
            "hire_days",
        ]
        self.conn.execute(insert(analytics_paths).from_select(names, query))
        return int(
            self.conn.execute(
                select(func.count()).where(analytics_paths.c.institution_id == institution_id)
            ).scalar_one()
        )

    def build_transitions(self, institution_id: int, as_of: date) -> None:
        e = enrolments
        ranked = self._earned(institution_id, as_of)
        following = ranked.alias("following")
        steps = select(
            ranked.c.enrolment_id,
            ranked.c.code.label("from_code"),
            func.coalesce(following.c.code, END).label("to_code"),
        ).select_from(
            ranked.outerjoin(
                following,
                and_(following.c.enrolment_id == ranked.c.enrolment_id, following.c.rn == ranked.c.rn + 1),
            )
        )
        starts = (
            select(
                e.c.id.label("enrolment_id"),
                literal(START).label("from_code"),
                func.coalesce(ranked.c.code, END).label("to_code"),
            )
            .select_from(e.outerjoin(ranked, and_(ranked.c.enrolment_id == e.c.id, ranked.c.rn == 1)))
            .where(e.c.institution_id == institution_id, e.c.started <= as_of)
        )
        edges = union_all(steps, starts).subquery("edges")
        query = (
            select(
                e.c.institution_id,
                e.c.pathway_code,
                e.c.started,
                e.c.cohort,
                e.c.site,
                self._sponsor().label("sponsor"),
                edges.c.from_code,
                edges.c.to_code,
                func.count(),
            )
            .select_from(self._enrolment_source().join(edges, edges.c.enrolment_id == e.c.id))
            .group_by(
                e.c.institution_id,
                e.c.pathway_code,
                e.c.started,
                e.c.cohort,
                e.c.site,
                partners.c.slug,
                edges.c.from_code,
                edges.c.to_code,
            )
        )
        names = [
            "institution_id",
            "pathway_code",
            "started",
            "cohort",
            "site",
            "sponsor",
            "from_code",
            "to_code",
            "learners",
        ]
        self.conn.execute(insert(analytics_transitions).from_select(names, query))

    def record_refresh(self, institution_id: int, as_of: date, at: datetime, count: int) -> None:
        self.conn.execute(
            insert(analytics_refreshes).values(
                institution_id=institution_id, as_of=as_of, refreshed_at=at, learners=count
            )
        )

    def last_refresh(self, institution_id: int) -> Refresh | None:
        row = self.conn.execute(
            select(
                analytics_refreshes.c.as_of,
                analytics_refreshes.c.refreshed_at,
                analytics_refreshes.c.learners,
            ).where(analytics_refreshes.c.institution_id == institution_id)
        ).first()
        return Refresh(row[0], row[1], row[2]) if row else None

    # ---- what the filters offer ------------------------------------------------------------

    def items(self, institution_id: int) -> list[Item]:
        rows = self.conn.execute(
            select(
                analytics_items.c.pathway_code,
                analytics_items.c.code,
                analytics_items.c.position,
                analytics_items.c.terminal,
            )
            .where(analytics_items.c.institution_id == institution_id)
            .order_by(analytics_items.c.pathway_code, analytics_items.c.position)
        ).all()
        return [Item(*r) for r in rows]

    def options(self, institution_id: int) -> dict[str, list[str]]:
        """The distinct pathways, cohorts, sites and sponsors in the summary."""
        p = analytics_paths
        found: dict[str, list[str]] = {}
        for name, column in (
            ("pathway", p.c.pathway_code),
            ("cohort", p.c.cohort),
            ("site", p.c.site),
            ("sponsor", p.c.sponsor),
        ):
            found[name] = [
                v
                for (v,) in self.conn.execute(
                    select(column).distinct().where(p.c.institution_id == institution_id).order_by(column)
                )
                if v
            ]
        return found

    def enrolled_by_pathway(self, institution_id: int, sponsor: str | None = None) -> dict[str, int]:
        p = analytics_paths
        where = [p.c.institution_id == institution_id]
        if sponsor is not None:
            where.append(p.c.sponsor == sponsor)
        rows = self.conn.execute(
            select(p.c.pathway_code, func.count()).where(*where).group_by(p.c.pathway_code)
        ).all()
        return {code: n for code, n in rows}

    # ---- the metrics -----------------------------------------------------------------------

    @staticmethod
    def _where(table: Any, institution_id: int, selection: Selection) -> list[ColumnElement[bool]]:
        c = table.c
        where: list[ColumnElement[bool]] = [c.institution_id == institution_id]
        if selection.pathway is not None:
            where.append(c.pathway_code == selection.pathway)
        if selection.cohort is not None:
            where.append(c.cohort == selection.cohort)
        if selection.site is not None:
            where.append(c.site == selection.site)
        if selection.sponsor is not None:
            where.append(c.sponsor == selection.sponsor)
        if selection.started_from is not None:
            where.append(c.started >= selection.started_from)
        if selection.started_before is not None:
            where.append(c.started < selection.started_before)
        return where

    def transitions(self, institution_id: int, selection: Selection) -> list[tuple[str, str, int]]:
        t = analytics_transitions
        rows = self.conn.execute(
            select(t.c.from_code, t.c.to_code, func.sum(t.c.learners))
            .where(*self._where(t, institution_id, selection))
            .group_by(t.c.from_code, t.c.to_code)
        ).all()
        return [(f, to, int(n)) for f, to, n in rows]

    def module_counts(self, institution_id: int, selection: Selection) -> tuple[dict[int, int], int]:
        """Learners by the number of modules earned, and how many hold the terminal credential."""
        p = analytics_paths
        where = self._where(p, institution_id, selection)
        rows = self.conn.execute(select(p.c.modules, func.count()).where(*where).group_by(p.c.modules)).all()
        done = self.conn.execute(select(func.count()).where(*where, p.c.done_days.is_not(None))).scalar_one()
        return {int(m): int(n) for m, n in rows}, int(done)

    def durations(
        self, institution_id: int, selection: Selection, *, withdrawal: str, split: str | None = None
    ) -> list[tuple[str, int, bool, int]]:
        """(split value, days, completed, learners) for the Kaplan-Meier estimate."""
        p = analytics_paths
        if withdrawal == "censored":
            event: ColumnElement[bool] = and_(
                p.c.done_days.is_not(None), or_(p.c.left_days.is_(None), p.c.done_days <= p.c.left_days)
            )
            days = case(
                (event, p.c.done_days), (p.c.left_days.is_not(None), p.c.left_days), else_=p.c.span_days
            )
        else:
            event = p.c.done_days.is_not(None)
            days = case((event, p.c.done_days), else_=p.c.span_days)
        flag = case((event, 1), else_=0)
        group = p.c.cohort if split == "cohort" else literal("")
        rows = self.conn.execute(
            select(group, days, flag, func.count())
            .where(*self._where(p, institution_id, selection))
            .group_by(group, days, flag)
        ).all()
        return [(g, int(d), bool(f), int(n)) for g, d, f, n in rows]

    def hiring(
        self, institution_id: int, selection: Selection, window_days: int
    ) -> tuple[int, list[tuple[int, int]]]:
        """Completers with the whole window behind them, and (days from credential to first
        hire, learners) for those hired within the window."""
        p = analytics_paths
        eligible = and_(
            *self._where(p, institution_id, selection),
            p.c.done_days.is_not(None),
            p.c.done_days + window_days <= p.c.span_days,
        )
        completers = self.conn.execute(select(func.count()).where(eligible)).scalar_one()
        wait = case((p.c.hire_days < p.c.done_days, 0), else_=p.c.hire_days - p.c.done_days)
        rows = self.conn.execute(
            select(wait, func.count())
            .where(eligible, p.c.hire_days.is_not(None), p.c.hire_days <= p.c.done_days + window_days)
            .group_by(wait)
        ).all()
        return int(completers), [(int(w), int(n)) for w, n in rows]

    def ratings(self, institution_id: int, selection: Selection) -> list[tuple[str, int | None, float, int]]:
        """(kind, months, score on a 5-point scale, ratings) over the hires of selected learners."""
        p, h, r = analytics_paths, hires, hire_ratings
        score = r.c.score * 5 / r.c.scale_max
        chosen = select(p.c.learner_id).where(*self._where(p, institution_id, selection)).subquery()
        rows = self.conn.execute(
            select(r.c.kind, r.c.months, score, func.count())
            .select_from(r.join(h, h.c.id == r.c.hire_id).join(chosen, chosen.c.learner_id == h.c.learner_id))
            .group_by(r.c.kind, r.c.months, score)
        ).all()
        return [(k, m, float(s), int(n)) for k, m, s, n in rows]

    def retention(
        self, institution_id: int, selection: Selection, as_of: date, months: int = 12
    ) -> tuple[int, int]:
        """(hires at least ``months`` old, of which still employed ``months`` after the hire)
        among the hires of selected learners made on or after their entry."""
        p, h = analytics_paths, hires
        days = round(months * 365.25 / 12)
        cutoff = as_of - timedelta(days=days)
        chosen = (
            select(p.c.learner_id, p.c.started).where(*self._where(p, institution_id, selection)).subquery()
        )
        stayed = case((or_(h.c.left.is_(None), self._days(h.c.left, h.c.hired) >= days), 1), else_=0)
        row = self.conn.execute(
            select(func.count(), func.coalesce(func.sum(stayed), 0))
            .select_from(h.join(chosen, chosen.c.learner_id == h.c.learner_id))
            .where(h.c.hired >= chosen.c.started, h.c.hired <= cutoff)
        ).one()
        return int(row[0]), int(row[1])

    def equity_counts(
        self, institution_id: int, selection: Selection, attribute: str, horizon_days: int
    ) -> list[tuple[str, int, int, int]]:
        """(group, learners, progressed, completed) over the consented learners who had the
        whole horizon."""
        p, d = analytics_paths, demographics
        completed = and_(p.c.done_days.is_not(None), p.c.done_days <= horizon_days)
        progressed = or_(completed, and_(p.c.second_days.is_not(None), p.c.second_days <= horizon_days))
        rows = self.conn.execute(
            select(
                d.c.group_label,
                func.count(),
                func.sum(case((progressed, 1), else_=0)),
                func.sum(case((completed, 1), else_=0)),
            )
            .select_from(p.join(d, and_(d.c.learner_id == p.c.learner_id, d.c.attribute == attribute)))
            .where(*self._where(p, institution_id, selection), p.c.span_days >= horizon_days)
            .group_by(d.c.group_label)
        ).all()
        return [(g, int(n), int(k1), int(k2)) for g, n, k1, k2 in rows]

    def attributes(self, institution_id: int) -> list[str]:
        p, d = analytics_paths, demographics
        rows = self.conn.execute(
            select(d.c.attribute)
            .distinct()
            .where(d.c.learner_id.in_(select(p.c.learner_id).where(p.c.institution_id == institution_id)))
            .order_by(d.c.attribute)
        ).all()
        return [a for (a,) in rows]

    def comparison_cohorts(self, institution_id: int) -> list[tuple[str, str]]:
        c = comparison_cohorts
        rows = self.conn.execute(
            select(c.c.code, c.c.name).where(c.c.institution_id == institution_id).order_by(c.c.code)
        ).all()
        return [(code, name) for code, name in rows]

    def comparison_rows(
        self, institution_id: int, code: str
    ) -> list[tuple[date, date | None, date | None, dict[str, str]]]:
        c, r = comparison_cohorts, comparison_records
        rows = self.conn.execute(
            select(r.c.started, r.c.completed, r.c.withdrawn, r.c.groups)
            .select_from(r.join(c, c.c.id == r.c.cohort_id))
            .where(c.c.institution_id == institution_id, c.c.code == code)
        ).all()
        return [(s, done, left, dict(g or {})) for s, done, left, g in rows]

    def sponsored_cohorts(self, institution_id: int, sponsor: str | None = None) -> list[SponsoredCohort]:
        s = sponsored_cohorts
        query = (
            select(
                s.c.id,
                s.c.code,
                s.c.name,
                partners.c.slug,
                partners.c.name,
                s.c.pathway_code,
                s.c.seats,
                s.c.seat_price,
                s.c.currency,
                s.c.starts,
                s.c.productivity_gain,
                s.c.retention_rate,
                s.c.baseline_retention_rate,
                s.c.replacement_cost,
                s.c.programme_cost,
                s.c.roi_years,
            )
            .select_from(s.join(partners, partners.c.id == s.c.partner_id))
            .where(s.c.institution_id == institution_id)
            .order_by(partners.c.slug, s.c.code)
        )
        if sponsor is not None:
            query = query.where(partners.c.slug == sponsor)
        return [SponsoredCohort(*tuple(r)) for r in self.conn.execute(query).all()]

    def cohort_members(self, institution_id: int, cohort_ids: Sequence[int]) -> list[tuple[int, int, bool]]:
        """(sponsored cohort id, learner id, holds the terminal credential) per member."""
        if not cohort_ids:
            return []
        p = analytics_paths
        rows = self.conn.execute(
            select(p.c.sponsored_cohort_id, p.c.learner_id, p.c.done_days.is_not(None)).where(
                p.c.institution_id == institution_id, p.c.sponsored_cohort_id.in_(list(cohort_ids))
            )
        ).all()
        return [(int(c), int(learner), bool(done)) for c, learner, done in rows]

    def partner_slugs_for_email(self, institution_id: int, email: str) -> list[str]:
        """The partners an employer user speaks for (store/partners.py ``speaking_for``)."""
        from credstack.store.partners import PartnerRepository

        return [p.partner.slug for p in PartnerRepository(self.conn).speaking_for(institution_id, email)]

    def engagement(
        self, institution_id: int, *, sponsor: str | None, since: date | None, before: date | None
    ) -> dict[str, int]:
        """Employer engagement counts; ``since``/``before`` bound the dates of the events
        counted (hires, verifications, co-designs, cohorts' starts, mentorships' starts)."""

        def period(column: KeyedColumnElement[Any]) -> list[ColumnElement[bool]]:
            where: list[ColumnElement[bool]] = []
            if since is not None:
                where.append(column >= since)
            if before is not None:
                where.append(column < before)
            return where

        def moment(column: KeyedColumnElement[Any]) -> list[ColumnElement[bool]]:
            where: list[ColumnElement[bool]] = []
            if since is not None:
                where.append(column >= datetime.combine(since, datetime.min.time(), UTC))
            if before is not None:
                where.append(column < datetime.combine(before, datetime.min.time(), UTC))
            return where

        pt = partners
        mine = [pt.c.institution_id == institution_id]
        if sponsor is not None:
            mine.append(pt.c.slug == sponsor)
        partner_ids = select(pt.c.id).where(*mine)
        scalar = self.conn.execute
        co = select(co_designs.c.partner_id.label("pid")).where(
            co_designs.c.partner_id.in_(partner_ids), *period(co_designs.c.since)
        )
        sc = select(sponsored_cohorts.c.partner_id.label("pid")).where(
            sponsored_cohorts.c.partner_id.in_(partner_ids), *period(sponsored_cohorts.c.starts)
        )
        hi = select(hires.c.partner_id.label("pid")).where(
            hires.c.partner_id.in_(partner_ids), *period(hires.c.hired)
        )
        me = select(mentorships.c.partner_id.label("pid")).where(
            mentorships.c.partner_id.in_(partner_ids), *period(mentorships.c.starts)
        )
        ve = select(verification_events.c.partner_id.label("pid")).where(
            verification_events.c.partner_id.in_(partner_ids), *moment(verification_events.c.at)
        )
        active = union_all(co, sc, hi, me, ve).subquery()
        counts = {
            "partners": scalar(select(func.count()).where(*mine)).scalar_one(),
            "active partners": scalar(select(func.count(distinct(active.c.pid)))).scalar_one(),
            "co-designed modules": scalar(
                select(func.count(distinct(co_designs.c.achievement_id))).where(
                    co_designs.c.partner_id.in_(partner_ids), *period(co_designs.c.since)
                )
            ).scalar_one(),
            "mentors": scalar(
                select(func.count(distinct(mentorships.c.mentor_email))).where(
                    mentorships.c.partner_id.in_(partner_ids), *period(mentorships.c.starts)
                )
            ).scalar_one(),
            "verifications by employers": scalar(
                select(func.count()).where(
                    verification_events.c.partner_id.in_(partner_ids), *moment(verification_events.c.at)
                )
            ).scalar_one(),
            "sponsored cohorts": scalar(
                select(func.count()).where(
                    sponsored_cohorts.c.partner_id.in_(partner_ids), *period(sponsored_cohorts.c.starts)
                )
            ).scalar_one(),
            "sponsored seats": scalar(
                select(func.coalesce(func.sum(sponsored_cohorts.c.seats), 0)).where(
                    sponsored_cohorts.c.partner_id.in_(partner_ids), *period(sponsored_cohorts.c.starts)
                )
            ).scalar_one(),
            "hires": scalar(
                select(func.count()).where(
                    hires.c.institution_id == institution_id,
                    *([hires.c.partner_id.in_(partner_ids)] if sponsor is not None else []),
                    *period(hires.c.hired),
                )
            ).scalar_one(),
        }
        if sponsor is None:  # employer assessors are people, not tied to one partner
            counts["employer assessors"] = scalar(
                select(func.count(distinct(assignments.c.assessor_id))).where(
                    assignments.c.assessor_id.in_(
                        select(memberships.c.user_id).where(
                            memberships.c.institution_id == institution_id, memberships.c.role == "employer"
                        )
                    ),
                    *moment(assignments.c.assigned_at),
                )
            ).scalar_one()
        return {k: int(v) for k, v in counts.items()}

    def learner_count(self, institution_id: int) -> int:
        return int(
            self.conn.execute(
                select(func.count()).where(learners.c.institution_id == institution_id)
            ).scalar_one()
        )
