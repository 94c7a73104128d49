"""Outcome analytics: the refresh of the summary tables, and each page's metric, computed by
the domain statistics (domain/analytics) from the aggregates store/analytics.py reads.

Who may read what: registrars, governance board members and administrators read every
metric; an employer reads only the employment outcomes and ROI of the cohorts their own
organisation sponsors (the partners whose contact email shares the user's email domain);
everyone else is refused.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from credstack.domain.analytics import (
    END,
    START,
    Award,
    Comparison,
    ComparisonCount,
    CompletionCurve,
    EmploymentOutcomes,
    EquityReport,
    Funnel,
    Learner,
    Mean,
    Proportion,
    RoiInputs,
    RoiReport,
    Row,
    Selection,
    Stage,
    SuppressionPolicy,
    TransitionMatrix,
    WithdrawalRule,
    employer_roi,
    equity_from_counts,
    kaplan_meier,
    quartiles,
    t_mean,
    wilson,
)
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.identity import Forbidden, Principal, Role
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.analytics import Item, Refresh, SponsoredCohort

ANALYSTS = (Role.REGISTRAR, Role.BOARD)
EMPLOYER_METRICS = frozenset({"employment", "roi"})
HIRE_WINDOW_DAYS = 180
EQUITY_HORIZON_DAYS = 365
PERFORMANCE_MONTHS = (3, 6, 12)
POLICY = SuppressionPolicy(threshold=10)
MAX_SPLIT_CURVES = 8


# ---- filters and access -------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyticsFilter:
    """The page's GET form: pathway, cohort, site, sponsor, and the entry period (first and
    last day of entry, both included). Empty strings mean "all"."""

    pathway: str = ""
    cohort: str = ""
    site: str = ""
    sponsor: str = ""
    period_from: str = ""
    period_to: str = ""

    def dates(self) -> tuple[date | None, date | None]:
        problems: list[Problem] = []
        found: list[date | None] = []
        for name in ("period_from", "period_to"):
            raw = getattr(self, name).strip()
            if not raw:
                found.append(None)
                continue
            try:
                found.append(date.fromisoformat(raw))
            except ValueError:
                problems.append(Problem(name, f"{raw!r} is not a date (YYYY-MM-DD)"))
                found.append(None)
        start, end = found
        if start is not None and end is not None and end < start:
            problems.append(Problem("period_to", "must be on or after period_from"))
        if problems:
            raise InvalidInput(problems, source="analytics filter")
        return start, end

    def selection(self, pathway: str | None) -> Selection:
        start, end = self.dates()
        return Selection(
            pathway=pathway,
            cohort=self.cohort.strip() or None,
            site=self.site.strip() or None,
            sponsor=self.sponsor.strip() or None,
            started_from=start,
            started_before=end + timedelta(days=1) if end else None,
        )

    def query(self, **changes: str) -> dict[str, str]:
        values = {k: v for k, v in self.__dict__.items() if v}
        values.update({k: v for k, v in changes.items() if v})
        return values


def _scope(
    uow: UnitOfWork, institution_id: int, principal: Principal, metric: str, flt: AnalyticsFilter
) -> AnalyticsFilter:
    """The filter the principal may use: analysts any; an employer only their own sponsor."""
    if principal.has(*ANALYSTS):
        principal.require(*ANALYSTS, scope="read")
        return flt
    if Role.EMPLOYER in principal.roles and metric in EMPLOYER_METRICS:
        principal.require(Role.EMPLOYER, scope="read")
        own = uow.analytics.partner_slugs_for_email(institution_id, principal.email)
        if not own:
            raise Forbidden("no partner organisation is linked to this employer account")
        wanted = flt.sponsor.strip()
        if wanted and wanted not in own:
            raise Forbidden("employers see only the cohorts their own organisation sponsors")
        return AnalyticsFilter(**{**flt.__dict__, "sponsor": wanted or own[0]})
    needed = "registrar, governance board member or administrator"
    if metric in EMPLOYER_METRICS:
        needed += " (or employer, for their own cohorts)"
    raise Forbidden(f"the {metric} analytics need the role of {needed}")


def employer_sponsors(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> list[str]:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        if principal.has(*ANALYSTS):
            return []
        return uow.analytics.partner_slugs_for_email(institution_id, principal.email)


@dataclass(frozen=True)
class Context:
    """What every page shows: the refresh it reads, the filter in force and the options."""

    refresh: Refresh | None
    flt: AnalyticsFilter
    pathway: str | None  # the pathway shown (the filter's, else the one with most learners)
    selection: Selection
    options: dict[str, list[str]]
    items: tuple[Item, ...]  # the pathway's items, modules first, terminal last

    @property
    def terminal(self) -> str | None:
        return next((i.code for i in self.items if i.terminal), None)

    @property
    def modules(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items if not i.terminal)

    @property
    def as_of(self) -> date:
        return self.refresh.as_of if self.refresh else datetime.now(UTC).date()


Shape = tuple[dict[str, list[str]], dict[str, int], list[Item]]
_SHAPES: dict[tuple[int, datetime, str], Shape] = {}


def _shape(uow: UnitOfWork, institution_id: int, refresh: Refresh | None, sponsor: str) -> Shape:
    """The filter options, learners per pathway and pathway items of a refresh: they change
    only when the summaries are rebuilt, so they are read once per refresh (and sponsor)."""
    key = (institution_id, refresh.refreshed_at, sponsor) if refresh else None
    known = _SHAPES.get(key) if key else None
    if known is None:
        repo = uow.analytics
        known = (
            repo.options(institution_id),
            repo.enrolled_by_pathway(institution_id, sponsor or None),
            repo.items(institution_id),
        )
        if key is not None:
            if len(_SHAPES) > 256:
                _SHAPES.clear()
            _SHAPES[key] = known
    return {k: list(v) for k, v in known[0].items()}, known[1], known[2]


def _context(
    uow: UnitOfWork, institution_id: int, flt: AnalyticsFilter, *, pathway_needed: bool = True
) -> Context:
    refresh = uow.analytics.last_refresh(institution_id)
    options, enrolled, all_items = _shape(uow, institution_id, refresh, flt.sponsor.strip())
    options["pathway"] = sorted({i.pathway for i in all_items} | set(options.get("pathway", [])))
    pathway = flt.pathway.strip() or None
    if pathway is not None and pathway not in options["pathway"]:
        raise InvalidInput(
            Problem("pathway", f"no pathway {pathway!r} in the analytics"), source="analytics filter"
        )
    if pathway is None and pathway_needed and options["pathway"]:
        pathway = max(options["pathway"], key=lambda code: (enrolled.get(code, 0), code))
    items = sorted((i for i in all_items if i.pathway == pathway), key=lambda i: (i.terminal, i.position))
    return Context(refresh, flt, pathway, flt.selection(pathway), options, tuple(items))


# ---- the refresh ----------------------------------------------------------------------------


def pathway_items(definitions: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[Item]:
    """Each pathway's items: the achievements (or nested pathways' credentials) its
    requirement tree names, in the order named, then its terminal credential."""
    definitions = list(definitions)
    awards_of = {code: awards_code for code, awards_code, _ in definitions}
    found: list[Item] = []
    for code, awards_code, definition in definitions:
        seen: list[str] = []
        requires = definition.get("requires")
        stack = [requires] if isinstance(requires, Mapping) else []
        while stack:  # depth first, in the order named
            node = stack.pop()
            named = node.get("achievement") or awards_of.get(str(node.get("pathway") or ""))
            if named and named not in seen and named != awards_code:
                seen.append(str(named))
            children = [
                c for key in ("all", "any", "children") for c in node.get(key) or () if isinstance(c, Mapping)
            ]
            stack.extend(reversed(children))
        found += [Item(code, c, k, False) for k, c in enumerate(seen)]
        found.append(Item(code, awards_code, len(seen), True))
    return found


def refresh(
    uow: UnitOfWork,
    *,
    institution: Institution,
    as_of: date | None = None,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> Refresh:
    """Rebuild the institution's analytics summaries from enrolments, awards and hires as of
    ``as_of`` (default today), in one transaction."""
    now = now or datetime.now(UTC)
    as_of = as_of or now.date()
    step = progress or (lambda _: None)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        repo = uow.analytics
        repo.tune_for_refresh()
        step("clearing the old summaries")
        repo.clear(institution_id)
        ids = repo.achievement_ids(institution_id)
        items = [
            (i, ids[i.code]) for i in pathway_items(repo.pathway_definitions(institution_id)) if i.code in ids
        ]
        repo.add_items(institution_id, items)
        step("learners' paths")
        count = repo.build_paths(institution_id, as_of)
        step("transitions")
        repo.build_transitions(institution_id, as_of)
        repo.record_refresh(institution_id, as_of, now, count)
        uow.commit()
    return Refresh(as_of, now, count)


# ---- progression --------------------------------------------------------------------------


@dataclass(frozen=True)
class Progression:
    context: Context
    matrix: TransitionMatrix
    funnel: Funnel


def funnel_from_counts(
    by_modules: Mapping[int, int],
    completed: int,
    *,
    depth: int,
    terminal: str,
    selection: Selection,
    as_of: date,
) -> Funnel:
    """The funnel of domain/analytics/progression.py from learners counted by modules earned."""
    enrolled = sum(by_modules.values())
    names = (
        ["enrolled"] + [f"{k} module" if k == 1 else f"{k} modules" for k in range(1, depth + 1)] + [terminal]
    )
    reached = [enrolled] + [sum(n for m, n in by_modules.items() if m >= k) for k in range(1, depth + 1)]
    reached.append(completed)
    stages = tuple(
        Stage(
            name,
            count,
            count / enrolled if enrolled else None,
            None if i == 0 else (count / reached[i - 1] if reached[i - 1] else None),
        )
        for i, (name, count) in enumerate(zip(names, reached, strict=True))
    )
    return Funnel(selection, terminal, as_of, stages)


def matrix_from_counts(
    edges: Iterable[tuple[str, str, int]], order: Sequence[str], *, selection: Selection, as_of: date
) -> TransitionMatrix:
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for a, b, n in edges:
        pairs[(a, b)] += n
    states = (START, *order)
    columns = (*order, END)
    counts = tuple(tuple(pairs.get((s, c), 0) for c in columns) for s in states)
    return TransitionMatrix(selection, as_of, states, columns, counts)


def progression(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, flt: AnalyticsFilter
) -> Progression:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        flt = _scope(uow, institution_id, principal, "progression", flt)
        ctx = _context(uow, institution_id, flt)
        order = [i.code for i in ctx.items]
        edges = uow.analytics.transitions(institution_id, ctx.selection) if ctx.pathway else []
        by_modules, completed = (
            uow.analytics.module_counts(institution_id, ctx.selection) if ctx.pathway else ({}, 0)
        )
    matrix = matrix_from_counts(edges, order, selection=ctx.selection, as_of=ctx.as_of)
    funnel = funnel_from_counts(
        by_modules,
        completed,
        depth=len(ctx.modules),
        terminal=ctx.terminal or "",
        selection=ctx.selection,
        as_of=ctx.as_of,
    )
    return Progression(ctx, matrix, funnel)


# ---- velocity -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Velocity:
    context: Context
    withdrawal: WithdrawalRule
    split: str | None
    curves: tuple[tuple[str, CompletionCurve], ...]  # ("all" or the cohort, curve)


def curve_from_counts(
    rows: Iterable[tuple[int, bool, int]],
    *,
    terminal: str,
    as_of: date,
    selection: Selection,
    withdrawal: WithdrawalRule,
    confidence: float = 0.95,
) -> CompletionCurve:
    """The Kaplan-Meier curve from (days, completed, learners) counts."""
    rows = list(rows)
    days = np.repeat(np.asarray([r[0] for r in rows], dtype=np.float64), [r[2] for r in rows])
    done = np.repeat(np.asarray([r[1] for r in rows], dtype=np.bool_), [r[2] for r in rows])
    steps, median = kaplan_meier(days, done, confidence)
    return CompletionCurve(
        selection=selection,
        terminal=terminal,
        as_of=as_of,
        withdrawal=withdrawal,
        confidence=confidence,
        learners=int(days.size),
        completed=int(done.sum()),
        steps=steps,
        median=median,
    )


def velocity(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    flt: AnalyticsFilter,
    withdrawal: str = "censored",
    split: str = "",
) -> Velocity:
    if withdrawal not in ("censored", "not_completed"):
        raise InvalidInput(Problem("withdrawal", "must be 'censored' or 'not_completed'"))
    rule: WithdrawalRule = "censored" if withdrawal == "censored" else "not_completed"
    by = "cohort" if split == "cohort" else None
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        flt = _scope(uow, institution_id, principal, "velocity", flt)
        ctx = _context(uow, institution_id, flt)
        rows = uow.analytics.durations(institution_id, ctx.selection, withdrawal=rule) if ctx.pathway else []
        split_rows = (
            uow.analytics.durations(institution_id, ctx.selection, withdrawal=rule, split="cohort")
            if by and ctx.pathway
            else []
        )

    def make(data: list[tuple[int, bool, int]], sel: Selection) -> CompletionCurve:
        return curve_from_counts(
            data, terminal=ctx.terminal or "", as_of=ctx.as_of, selection=sel, withdrawal=rule
        )

    curves = [("all learners", make([(d, f, n) for _, d, f, n in rows], ctx.selection))]
    if by:
        groups: dict[str, list[tuple[int, bool, int]]] = defaultdict(list)
        for g, d, f, n in split_rows:
            groups[g or "(no cohort)"].append((d, f, n))
        biggest = sorted(groups, key=lambda g: -sum(n for _, _, n in groups[g]))[:MAX_SPLIT_CURVES]
        for g in sorted(biggest):
            sel = replace(ctx.selection, cohort=g) if g != "(no cohort)" else ctx.selection
            curves.append((g, make(groups[g], sel)))
    return Velocity(ctx, rule, by, tuple(curves))


# ---- employment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Employment:
    context: Context
    outcomes: EmploymentOutcomes
    retention: Proportion | None  # hires still in post 12 months after the hire
    retention_months: int = 12

    def rows(self) -> list[Row]:
        rows = self.outcomes.rows()
        r = self.retention
        rows.append(
            {
                "measure": f"retention at {self.retention_months} months",
                "n": r.trials if r else 0,
                "value": r.rate if r else None,
                "range": f"{self.outcomes.confidence:.0%} CI",
                "low": r.low if r else None,
                "high": r.high if r else None,
            }
        )
        return rows


def _values(counts: Iterable[tuple[float, int]]) -> list[float]:
    return [float(v) for v, n in counts for _ in range(n)]


def employment(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, flt: AnalyticsFilter
) -> Employment:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        flt = _scope(uow, institution_id, principal, "employment", flt)
        ctx = _context(uow, institution_id, flt)
        repo = uow.analytics
        completers, waits = repo.hiring(institution_id, ctx.selection, HIRE_WINDOW_DAYS)
        ratings = repo.ratings(institution_id, ctx.selection)
        kept = repo.retention(institution_id, ctx.selection, ctx.as_of)
    hired = sum(n for _, n in waits)
    satisfaction = t_mean(_values((s, n) for kind, _, s, n in ratings if kind == "satisfaction"))
    performance: list[tuple[int, Mean | None]] = [
        (
            m,
            t_mean(
                _values((s, n) for kind, months, s, n in ratings if kind == "performance" and months == m)
            ),
        )
        for m in PERFORMANCE_MONTHS
    ]
    outcomes = EmploymentOutcomes(
        selection=ctx.selection,
        terminal=ctx.terminal or "",
        as_of=ctx.as_of,
        window_days=HIRE_WINDOW_DAYS,
        confidence=0.95,
        completers=completers,
        hire_rate=wilson(hired, completers) if completers else None,
        time_to_hire=quartiles(_values(waits)),
        satisfaction=satisfaction,
        performance=tuple(performance),
    )
    retention = wilson(kept[1], kept[0]) if kept[0] else None
    return Employment(ctx, outcomes, retention)


# ---- ROI ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoiView:
    context: Context
    report: RoiReport
    cohorts: tuple[SponsoredCohort, ...]
    missing: tuple[SponsoredCohort, ...]  # cohorts whose employer has not supplied the inputs


def _inputs(c: SponsoredCohort) -> RoiInputs | None:
    needed = (
        c.productivity_gain,
        c.retention_rate,
        c.baseline_retention_rate,
        c.replacement_cost,
        c.programme_cost,
    )
    if any(v is None for v in needed):
        return None
    return RoiInputs(
        sponsor=c.sponsor,
        cohort=c.code,
        productivity_gain=Decimal(c.productivity_gain),
        retention_rate=Decimal(c.retention_rate),
        baseline_retention_rate=Decimal(c.baseline_retention_rate),
        replacement_cost=Decimal(c.replacement_cost),
        cost=Decimal(c.programme_cost),
        years=Decimal(c.roi_years) if c.roi_years is not None else Decimal(1),
        currency=c.currency,
    )


def roi(uow: UnitOfWork, *, institution: Institution, principal: Principal, flt: AnalyticsFilter) -> RoiView:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        flt = _scope(uow, institution_id, principal, "roi", flt)
        ctx = _context(uow, institution_id, flt, pathway_needed=False)
        sponsor = flt.sponsor.strip() or None
        cohorts = [
            c
            for c in uow.analytics.sponsored_cohorts(institution_id, sponsor)
            if ctx.pathway is None or c.pathway == ctx.pathway
        ]
        members = uow.analytics.cohort_members(institution_id, [c.id for c in cohorts])
    by_id = {c.id: c for c in cohorts}
    given = [(c, i) for c in cohorts if (i := _inputs(c)) is not None]
    missing = tuple(c for c in cohorts if _inputs(c) is None)
    # one per-learner record per member: the domain counts participants and completers
    learners = [
        Learner(f"{cid}:{lid}", date.min, sponsor=by_id[cid].sponsor, cohort=by_id[cid].code)
        for cid, lid, _ in members
    ]
    awards = [Award(f"{cid}:{lid}", "terminal", date.min) for cid, lid, done in members if done]
    report = employer_roi(learners, awards, [i for _, i in given], terminal="terminal", as_of=ctx.as_of)
    return RoiView(ctx, report, tuple(cohorts), missing)


# ---- equity -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquityView:
    context: Context
    report: EquityReport | None
    attributes: tuple[str, ...]
    comparisons: tuple[tuple[str, str], ...]
    comparison: str | None


def comparison_counts(
    rows: Iterable[tuple[date, date | None, date | None, Mapping[str, str]]], *, name: str, attribute: str
) -> Comparison:
    """A traditional-degree cohort's completion by group: the share of its entrants who
    completed the degree at all (its records are a closed, historical cohort; a degree's
    completion is not measured within a micro-credential's horizon). Records without the
    attribute are left out, as unconsented learners are. Comparison has completion only."""
    tally: dict[str, list[int]] = {}
    for _, completed, _, groups in rows:
        group = groups.get(attribute)
        if not group:
            continue
        t = tally.setdefault(str(group), [0, 0])
        t[0] += 1
        t[1] += int(completed is not None)
    return Comparison(
        name,
        tuple(ComparisonCount("completion", g, n, k) for g, (n, k) in sorted(tally.items())),
    )


def equity(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    flt: AnalyticsFilter,
    attribute: str = "",
    comparison: str = "",
    reference: str = "",
    horizon_days: int = EQUITY_HORIZON_DAYS,
) -> EquityView:
    if horizon_days < 1:
        raise InvalidInput(Problem("horizon_days", "must be 1 or more"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        flt = _scope(uow, institution_id, principal, "equity", flt)
        ctx = _context(uow, institution_id, flt)
        repo = uow.analytics
        attributes = repo.attributes(institution_id)
        cohorts = repo.comparison_cohorts(institution_id)
        chosen = attribute.strip() or (attributes[0] if attributes else "")
        if chosen and chosen not in attributes:
            raise InvalidInput(
                Problem("attribute", f"no consented data for {chosen!r}"), source="analytics filter"
            )
        names = dict(cohorts)
        code = comparison.strip() or (cohorts[0][0] if cohorts else "")
        if code and code not in names:
            raise InvalidInput(
                Problem("comparison", f"no comparison cohort {code!r}"), source="analytics filter"
            )
        counts = (
            repo.equity_counts(institution_id, ctx.selection, chosen, horizon_days)
            if chosen and ctx.pathway
            else []
        )
        other = repo.comparison_rows(institution_id, code) if code and chosen else []
    if not chosen or not ctx.pathway:
        return EquityView(ctx, None, tuple(attributes), tuple(cohorts), code or None)
    report = equity_from_counts(
        {
            "progression": {g: (n, p) for g, n, p, _ in counts},
            "completion": {g: (n, c) for g, n, _, c in counts},
        },
        attribute=chosen,
        terminal=ctx.terminal or "",
        as_of=ctx.as_of,
        horizon_days=horizon_days,
        selection=ctx.selection,
        reference=reference.strip() or None,
        comparison=(comparison_counts(other, name=names[code], attribute=chosen) if code else None),
        policy=POLICY,
    )
    return EquityView(ctx, report, tuple(attributes), tuple(cohorts), code or None)


# ---- engagement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Engagement:
    context: Context
    counts: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[Row]:
        return [{"measure": k, "count": v} for k, v in self.counts.items()]


def engagement(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, flt: AnalyticsFilter
) -> Engagement:
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        flt = _scope(uow, institution_id, principal, "engagement", flt)
        ctx = _context(uow, institution_id, flt, pathway_needed=False)
        counts = uow.analytics.engagement(
            institution_id,
            sponsor=ctx.selection.sponsor,
            since=ctx.selection.started_from,
            before=ctx.selection.started_before,
        )
    return Engagement(ctx, counts)


# ---- tables as CSV ------------------------------------------------------------------------


def to_csv(rows: Sequence[Row]) -> str:
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: "" if v is None else (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()}
        )
    return out.getvalue()


def curve_rows(curves: Sequence[tuple[str, CompletionCurve]]) -> list[Row]:
    return [{"curve": name, **row} for name, curve in curves for row in curve.rows()]


def median_rows(curves: Sequence[tuple[str, CompletionCurve]]) -> list[Row]:
    return [
        {
            "curve": name,
            "learners": c.learners,
            "completed": c.completed,
            "censored": c.censored,
            "median_days": c.median.days,
            "median_low": c.median.low,
            "median_high": c.median.high,
        }
        for name, c in curves
    ]
