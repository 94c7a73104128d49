"""Which first-marked submissions are second-marked blind: the moderation sample.

The sample is drawn per assessor per cohort (and per achievement: a policy belongs to one), as
each first marking completes, in the order they complete. A submission is sampled when

1. its first marking fails (``include_fails``), or
2. it is *borderline* (``borderline="one-level"``): moving any one criterion's level one step
   up or down would turn a pass into a fail or a fail into a pass. That covers every part of a
   pass rule at once: a criterion at the per-criterion minimum, a critical criterion just at
   (or just under) proficient, a weighted score within one step of the percentage; or
3. the group has not yet reached its quota: at least ``minimum`` submissions (or all, while
   there are fewer), and at least ``share`` of them, rounded up, counting the whole sample; or
4. a seeded draw picks it: ``sha256(seed:submission)`` read as a number in [0, 1) is below
   ``share``. The draw makes the sample unpredictable to the assessor, the quota makes it never
   smaller than the share, so it is a little larger than the share on average.

The choice for a submission depends only on the submissions before it in its group, so adding
a submission never changes an earlier choice (the sample is prefix-stable), and the same
submissions with the same seed always give the same sample.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.rubric import Rubric

BorderlineRule = Literal["one-level", "none"]
Reason = Literal["fail", "borderline", "minimum", "share", "draw"]
REASON_TEXT: dict[str, str] = {
    "fail": "every fail is second-marked",
    "borderline": "borderline: one level on one criterion would change the result",
    "minimum": "the assessor's minimum in this cohort",
    "share": "the assessor's share in this cohort",
    "draw": "drawn at random (seeded)",
}


@dataclass(frozen=True)
class SamplingPolicy:
    share: Decimal = Decimal("0.1")
    minimum: int = 2
    include_fails: bool = True
    borderline: BorderlineRule = "one-level"
    seed: str = "credstack"

    def __post_init__(self) -> None:
        problems = []
        if not Decimal(0) <= self.share <= Decimal(1):
            problems.append(Problem("share", "must be between 0 and 1 (0.1 is one in ten)"))
        if self.minimum < 0:
            problems.append(Problem("minimum", "must be 0 or more"))
        if self.borderline not in ("one-level", "none"):
            problems.append(Problem("borderline", "must be one-level or none"))
        if not self.seed:
            problems.append(Problem("seed", "must not be empty"))
        if problems:
            raise InvalidInput(problems, source="moderation policy")

    def target(self, n: int) -> int:
        """How many of the first ``n`` submissions of a group the sample holds at least."""
        return max(min(self.minimum, n), math.ceil(self.share * n))

    def as_json(self) -> dict[str, object]:
        return {
            "share": str(self.share),
            "minimum": self.minimum,
            "include_fails": self.include_fails,
            "borderline": self.borderline,
            "seed": self.seed,
        }


def borderline(rubric: Rubric, levels: Mapping[str, str]) -> tuple[str, ...]:
    """Why a complete marking is borderline: each one-level change of one criterion that would
    change the result (empty if none would)."""
    passed = rubric.evaluate(levels).passed
    reasons = []
    for criterion in rubric.criteria:
        ordered = sorted(criterion.levels, key=lambda lv: lv.points)
        current = criterion.level(levels[criterion.code])
        if current is None:
            continue
        i = ordered.index(current)
        for j, word in ((i - 1, "lower"), (i + 1, "higher")):
            if 0 <= j < len(ordered):
                changed = {**levels, criterion.code: ordered[j].name}
                if rubric.evaluate(changed).passed != passed:
                    outcome = "pass" if not passed else "fail"
                    reasons.append(f"{criterion.code} one level {word} ({ordered[j].name}) would {outcome}")
    return tuple(reasons)


def draw(seed: str, submission: str) -> float:
    """The seeded draw for a submission: a number in [0, 1) from SHA-256."""
    digest = hashlib.sha256(f"{seed}:{submission}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class FirstMarked:
    """A completed first marking, as sampling sees it."""

    submission: str
    assessor: str
    cohort: str
    passed: bool
    borderline: bool


@dataclass(frozen=True)
class Pick:
    submission: str
    sampled: bool
    reason: Reason | None

    @property
    def explanation(self) -> str:
        return REASON_TEXT[self.reason] if self.reason else "not sampled"


def pick(item: FirstMarked, *, before: int, sampled_before: int, policy: SamplingPolicy) -> Pick:
    """Whether to sample ``item``, given how many of its group came before it and how many of
    those were sampled."""
    reason: Reason | None = None
    if policy.include_fails and not item.passed:
        reason = "fail"
    elif policy.borderline == "one-level" and item.borderline:
        reason = "borderline"
    elif sampled_before < min(policy.minimum, before + 1):
        reason = "minimum"
    elif sampled_before < policy.target(before + 1):
        reason = "share"
    elif draw(policy.seed, item.submission) < policy.share:
        reason = "draw"
    return Pick(item.submission, reason is not None, reason)


def select_sample(marked: Iterable[FirstMarked], policy: SamplingPolicy) -> dict[str, Pick]:
    """The sample over submissions given in the order their first marking completed."""
    counts: dict[tuple[str, str], list[int]] = {}
    picks: dict[str, Pick] = {}
    for item in marked:
        seen = counts.setdefault((item.assessor, item.cohort), [0, 0])
        chosen = pick(item, before=seen[0], sampled_before=seen[1], policy=policy)
        seen[0] += 1
        seen[1] += chosen.sampled
        picks[item.submission] = chosen
    return picks


def sampled(picks: Mapping[str, Pick]) -> Sequence[str]:
    return [s for s, p in picks.items() if p.sampled]
