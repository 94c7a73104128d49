"""Benchmark: the pathway audit, for one learner and for a whole population.

(a) A 25-condition pathway nested three deep (all / n_of / any over credits pools, competency
    and achievement leaves, recency and a minimum result) audited for learners with 40 awards:
    p50 / p99 in ms (target: p99 well under 5 ms), against the greedy reference
    (``tests/domain/pathways/greedy.py``) on the same audits, and which step decided each audit
    (``Audit.decided_by``: the placement, the relaxation, the exact search, or the integer
    programme once the search reaches its step budget).
(b) A full re-audit of 100,000 synthetic learners (0-40 awards each, from a catalogue of 30
    achievements, with dates and results) against 20 pathways with ``reaudit`` (memoised on the
    award profile, across the cores): learners per second and total time (target: under a minute
    on a 2-core machine), against a plain greedy pass over the same learners.

    python bench/bench_pathway_audit.py [--runs 2000] [--learners 100000] [--processes N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from credstack.domain.pathways.audit import audit
from credstack.domain.pathways.model import Award, Node, Pathway, Pool
from credstack.domain.pathways.reaudit import ReauditStats, reaudit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.domain.pathways.greedy import greedy_met

AS_OF = date(2025, 6, 30)
AREAS = ["data", "software", "cloud", "security", "business"]
CODES = [f"MC-{i:02d}" for i in range(1, 31)]


# ---- the catalogue and the learners ----------------------------------------------------------


def catalogue(rng: random.Random) -> dict[str, dict[str, object]]:
    return {
        code: {
            "credits": Decimal(rng.choice([1, 2, 3, 3, 4, 5, 6])),
            "level": rng.choice([4, 5, 6, 7]),
            "tags": frozenset(rng.sample(AREAS, rng.choice([1, 1, 2]))),
            "competencies": tuple(
                sorted({f"K{rng.randint(1, 12)}": rng.randint(1, 3) for _ in range(2)}.items())
            ),
        }
        for code in CODES
    }


def tracks(rng: random.Random) -> list[list[str]]:
    """Programmes: fixed sequences of achievements that learners take in order."""
    return [rng.sample(CODES, rng.randint(10, 16)) for _ in range(6)]


def learner(
    rng: random.Random, cat: dict[str, dict[str, object]], programmes: list[list[str]], n: int
) -> list[Award]:
    """``n`` awards, oldest first: a programme taken in order, now and then an elective or a
    resit, then another programme."""
    order = [code for p in rng.sample(programmes, 3) for code in p]
    day = AS_OF - timedelta(days=rng.randint(30 * n, 30 * n + 900))
    out: list[Award] = []
    k = 0
    while len(out) < n:
        code = rng.choice(CODES) if rng.random() < 0.1 else order[k % len(order)]
        k += 1
        result = rng.choice([45, 55, 60, 65, 70, 75, 80, 85, 90, 95])
        day = min(AS_OF, day + timedelta(days=rng.choice([30, 30, 60, 90])))
        c = cat[code]
        out.append(
            Award(
                id=f"w{len(out)}",
                achievement=code,
                credits=c["credits"],  # type: ignore[arg-type]
                level=c["level"],  # type: ignore[arg-type]
                tags=c["tags"],  # type: ignore[arg-type]
                result=Decimal(result),
                earned=day,
                expires=day + timedelta(days=3 * 365) if c["level"] == 7 else None,
                competencies=c["competencies"],  # type: ignore[arg-type]
            )
        )
    return out


# ---- the pathways ------------------------------------------------------------------------------


class Tree:
    """Node builder that names nodes by their path."""

    def __init__(self) -> None:
        self.count = 0

    def node(self, type_: str, *children: Node, **fields: object) -> Node:
        self.count += 1
        return Node(id=f"n{self.count}", type=type_, children=children, **fields)  # type: ignore[arg-type]

    def ach(self, code: str, min_result: int | None = None, **kw: object) -> Node:
        minimum = None if min_result is None else Decimal(min_result)
        return self.node("achievement", achievement=code, min_result=minimum, **kw)

    def comp(self, competency: str, level: int) -> Node:
        return self.node("competency", competency=competency, min_level=level)

    def credits(self, minimum: int, **pool: object) -> Node:
        recency = {k: pool.pop(k) for k in ("within_months", "not_expired") if k in pool}
        return self.node("credits", min_credits=Decimal(minimum), pool=Pool(**pool), **recency)  # type: ignore[arg-type]


def big_pathway() -> Pathway:
    """25 leaf conditions, three levels under the root."""
    t = Tree()
    root = t.node(
        "all",
        t.node("all", t.ach("MC-01"), t.ach("MC-02", 60), t.ach("MC-03")),
        t.node("n_of", *(t.comp(f"K{i}", 2) for i in (1, 2, 3, 4, 5)), n=3),
        t.node(
            "n_of",
            t.node("all", t.ach("MC-10"), t.ach("MC-11")),
            t.node("all", t.ach("MC-12"), t.ach("MC-13")),
            t.node("any", t.ach("MC-14"), t.ach("MC-15"), t.ach("MC-16")),
            t.credits(6, tags=frozenset({"cloud"})),
            n=2,
        ),
        t.node("all", t.credits(9, tags=frozenset({"data"}), within_months=36), t.credits(6, min_level=6)),
        t.node(
            "any",
            t.node("all", t.ach("MC-20", 70), t.comp("K6", 3)),
            t.ach("MC-21"),
            t.credits(12, tags=frozenset({"security"})),
        ),
        t.node("all", t.ach("MC-05"), t.node("any", t.ach("MC-07"), t.ach("MC-08")), within_months=24),
    )
    p = Pathway(id="P-BIG", name="Diploma", awards="DIP-1", root=root)
    assert sum(1 for n in p.nodes() if n.is_leaf) == 25
    return p


def random_pathway(rng: random.Random, i: int) -> Pathway:
    """A certificate-sized pathway: core achievements, options, a pool, sometimes recency."""
    t = Tree()
    codes = rng.sample(CODES, 9)
    core = t.node("all", *(t.ach(c, rng.choice([None, None, 60, 70])) for c in codes[:3]))
    options = t.node("n_of", *(t.ach(c) for c in codes[3:7]), n=rng.randint(1, 3))
    pool = t.credits(rng.choice([4, 6, 8]), tags=frozenset({rng.choice(AREAS)}))
    skills = t.node("any", t.comp(f"K{rng.randint(1, 12)}", 2), t.ach(codes[7]), shared=rng.random() < 0.3)
    parts = [core, options, pool, skills]
    if rng.random() < 0.4:
        parts.append(
            t.node("any", t.ach(codes[8]), t.credits(3, min_level=6), within_months=rng.choice([24, 36]))
        )
    return Pathway(
        id=f"P-{i:02d}", name=f"Certificate {i}", awards=f"CERT-{i:02d}", root=t.node("all", *parts)
    )


def all_pathways(rng: random.Random) -> list[Pathway]:
    return [big_pathway(), *(random_pathway(rng, i) for i in range(1, 20))]


# ---- (a) one pathway, learners with 40 awards -------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def part_a(runs: int, cat: dict[str, dict[str, object]], programmes: list[list[str]]) -> None:
    p = big_pathway()
    rng = random.Random(2025)
    one = learner(rng, cat, programmes, 40)
    same = [timed(lambda: audit(p, one, as_of=AS_OF)) for _ in range(runs)]
    same_greedy = [timed(lambda: greedy_met(p, one, AS_OF)) for _ in range(runs)]
    print(f"(a) one pathway of 25 conditions, awards 40; {runs} runs")
    print(
        f"    one learner, audited {runs} times: p50 {percentile(same, 50):.3f} ms, "
        f"p99 {percentile(same, 99):.3f} ms; greedy p50 {percentile(same_greedy, 50):.3f} ms "
        f"(audit / greedy {statistics.median(same) / statistics.median(same_greedy):.1f}x)"
    )
    learners = [learner(rng, cat, programmes, 40) for _ in range(runs)]
    times, cpu_times, greedy_times, met, greedy_wrong = [], [], [], 0, 0
    decided: Counter[str] = Counter()
    for awards in learners:
        start, cpu = time.perf_counter(), time.thread_time()
        result = audit(p, awards, as_of=AS_OF)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.thread_time() - cpu) * 1000)
        start = time.perf_counter()
        g = greedy_met(p, awards, AS_OF)
        greedy_times.append((time.perf_counter() - start) * 1000)
        met += result.met
        greedy_wrong += g != result.met
        decided[result.decided_by] += 1
    print(
        f"    {runs} different learners: p50 {percentile(times, 50):.3f} ms, p99 {percentile(times, 99):.3f} ms, "
        f"max {max(times):.1f} ms, mean {statistics.fmean(times):.3f} ms; greedy p50 "
        f"{percentile(greedy_times, 50):.3f} ms, p99 {percentile(greedy_times, 99):.3f} ms "
        f"(audit / greedy: {sum(times) / sum(greedy_times):.1f}x in total)"
    )
    print(
        f"    the same audits in CPU time (what a busy machine does not add): p50 "
        f"{percentile(cpu_times, 50):.3f} ms, p99 {percentile(cpu_times, 99):.3f} ms, max {max(cpu_times):.1f} ms"
    )
    print(f"    met {met}/{runs}; greedy wrong on {greedy_wrong}")
    steps = ("placement", "relaxation", "search", "integer programme")
    print("    decided by: " + ", ".join(f"{step} {decided[step]}" for step in steps))


# ---- (b) the whole population ------------------------------------------------------------------


def part_b(
    n: int, processes: int | None, cat: dict[str, dict[str, object]], programmes: list[list[str]]
) -> None:
    rng = random.Random(7)
    pathways = all_pathways(rng)
    start = time.perf_counter()
    learners = {f"L{i:06d}": learner(rng, cat, programmes, rng.randint(0, 40)) for i in range(n)}
    made = time.perf_counter() - start
    awards = sum(len(a) for a in learners.values())
    print(f"(b) {n} learners ({awards} awards, made in {made:.1f} s) x {len(pathways)} pathways")
    stats = ReauditStats()
    columns = [TextColumn("re-audit"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns) as bar:
        task = bar.add_task("re-audit", total=n)
        start = time.perf_counter()
        verdicts = reaudit(
            pathways, learners, AS_OF, lambda k: bar.advance(task, k), processes=processes, stats=stats
        )
        took = time.perf_counter() - start
    met = sum(verdicts.values())
    print(
        f"    reaudit: {took:.1f} s, {n / took:,.0f} learners/s; {stats.pairs:,} verdicts ({met:,} met) from "
        f"{stats.profiles:,} distinct profiles: {stats.unmeetable:,} unmeetable even counting an award twice, "
        f"{stats.placed:,} met by a quick placement, {stats.searched:,} decided by the exact search, "
        f"{stats.programmed:,} by the integer programme"
    )
    start = time.perf_counter()
    wrong = 0
    with Progress(TextColumn("greedy  "), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()) as bar:
        task = bar.add_task("greedy", total=n)
        for k, (name, held) in enumerate(learners.items()):
            for p in pathways:
                wrong += greedy_met(p, held, AS_OF) != verdicts[name, p.id]
            if k % 1000 == 999:
                bar.advance(task, 1000)
    greedy = time.perf_counter() - start
    print(
        f"    greedy pass (one core, no memo): {greedy:.1f} s, {n / greedy:,.0f} learners/s; "
        f"reaudit / greedy time {took / greedy:.2f}x; greedy wrong on {wrong:,} of {n * len(pathways):,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--skip-a", action="store_true")
    args = parser.parse_args()
    rng = random.Random(1)
    cat, programmes = catalogue(rng), tracks(rng)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if not args.skip_a:
        part_a(args.runs, cat, programmes)
    part_b(args.learners, args.processes, cat, programmes)


if __name__ == "__main__":
    main()
