"""The demo's employer partners: three employers that co-designed Northbridge micro-credentials,
the micro-internships they offer as assessment tasks, assessment methods for three blueprints,
and two mentored micro-experiences, one of them signed off by its mentor (who has an account
with the employer role). Running the demo again adds nothing: each record is looked for first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from credstack.domain.blueprint import AssessmentMethod, AssessmentTask, AssessorKind
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution, Learner
from credstack.domain.partners import CoDesign, Mentorship, Partner, Project, ProjectKind
from credstack.services.blueprints import set_method
from credstack.services.identity import acting_as, add_user
from credstack.services.institutions import ensure_institution
from credstack.services.mentorships import add_mentorship, sign_off
from credstack.services.partners import add_co_design, add_partner, add_project
from credstack.services.unit_of_work import UnitOfWork

PARTNERS = (
    Partner(
        "Harbourline Logistics",
        website="https://www.harbourline-logistics.example",
        contact_name="Ines Varga",
        contact_email="partnerships@harbourline-logistics.example",
        description="Port, rail and road logistics across the northern coast; 1,400 staff.",
    ),
    Partner(
        "Stonecress Software",
        website="https://stonecress.example",
        contact_name="Omar Haddad",
        contact_email="omar.haddad@stonecress.example",
        description="Builds booking and payments software for regional transport operators.",
    ),
    Partner(
        "Quillmere Insurance",
        website="https://www.quillmere.example",
        contact_name="Priya Natarajan",
        contact_email="academy@quillmere.example",
        description="A mutual insurer whose analytics team hires Northbridge graduates.",
    ),
)

# (partner slug, achievement, contribution, since)
CO_DESIGNS = (
    ("harbourline-logistics", "MC-DA-101", "Supplied a year of anonymised depot scan data and the data-quality case study.", date(2025, 2, 1)),
    ("harbourline-logistics", "MC-SD-201", "Co-wrote the debugging scenario from a real scanner-feed outage.", date(2025, 4, 1)),
    ("stonecress-software", "MC-SD-101", "Reviewed the rubric against what junior developers do in their first month.", date(2025, 1, 15)),
    ("stonecress-software", "MC-SD-201", "Provides employer assessors for the code walk-through.", date(2025, 4, 1)),
    ("stonecress-software", "MC-CI-201", "Designed the deployment task on their staging pipeline.", date(2025, 6, 1)),
    ("quillmere-insurance", "MC-DA-102", "Co-designed the claims-frequency analysis task and its marking notes.", date(2025, 3, 1)),
    ("quillmere-insurance", "MC-SD-202", "Specified the quote API the learners build.", date(2025, 5, 1)),
)  # fmt: skip

# (partner slug, achievement, kind, title, brief, places, days open from today)
PROJECTS = (
    ("harbourline-logistics", "MC-DA-101", ProjectKind.MICRO_INTERNSHIP, "Depot scan data clean-up",
     "Two weeks with the operations analytics team: profile a month of scanner data, find the duplicate "
     "feed and document every cleaning step. Assessed against the Data Preparation rubric.", 4, 45),
    ("stonecress-software", "MC-SD-201", ProjectKind.MICRO_INTERNSHIP, "Fix the flaky booking tests",
     "A three-week micro-internship in the platform team: find why the booking test suite fails one run "
     "in ten, fix it and add the tests that were missing.", 2, 30),
    ("quillmere-insurance", "MC-DA-102", ProjectKind.EMPLOYER_PROJECT, "Claims frequency by region",
     "Estimate claims frequency by region from five years of anonymised claims and present what the "
     "pricing team should change; an employer project marked by Quillmere's actuaries with our faculty.", 3, 60),
)  # fmt: skip

METHODS = {
    "MC-DA-101": AssessmentMethod(
        "A data-preparation project on a real organisation's data, then a short oral defence of the cleaning log.",
        (
            AssessmentTask("Combine and profile the data", "At least three sources into one dataset, with a quality report."),
            AssessmentTask("Clean and justify", "A reproducible notebook and a log of every cleaning step."),
            AssessmentTask("Oral defence", "Ten minutes with an assessor on the choices in the log."),
        ),
        "Open book; learners may use any library; the oral defence is supervised (online or on site).",
        "Three weeks, about 30 hours",
        (AssessorKind.FACULTY, AssessorKind.EMPLOYER),
    ),
    "MC-SD-101": AssessmentMethod(
        "A portfolio of small programs and one larger program built to a brief, with a recorded code walk-through.",
        (
            AssessmentTask("Portfolio", "Five small programs from the course exercises, each with tests."),
            AssessmentTask("Brief", "A command-line tool to a partner's specification."),
            AssessmentTask("Walk-through", "A recorded ten-minute explanation of the tool's design."),
        ),
        "Individual work; code in a repository the assessor can read.",
        "Four weeks, about 35 hours",
        (AssessorKind.FACULTY,),
    ),
    "MC-PP-101": AssessmentMethod(
        "A data-protection impact assessment of a realistic system, checked by an external data-protection officer.",
        (AssessmentTask("Impact assessment", "Of a partner-provided system description, using the institution's template."),),
        "Open book.",
        "Two weeks, about 15 hours",
        (AssessorKind.FACULTY, AssessorKind.THIRD_PARTY),
    ),
}  # fmt: skip

MENTOR = ("Ines Varga", "ines.varga@harbourline-logistics.example")  # has an account (employer role)
EXTERNAL_MENTOR = ("Omar Haddad", "omar.haddad@stonecress.example")  # signs off through the link


def seed_demo_partners(uow: UnitOfWork, institution: Institution, learners: list[Learner]) -> None:
    """The partners, their co-design records, projects, blueprint methods and mentorships."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
    demo = Principal(0, "demo", "credstack demo", institution_id, frozenset({Role.ADMIN}))
    for partner in PARTNERS:
        with uow:
            known = uow.partners.by_slug(institution_id, partner.slug) is not None
        if not known:
            add_partner(uow, institution=institution, principal=demo, partner=partner)
    for slug, code, contribution, since in CO_DESIGNS:
        with uow:
            found = uow.partners.by_slug(institution_id, slug)
            target = uow.achievements.id_for_code(institution_id, code)
            known = found is None or target is None or uow.partners.co_design_exists(found.id, target, since)
        if not known:
            add_co_design(
                uow,
                institution=institution,
                principal=demo,
                co_design=CoDesign(slug, code, contribution, since),
            )
    today = date.today()
    for slug, code, kind, title, brief, places, days in PROJECTS:
        with uow:
            found = uow.partners.by_slug(institution_id, slug)
            known = found is None or uow.partners.project_titled(found.id, title) is not None
        if not known:
            offered = Project(
                slug,
                code,
                title,
                brief,
                today - timedelta(days=7),
                today + timedelta(days=days),
                kind,
                places,
            )
            add_project(uow, institution=institution, principal=demo, project=offered)
    for code, method in METHODS.items():
        set_method(uow, institution=institution, principal=demo, code=code, method=method)
    if len(learners) >= 2:
        _mentorships(uow, institution, institution_id, demo, learners[:2], today)


def _mentorships(
    uow: UnitOfWork, institution: Institution, institution_id: int, demo: Principal, learners: list[Learner],
    today: date,
) -> None:  # fmt: skip
    add_user(uow, institution=institution, email=MENTOR[1], name=MENTOR[0], roles=["employer"], actor="demo")
    plans = (
        (MENTOR, "harbourline-logistics", learners[0], "MC-DA-101",
         "Profile a month of depot scan data and find where duplicate scans come from", -30, -9, 24),
        (EXTERNAL_MENTOR, "stonecress-software", learners[1], "MC-SD-201",
         "Pair on the booking service's flaky tests and write up one fix end to end", -5, 12, 18),
    )  # fmt: skip
    for (name, mail), slug, learner, code, goal, start, end, hours in plans:
        with uow:
            known = any(
                m.mentorship.goal == goal
                for m in uow.partners.mentorships(
                    institution_id, mentor_email=mail, learner_email=learner.email
                )
            )
        if known:
            continue
        new = add_mentorship(
            uow, institution=institution, principal=demo,
            mentorship=Mentorship(slug, name, mail, learner.email, goal, today + timedelta(days=start),
                                  today + timedelta(days=end), hours, code),
        )  # fmt: skip
        if mail == MENTOR[1]:
            mentor = acting_as(uow, institution=institution, email=mail)
            sign_off(
                uow, institution=institution, principal=mentor, public_id=new.stored.public_id, outcome="met",
                statement=(
                    f"{learner.name} profiled 41,000 scan events over three weeks, traced the duplicates to a "
                    "second handheld feed that replays after a dock-door reboot, and wrote the cleaning rule our "
                    "team now runs nightly. Clear notes, good questions, and on time."
                ),
                now=datetime.combine(today + timedelta(days=end + 2), time(15, 30), tzinfo=UTC),
            )  # fmt: skip
