"""Benchmark: the moderation report over 100,000 marks.

Synthetic marks, seeded: 40 assessors over 5 sites, 8 cohorts, 12 achievements, 5 rubric
criteria on a 0-4 scale; 30% of submissions second-marked blind by a moderator, and a
third mark wherever first and second differ. One assessor (outside the drifting site) and
one whole site mark upward by design. Times the full report (agreement, linear and
quadratic kappa, ordinal alpha, drift, for all marks and per achievement, cohort, site and
assessor) from a list of ``Mark`` objects, median of several runs. The reference, timed in
the same run, is one plain Python pass over the same list computing exact agreement only:
the least any report reading every mark pays. The ratio is the report's time over that.
Target (spec): under 2 s. Also checks that the two drifters, and only they and the
assessors of the drifting site, are flagged.

    python bench/bench_moderation_report.py [--marks 100000] [--repeat 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from credstack.domain.moderation import Mark, ModerationReport, moderation_report

LEVELS = 5  # 0..4
CRITERIA = ("C1", "C2", "C3", "C4", "C5")
SITES = [f"site-{i}" for i in range(5)]
ASSESSORS = [f"assessor-{i:02d}" for i in range(40)]
SITE_OF = {a: SITES[i // 8] for i, a in enumerate(ASSESSORS)}  # 8 assessors per site
DRIFTING_SITE = "site-3"
DRIFTING_ASSESSOR = "assessor-09"  # at site-1
MODERATORS = [f"moderator-{i}" for i in range(10)]
RECONCILERS = [f"reconciler-{i}" for i in range(4)]


def _clip(level: int) -> int:
    return min(max(level, 0), LEVELS - 1)


def _noise(rng: random.Random) -> int:
    return rng.choices((-1, 0, 1), weights=(0.15, 0.7, 0.15))[0]


def synthetic_marks(count: int, seed: int) -> list[Mark]:
    rng = random.Random(seed)
    marks: list[Mark] = []
    n = 0
    while len(marks) < count:
        n += 1
        assessor = rng.choice(ASSESSORS)
        site = SITE_OF[assessor]
        keys = {
            "achievement": f"achievement-{rng.randrange(12):02d}",
            "cohort": f"cohort-{rng.randrange(8)}",
            "site": site,
            "assessor": assessor,
        }
        submission = f"sub-{n:06d}"
        truth = [rng.choices(range(LEVELS), weights=(1, 2, 4, 3, 1))[0] for _ in CRITERIA]
        bias = 0.7 if assessor == DRIFTING_ASSESSOR else 0.45 if site == DRIFTING_SITE else 0.0
        first = [_clip(t + _noise(rng) + (rng.random() < bias)) for t in truth]
        marks.extend(
            Mark(submission, c, assessor, "first", lv, **keys) for c, lv in zip(CRITERIA, first, strict=True)
        )
        if rng.random() >= 0.3:
            continue
        moderator = rng.choice(MODERATORS)
        second = [_clip(t + _noise(rng)) for t in truth]
        marks.extend(
            Mark(submission, c, moderator, "second", lv, **keys)
            for c, lv in zip(CRITERIA, second, strict=True)
        )
        reconciler = rng.choice(RECONCILERS)
        marks.extend(
            Mark(submission, c, reconciler, "third", _clip(t + (rng.random() < 0.1)), **keys)
            for c, t, a, b in zip(CRITERIA, truth, first, second, strict=True)
            if a != b
        )
    return marks[:count]


def exact_agreement_pass(marks: list[Mark]) -> float:
    """The reference: one pass, first marks into a dict, each second mark compared."""
    firsts: dict[tuple[str, str], int] = {}
    agree = pairs = 0
    for m in marks:
        if m.role == "first":
            firsts[m.submission, m.criterion] = m.level
        elif m.role == "second":
            pairs += 1
            agree += firsts[m.submission, m.criterion] == m.level
    return agree / pairs


def timed(fn: object, marks: list[Mark], repeat: int) -> list[float]:
    assert callable(fn)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(marks)
        times.append(time.perf_counter() - start)
    return times


def check_flags(report: ModerationReport) -> bool:
    flagged = {(g.dimension, tuple(g.group.values())) for g in report.flagged}
    sites = {v[0] for d, v in flagged if d == ("site",)}
    assessors = {v[0] for d, v in flagged if d == ("assessor",)}
    others = sorted(
        f"{'+'.join(d) or 'all'}={'/'.join(v)}" for d, v in flagged if d not in {("site",), ("assessor",)}
    )
    allowed = {DRIFTING_ASSESSOR} | {a for a, s in SITE_OF.items() if s == DRIFTING_SITE}
    print(
        f"flagged sites: {sorted(sites)}; flagged assessors: {sorted(assessors)}; other flags: {others or 'none'}"
    )
    for g in report.flagged:
        if g.dimension in {("site",), ("assessor",)} and g.name.endswith((DRIFTING_SITE, DRIFTING_ASSESSOR)):
            d = g.drift
            print(
                f"  {g.name}: mean {d.mean:+.3f} levels, {d.confidence:.0%} CI [{d.low:+.3f}, {d.high:+.3f}], n={d.n}"
            )
    return sites == {DRIFTING_SITE} and DRIFTING_ASSESSOR in assessors and assessors <= allowed and not others


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--marks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    marks = synthetic_marks(args.marks, args.seed)
    report = moderation_report(marks)
    groups = 1 + sum(len(g) for g in report.breakdowns.values())
    o = report.overall
    print(
        f"{len(marks)} marks, {o.units} units, {o.agreement.pairs} moderated pairs, {groups} groups; "
        f"overall exact {o.agreement.exact:.3f}, quadratic kappa {o.kappa_quadratic.value:.3f}, "
        f"ordinal alpha {o.alpha_ordinal.value:.3f}"
    )
    ours = statistics.median(timed(moderation_report, marks, args.repeat))
    base = statistics.median(timed(exact_agreement_pass, marks, args.repeat))
    verdict = "meets" if ours < 2.0 else "MISSES"
    print(
        f"moderation report {ours * 1000:7.1f} ms (median of {args.repeat}) | "
        f"plain exact-agreement pass {base * 1000:6.1f} ms | ratio {ours / base:5.1f}x the reference | "
        f"{verdict} the < 2 s target"
    )
    flags_ok = check_flags(report)
    print("drifters flagged as designed" if flags_ok else "DRIFT FLAGS NOT AS DESIGNED")
    if ours >= 2.0 or not flags_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
