"""The demo's learning resources: a realistic handful on the demo catalog (its achievements, a
few rubric criteria and competencies), so the demo learner's pathway map shows next steps with
resources and failed criteria show what to study. Imported once, as a designer would import a
CSV (docs/pathway-map-and-resources.md); running it again adds nothing."""

from __future__ import annotations

from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.resources import import_resources
from credstack.services.unit_of_work import UnitOfWork

RESOURCES_CSV = """\
title,url,kind,minutes,provider,achievement,competency,criterion
The Python tutorial,https://docs.python.org/3/tutorial/,reading,240,Python Software Foundation,MC-SD-101,SD.1.1,
Git basics (Pro Git chapter 2),https://git-scm.com/book/en/v2/Git-Basics-Getting-a-Git-Repository,reading,90,Pro Git,,SD.1.2,
pandas getting-started tutorials,https://pandas.pydata.org/docs/getting_started/intro_tutorials/,course,180,pandas,MC-DA-101,DA.1.2,
Joining sources without losing rows,https://learn.northbridge.example.edu/videos/joins-and-record-counts,video,18,Northbridge Learning Lab,MC-DA-101,DA.1.1,C1
Unit testing with pytest: getting started,https://docs.pytest.org/en/stable/getting-started.html,exercise,45,pytest,MC-SD-201,SD.2.1,
A debugging workout,https://learn.northbridge.example.edu/exercises/debugging-workout,exercise,60,Northbridge Learning Lab,MC-SD-201,SD.2.2,
An overview of HTTP,https://developer.mozilla.org/en-US/docs/Web/HTTP/Overview,reading,40,MDN Web Docs,MC-SD-202,SD.3.1,
The PostgreSQL tutorial,https://www.postgresql.org/docs/current/tutorial.html,course,150,PostgreSQL Global Development Group,MC-DA-202,SD.3.2,
Docker: get started,https://docs.docker.com/get-started/,course,120,Docker,MC-CI-201,CI.2.1,
Continuous delivery in ten minutes,https://learn.northbridge.example.edu/videos/continuous-delivery,video,10,Northbridge Learning Lab,MC-CI-201,CI.2.2,
Your first cloud deployment,https://learn.northbridge.example.edu/videos/first-cloud-deployment,video,25,Northbridge Learning Lab,MC-CI-101,CI.1.1,
A cloud cost calculator,https://learn.northbridge.example.edu/tools/cloud-cost-calculator,tool,20,Northbridge Learning Lab,,CI.1.2,
Cloud software engineering: the learning path,https://learn.northbridge.example.edu/paths/cloud-software-engineering,course,600,Northbridge Learning Lab,CERT-CSE,,
Mapping a business process in BPMN,https://learn.northbridge.example.edu/courses/bpmn-in-a-day,course,300,Northbridge Learning Lab,MC-DB-101,DB.1.1,
Writing a one-page business case,https://learn.northbridge.example.edu/readings/one-page-business-case,reading,30,Northbridge Learning Lab,,DB.1.2,
OWASP Top Ten,https://owasp.org/www-project-top-ten/,reading,60,OWASP Foundation,MC-PP-101,PP.1.2,
Personal data under the GDPR: the basics,https://learn.northbridge.example.edu/podcasts/gdpr-basics,podcast,35,Northbridge Learning Lab,MC-PP-101,PP.1.1,
Telling a story with a chart,https://learn.northbridge.example.edu/videos/chart-storytelling,video,15,Northbridge Learning Lab,MC-DA-201,DA.3.1,
"""


def seed_demo_resources(uow: UnitOfWork, institution: Institution) -> int:
    """Import the demo's resources once, as the demo's operator; returns how many were added."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        if uow.resources.search(institution_id):
            return 0
        uow.commit()
    operator = Principal(0, "demo", "demo", institution_id, frozenset({Role.ADMIN}))
    added = import_resources(
        uow,
        institution=institution,
        principal=operator,
        data=RESOURCES_CSV.encode(),
        filename="demo-resources.csv",
    )
    return len(added)
