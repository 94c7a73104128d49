"""The demo institution's existing course catalogue: the taught courses Northbridge ran before
its micro-credentials, each with the competencies of the demo framework it teaches.

The demo imports it through the same CSV path a user would, so the curriculum pages show
where courses already align with the diploma's gaps and where a new module is needed.
"""

from __future__ import annotations

import csv
import io

from credstack.domain.institution import Institution
from credstack.services.curriculum import CourseImport, import_courses
from credstack.services.unit_of_work import UnitOfWork

FILENAME = "northbridge-courses.csv"

# (code, title, ECTS, EQF level, competencies as the CSV writes them)
COURSES: tuple[tuple[str, str, str, int, str], ...] = (
    ("NB-BUS101", "Introduction to Business Information Systems", "5", 4, "DB.1.1:1; PP.2.2:1"),
    ("NB-COMP110", "Programming with Python", "5", 4, "SD.1.1:2; SD.1.2:1"),
    ("NB-COMP220", "Software Testing in Practice", "5", 5, "SD.2.1:2; SD.2.2:2"),
    ("NB-DATA120", "Spreadsheet Modelling for Business", "5", 4, "DA.1.1:1; DA.2.1:1"),
    ("NB-DATA210", "Applied Statistics", "7.5", 5, "DA.2.1:2; DA.2.2:2"),
    ("NB-DATA230", "Data Visualisation", "5", 5, "DA.3.1:2; DA.3.2:1"),
    ("NB-DBS200", "Database Design and SQL", "5", 5, "SD.3.2:2; DA.1.1:1"),
    ("NB-CLD210", "Cloud Fundamentals", "5", 5, "CI.1.1:2; CI.1.2:1"),
    ("NB-OPS310", "DevOps Pipelines", "7.5", 6, "CI.2.2:2; CI.2.1:1"),
    ("NB-MKT240", "Digital Marketing Analytics", "5", 5, "DB.2.1:2; DB.2.2:1"),
    ("NB-LAW150", "Data Protection and the GDPR", "2.5", 5, "PP.1.1:2"),
    ("NB-PRJ300", "Agile Team Project", "10", 5, "PP.2.1:2; PP.2.2:2"),
)


def demo_course_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("code", "title", "credits", "level", "competencies"))
    writer.writerows(COURSES)
    return out.getvalue()


def seed_demo_courses(uow: UnitOfWork, institution: Institution) -> CourseImport:
    """Import the catalogue (nothing is written when it is there already)."""
    return import_courses(
        uow, institution=institution, data=demo_course_csv().encode(), filename=FILENAME, actor="demo"
    )
