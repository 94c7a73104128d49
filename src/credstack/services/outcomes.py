"""Entering and importing outcome records: sponsored cohorts, enrolments, hires and ratings,
demographics, comparison cohorts, and case studies; and counting employer verifications.

Registrars and administrators import and enter them (``import_table``: one CSV file of one
kind, all or nothing, every problem named by line and column). Learners give or withdraw their
own demographic groups and their consent to publish a case study about them. Every change is
one unit of work with its audit entry; a demographic value is never written to the audit log,
only that a group was given or withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Forbidden, Principal, Role
from credstack.domain.institution import Institution, Learner
from credstack.domain.outcomes import (
    CaseStudy,
    ComparisonRecord,
    Enrolment,
    Hire,
    Rating,
    RatingKind,
    SponsoredCohort,
)
from credstack.interop import table_csv as t
from credstack.interop.table_csv import Col, Record, TableSpec
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.outcomes import StoredCase, StoredCohort, StoredHire

RECORDERS = (Role.REGISTRAR,)  # and administrators, who hold every role
SCOPE = "write"

SPECS: dict[str, TableSpec] = {
    "sponsored-cohorts": TableSpec("sponsored-cohorts", (
        Col("code", required=True, meaning="the cohort's code, unique at the institution"),
        Col("name", required=True),
        Col("partner", required=True, meaning="the sponsoring partner's slug (see /partners)"),
        Col("pathway", required=True, meaning="the pathway's code"),
        Col("seats", t.whole(1), required=True),
        Col("seat_price", t.number(Decimal(0)), required=True, aliases=("price",)),
        Col("currency", t.currency, required=True),
        Col("starts", t.day, required=True, aliases=("start",)),
        Col("productivity_gain", t.number(Decimal(0)), meaning="yearly value of one completer's gain"),
        Col("retention_rate", t.number(Decimal(0), Decimal(1))),
        Col("baseline_retention_rate", t.number(Decimal(0), Decimal(1))),
        Col("replacement_cost", t.number(Decimal(0))),
        Col("programme_cost", t.number(Decimal(0)), aliases=("cost",)),
        Col("roi_years", t.number(Decimal(0)), aliases=("years",)),
    )),
    "enrolments": TableSpec("enrolments", (
        Col("email", t.email, required=True),
        Col("name", meaning="the learner's name; needed for a learner not yet known"),
        Col("pathway", required=True),
        Col("started", t.day, required=True),
        Col("cohort"),
        Col("site"),
        Col("sponsored_cohort", aliases=("sponsoredcohort", "sponsor_cohort")),
        Col("withdrawn", t.day),
    )),
    "hires": TableSpec("hires", (
        Col("email", t.email, required=True),
        Col("employer", meaning="the employer's name (or give partner)"),
        Col("partner", meaning="the employer's partner slug, when it is a partner"),
        Col("role", required=True, aliases=("job", "title")),
        Col("hired", t.day, required=True),
        Col("left", t.day),
        Col("credential", meaning="the public id of the credential the hire rests on"),
    )),
    "ratings": TableSpec("ratings", (
        Col("email", t.email, required=True),
        Col("employer", required=True, meaning="as on the hire"),
        Col("hired", t.day, required=True, meaning="the hire's date: with email and employer, which hire"),
        Col("kind", t.choice("satisfaction", "performance"), required=True),
        Col("months", t.whole(1, 240), meaning="performance: months after the hire"),
        Col("score", t.number(Decimal(0)), required=True),
        Col("scale_max", t.whole(1, 100), required=True, aliases=("scale", "max")),
        Col("rated_on", t.day, required=True, aliases=("date",)),
    )),
    "demographics": TableSpec("demographics", (
        Col("email", t.email, required=True),
        Col("attribute", required=True),
        Col("group", required=True),
        Col("consented", t.choice("yes", "no"), required=True, meaning="yes: the learner consented to give it"),
        Col("consented_on", t.day),
    )),
    "comparison": TableSpec("comparison", (
        Col("ref", required=True, meaning="the source system's anonymous id"),
        Col("started", t.day, required=True),
        Col("completed", t.day),
        Col("withdrawn", t.day),
    ), extra="group:"),
}  # fmt: skip
KINDS = tuple(SPECS)


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    added: int
    updated: int

    def summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows, "added": self.added, "updated": self.updated}


def _now() -> datetime:
    return datetime.now(UTC)


def _member(uow: UnitOfWork, institution: Institution, principal: Principal) -> int:
    institution_id, _ = ensure_institution(uow, institution)
    if principal.institution_id != institution_id:
        raise Forbidden("this needs a role at this institution")
    return institution_id


def _recorder(uow: UnitOfWork, institution: Institution, principal: Principal) -> int:
    principal.require(*RECORDERS, scope=SCOPE)
    return _member(uow, institution, principal)


def _learner_id(uow: UnitOfWork, institution_id: int, email: str) -> int | None:
    found = uow.learners.by_email(institution_id, email)
    return None if found is None else found[0]


def _partner_id(uow: UnitOfWork, institution_id: int, slug: str) -> int | None:
    found = uow.partners.by_slug(institution_id, slug.strip().lower())
    return None if found is None else found.id


# ---- the CSV imports ---------------------------------------------------------------------------


def import_table(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    kind: str,
    data: str | bytes,
    filename: str | None = None,
    cohort_code: str | None = None,
    cohort_name: str | None = None,
) -> ImportResult:
    """Import one CSV file of ``kind`` (see ``SPECS``); all or nothing. A comparison cohort needs
    its code (and name); its file replaces what an earlier import of the code held."""
    spec = SPECS.get(kind)
    if spec is None:
        raise InvalidInput(Problem("kind", f"{kind!r} is not one of {', '.join(KINDS)}"))
    source = filename or f"{kind} CSV"
    with uow:
        institution_id = _recorder(uow, institution, principal)
        records, unreadable = t.read_rows(data, spec, source=source)
        importer = _IMPORTERS[kind]
        added, updated, problems = importer(uow, institution_id, records, principal, cohort_code, cohort_name)
        problems = sorted([*unreadable, *problems], key=_line_order)
        if problems:
            raise InvalidInput(problems, source=source)
        uow.audit.record(
            actor=principal.actor, action="outcomes.imported", subject_type="outcomes", subject_id=kind,
            institution_id=institution_id,
            detail={"file": filename, "rows": len(records), "added": added, "updated": updated,
                    **({"cohort": cohort_code} if cohort_code else {})},
        )  # fmt: skip
        uow.commit()
    return ImportResult(kind, len(records), added, updated)


def _line_order(p: Problem) -> tuple[int, int]:
    """Problems in file order: by line number, those without one first (a stable sort keeps
    each line's problems in the order they were found)."""
    words = p.location.split()
    return (1, int(words[1])) if len(words) > 1 and words[0] == "line" and words[1].isdigit() else (0, 0)


Importer = Callable[
    [UnitOfWork, int, list[Record], Principal, str | None, str | None], tuple[int, int, list[Problem]]
]


def _duplicates(records: list[Record], key: Callable[[Record], object], what: str) -> list[Problem]:
    seen: dict[object, int] = {}
    found = []
    for r in records:
        k = key(r)
        if k in seen:
            found.append(Problem(r.where(), f"the same {what} as line {seen[k]}"))
        else:
            seen[k] = r.line
    return found


def _import_cohorts(
    uow: UnitOfWork, institution_id: int, records: list[Record], principal: Principal, *_rest: str | None
) -> tuple[int, int, list[Problem]]:
    problems = _duplicates(records, lambda r: r.values["code"], "code")
    pathways = {p.code for p in uow.pathways.latest(institution_id)}
    added = updated = 0
    for r in records:
        v = r.values
        cohort = SponsoredCohort(
            code=v["code"], name=v["name"], partner=v["partner"].lower(), pathway=v["pathway"], seats=v["seats"],
            seat_price=v["seat_price"], currency=v["currency"], starts=v["starts"],
            **{name: v[name] for name in ("productivity_gain", "retention_rate", "baseline_retention_rate",
                                          "replacement_cost", "programme_cost", "roi_years")},
        )  # fmt: skip
        found = cohort.problems(r.where())
        partner_id = _partner_id(uow, institution_id, cohort.partner)
        if partner_id is None:
            found.append(Problem(r.where("partner"), f"there is no partner {cohort.partner!r}"))
        if cohort.pathway not in pathways:
            found.append(Problem(r.where("pathway"), f"there is no pathway {cohort.pathway!r}"))
        if found or partner_id is None:
            problems += found
            continue
        _, new = uow.outcomes.save_cohort(institution_id, partner_id, cohort, by=principal.actor)
        added, updated = added + new, updated + (not new)
    return added, updated, problems


def _import_enrolments(
    uow: UnitOfWork, institution_id: int, records: list[Record], principal: Principal, *_rest: str | None
) -> tuple[int, int, list[Problem]]:
    problems = _duplicates(records, lambda r: (r.values["email"], r.values["pathway"]), "learner and pathway")
    pathways = {p.code for p in uow.pathways.latest(institution_id)}
    cohorts: dict[str, int | None] = {}
    added = updated = 0
    for r in records:
        v = r.values
        e = Enrolment(
            v["email"], v["pathway"], v["started"], v["cohort"] or "", v["site"] or "", v["sponsored_cohort"],
            v["withdrawn"], v["name"],
        )  # fmt: skip
        found = e.problems(r.where())
        if e.pathway not in pathways:
            found.append(Problem(r.where("pathway"), f"there is no pathway {e.pathway!r}"))
        sponsored = None
        if e.sponsored_cohort:
            if e.sponsored_cohort not in cohorts:
                cohorts[e.sponsored_cohort] = uow.outcomes.cohort_id(institution_id, e.sponsored_cohort)
            sponsored = cohorts[e.sponsored_cohort]
            if sponsored is None:
                found.append(
                    Problem(
                        r.where("sponsored_cohort"), f"there is no sponsored cohort {e.sponsored_cohort!r}"
                    )
                )
        learner_id = _learner_id(uow, institution_id, e.email)
        if learner_id is None and not e.name:
            found.append(Problem(r.where("name"), f"{e.email} is not a known learner: give their name"))
        if found:
            problems += found
            continue
        if learner_id is None:
            assert e.name is not None
            learner_id = uow.learners.add(institution_id, Learner(e.email, e.name))
        new = uow.outcomes.save_enrolment(
            institution_id, learner_id, e.pathway, started=e.started, cohort=e.cohort, site=e.site,
            sponsored_cohort_id=sponsored, withdrawn=e.withdrawn,
        )  # fmt: skip
        added, updated = added + new, updated + (not new)
    return added, updated, problems


def _import_hires(
    uow: UnitOfWork, institution_id: int, records: list[Record], principal: Principal, *_rest: str | None
) -> tuple[int, int, list[Problem]]:
    added = updated = 0
    problems: list[Problem] = []
    for r in records:
        v = r.values
        found: list[Problem] = []
        hire = Hire(
            v["email"], v["employer"] or "", v["role"], v["hired"], v["partner"], v["left"], v["credential"]
        )
        try:
            _, new = _save_hire(uow, institution_id, hire, principal, where=r.where())
        except InvalidInput as exc:
            found += exc.problems
        else:
            added, updated = added + new, updated + (not new)
        problems += found
    problems += _duplicates(
        records,
        lambda r: (
            r.values["email"],
            (r.values["employer"] or r.values["partner"] or "").lower(),
            r.values["hired"],
        ),
        "learner, employer and date",
    )
    return added, updated, problems


def _save_hire(
    uow: UnitOfWork, institution_id: int, hire: Hire, principal: Principal, *, where: str
) -> tuple[int, bool]:
    found = hire.problems(where)
    learner_id = _learner_id(uow, institution_id, hire.email)
    if learner_id is None:
        found.append(Problem(f"{where} email".strip(), f"{hire.email} is not a known learner"))
    partner_id = None
    employer = hire.employer.strip()
    if hire.partner:
        stored = uow.partners.by_slug(institution_id, hire.partner.strip().lower())
        if stored is None:
            found.append(Problem(f"{where} partner".strip(), f"there is no partner {hire.partner!r}"))
        else:
            partner_id, employer = stored.id, employer or stored.partner.name
    if hire.credential and learner_id is not None:
        award = uow.awards.by_public_id(hire.credential)
        if award is None or award.learner_email != hire.email:
            found.append(
                Problem(
                    f"{where} credential".strip(), f"{hire.credential} is not a credential of {hire.email}"
                )
            )
    if found:
        raise InvalidInput(found)
    assert learner_id is not None
    return uow.outcomes.save_hire(
        institution_id, learner_id, partner_id=partner_id, employer=employer, role=hire.role.strip(),
        hired=hire.hired, left=hire.left, credential=hire.credential, by=principal.actor,
    )  # fmt: skip


def _import_ratings(
    uow: UnitOfWork, institution_id: int, records: list[Record], principal: Principal, *_rest: str | None
) -> tuple[int, int, list[Problem]]:
    problems = _duplicates(
        records,
        lambda r: (r.values["email"], r.values["employer"].lower(), r.values["hired"], r.values["kind"], r.values["months"]),
        "hire, kind and months",
    )  # fmt: skip
    added = updated = 0
    for r in records:
        v = r.values
        rating = Rating(RatingKind(v["kind"]), v["score"], v["scale_max"], v["rated_on"], v["months"])
        found = rating.problems(r.where(), hired=v["hired"])
        learner_id = _learner_id(uow, institution_id, v["email"])
        hire_id = (
            None if learner_id is None else uow.outcomes.find_hire(learner_id, v["employer"], v["hired"])
        )
        if hire_id is None:
            found.append(
                Problem(
                    r.where(), f"no hire of {v['email']} by {v['employer']!r} on {v['hired'].isoformat()}"
                )
            )
        if found or hire_id is None:
            problems += found
            continue
        new = uow.outcomes.save_rating(hire_id, rating, by=principal.actor)
        added, updated = added + new, updated + (not new)
    return added, updated, problems


def _import_demographics(
    uow: UnitOfWork, institution_id: int, records: list[Record], principal: Principal, *_rest: str | None
) -> tuple[int, int, list[Problem]]:
    problems = _duplicates(
        records, lambda r: (r.values["email"], r.values["attribute"].lower()), "learner and attribute"
    )
    added = updated = 0
    for r in records:
        v = r.values
        found = []
        if v["consented"] != "yes":
            found.append(
                Problem(r.where("consented"), "only groups the learner consented to give may be stored")
            )
        learner_id = _learner_id(uow, institution_id, v["email"])
        if learner_id is None:
            found.append(Problem(r.where("email"), f"{v['email']} is not a known learner"))
        if found or learner_id is None:
            problems += found
            continue
        when = v["consented_on"]
        at = datetime(when.year, when.month, when.day, tzinfo=UTC) if when else _now()
        before = uow.outcomes.set_demographic(
            learner_id, v["attribute"].lower(), v["group"], consented_at=at, source="import"
        )
        added, updated = added + (before is None), updated + (before is not None)
    return added, updated, problems


def _import_comparison(
    uow: UnitOfWork,
    institution_id: int,
    records: list[Record],
    principal: Principal,
    code: str | None,
    name: str | None,
) -> tuple[int, int, list[Problem]]:
    if not code or not code.strip():
        return 0, 0, [Problem("cohort_code", "a comparison cohort import needs the cohort's code")]
    problems = _duplicates(records, lambda r: r.values["ref"], "ref")
    rows = []
    for r in records:
        v = r.values
        record = ComparisonRecord(v["ref"], v["started"], v["completed"], v["withdrawn"], dict(r.extra))
        problems += record.problems(r.where())
        rows.append(record)
    if problems:
        return 0, 0, problems
    _, before = uow.outcomes.replace_comparison(
        institution_id, code.strip(), (name or code).strip(), "traditional-degree comparison cohort", rows,
        by=principal.actor,
    )  # fmt: skip
    return len(rows), before, []


_IMPORTERS: dict[str, Importer] = {
    "sponsored-cohorts": _import_cohorts,
    "enrolments": _import_enrolments,
    "hires": _import_hires,
    "ratings": _import_ratings,
    "demographics": _import_demographics,
    "comparison": _import_comparison,
}


# ---- one record at a time -----------------------------------------------------------------------


def add_hire(uow: UnitOfWork, *, institution: Institution, principal: Principal, hire: Hire) -> StoredHire:
    with uow:
        institution_id = _recorder(uow, institution, principal)
        hire_id, added = _save_hire(uow, institution_id, hire, principal, where="")
        uow.audit.record(
            actor=principal.actor, action="hire.recorded" if added else "hire.changed", subject_type="hire",
            subject_id=hire_id, institution_id=institution_id,
            after={"email": hire.email, "employer": hire.employer or hire.partner, "role": hire.role,
                   "hired": hire.hired, "left": hire.left},
        )  # fmt: skip
        stored = uow.outcomes.hires(institution_id, hire_id=hire_id)[0]
        uow.commit()
    return stored


def rate_hire(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, hire_id: int, rating: Rating
) -> StoredHire:
    with uow:
        institution_id = _recorder(uow, institution, principal)
        found = uow.outcomes.hires(institution_id, hire_id=hire_id)
        if not found:
            raise NotFound("hire", hire_id)
        problems = rating.problems(hired=found[0].hired)
        if problems:
            raise InvalidInput(problems)
        uow.outcomes.save_rating(hire_id, rating, by=principal.actor)
        uow.audit.record(
            actor=principal.actor, action="hire.rated", subject_type="hire", subject_id=hire_id,
            institution_id=institution_id,
            after={"kind": rating.kind.value, "months": rating.months, "score": rating.score,
                   "scale_max": rating.scale_max, "rated_on": rating.rated_on},
        )  # fmt: skip
        stored = uow.outcomes.hires(institution_id, hire_id=hire_id)[0]
        uow.commit()
    return stored


def hires(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, limit: int = 200
) -> list[StoredHire]:
    principal.require(*RECORDERS, scope="read")
    with uow:
        institution_id = _member(uow, institution, principal)
        return uow.outcomes.hires(institution_id, limit=limit)


def sponsored_cohorts(
    uow: UnitOfWork, *, institution: Institution, principal: Principal
) -> list[StoredCohort]:
    """Every sponsored cohort for registrars; an employer sees only those of the partners it speaks
    for (whose contact it is, or for which it mentors)."""
    with uow:
        institution_id = _member(uow, institution, principal)
        if principal.has(Role.REGISTRAR, Role.BOARD):
            return uow.outcomes.cohorts(institution_id)
        principal.require(Role.EMPLOYER)
        own = [p.id for p in uow.partners.speaking_for(institution_id, principal.email)]
        return [c for pid in own for c in uow.outcomes.cohorts(institution_id, partner_id=pid)]


def overview(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> dict[str, Any]:
    """What the outcomes page shows: counts, the sponsored cohorts, comparison cohorts, recent hires."""
    with uow:
        institution_id = _recorder(uow, institution, principal)
        return {
            "counts": uow.outcomes.counts(institution_id),
            "cohorts": uow.outcomes.cohorts(institution_id),
            "comparisons": uow.outcomes.comparison_cohorts(institution_id),
            "hires": uow.outcomes.hires(institution_id, limit=20),
        }


# ---- the learner's own: demographic groups and case-study consent ---------------------------------


def _own_learner(
    uow: UnitOfWork, institution: Institution, principal: Principal, scope: str = "write"
) -> tuple[int, int]:
    """The signed-in learner's record (made on first use: an account may come before any award)."""
    principal.require(Role.LEARNER, scope=scope)
    institution_id = _member(uow, institution, principal)
    learner_id = _learner_id(uow, institution_id, principal.email)
    if learner_id is None:
        learner_id = uow.learners.add(institution_id, Learner(principal.email, principal.name))
    return institution_id, learner_id


def my_demographics(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> dict[str, str]:
    with uow:
        _, learner_id = _own_learner(uow, institution, principal, "read")
        return {k: v[0] for k, v in uow.outcomes.demographics_of(learner_id).items()}


def give_demographic(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, attribute: str, group: str
) -> None:
    """The learner gives (consents to) their group for an attribute, or changes it."""
    attribute, group = attribute.strip().lower(), group.strip()
    problems = [Problem(n, "is required") for n, v in (("attribute", attribute), ("group", group)) if not v]
    problems += [
        Problem(n, "is too long")
        for n, v, m in (("attribute", attribute, 40), ("group", group, 80))
        if len(v) > m
    ]
    if problems:
        raise InvalidInput(problems)
    with uow:
        institution_id, learner_id = _own_learner(uow, institution, principal)
        before = uow.outcomes.set_demographic(
            learner_id, attribute, group, consented_at=_now(), source="form"
        )
        uow.audit.record(
            actor=principal.actor, action="demographic.given" if before is None else "demographic.changed",
            subject_type="learner", subject_id=principal.email, institution_id=institution_id,
            detail={"attribute": attribute},
        )  # fmt: skip
        uow.commit()


def withdraw_demographic(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, attribute: str
) -> bool:
    """The learner withdraws consent: the value is deleted. Whether there was one."""
    with uow:
        institution_id, learner_id = _own_learner(uow, institution, principal)
        gone = uow.outcomes.remove_demographic(learner_id, attribute.strip().lower())
        if gone:
            uow.audit.record(
                actor=principal.actor, action="demographic.withdrawn", subject_type="learner",
                subject_id=principal.email, institution_id=institution_id, detail={"attribute": attribute},
            )  # fmt: skip
        uow.commit()
    return gone


# ---- case portfolios --------------------------------------------------------------------------------


def add_case_study(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, case: CaseStudy
) -> StoredCase:
    """A registrar records a case study; it stays unpublished until the holder consents."""
    problems = case.problems()
    if problems:
        raise InvalidInput(problems)
    with uow:
        institution_id = _recorder(uow, institution, principal)
        key = case.achievement.strip()
        achievement_id = int(key) if key.isdigit() else uow.achievements.id_for_code(institution_id, key)
        if achievement_id is None or uow.achievements.get(achievement_id, with_rubric=False) is None:
            raise InvalidInput(Problem("achievement", f"there is no achievement {case.achievement!r}"))
        learner_id = _learner_id(uow, institution_id, case.email)
        if learner_id is None:
            raise InvalidInput(Problem("email", f"{case.email} is not a known learner"))
        held = {a.achievement_id for a in uow.awards.for_learner(learner_id) if a.status == "active"}
        if achievement_id not in held:
            raise InvalidInput(Problem("email", f"{case.email} does not hold this achievement"))
        partner_id = None
        if case.partner:
            partner_id = _partner_id(uow, institution_id, case.partner)
            if partner_id is None:
                raise InvalidInput(Problem("partner", f"there is no partner {case.partner!r}"))
        case_id = uow.outcomes.add_case(
            institution_id, achievement_id, learner_id, partner_id=partner_id, title=case.title.strip(),
            task=case.task.strip(), outcome=case.outcome.strip(), evidence_url=case.evidence_url, by=principal.actor,
        )  # fmt: skip
        uow.audit.record(
            actor=principal.actor, action="case-study.added", subject_type="case-study", subject_id=case_id,
            institution_id=institution_id, after={"achievement": achievement_id, "learner": case.email, "title": case.title},
        )  # fmt: skip
        stored = uow.outcomes.cases(institution_id, case_id=case_id)[0]
        uow.commit()
    return stored


def my_case_studies(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> list[StoredCase]:
    with uow:
        institution_id, learner_id = _own_learner(uow, institution, principal, "read")
        return uow.outcomes.cases(institution_id, learner_id=learner_id)


def consent_case_study(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, case_id: int, consent: bool
) -> StoredCase:
    """The holder consents to publishing a case study about them, or withdraws that consent.
    Another learner's case study is NotFound (nothing says it exists)."""
    with uow:
        institution_id, learner_id = _own_learner(uow, institution, principal)
        found = uow.outcomes.cases(institution_id, learner_id=learner_id, case_id=case_id)
        if not found:
            raise NotFound("case study", case_id)
        now = _now()
        if consent:
            uow.outcomes.set_case_consent(case_id, consented_at=now, withdrawn_at=None)
        else:
            uow.outcomes.set_case_consent(case_id, consented_at=found[0].consented_at, withdrawn_at=now)
        uow.audit.record(
            actor=principal.actor, action="case-study.consented" if consent else "case-study.consent-withdrawn",
            subject_type="case-study", subject_id=case_id, institution_id=institution_id,
        )  # fmt: skip
        stored = uow.outcomes.cases(institution_id, case_id=case_id)[0]
        uow.commit()
    return stored


def showcase(uow: UnitOfWork, *, institution: Institution, achievement_id: int) -> list[StoredCase]:
    """The achievement's public case portfolio: consented case studies only."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        return uow.outcomes.cases(institution_id, achievement_id=achievement_id, public_only=True)


def record_verification(
    uow: UnitOfWork,
    *,
    institution: Institution,
    channel: str,
    verdict: str,
    award_public_id: str | None = None,
    employer_email: str | None = None,
) -> None:
    """Count a verification (engagement metrics), with the partner the signed-in verifier speaks
    for, if any (store/partners.py ``speaking_for``)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        partner_id = None
        if employer_email:
            partner_id = next((p.id for p in uow.partners.speaking_for(institution_id, employer_email)), None)
        uow.outcomes.add_verification(
            institution_id, at=_now(), channel=channel, verdict=verdict, award_public_id=award_public_id,
            partner_id=partner_id,
        )  # fmt: skip
        uow.commit()


def case_json(c: StoredCase, *, private: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id, "achievement_id": c.achievement_id, "achievement": c.achievement_name, "title": c.title,
        "task": c.task, "outcome": c.outcome, "evidence_url": c.evidence_url, "employer": c.partner_name,
        "holder": c.learner_name,
    }  # fmt: skip
    if private:
        out |= {
            "email": c.email, "published": c.public,
            "consented_at": c.consented_at.isoformat() if c.consented_at else None,
            "consent_withdrawn_at": c.consent_withdrawn_at.isoformat() if c.consent_withdrawn_at else None,
        }  # fmt: skip
    return out


def hire_json(h: StoredHire) -> dict[str, Any]:
    return {
        "id": h.id, "email": h.email, "learner": h.learner_name, "employer": h.employer, "partner": h.partner_slug,
        "role": h.role, "hired": h.hired.isoformat(), "left": h.left.isoformat() if h.left else None,
        "credential": h.credential,
        "ratings": [
            {"kind": r.kind.value, "months": r.months, "score": str(r.score), "scale_max": r.scale_max,
             "rated_on": r.rated_on.isoformat()}
            for _, r in h.ratings
        ],
    }  # fmt: skip


def cohort_json(c: StoredCohort) -> dict[str, Any]:
    s = c.cohort
    return {
        "code": s.code, "name": s.name, "partner": c.partner_slug, "partner_name": c.partner_name,
        "pathway": s.pathway, "seats": s.seats, "enrolled": c.enrolled, "seat_price": str(s.seat_price),
        "currency": s.currency, "starts": s.starts.isoformat(),
        "roi_inputs": {name: (None if getattr(s, name) is None else str(getattr(s, name)))
                       for name in ("productivity_gain", "retention_rate", "baseline_retention_rate",
                                    "replacement_cost", "programme_cost", "roi_years")},
    }  # fmt: skip
