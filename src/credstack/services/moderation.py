"""Moderation: the sampling policy per achievement or institution, and the moderation report
built from the stored marks (domain/moderation/report.py does the statistics), as JSON or CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.moderation import ModerationPolicy, ModerationReport, moderation_report
from credstack.domain.moderation.report import GroupReport
from credstack.domain.sampling import SamplingPolicy
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.assessment import MarkFilter

REPORT_ROLES = (Role.BOARD, Role.REGISTRAR)


@dataclass(frozen=True)
class PolicyView:
    policy: SamplingPolicy
    achievement: str | None  # None: the institution's default
    source: str  # achievement | institution | built-in


@dataclass(frozen=True)
class ReportFilter:
    achievement: str | None = None
    cohort: str | None = None
    site: str | None = None
    assessor: str | None = None  # the first marker's email
    since: date | None = None  # first marking completed on or after this day
    until: date | None = None  # ... and on or before this day

    def as_json(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v is not None}


def _achievement_id(uow: UnitOfWork, institution_id: int, code: str | None) -> int | None:
    if code is None:
        return None
    found = uow.achievements.id_for_code(institution_id, code)
    if found is None:
        raise NotFound("achievement", code)
    return found


def get_policy(uow: UnitOfWork, *, institution: Institution, achievement: str | None = None) -> PolicyView:
    """The policy sampling uses for the achievement: its own, else the institution's, else the
    built-in default (10%, at least 2, every fail and borderline)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        stored = uow.assessment.policy(institution_id, _achievement_id(uow, institution_id, achievement))
    if stored is None:
        return PolicyView(SamplingPolicy(), achievement, "built-in")
    policy, own = stored
    return PolicyView(policy, achievement, "achievement" if own else "institution")


def set_policy(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    policy: SamplingPolicy,
    achievement: str | None = None,
    now: datetime | None = None,
) -> PolicyView:
    """Set the achievement's policy (or the institution's default with no achievement)."""
    principal.require(Role.REGISTRAR, scope="govern")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        achievement_id = _achievement_id(uow, institution_id, achievement)
        before = uow.assessment.policy(institution_id, achievement_id)
        uow.assessment.set_policy(
            institution_id, achievement_id, policy, by=principal.actor, at=now or datetime.now(UTC)
        )
        uow.audit.record(
            actor=principal.actor,
            action="moderation.policy_set",
            subject_type="moderation_policy",
            subject_id=achievement or "institution",
            institution_id=institution_id,
            before=before[0].as_json() if before and (before[1] or achievement is None) else None,
            after=policy.as_json(),
        )
        uow.commit()
    return PolicyView(policy, achievement, "achievement" if achievement else "institution")


def _filter(uow: UnitOfWork, institution_id: int, flt: ReportFilter) -> MarkFilter:
    assessor_id = None
    if flt.assessor is not None:
        user = uow.identity.user_by_email(flt.assessor)
        if user is None:
            raise NotFound("assessor", flt.assessor)
        assessor_id = user.id
    if flt.since and flt.until and flt.since > flt.until:
        raise InvalidInput(Problem("since", "the period starts after it ends"))
    return MarkFilter(
        achievement_id=_achievement_id(uow, institution_id, flt.achievement),
        cohort=flt.cohort,
        site=flt.site,
        assessor_id=assessor_id,
        since=datetime.combine(flt.since, time(), UTC) if flt.since else None,
        until=datetime.combine(flt.until, time.max, UTC) if flt.until else None,
    )


def report(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    flt: ReportFilter | None = None,
    policy: ModerationPolicy | None = None,
) -> ModerationReport:
    """The moderation report over the stored marks that pass the filter (for the board and
    registrars): agreement, kappa, alpha and drift overall and per achievement, cohort, site
    and assessor."""
    principal.require(*REPORT_ROLES, scope="read")
    return report_from_store(uow, institution=institution, flt=flt, policy=policy)


def report_from_store(
    uow: UnitOfWork,
    *,
    institution: Institution,
    flt: ReportFilter | None = None,
    policy: ModerationPolicy | None = None,
) -> ModerationReport:
    """The report without a permission check (for the command line and the benchmark)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        table = uow.assessment.mark_table(institution_id, _filter(uow, institution_id, flt or ReportFilter()))
    return moderation_report(table, policy)


CSV_COLUMNS = (
    "dimension", "group", "marks", "units", "pairs", "exact_agreement", "adjacent_agreement",
    "kappa_linear", "kappa_quadratic", "alpha_ordinal", "drift_n", "drift_mean", "drift_low",
    "drift_high", "flagged", "notes",
)  # fmt: skip


def _value(measure: Any) -> str:
    return "" if measure.value is None else f"{measure.value:.4f}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _row(g: GroupReport) -> list[str]:
    a, d = g.agreement, g.drift
    notes = [
        f"{name}: {m.reason}"
        for name, m in (("kappa", g.kappa_quadratic), ("alpha", g.alpha_ordinal))
        if m.value is None and m.reason
    ]
    return [
        "+".join(g.dimension) or "all",
        "; ".join(f"{k}={v}" for k, v in g.group.items()),
        str(g.marks),
        str(g.units),
        str(a.pairs),
        _number(a.exact),
        _number(a.adjacent),
        _value(g.kappa_linear),
        _value(g.kappa_quadratic),
        _value(g.alpha_ordinal),
        str(d.n),
        _number(d.mean),
        _number(d.low),
        _number(d.high),
        "yes" if d.flagged else "no",
        "; ".join(notes),
    ]


def report_csv(result: ModerationReport) -> str:
    """One row per group: the whole set first, then each breakdown."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(_row(result.overall))
    for groups in result.breakdowns.values():
        for g in groups:
            writer.writerow(_row(g))
    return out.getvalue()
