"""Outcome records on both databases: the CSV imports (all or nothing, every problem by line and
column), hires and ratings, learners' own demographic groups, case studies shown only with the
holder's consent, and who may do what."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.identity import Forbidden, Principal
from credstack.domain.institution import Institution, Learner
from credstack.domain.outcomes import CaseStudy, Hire, Rating, RatingKind
from credstack.services import outcomes, partners
from credstack.services.identity import add_user
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.stacking import save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import audit_log, demographics, enrolments, hires
from tests.conftest import snapshot
from tests.partners_builders import HARBOURLINE, seed_people

PATHWAY = "CERT-DA"

COHORTS = """code,name,partner,pathway,seats,seat_price,currency,starts,productivity_gain,retention_rate,baseline_retention_rate,replacement_cost,programme_cost,roi_years
HL-2025,Harbourline analysts 2025,harbourline-logistics,CERT-DA,12,1450.00,EUR,2025-01-13,8000,0.9,0.75,12000,21000,1
"""
ENROLMENTS = """email,name,pathway,started,cohort,site,sponsored_cohort,withdrawn
ada@example.org,Ada Lovelace,CERT-DA,2025-01-13,2025-A,Harbour Campus,HL-2025,
bo@example.org,Bo Reyes,CERT-DA,2025-02-03,2025-A,Online,,2025-06-30
"""
HIRES = """email,employer,partner,role,hired,left
ada@example.org,,harbourline-logistics,Data analyst,2025-09-01,
bo@example.org,Quayside Ltd,,Junior analyst,2025-10-01,2026-04-30
"""


PATHWAY_FILE = b"""
id: CERT-DA
name: Certificate in data work
awards: MC-PP-101
requires:
  all:
    - achievement: MC-DA-101
    - achievement: MC-SD-101
"""


@pytest.fixture
def env(
    engine: Engine, institution: Institution
) -> tuple[UnitOfWork, Settings, Institution, dict[str, Principal]]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), institution_slug=institution.slug
    )
    uow = UnitOfWork(engine)
    cast = seed_people(uow, institution)
    save_pathway(uow, institution=institution, data=PATHWAY_FILE, filename="cert-da.yaml", actor="t")
    partners.add_partner(
        uow, institution=institution, principal=cast["reg"], partner=HARBOURLINE
    )  # contact: ines
    user_id, roles = add_user(
        uow, institution=institution, email="bo@example.org", name="Bo", roles=["learner"], actor="t"
    )
    with uow:
        uow.learners.add(cast["reg"].institution_id, Learner("bo@example.org", "Bo"))
        uow.commit()
    people = {"reg": cast["reg"], "ada": cast["ada"], "emp": cast["ines"]}
    people["bo"] = Principal(user_id, "bo@example.org", "Bo", cast["reg"].institution_id, roles)
    return uow, settings, institution, people


def _import(
    env: tuple[UnitOfWork, Settings, Institution, dict[str, Principal]], kind: str, data: str, **kw: str
) -> outcomes.ImportResult:
    uow, _, institution, people = env
    return outcomes.import_table(
        uow, institution=institution, principal=people["reg"], kind=kind, data=data, **kw
    )


def test_imports_store_every_kind_and_a_second_import_updates(env, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert _import(env, "sponsored-cohorts", COHORTS).summary() == {
        "kind": "sponsored-cohorts", "rows": 1, "added": 1, "updated": 0,
    }  # fmt: skip
    assert _import(env, "enrolments", ENROLMENTS).added == 2
    assert _import(env, "hires", HIRES).added == 2
    ratings = (
        "email,employer,hired,kind,months,score,scale_max,rated_on\n"
        "ada@example.org,Harbourline Logistics,2025-09-01,satisfaction,,4.5,5,2025-12-01\n"
        "ada@example.org,harbourline logistics,2025-09-01,performance,3,4,5,2025-12-01\n"
    )
    assert _import(env, "ratings", ratings).added == 2
    demo = "email,attribute,group,consented\nada@example.org,gender,woman,yes\nbo@example.org,age-band,25-34,yes\n"
    assert _import(env, "demographics", demo).added == 2
    comparison = "ref,started,completed,withdrawn,group:gender\nS1,2021-09-01,2024-06-30,,woman\nS2,2021-09-01,,2022-01-10,man\n"
    assert _import(env, "comparison", comparison, cohort_code="BSC-2021", cohort_name="BSc 2021").added == 2

    uow, _, institution, people = env
    view = outcomes.overview(uow, institution=institution, principal=people["reg"])
    assert view["counts"] | {"verifications": 0} == {
        "sponsored_cohorts": 1, "enrolments": 2, "hires": 2, "ratings": 2, "demographics": 2,
        "comparison_records": 2, "case_studies": 0, "verifications": 0,
    }  # fmt: skip
    (cohort,) = view["cohorts"]
    assert (cohort.enrolled, cohort.cohort.seat_price, cohort.cohort.retention_rate) == (
        1,
        Decimal("1450.00"),
        Decimal("0.9"),
    )
    assert cohort.cohort.has_roi_inputs
    assert view["comparisons"] == [
        {
            "code": "BSC-2021",
            "name": "BSc 2021",
            "description": "traditional-degree comparison cohort",
            "records": 2,
        }
    ]
    ada = next(h for h in view["hires"] if h.email == "ada@example.org")
    assert (ada.employer, ada.partner_slug, [r.kind for _, r in ada.ratings]) == (
        "Harbourline Logistics", "harbourline-logistics", [RatingKind.PERFORMANCE, RatingKind.SATISFACTION],
    )  # fmt: skip

    # the same files again change rows in place; nothing is added twice
    assert _import(env, "enrolments", ENROLMENTS.replace("2025-A", "2025-B")).summary()["updated"] == 2
    assert _import(env, "hires", HIRES).updated == 2
    assert _import(env, "comparison", comparison, cohort_code="BSC-2021").updated == 2
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(enrolments)).scalar() == 2
        assert set(conn.execute(select(enrolments.c.cohort)).scalars()) == {"2025-B"}
        assert conn.execute(select(func.count()).select_from(hires)).scalar() == 2
        actions = list(
            conn.execute(
                select(audit_log.c.action).where(audit_log.c.action == "outcomes.imported")
            ).scalars()
        )
    assert len(actions) == 9


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("enrolments", "email,pathway,started\nnobody@example.org,CERT-DA,2025-01-01\n",
         ["line 2 name: nobody@example.org is not a known learner: give their name"]),
        ("enrolments", "email,name,pathway,started,withdrawn\nx@example.org,X,NOPE,2025-13-01,2024-01-01\n",
         ["line 2 started: '2025-13-01' is not a date (YYYY-MM-DD)"]),
        ("enrolments", "email,name,pathway,started,withdrawn\nx@example.org,X,NOPE,2025-02-01,2024-01-01\n",
         ["line 2 withdrawn: withdrawn 2024-01-01 is before started 2025-02-01", "line 2 pathway: there is no pathway 'NOPE'"]),
        ("hires", "email,role,hired\nada@example.org,Analyst,2025-01-01\n",
         ["line 2 employer: is required (or give the partner)"]),
        ("hires", "email,employer,role,hired,colour\nada@example.org,A,B,2025-01-01,red\n",
         ["line 1 colour: unknown column; expected: email, employer, partner, role, hired, left, credential"]),
        ("demographics", "email,attribute,group,consented\nada@example.org,gender,woman,no\n",
         ["line 2 consented: only groups the learner consented to give may be stored"]),
        ("ratings", "email,employer,hired,kind,score,scale_max,rated_on\nada@example.org,Nowhere,2025-01-01,performance,7,5,2025-03-01\n",
         ["line 2 score: 7 is not on the scale 0 to 5",
          "line 2 months: a performance rating needs the months after the hire (e.g. 3)",
          "line 2: no hire of ada@example.org by 'Nowhere' on 2025-01-01"]),
        ("sponsored-cohorts", COHORTS.replace(",0.9,", ",1.9,").replace("harbourline-logistics", "acme"),
         ["line 2 retention_rate: 1.9 is out of range (0 to 1)"]),
        ("comparison", "ref,started\nS1,2020-01-01\nS1,2020-01-01\n", ["cohort_code: a comparison cohort import needs the cohort's code"]),
    ],
)  # fmt: skip
def test_a_bad_file_names_each_problem_and_changes_nothing(
    env, engine: Engine, kind: str, data: str, expected: list[str]
) -> None:  # type: ignore[no-untyped-def]
    _import(
        env, "enrolments", "email,name,pathway,started\nada@example.org,Ada Lovelace,CERT-DA,2025-01-13\n"
    )
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as err:
        _import(env, kind, data)
    assert [str(p) for p in err.value.problems] == expected
    assert snapshot(engine) == before


def test_every_bad_row_is_reported_not_only_the_first(env, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    data = "email,name,pathway,started\nok@example.org,Ok,CERT-DA,2025-01-01\nbad,Bad,CERT-DA,2025-01-01\nok@example.org,Ok,CERT-DA,2025-02-01\n"
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as err:
        _import(env, "enrolments", data)
    assert [str(p) for p in err.value.problems] == [
        "line 3 email: 'bad' is not an email address",
        "line 4: the same learner and pathway as line 2",
    ]
    assert snapshot(engine) == before


def test_only_registrars_import_and_record(env) -> None:  # type: ignore[no-untyped-def]
    uow, _, institution, people = env
    for who in ("ada", "emp"):
        with pytest.raises(Forbidden):
            outcomes.import_table(
                uow, institution=institution, principal=people[who], kind="hires", data=HIRES
            )
        with pytest.raises(Forbidden):
            outcomes.hires(uow, institution=institution, principal=people[who])


def test_a_hire_rated_one_at_a_time_and_the_employer_sees_only_its_own_cohorts(env) -> None:  # type: ignore[no-untyped-def]
    uow, _, institution, people = env
    _import(env, "sponsored-cohorts", COHORTS)
    _import(env, "enrolments", ENROLMENTS)
    hire = outcomes.add_hire(
        uow, institution=institution, principal=people["reg"],
        hire=Hire("bo@example.org", "Quayside Ltd", "Analyst", date(2025, 8, 1)),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="rated_on 2025-07-01 is before the hire on 2025-08-01"):
        outcomes.rate_hire(
            uow, institution=institution, principal=people["reg"], hire_id=hire.id,
            rating=Rating(RatingKind.SATISFACTION, Decimal(4), 5, date(2025, 7, 1)),
        )  # fmt: skip
    rated = outcomes.rate_hire(
        uow, institution=institution, principal=people["reg"], hire_id=hire.id,
        rating=Rating(RatingKind.PERFORMANCE, Decimal("3.5"), 5, date(2025, 11, 1), months=3),
    )  # fmt: skip
    assert outcomes.hire_json(rated)["ratings"] == [
        {"kind": "performance", "months": 3, "score": "3.50", "scale_max": 5, "rated_on": "2025-11-01"}
    ]
    with pytest.raises(NotFound):
        outcomes.rate_hire(
            uow, institution=institution, principal=people["reg"], hire_id=hire.id + 999,
            rating=Rating(RatingKind.SATISFACTION, Decimal(4), 5, date(2025, 9, 1)),
        )  # fmt: skip
    assert [
        c.cohort.code
        for c in outcomes.sponsored_cohorts(uow, institution=institution, principal=people["emp"])
    ] == ["HL-2025"]
    add_user(
        uow, institution=institution, email="other@example.org", name="Other", roles=["employer"], actor="t"
    )
    other = Principal(999, "other@example.org", "Other", people["emp"].institution_id, people["emp"].roles)
    assert outcomes.sponsored_cohorts(uow, institution=institution, principal=other) == []
    with pytest.raises(Forbidden):
        outcomes.sponsored_cohorts(uow, institution=institution, principal=people["ada"])


def test_a_learner_gives_and_withdraws_their_own_groups_and_the_log_keeps_no_value(
    env, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    uow, _, institution, people = env
    outcomes.give_demographic(
        uow, institution=institution, principal=people["ada"], attribute="Gender", group="woman"
    )
    outcomes.give_demographic(
        uow, institution=institution, principal=people["ada"], attribute="first-generation", group="yes"
    )
    assert outcomes.my_demographics(uow, institution=institution, principal=people["ada"]) == {
        "first-generation": "yes", "gender": "woman",
    }  # fmt: skip
    assert outcomes.my_demographics(uow, institution=institution, principal=people["bo"]) == {}
    assert outcomes.withdraw_demographic(
        uow, institution=institution, principal=people["ada"], attribute="gender"
    )
    assert not outcomes.withdraw_demographic(
        uow, institution=institution, principal=people["ada"], attribute="gender"
    )
    with engine.connect() as conn:
        assert list(conn.execute(select(demographics.c.attribute)).scalars()) == ["first-generation"]
        logged = " ".join(
            str(r) for r in conn.execute(select(audit_log).where(audit_log.c.action.like("demographic.%")))
        )
    assert "woman" not in logged and "gender" in logged
    with pytest.raises(InvalidInput, match="group: is required"):
        outcomes.give_demographic(
            uow, institution=institution, principal=people["ada"], attribute="gender", group=" "
        )
    with pytest.raises(Forbidden):
        outcomes.give_demographic(
            uow, institution=institution, principal=people["reg"], attribute="gender", group="x"
        )


def test_a_case_study_is_public_only_while_its_holder_consents(env, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    uow, settings, institution, people = env
    issued = issue_award(
        uow, settings=settings, institution=institution, actor="t",
        request=IssueRequest(achievement="MC-DA-101", learner_email="ada@example.org"),
    )  # fmt: skip
    case = CaseStudy(
        "MC-DA-101",
        "ada@example.org",
        "Depot scan clean-up",
        "Profiled a week of scans",
        "Cut mis-sorts by 12%",
        "harbourline-logistics",
    )
    with pytest.raises(InvalidInput, match="does not hold this achievement"):
        outcomes.add_case_study(
            uow,
            institution=institution,
            principal=people["reg"],
            case=CaseStudy(**{**case.__dict__, "email": "bo@example.org"}),
        )
    with pytest.raises(InvalidInput, match="evidence_url: must be an http"):
        outcomes.add_case_study(
            uow,
            institution=institution,
            principal=people["reg"],
            case=CaseStudy(**{**case.__dict__, "evidence_url": "javascript:alert(1)"}),
        )
    stored = outcomes.add_case_study(uow, institution=institution, principal=people["reg"], case=case)
    achievement_id = stored.achievement_id
    assert outcomes.showcase(uow, institution=institution, achievement_id=achievement_id) == []
    with pytest.raises(NotFound):
        outcomes.consent_case_study(
            uow, institution=institution, principal=people["bo"], case_id=stored.id, consent=True
        )
    outcomes.consent_case_study(
        uow, institution=institution, principal=people["ada"], case_id=stored.id, consent=True
    )
    (shown,) = outcomes.showcase(uow, institution=institution, achievement_id=achievement_id)
    assert outcomes.case_json(shown) == {
        "id": stored.id, "achievement_id": achievement_id, "achievement": shown.achievement_name,
        "title": "Depot scan clean-up", "task": "Profiled a week of scans", "outcome": "Cut mis-sorts by 12%",
        "evidence_url": None, "employer": "Harbourline Logistics", "holder": "Ada Lovelace",
    }  # fmt: skip
    outcomes.consent_case_study(
        uow, institution=institution, principal=people["ada"], case_id=stored.id, consent=False
    )
    assert outcomes.showcase(uow, institution=institution, achievement_id=achievement_id) == []
    assert issued.award.public_id


def test_verifications_are_counted_with_the_employer_when_known(env) -> None:  # type: ignore[no-untyped-def]
    uow, _, institution, people = env
    outcomes.record_verification(
        uow, institution=institution, channel="page", verdict="valid", employer_email="ines@example.org"
    )
    outcomes.record_verification(uow, institution=institution, channel="api", verdict="invalid")
    assert (
        outcomes.overview(uow, institution=institution, principal=people["reg"])["counts"]["verifications"]
        == 2
    )


def test_a_verification_on_the_page_or_api_is_counted_with_its_credential_and_employer(
    env, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    from credstack.services.credential_files import render_award
    from credstack.services.verify_requests import verify_data
    from credstack.store.tables import verification_events

    uow, settings, institution, _ = env
    issued = issue_award(
        uow, settings=settings, institution=institution, actor="t",
        request=IssueRequest(achievement="MC-DA-101", learner_email="ada@example.org"),
    )  # fmt: skip
    data = render_award(uow, settings=settings, award=issued.award, fmt="json")
    verify_data(
        uow,
        settings=settings,
        institution=institution,
        data=data,
        channel="api",
        verifier_email="ines@example.org",
    )
    edited = json.loads(data)
    edited["credentialSubject"]["achievement"]["name"] = "Something grander"
    verify_data(uow, settings=settings, institution=institution, data=json.dumps(edited).encode())
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(
            select(verification_events.c.channel, verification_events.c.verdict, verification_events.c.award_public_id,
                   verification_events.c.partner_id.is_not(None)).order_by(verification_events.c.id)
        )]  # fmt: skip
    assert rows == [
        ("api", "valid", issued.award.public_id, True),
        ("verify", "invalid", issued.award.public_id, False),
    ]
