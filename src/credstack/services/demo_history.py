"""The demo's synthetic outcome history, so that every analytics chart shows a real shape: the
demo learners from the 201st on enrol over three years (three intakes a year, three sites) on the
demo pathways, some in cohorts the demo partners sponsor; they earn modules at realistic gaps,
drop out or withdraw, complete certificates, get hired, are rated by their employers for
satisfaction and at 3, 6 and 12 months, and most give demographic data with consent. A
traditional-degree comparison cohort and employers' verifications complete the picture.
Everything is drawn from a seeded generator: the same demo gives the same history.

The awards are real: each is an OB 3.0 AchievementCredential built and signed exactly as
issuance builds and signs one (``issuance.build_credential``, the institution's active key, a
status-list slot of its own), only in a batch: the slots are reserved in one step, the signing
runs on every CPU, the rows are stored together, and one audit entry records the batch (not one
per award). A certificate earned here is a signed credential naming its components' awards; it
carries no CLR (``credstack`` attaches one when a stack completes through issuance).

Running the demo again adds nothing: the history is only made while the institution has no
enrolments.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import func, insert, select

from credstack.domain.institution import Institution, Learner
from credstack.services import analytics
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import IssueRequest, _lock_list, build_credential
from credstack.services.keys import Signer, active_signer
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store import tables as t
from credstack.store.achievements import StoredAchievement
from credstack.store.keys import StoredKey

FIRST_LEARNER = 200  # learners before this are the other demo parts' (awards, marking, transfer)
SEED = 20231
SITES = (("City campus", 0.45), ("Harbour campus", 0.3), ("Online", 0.25))
PATHWAYS = (("CERT-DA", 0.5), ("CERT-CSE", 0.44), ("DIP-DBT", 0.06))
MODULES = {
    "CERT-DA": ("MC-DA-101", "MC-DA-102", "MC-DA-201", "MC-DA-202"),
    "CERT-CSE": ("MC-SD-201", "MC-SD-202", "MC-CI-101", "MC-CI-201"),
}
DIPLOMA_EXTRA = ("MC-DB-101", "MC-PP-101")
# (partner slug, pathway, intake index, seats, seat price, ROI inputs or None)
SPONSORED = (
    ("harbourline-logistics", "CERT-DA", 1, 40, "1150.00", ("9000", "0.88", "0.72", "18000", "166000", "2")),
    ("stonecress-software", "CERT-CSE", 3, 30, "1400.00", ("12000", "0.9", "0.75", "25000", "152000", "2")),
    ("quillmere-insurance", "CERT-DA", 4, 25, "1150.00", ("7000", "0.85", "0.8", "14000", "89000", "1")),
    ("stonecress-software", "CERT-CSE", 6, 30, "1400.00", None),  # the employer has not sent its inputs yet
)
GROUPS = {
    "gender": (("female", 0.46), ("male", 0.5), ("non-binary", 0.04)),
    "age band": (("under 25", 0.35), ("25 to 39", 0.45), ("40 and over", 0.2)),
    "first in family at university": (("yes", 0.38), ("no", 0.62)),
}


@dataclass
class Plan:
    learner_id: int
    email: str
    name: str
    pathway: str
    started: date
    cohort: str
    site: str
    sponsored: int | None = None  # index into SPONSORED
    awards: list[tuple[str, date]] = field(default_factory=list)
    withdrawn: date | None = None
    groups: dict[str, str] = field(default_factory=dict)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def intakes(today: date) -> list[date]:
    """Three intakes a year (September, January, April) over the three years before today."""
    found = []
    for year in range(today.year - 4, today.year + 1):
        for month in (1, 4, 9):
            day = date(year, month, 15)
            if today - timedelta(days=3 * 365) <= day <= today - timedelta(days=30):
                found.append(day)
    return found


def plan_history(learners: Sequence[tuple[int, Learner]], today: date, seed: int = SEED) -> list[Plan]:
    """Who enrols where and when, and what each earns when (deterministic for a seed)."""
    rng = random.Random(seed)
    starts = intakes(today)
    seats = {k: s[3] for k, s in enumerate(SPONSORED)}
    plans = []
    for learner_id, person in learners:
        pathway = _pick(rng, PATHWAYS)
        intake = rng.randrange(len(starts))
        started = starts[intake] + timedelta(days=rng.randrange(0, 10))
        plan = Plan(
            learner_id,
            person.email,
            person.name,
            pathway,
            started,
            starts[intake].strftime("%Y-%m"),
            _pick(rng, SITES),
        )
        for k, (_, sponsored_pathway, at, _, _, _) in enumerate(SPONSORED):
            if sponsored_pathway == pathway and at == intake and seats[k] > 0 and rng.random() < 0.5:
                plan.sponsored, seats[k] = k, seats[k] - 1
        consents = rng.random() < 0.86  # most, not all, consent to give demographic data
        for attribute, weighted in GROUPS.items():
            if consents and rng.random() < 0.95:  # and may leave a question out
                plan.groups[attribute] = _pick(rng, weighted)
        _earn(rng, plan, today)
        plans.append(plan)
    return plans


def _earn(rng: random.Random, plan: Plan, today: date) -> None:
    keep_on = 0.86 + (0.07 if plan.sponsored is not None else 0) - (0.05 if plan.site == "Online" else 0)
    keep_on -= 0.04 if plan.groups.get("first in family at university") == "yes" else 0
    if plan.pathway == "DIP-DBT":
        steps = [*MODULES["CERT-DA"], "CERT-DA", *MODULES["CERT-CSE"], "CERT-CSE", *DIPLOMA_EXTRA, "DIP-DBT"]
    else:
        modules = list(MODULES[plan.pathway])
        if rng.random() < 0.3:  # some take the second and third modules the other way round
            modules[1], modules[2] = modules[2], modules[1]
        steps = [*modules, plan.pathway]
    when = plan.started
    for code in steps:
        stacked = code in ("CERT-DA", "CERT-CSE", "DIP-DBT")
        if not stacked and rng.random() > keep_on:
            if when + timedelta(days=60) <= today and rng.random() < 0.7:
                plan.withdrawn = when + timedelta(days=rng.randrange(20, 60))
            return
        when = when + timedelta(days=1 if stacked else int(rng.gammavariate(4.0, 14.0)) + 12)
        if when > today:
            return
        plan.awards.append((code, when))


@dataclass(frozen=True)
class _Job:
    index: int
    code: str
    email: str
    name: str
    public_id: str
    valid_from: datetime
    list_number: int
    slot: int
    marks: dict[str, str]


_WORKER: dict[str, Any] = {}


def _init(
    settings: Settings,
    institution: Institution,
    key: StoredKey,
    secret: bytes,
    stored: dict[str, StoredAchievement],
) -> None:
    _WORKER.update(
        settings=settings,
        institution=institution,
        signer=Signer(key, Ed25519PrivateKey.from_private_bytes(secret)),
        stored=stored,
    )


def _sign(job: _Job) -> tuple[int, dict[str, Any]]:
    w = _WORKER
    document = build_credential(
        settings=w["settings"],
        institution=w["institution"],
        signer=w["signer"],
        stored=w["stored"][job.code],
        learner=Learner(job.email, job.name),
        request=IssueRequest(job.code, job.email, job.name, marks=job.marks, valid_from=job.valid_from),
        public_id=job.public_id,
        valid_from=job.valid_from,
        list_number=job.list_number,
        index=job.slot,
    )
    return job.index, document


def _sign_all(jobs: list[_Job], init: tuple[Any, ...]) -> dict[int, dict[str, Any]]:
    workers = min(os.cpu_count() or 1, 4)
    if workers > 1 and len(jobs) > 200 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(workers, initializer=_init, initargs=init) as pool:
            return dict(pool.imap_unordered(_sign, jobs, chunksize=64))
    _init(*init)
    return dict(_sign(job) for job in jobs)


def seed_demo_history(
    uow: UnitOfWork,
    settings: Settings,
    institution: Institution,
    learners: Sequence[Learner],
    today: date | None = None,
) -> int:
    """Make the history (once) and refresh the analytics; returns the awards issued."""
    today = today or datetime.now(UTC).date()
    chosen = list(learners[FIRST_LEARNER:])
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        if uow.conn.execute(
            select(func.count()).where(t.enrolments.c.institution_id == institution_id)
        ).scalar_one():
            return 0
        ids = []
        for person in chosen:
            found = uow.learners.by_email(institution_id, person.email)
            if found is not None:
                ids.append((found[0], found[1]))
    if not ids:
        return 0
    plans = plan_history(ids, today)
    issued = _store_awards(uow, settings, institution, plans, today)
    _store_outcomes(uow, institution, plans, today)
    analytics.refresh(uow, institution=institution, as_of=today)
    return issued


def _store_awards(
    uow: UnitOfWork, settings: Settings, institution: Institution, plans: list[Plan], today: date
) -> int:
    wanted = [(p, code, on) for p in plans for code, on in p.awards]
    if not wanted:
        return 0
    now = datetime.now(UTC)
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        stored: dict[str, StoredAchievement] = {}
        for code in {code for _, code, _ in wanted}:
            achievement_id = uow.achievements.id_for_code(institution_id, code)
            found = uow.achievements.get(achievement_id) if achievement_id is not None else None
            if found is not None:
                stored[code] = found
        signer = active_signer(uow, institution_id, settings, now)
        status_list = _lock_list(uow, institution_id, signer.did, now)
        wanted = [w for w in wanted if w[1] in stored]
        room = status_list.size - status_list.next_index
        wanted = wanted[:room]
        first = status_list.next_index
        uow.status_lists.take_index(status_list.id, first + len(wanted) - 1)
        uow.commit()
    jobs = []
    for k, (plan, code, on) in enumerate(wanted):
        rubric = stored[code].achievement.rubric
        jobs.append(
            _Job(
                k,
                code,
                plan.email,
                plan.name,
                str(uuid.UUID(int=random.Random(f"{plan.email}:{code}").getrandbits(128), version=4)),
                datetime.combine(on, time(10, 0), tzinfo=UTC),
                status_list.number,
                first + k,
                {
                    c.code: ("Exemplary" if (k + j) % 5 == 0 else "Proficient")
                    for j, c in enumerate(rubric.criteria)
                }
                if rubric
                else {},
            )
        )
    secret = signer.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    documents = _sign_all(jobs, (settings, institution, signer.key, secret, stored))
    public_ids: dict[tuple[int, str], str] = {
        (wanted[j.index][0].learner_id, j.code): j.public_id for j in jobs
    }
    components = {
        "CERT-DA": MODULES["CERT-DA"],
        "CERT-CSE": MODULES["CERT-CSE"],
        "DIP-DBT": ("CERT-DA", "CERT-CSE", *DIPLOMA_EXTRA),
    }
    rows = []
    for job in jobs:
        plan = wanted[job.index][0]
        document = documents[job.index]
        until = document.get("validUntil")
        parts = components.get(job.code)
        rows.append(
            {
                "public_id": job.public_id,
                "institution_id": institution_id,
                "achievement_id": stored[job.code].id,
                "learner_id": plan.learner_id,
                "idempotency_key": f"demo-history:{job.code}:{plan.email}",
                "issued_at": job.valid_from,
                "valid_from": job.valid_from,
                "valid_until": datetime.fromisoformat(until.replace("Z", "+00:00")) if until else None,
                "key_id": signer.key.id,
                "status": "active",
                "status_reason": None,
                "status_list_number": job.list_number,
                "status_index": job.slot,
                "results": job.marks,
                "evidence": [],
                "credential": document,
                "clr": None,
                "components": [public_ids[(plan.learner_id, c)] for c in parts] if parts else None,
            }
        )
    with uow:
        for start in range(0, len(rows), 500):
            uow.conn.execute(insert(t.awards), rows[start : start + 500])
        uow.audit.record(
            actor="demo",
            action="demo.history",
            subject_type="institution",
            subject_id=institution.slug,
            institution_id=institution_id,
            detail={"awards": len(rows), "learners": len(plans), "as_of": today.isoformat()},
        )
        uow.commit()
    return len(rows)


def _store_outcomes(uow: UnitOfWork, institution: Institution, plans: list[Plan], today: date) -> None:
    rng = random.Random(SEED + 1)
    starts = intakes(today)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        conn = uow.conn
        partners = {p.partner.slug: p.id for p in uow.partners.all(institution_id)}
        cohort_ids: dict[int, int] = {}
        for k, (slug, pathway, at, seats, price, roi) in enumerate(SPONSORED):
            if slug not in partners or at >= len(starts):
                continue
            values: dict[str, Any] = {
                "institution_id": institution_id,
                "partner_id": partners[slug],
                "code": f"{slug.split('-')[0].upper()}-{starts[at]:%Y-%m}",
                "name": f"{slug.split('-')[0].title()} {pathway} cohort {starts[at]:%B %Y}",
                "pathway_code": pathway,
                "seats": seats,
                "seat_price": Decimal(price),
                "currency": "EUR",
                "starts": starts[at],
                "created_by": "demo",
            }
            if roi:
                names = (
                    "productivity_gain",
                    "retention_rate",
                    "baseline_retention_rate",
                    "replacement_cost",
                    "programme_cost",
                    "roi_years",
                )
                values.update({n: Decimal(v) for n, v in zip(names, roi, strict=True)})
            cohort_ids[k] = conn.execute(insert(t.sponsored_cohorts).values(**values)).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            insert(t.enrolments),
            [
                {
                    "institution_id": institution_id,
                    "learner_id": p.learner_id,
                    "pathway_code": p.pathway,
                    "started": p.started,
                    "cohort": p.cohort,
                    "site": p.site,
                    "sponsored_cohort_id": cohort_ids.get(p.sponsored) if p.sponsored is not None else None,
                    "withdrawn": p.withdrawn,
                }
                for p in plans
            ],
        )
        demographics = [
            {
                "learner_id": p.learner_id,
                "attribute": attribute,
                "group_label": group,
                "consented_at": datetime.combine(p.started, time(9, 0), tzinfo=UTC),
                "source": "form",
            }
            for p in plans
            for attribute, group in p.groups.items()
        ]
        if demographics:
            conn.execute(insert(t.demographics), demographics)
        employers = list(partners)
        for p in plans:
            done = next((on for code, on in p.awards if code == p.pathway), None)
            if done is None:
                continue
            sponsor = SPONSORED[p.sponsored][0] if p.sponsored is not None else None
            if sponsor is None and rng.random() > 0.68:
                continue
            hired = done if sponsor else done + timedelta(days=int(rng.gammavariate(2.0, 28.0)))
            if hired > today:
                continue
            own = sponsor or (rng.choice(employers) if employers and rng.random() < 0.45 else None)
            left = hired + timedelta(days=rng.randrange(150, 700)) if rng.random() < 0.18 else None
            hire_id = conn.execute(
                insert(t.hires).values(
                    institution_id=institution_id,
                    learner_id=p.learner_id,
                    partner_id=partners.get(own) if own else None,
                    employer_name=own.replace("-", " ").title()
                    if own
                    else rng.choice(
                        ("Brightwater Council", "Tidewell Health", "Orrin Retail Group", "Kestrel Energy")
                    ),
                    role="Data analyst" if "DA" in p.pathway else "Software developer",
                    hired=hired,
                    left=left if left and left <= today else None,
                    created_by="demo",
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            ratings: list[tuple[str, int | None, int, date]] = []
            if hired + timedelta(days=60) <= today:
                ratings.append(
                    (
                        "satisfaction",
                        None,
                        min(5, max(1, round(rng.gauss(4.1, 0.7)))),
                        hired + timedelta(days=60),
                    )
                )
            for months in (3, 6, 12):
                on = hired + timedelta(days=30 * months)
                if on <= today and (left is None or on < left):
                    mean = 3.2 + 0.25 * (months // 3) ** 0.5
                    ratings.append(("performance", months, min(5, max(1, round(rng.gauss(mean, 0.8)))), on))
            if ratings:
                conn.execute(
                    insert(t.hire_ratings),
                    [
                        {
                            "hire_id": hire_id,
                            "kind": kind,
                            "months": m,
                            "score": Decimal(score),
                            "scale_max": 5,
                            "rated_on": on,
                            "rated_by": "demo",
                        }
                        for kind, m, score, on in ratings
                    ],
                )
        if employers:
            conn.execute(
                insert(t.verification_events),
                [
                    {
                        "institution_id": institution_id,
                        "at": datetime.combine(
                            today - timedelta(days=rng.randrange(0, 900)), time(11, 0), tzinfo=UTC
                        ),
                        "channel": rng.choice(("page", "api", "share")),
                        "verdict": "valid",
                        "partner_id": partners[rng.choice(employers)] if rng.random() < 0.7 else None,
                    }
                    for _ in range(320)
                ],
            )
        cohort = conn.execute(
            insert(t.comparison_cohorts).values(
                institution_id=institution_id,
                code="BSC-COMP-2019",
                name="BSc Computing entrants 2019 (traditional degree)",
                description="Entrants of the three-year BSc in September 2019, with completion by 2024; imported from the student-records system.",
                imported_by="demo",
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        records = []
        for k in range(640):
            groups = {a: _pick(rng, w) for a, w in GROUPS.items() if rng.random() < 0.9}
            chance = 0.68 - (0.1 if groups.get("first in family at university") == "yes" else 0)
            finished = rng.random() < chance
            records.append(
                {
                    "cohort_id": cohort,
                    "ref": f"S19-{k:04d}",
                    "started": date(2019, 9, 23),
                    "completed": date(2022, 6, 30) if finished else None,
                    "withdrawn": None
                    if finished
                    else date(2020, 1, 1) + timedelta(days=rng.randrange(0, 900)),
                    "groups": groups,
                }
            )
        conn.execute(insert(t.comparison_records), records)
        uow.commit()
