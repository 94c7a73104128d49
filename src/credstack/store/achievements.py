"""Achievements (credential definitions), their competency alignments and rubric."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, exists, func, insert, select

from credstack.domain.achievement import (
    Achievement,
    AchievementKind,
    Alignment,
    CreditUnit,
    CreditValue,
    LifecycleState,
    Money,
)
from credstack.store.frameworks import CompetencyRow, FrameworkRepository, add_rubric, load_rubric
from credstack.store.tables import achievement_alignments, achievements, competencies, rubrics


@dataclass(frozen=True)
class AlignedCompetency:
    row: CompetencyRow
    level_reached: int


@dataclass(frozen=True)
class StoredAchievement:
    id: int
    achievement: Achievement
    aligned: list[AlignedCompetency]


@dataclass(frozen=True)
class CatalogFilter:
    kind: AchievementKind | None = None
    level: int | None = None
    competency_id: int | None = None
    text: str | None = None
    state: LifecycleState | None = None


class AchievementRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def codes(self, institution_id: int) -> set[str]:
        rows = self.conn.execute(
            select(achievements.c.code).where(achievements.c.institution_id == institution_id)
        )
        return {r.code for r in rows}

    def add(self, institution_id: int, achievement: Achievement, competency_ids: dict[str, int]) -> int:
        """Store an achievement; ``competency_ids`` maps each alignment's competency key to its row id."""
        a = achievement
        achievement_id = int(
            self.conn.execute(
                insert(achievements)
                .values(
                    institution_id=institution_id,
                    code=a.code,
                    name=a.name,
                    kind=a.kind.value,
                    description=a.description,
                    criteria=a.criteria,
                    level=a.level,
                    credit_amount=a.credits.amount if a.credits else None,
                    credit_unit=a.credits.unit.value if a.credits else None,
                    validity_months=a.validity_months,
                    price_amount=a.price.amount if a.price else None,
                    price_currency=a.price.currency if a.price else None,
                    state=a.state.value,
                    next_review=a.next_review,
                    tags=list(a.tags),
                    expected_hours=a.expected_hours,
                    employer_partners=list(a.employer_partners),
                )
                .returning(achievements.c.id)
            ).scalar_one()
        )
        if a.alignments:
            self.conn.execute(
                insert(achievement_alignments),
                [
                    {
                        "achievement_id": achievement_id,
                        "competency_id": competency_ids[al.competency],
                        "level_reached": al.level_reached,
                    }
                    for al in a.alignments
                ],
            )
        if a.rubric is not None:
            add_rubric(self.conn, institution_id, a.rubric, achievement_id=achievement_id)
        return achievement_id

    def id_for_code(self, institution_id: int, code: str) -> int | None:
        return self.conn.execute(
            select(achievements.c.id).where(
                achievements.c.institution_id == institution_id, achievements.c.code == code
            )
        ).scalar_one_or_none()

    def get(self, achievement_id: int, *, with_rubric: bool = True) -> StoredAchievement | None:
        row = self.conn.execute(select(achievements).where(achievements.c.id == achievement_id)).one_or_none()
        if row is None:
            return None
        return self._hydrate([row], with_rubric=with_rubric)[0]

    def search(self, institution_id: int, flt: CatalogFilter | None = None) -> list[StoredAchievement]:
        flt = flt or CatalogFilter()
        query = select(achievements).where(achievements.c.institution_id == institution_id)
        if flt.kind is not None:
            query = query.where(achievements.c.kind == flt.kind.value)
        if flt.level is not None:
            query = query.where(achievements.c.level == flt.level)
        if flt.state is not None:
            query = query.where(achievements.c.state == flt.state.value)
        if flt.competency_id is not None:
            query = query.where(
                exists().where(
                    achievement_alignments.c.achievement_id == achievements.c.id,
                    achievement_alignments.c.competency_id == flt.competency_id,
                )
            )
        if flt.text:
            like = f"%{flt.text.lower()}%"
            query = query.where(
                achievements.c.name.ilike(like)
                | achievements.c.code.ilike(like)
                | achievements.c.description.ilike(like)
            )
        order = {k.value: i for i, k in enumerate(AchievementKind)}
        rows = list(self.conn.execute(query))
        rows.sort(key=lambda r: (order.get(r.kind, 9), r.code))
        return self._hydrate(rows, with_rubric=False)

    def count_by_kind(self, institution_id: int) -> dict[str, int]:
        """How many achievements of each kind the institution's catalog holds."""
        rows = self.conn.execute(
            select(achievements.c.kind, func.count().label("n"))
            .where(achievements.c.institution_id == institution_id)
            .group_by(achievements.c.kind)
        )
        return {r.kind: int(r.n) for r in rows}

    def count_by_competency(self, framework_id: int) -> dict[int, int]:
        """For each competency of a framework, how many achievements align to it."""
        rows = self.conn.execute(
            select(achievement_alignments.c.competency_id, func.count().label("n"))
            .join(competencies, competencies.c.id == achievement_alignments.c.competency_id)
            .where(competencies.c.framework_id == framework_id)
            .group_by(achievement_alignments.c.competency_id)
        )
        return {r.competency_id: int(r.n) for r in rows}

    def _hydrate(self, rows: list[Any], *, with_rubric: bool) -> list[StoredAchievement]:
        ids = [r.id for r in rows]
        links: dict[int, list[tuple[int, int]]] = {}
        if ids:
            for link in self.conn.execute(
                select(achievement_alignments)
                .where(achievement_alignments.c.achievement_id.in_(ids))
                .order_by(achievement_alignments.c.id)
            ):
                links.setdefault(link.achievement_id, []).append((link.competency_id, link.level_reached))
        comp_rows = FrameworkRepository(self.conn).competencies_by_id(
            {cid for ls in links.values() for cid, _ in ls}
        )
        rubric_ids: dict[int, int] = {}
        if with_rubric and ids:
            rubric_ids = {
                r.achievement_id: r.id
                for r in self.conn.execute(
                    select(rubrics.c.id, rubrics.c.achievement_id).where(rubrics.c.achievement_id.in_(ids))
                )
            }
        out = []
        for r in rows:
            aligned = [AlignedCompetency(comp_rows[cid], lvl) for cid, lvl in links.get(r.id, [])]
            achievement = Achievement(
                code=r.code,
                name=r.name,
                kind=AchievementKind(r.kind),
                description=r.description,
                criteria=r.criteria,
                level=r.level,
                credits=CreditValue(Decimal(r.credit_amount), CreditUnit(r.credit_unit))
                if r.credit_amount is not None
                else None,
                alignments=[
                    Alignment(a.row.competency.identifier, a.level_reached, a.row.framework_identifier)
                    for a in aligned
                ],
                validity_months=r.validity_months,
                price=Money(Decimal(r.price_amount), r.price_currency)
                if r.price_amount is not None
                else None,
                state=LifecycleState(r.state),
                next_review=r.next_review,
                tags=tuple(r.tags),
                expected_hours=r.expected_hours,
                employer_partners=tuple(r.employer_partners),
                rubric=load_rubric(self.conn, rubric_ids[r.id]) if r.id in rubric_ids else None,
            )
            out.append(StoredAchievement(r.id, achievement, aligned))
        return out
