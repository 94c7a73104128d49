"""Readable builders for moderation marks: one submission's first, second and third marks."""

from __future__ import annotations

from collections.abc import Sequence

from credstack.domain.moderation import Mark


def submission(
    sub: str,
    first: Sequence[int],
    second: Sequence[int] | None = None,
    third: Sequence[int | None] | None = None,
    *,
    assessor: str = "assessor-a",
    moderator: str = "moderator-m",
    reconciler: str = "reconciler-r",
    achievement: str = "ach-1",
    cohort: str = "2026-spring",
    site: str = "north",
) -> list[Mark]:
    """The marks of one submission, criteria C1, C2, ... in order; ``None`` in ``third``
    leaves that criterion without a third mark."""
    keys = {"achievement": achievement, "cohort": cohort, "site": site, "assessor": assessor}
    marks = [Mark(sub, f"C{i + 1}", assessor, "first", lv, **keys) for i, lv in enumerate(first)]
    if second is not None:
        marks += [Mark(sub, f"C{i + 1}", moderator, "second", lv, **keys) for i, lv in enumerate(second)]
    if third is not None:
        marks += [
            Mark(sub, f"C{i + 1}", reconciler, "third", lv, **keys)
            for i, lv in enumerate(third)
            if lv is not None
        ]
    return marks
