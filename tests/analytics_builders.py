"""A small fixed outcome history for the analytics tests, stored as rows (awards with a stub
credential: the analytics read only who earned what when), with every figure worked out by hand
in the comments and in tests/services/test_analytics.py.

Pathway P: modules M1, M2, M3 then the certificate CERT. As of 2026-01-01:

    learner  entry       cohort site   sponsor  awards (day after entry)                 withdrew
    L1       2025-01-01  C1     North  acme     M1 31, M2 59, M3 90, CERT 100            -
    L2       2025-01-01  C1     North  acme     M1 31, M3 60                             day 180
    L3       2025-01-01  C1     South  -        M2 20, M1 60, M3 100, CERT 120           -
    L4       2025-07-01  C2     South  -        -                                        -
    L5       2025-07-01  C2     North  -        M1 31 (an M2 at day 62 is revoked)       -
    L6       2025-07-01  C2     North  -        M1 10 (again at 20), M2 40, CERT 92      day 62
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, insert

from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store import tables as t

AS_OF = date(2026, 1, 1)
JAN = date(2025, 1, 1)
JUL = date(2025, 7, 1)
PARTNER_EMAIL = "boss@acme.example"  # the employer account is Acme's contact


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=UTC)


class Builder:
    def __init__(self, conn: Connection, institution_id: int) -> None:
        self.conn = conn
        self.institution_id = institution_id
        self.achievement: dict[str, int] = {}
        self.learner: dict[str, int] = {}
        self.slot = 0
        self.key_id = self._insert(
            t.signing_keys,
            institution_id=institution_id,
            did="did:web:test",
            verification_method=f"did:web:test#key-{uuid.uuid4()}",
            public_key_multibase="z6Mk",
            private_key_ciphertext=b"-",
            created_at=_at(JAN),
        )

    def _insert(self, table: t.Table, **values: object) -> int:
        result = self.conn.execute(insert(table).values(**values))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def achievements(self, *codes: str) -> None:
        for code in codes:
            self.achievement[code] = self._insert(
                t.achievements,
                institution_id=self.institution_id,
                code=code,
                name=code,
                kind="micro-credential",
                description="",
                criteria="",
                state="published",
                tags=[],
                employer_partners=[],
            )

    def pathway(self, code: str, modules: list[str], terminal: str) -> None:
        definition = {
            "id": code,
            "name": code,
            "awards": terminal,
            "version": 1,
            "requires": {"id": code, "all": [{"id": f"{code}/{m}", "achievement": m} for m in modules]},
        }
        self._insert(
            t.pathways,
            institution_id=self.institution_id,
            code=code,
            version=1,
            name=code,
            awards_code=terminal,
            definition=definition,
            state="published",
        )

    def learners(self, *names: str) -> None:
        for name in names:
            self.learner[name] = self._insert(
                t.learners, institution_id=self.institution_id, email=f"{name.lower()}@example.org", name=name
            )

    def award(self, learner: str, code: str, day: date, status: str = "active") -> None:
        self.slot += 1
        self._insert(
            t.awards,
            public_id=str(uuid.uuid4()),
            institution_id=self.institution_id,
            achievement_id=self.achievement[code],
            learner_id=self.learner[learner],
            idempotency_key=f"k{self.slot}:{uuid.uuid4()}",
            issued_at=_at(AS_OF),
            valid_from=_at(day),
            key_id=self.key_id,
            status=status,
            status_list_number=self.key_id,
            status_index=self.slot,
            results={},
            evidence=[],
            credential={"stub": True},
        )

    def partner(self, slug: str, email: str) -> int:
        return self._insert(
            t.partners,
            institution_id=self.institution_id,
            slug=slug,
            name=slug.title(),
            kind="employer",
            contact_email=email,
            description="",
            created_by="t",
        )

    def enrol(
        self,
        learner: str,
        pathway: str,
        started: date,
        cohort: str = "",
        site: str = "",
        sponsored: int | None = None,
        withdrawn: date | None = None,
    ) -> None:
        self._insert(
            t.enrolments,
            institution_id=self.institution_id,
            learner_id=self.learner[learner],
            pathway_code=pathway,
            started=started,
            cohort=cohort,
            site=site,
            sponsored_cohort_id=sponsored,
            withdrawn=withdrawn,
        )

    def hire(self, learner: str, hired: date, left: date | None = None, partner: int | None = None) -> int:
        return self._insert(
            t.hires,
            institution_id=self.institution_id,
            learner_id=self.learner[learner],
            partner_id=partner,
            employer_name="Acme",
            role="Analyst",
            hired=hired,
            left=left,
            created_by="t",
        )

    def rating(self, hire: int, kind: str, score: str, scale: int, months: int | None = None) -> None:
        self._insert(
            t.hire_ratings,
            hire_id=hire,
            kind=kind,
            months=months,
            score=Decimal(score),
            scale_max=scale,
            rated_on=AS_OF,
            rated_by="t",
        )

    def demographic(self, learner: str, attribute: str, group: str) -> None:
        self._insert(
            t.demographics,
            learner_id=self.learner[learner],
            attribute=attribute,
            group_label=group,
            consented_at=_at(JAN),
            source="form",
        )


def seed_small(uow: UnitOfWork, institution: Institution) -> None:
    """The six learners of the module docstring, with hires, ratings and one sponsored cohort."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        b = Builder(uow.conn, institution_id)
        b.achievements("M1", "M2", "M3", "CERT")
        b.pathway("P", ["M1", "M2", "M3"], "CERT")
        b.learners("L1", "L2", "L3", "L4", "L5", "L6")
        acme = b.partner("acme", PARTNER_EMAIL)
        b.partner("other", "jobs@other.example")
        cohort = b._insert(
            t.sponsored_cohorts,
            institution_id=institution_id,
            partner_id=acme,
            code="ACME-1",
            name="Acme 2025",
            pathway_code="P",
            seats=20,
            seat_price=Decimal("900.00"),
            currency="EUR",
            starts=JAN,
            productivity_gain=Decimal("10000"),
            retention_rate=Decimal("0.9"),
            baseline_retention_rate=Decimal("0.7"),
            replacement_cost=Decimal("20000"),
            programme_cost=Decimal("5000"),
            roi_years=Decimal("1"),
            created_by="t",
        )
        b.enrol("L1", "P", JAN, "C1", "North", cohort)
        b.enrol("L2", "P", JAN, "C1", "North", cohort, withdrawn=JAN + timedelta(days=180))
        b.enrol("L3", "P", JAN, "C1", "South")
        b.enrol("L4", "P", JUL, "C2", "South")
        b.enrol("L5", "P", JUL, "C2", "North")
        b.enrol("L6", "P", JUL, "C2", "North", withdrawn=JUL + timedelta(days=62))
        for learner, start, plan in (
            ("L1", JAN, (("M1", 31), ("M2", 59), ("M3", 90), ("CERT", 100))),
            ("L2", JAN, (("M1", 31), ("M3", 60))),
            ("L3", JAN, (("M2", 20), ("M1", 60), ("M3", 100), ("CERT", 120))),
            ("L5", JUL, (("M1", 31),)),
            ("L6", JUL, (("M1", 10), ("M1", 20), ("M2", 40), ("CERT", 92))),
        ):
            for code, days in plan:
                b.award(learner, code, start + timedelta(days=days))
        b.award("L5", "M2", JUL + timedelta(days=62), status="revoked")
        h1 = b.hire("L1", JAN + timedelta(days=130), partner=acme)  # 30 days after CERT
        h3 = b.hire("L3", JAN + timedelta(days=120))  # the day of CERT
        b.hire("L2", JAN, left=date(2025, 6, 1), partner=acme)  # 12 months old, left after 5
        b.hire("L4", date(2025, 6, 1))  # before entry: not counted
        b.rating(h1, "satisfaction", "4", 5)
        b.rating(h3, "satisfaction", "10", 10)  # 5.0 on the 5-point scale
        b.rating(h1, "performance", "3", 5, months=3)
        b.rating(h3, "performance", "4", 5, months=3)
        b.rating(h1, "performance", "4", 5, months=6)
        b._insert(
            t.verification_events,
            institution_id=institution_id,
            at=_at(date(2025, 8, 1)),
            channel="page",
            verdict="valid",
            partner_id=acme,
        )
        b._insert(
            t.verification_events,
            institution_id=institution_id,
            at=_at(date(2025, 8, 2)),
            channel="api",
            verdict="valid",
        )
        b._insert(
            t.co_designs, partner_id=acme, achievement_id=b.achievement["M1"], contribution="x", since=JAN
        )
        uow.commit()


# Equity: groups (learners, completed, progressed) all entered 2024-01-01 with the horizon
# behind them. D is under the threshold of 10; C is then withheld too (complementary
# suppression), so that D cannot be had from the total. The comparison cohort: A 40 entrants
# of whom 10 completed the degree, B 20 of whom 10 did.
EQUITY_GROUPS = {"A": (40, 20, 28), "B": (25, 10, 15), "C": (21, 10, 10), "D": (3, 1, 1)}


def seed_equity(uow: UnitOfWork, institution: Institution) -> None:
    start = date(2024, 1, 1)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        b = Builder(uow.conn, institution_id)
        b.achievements("E1", "E2", "E3", "ECERT")
        b.pathway("EQ", ["E1", "E2", "E3"], "ECERT")
        k = 0
        for group, (n, completed, progressed) in EQUITY_GROUPS.items():
            for i in range(n):
                k += 1
                name = f"Q{k}"
                b.learners(name)
                b.enrol(name, "EQ", start, "Q", "Main")
                b.demographic(name, "gender", group)
                if i < completed:  # completers earn all three modules and the certificate
                    for j, code in enumerate(("E1", "E2", "E3", "ECERT")):
                        b.award(name, code, start + timedelta(days=30 * (j + 1)))
                elif i < progressed:  # two modules within the year
                    b.award(name, "E1", start + timedelta(days=40))
                    b.award(name, "E2", start + timedelta(days=80))
                else:  # one module
                    b.award(name, "E1", start + timedelta(days=40))
        cohort = b._insert(
            t.comparison_cohorts,
            institution_id=institution_id,
            code="BSC-2019",
            name="BSc entrants 2019",
            description="",
            imported_by="t",
        )
        for i in range(40):
            b._insert(
                t.comparison_records,
                cohort_id=cohort,
                ref=f"r{i}",
                started=date(2019, 9, 1),
                completed=date(2022, 6, 1) if i < 10 else None,
                groups={"gender": "A"},
            )
        for i in range(20):
            b._insert(
                t.comparison_records,
                cohort_id=cohort,
                ref=f"s{i}",
                started=date(2019, 9, 1),
                completed=date(2022, 6, 1) if i < 10 else None,
                groups={"gender": "B"},
            )
        uow.commit()
