"""The demo's learning resources: a realistic handful on the demo catalog (its achievements, a
few rubric criteria and competencies), so the demo learner's pathway map shows next steps with
resources and failed criteria show what to study. Seeded once; running it again adds nothing."""

from __future__ import annotations

from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.resources import ResourceDraft
from credstack.services.institutions import ensure_institution
from credstack.services.resources import add_resource
from credstack.services.unit_of_work import UnitOfWork

NB = "https://learn.northbridge.example.edu"

# (title, url, kind, minutes, provider, achievement, competency, criterion)
RESOURCES: tuple[tuple[str, str, str, int, str | None, str | None, str | None, str | None], ...] = (
    (
        "The Python tutorial",
        "https://docs.python.org/3/tutorial/",
        "reading",
        240,
        "Python Software Foundation",
        "MC-SD-101",
        "SD.1.1",
        None,
    ),
    (
        "Git basics, chapter 2 of Pro Git",
        "https://git-scm.com/book/en/v2/Git-Basics-Getting-a-Git-Repository",
        "reading",
        90,
        "Pro Git",
        None,
        "SD.1.2",
        None,
    ),
    (
        "pandas getting-started tutorials",
        "https://pandas.pydata.org/docs/getting_started/intro_tutorials/",
        "course",
        180,
        "pandas",
        "MC-DA-101",
        "DA.1.2",
        None,
    ),
    (
        "Joining sources without losing rows",
        f"{NB}/videos/joins-and-record-counts",
        "video",
        18,
        "Northbridge Learning Lab",
        "MC-DA-101",
        "DA.1.1",
        "C1",
    ),
    (
        "Unit testing with pytest: getting started",
        "https://docs.pytest.org/en/stable/getting-started.html",
        "exercise",
        45,
        "pytest",
        "MC-SD-201",
        "SD.2.1",
        None,
    ),
    (
        "A debugging workout",
        f"{NB}/exercises/debugging-workout",
        "exercise",
        60,
        "Northbridge Learning Lab",
        "MC-SD-201",
        "SD.2.2",
        None,
    ),
    (
        "HTTP and REST for API builders",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Overview",
        "reading",
        40,
        "MDN Web Docs",
        "MC-SD-202",
        "SD.3.1",
        None,
    ),
    (
        "PostgreSQL tutorial",
        "https://www.postgresql.org/docs/current/tutorial.html",
        "course",
        150,
        "PostgreSQL Global Development Group",
        "MC-DA-202",
        "SD.3.2",
        None,
    ),
    (
        "Docker: get started",
        "https://docs.docker.com/get-started/",
        "course",
        120,
        "Docker",
        "MC-CI-201",
        "CI.2.1",
        None,
    ),
    (
        "Continuous delivery in ten minutes",
        f"{NB}/videos/continuous-delivery",
        "video",
        10,
        "Northbridge Learning Lab",
        "MC-CI-201",
        "CI.2.2",
        None,
    ),
    (
        "Cloud deployment walkthrough",
        f"{NB}/videos/first-cloud-deployment",
        "video",
        25,
        "Northbridge Learning Lab",
        "MC-CI-101",
        "CI.1.1",
        None,
    ),
    (
        "Estimating and watching cloud costs",
        f"{NB}/tools/cloud-cost-calculator",
        "tool",
        20,
        "Northbridge Learning Lab",
        None,
        "CI.1.2",
        None,
    ),
    (
        "Mapping a business process in BPMN",
        f"{NB}/courses/bpmn-in-a-day",
        "course",
        300,
        "Northbridge Learning Lab",
        "MC-DB-101",
        "DB.1.1",
        None,
    ),
    (
        "Writing a one-page business case",
        f"{NB}/readings/one-page-business-case",
        "reading",
        30,
        "Northbridge Learning Lab",
        None,
        "DB.1.2",
        None,
    ),
    (
        "OWASP Top Ten",
        "https://owasp.org/www-project-top-ten/",
        "reading",
        60,
        "OWASP Foundation",
        "MC-PP-101",
        "PP.1.2",
        None,
    ),
    (
        "Personal data under the GDPR: the basics",
        f"{NB}/podcasts/gdpr-basics",
        "podcast",
        35,
        "Northbridge Learning Lab",
        "MC-PP-101",
        "PP.1.1",
        None,
    ),
    (
        "Telling a story with a chart",
        f"{NB}/videos/chart-storytelling",
        "video",
        15,
        "Northbridge Learning Lab",
        "MC-DA-201",
        "DA.3.1",
        None,
    ),
)


def seed_demo_resources(uow: UnitOfWork, institution: Institution) -> int:
    """Add the demo's resources once, as the demo's operator; returns how many were added."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        if uow.resources.search(institution_id):
            return 0
        uow.commit()
    operator = Principal(0, "demo", "demo", institution_id, frozenset({Role.ADMIN}))
    for title, url, kind, minutes, provider, achievement, competency, criterion in RESOURCES:
        draft = ResourceDraft(title, url, kind, minutes, provider, achievement, competency, criterion)
        add_resource(uow, institution=institution, principal=operator, draft=draft)
    return len(RESOURCES)
