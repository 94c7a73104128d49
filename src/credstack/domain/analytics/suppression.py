"""Small-group suppression: counts of people by demographic group, withheld so that no count
shown, and no count derivable from the shown ones by subtraction, is under the threshold.

The rule (``SuppressionPolicy``): a count c *discloses* when c < threshold, except that a
count of 0 is safe when ``zeros_disclose`` is off (by default a 0 discloses too: "none of
group X completed" says something about every member of X). A protected table is
``ProtectedCounts``: per group the learners and how many of them succeeded (completed,
progressed), and the two totals. What can be read off it, and must not disclose:

- each shown group's learners, successes and failures (learners - successes);
- the totals, and total learners - total successes;
- total learners minus the shown groups' learners (the withheld groups, pooled);
- total successes minus the shown successes, and the matching failures (the pool of every
  group whose outcome is withheld).

``protect`` withholds first the groups whose size discloses (primary suppression), then the
smallest other groups until the pooled remainder no longer discloses (complementary
suppression); then the same for outcomes within the shown groups. Groups withheld are absent
from the result, labels included. ``ProtectedCounts`` checks all of the above when it is
built, so no code can hold, and so publish, a table that breaks the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from credstack.domain.analytics.intervals import Proportion, wilson
from credstack.domain.analytics.records import Row
from credstack.domain.errors import DomainError, InvalidInput, Problem


class SuppressionBreach(DomainError):
    """A table of counts by group that would reveal a group under the threshold."""

    def __init__(self, breaches: list[str]) -> None:
        self.breaches = breaches
        super().__init__("; ".join(breaches))


@dataclass(frozen=True, slots=True)
class SuppressionPolicy:
    threshold: int = 10
    zeros_disclose: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < 1:
            raise InvalidInput(Problem("threshold", "must be a whole number of learners, 1 or more"))

    def discloses(self, count: int) -> bool:
        return count < self.threshold and (count != 0 or self.zeros_disclose)

    def describe(self) -> str:
        zeros = "" if self.zeros_disclose else " (a count of 0 may be shown)"
        return (
            f"No count under {self.threshold}{zeros} is shown or can be derived from the counts "
            "shown; groups withheld for this are left out, label and all."
        )

    def as_json(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "zeros_disclose": self.zeros_disclose, "rule": self.describe()}


@dataclass(frozen=True, slots=True)
class GroupCount:
    """A group shown: its learners and, unless withheld, how many of them succeeded."""

    group: str
    learners: int
    successes: int | None


@dataclass(frozen=True)
class ProtectedCounts:
    """Learners and successes by group, safe to publish under ``policy``. ``learners`` and
    ``successes`` are the totals over every group (withheld ones included), or None when
    they are withheld themselves; ``groups`` holds only the groups shown, sorted by label;
    ``withheld`` tells whether anything was held back."""

    policy: SuppressionPolicy
    learners: int | None
    successes: int | None
    groups: tuple[GroupCount, ...]
    withheld: bool

    def __post_init__(self) -> None:
        breaches = disclosures(self)
        if breaches:
            raise SuppressionBreach(breaches)

    def group(self, label: str) -> GroupCount | None:
        for shown in self.groups:
            if shown.group == label:
                return shown
        return None

    def proportion(self, label: str, confidence: float = 0.95) -> Proportion | None:
        shown = self.group(label)
        if shown is None or shown.successes is None:
            return None
        return wilson(shown.successes, shown.learners, confidence)

    def total(self, confidence: float = 0.95) -> Proportion | None:
        if not self.learners or self.successes is None:
            return None
        return wilson(self.successes, self.learners, confidence)

    def as_json(self) -> dict[str, Any]:
        return {
            "learners": self.learners,
            "successes": self.successes,
            "withheld": self.withheld,
            "groups": [
                {"group": g.group, "learners": g.learners, "successes": g.successes} for g in self.groups
            ],
        }

    def rows(self) -> list[Row]:
        rows: list[Row] = [
            {"kind": "group", "group": g.group, "learners": g.learners, "successes": g.successes}
            for g in self.groups
        ]
        rows.append({"kind": "total", "group": None, "learners": self.learners, "successes": self.successes})
        return rows


def disclosures(table: ProtectedCounts) -> list[str]:
    """Every count shown in, or derivable from, ``table`` that discloses (empty when safe)."""
    policy = table.policy
    found: list[str] = []

    def check(what: str, count: int) -> None:
        if count < 0:
            found.append(f"{what} is negative ({count})")
        elif policy.discloses(count):
            found.append(f"{what} is under the threshold")

    labels = [g.group for g in table.groups]
    if labels != sorted(set(labels)):
        found.append("groups must be distinct and sorted by label")
    for g in table.groups:
        check(f"group {g.group!r}: learners", g.learners)
        if g.successes is not None:
            check(f"group {g.group!r}: successes", g.successes)
            check(f"group {g.group!r}: failures", g.learners - g.successes)
    if table.successes is not None and table.learners is None:
        found.append("total successes shown without total learners")
    if table.learners == 0:  # nobody at all: an empty table reveals no one
        if table.groups or table.successes not in (None, 0):
            found.append("groups or successes shown with no learners")
        return found
    if table.learners is not None:
        check("total learners", table.learners)
        rest = table.learners - sum(g.learners for g in table.groups)
        if rest != 0:
            check("learners of the groups withheld", rest)
    if table.learners is not None and table.successes is not None:
        check("total successes", table.successes)
        check("total failures", table.learners - table.successes)
        known = [g for g in table.groups if g.successes is not None]
        pool = table.learners - sum(g.learners for g in known)
        if pool != 0:
            pool_successes = table.successes - sum(g.successes or 0 for g in known)
            check("successes of the outcomes withheld", pool_successes)
            check("failures of the outcomes withheld", pool - pool_successes)
    if not table.withheld:
        complete = table.learners is not None and table.successes is not None
        if not complete or any(g.successes is None for g in table.groups):
            found.append("something is withheld but withheld is false")
    return found


def protect(
    counts: Mapping[str, tuple[int, int]],
    policy: SuppressionPolicy,
    *,
    withhold: Iterable[str] = (),
) -> ProtectedCounts:
    """Protect ``{group: (learners, successes)}``; groups in ``withhold`` are withheld too
    (as if they were under the threshold), e.g. because another table withholds them."""
    problems = [
        Problem(f"group {label!r}", f"{k} successes of {n} learners: need 0 <= successes <= learners >= 1")
        for label, (n, k) in sorted(counts.items())
        if n < 1 or not 0 <= k <= n
    ]
    if problems:
        raise InvalidInput(problems, source="counts by group")
    if not counts:
        return ProtectedCounts(policy=policy, learners=0, successes=0, groups=(), withheld=False)
    sizes = {label: n for label, (n, _) in counts.items()}
    wins = {label: k for label, (_, k) in counts.items()}
    forced = set(withhold) & sizes.keys()
    hidden = {label for label, n in sizes.items() if policy.discloses(n)} | forced

    # Complementary suppression of group sizes against the total.
    total_shown = True
    while hidden and policy.discloses(sum(sizes[label] for label in hidden)):
        candidates = sorted((n, label) for label, n in sizes.items() if label not in hidden)
        if not candidates:
            total_shown = False
            break
        hidden.add(candidates[0][1])

    shown = sorted(label for label in sizes if label not in hidden)
    outcome_hidden = hidden | {
        label
        for label in shown
        if policy.discloses(wins[label]) or policy.discloses(sizes[label] - wins[label])
    }
    learners = sum(sizes.values())
    successes = sum(wins.values())
    successes_shown = (
        total_shown and not policy.discloses(successes) and not policy.discloses(learners - successes)
    )
    # Complementary suppression of outcomes against the total successes. It ends at the
    # latest when every outcome is withheld: the pool is then the totals, checked above.
    while successes_shown:
        pool = sum(sizes[label] for label in outcome_hidden)
        pool_successes = sum(wins[label] for label in outcome_hidden)
        if pool == 0 or not (policy.discloses(pool_successes) or policy.discloses(pool - pool_successes)):
            break
        candidates = sorted((sizes[label], label) for label in shown if label not in outcome_hidden)
        outcome_hidden.add(candidates[0][1])

    groups = tuple(
        GroupCount(label, sizes[label], None if label in outcome_hidden else wins[label]) for label in shown
    )
    return ProtectedCounts(
        policy=policy,
        learners=learners if total_shown else None,
        successes=successes if successes_shown else None,
        groups=groups,
        withheld=bool(outcome_hidden) or not successes_shown,
    )
