"""The institution's course catalogue (existing courses, for curriculum gap analysis)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from credstack.domain.curriculum import Course
from credstack.store.tables import courses


@dataclass(frozen=True)
class StoredCourse:
    id: int
    course: Course
    source: str  # the file it came from
    created_at: datetime


def _course(r: Any) -> StoredCourse:
    course = Course(
        code=r.code,
        title=r.title,
        credits=Decimal(r.credits).normalize() if r.credits is not None else None,
        level=r.level,
        competencies=tuple((str(c["competency"]), int(c["level"])) for c in r.competencies),
    )
    return StoredCourse(r.id, course, r.source, r.created_at)


class CourseRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def list(self, institution_id: int) -> list[StoredCourse]:
        rows = self.conn.execute(
            select(courses).where(courses.c.institution_id == institution_id).order_by(courses.c.code)
        )
        return [_course(r) for r in rows]

    def replace(self, institution_id: int, catalogue: Sequence[Course], *, source: str) -> None:
        """The institution's catalogue becomes ``catalogue``: every earlier course goes."""
        self.conn.execute(delete(courses).where(courses.c.institution_id == institution_id))
        if catalogue:
            self.conn.execute(
                insert(courses),
                [
                    {
                        "institution_id": institution_id,
                        "code": c.code,
                        "title": c.title,
                        "credits": c.credits,
                        "level": c.level,
                        "competencies": [{"competency": k, "level": lvl} for k, lvl in c.competencies],
                        "source": source,
                    }
                    for c in catalogue
                ],
            )
