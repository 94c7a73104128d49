"""Demo data: the catalog of a fictional applied school, built as plain domain objects.

Northbridge Institute of Applied Technology teaches digital business and data skills. Its
catalog is a three-level competency framework, twelve assessed micro-credentials, two
certificates that stack four micro-credentials each, and a diploma that stacks both
certificates and two further micro-credentials. Nothing here touches a database: the
builders return domain objects, and the same arguments always give an equal catalog (the
only randomness is ``random.Random(seed)`` for learner names).

The content is kept as literal tables near the top of the module; the builders below turn
the tables into objects. Identifiers are ``uuid5`` values derived from stable codes, so
they do not change between runs or machines.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from credstack.domain.achievement import (
    Achievement,
    AchievementKind,
    Alignment,
    CreditConversion,
    CreditUnit,
    CreditValue,
    LifecycleState,
    Money,
)
from credstack.domain.framework import (
    Association,
    AssociationType,
    Competency,
    CompetencyFramework,
    NodeRef,
)
from credstack.domain.institution import Institution, Learner
from credstack.domain.rubric import PassRule, PerformanceLevel, Rubric, RubricCriterion

# ---- the institution ---------------------------------------------------------------------

INSTITUTION_SLUG = "northbridge"
INSTITUTION_NAME = "Northbridge Institute of Applied Technology"
INSTITUTION_URL = "https://northbridge.example.edu"
CURRENCY = "EUR"
LEARNER_EMAIL_DOMAIN = "learners.northbridge.example.edu"

# The namespace from which every demo identifier is derived (uuid5 of a stable code).
ID_NAMESPACE = uuid.UUID("b7e4d0a2-5c91-4f3e-8a6d-2e9f1c7b4a30")

FRAMEWORK_ID = "6f1c2a4e-8b3d-4c7a-9e52-1d0b7a3f9c64"
FRAMEWORK_URI = f"{INSTITUTION_URL}/frameworks/{FRAMEWORK_ID}"
FRAMEWORK_TITLE = "Northbridge Digital Skills Framework"
FRAMEWORK_VERSION = "2026.1"
FRAMEWORK_DESCRIPTION = (
    "The competencies that Northbridge micro-credentials, certificates and diplomas certify, "
    "organised into five domains of applied digital business and data work. Each domain is "
    "divided into competency areas, and each area into observable competencies against which "
    "learners are assessed."
)

# ---- the competency framework --------------------------------------------------------------
# (code, short title, statement, EQF levels). The depth follows from the code: "DA" is a
# domain, "DA.1" a competency area and "DA.1.2" a competency. Siblings are ordered as listed.

COMPETENCIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "DA",
        "Data Analysis",
        "Turns organisational data into reliable evidence that supports business decisions.",
        ("EQF5", "EQF6"),
    ),
    (
        "DA.1",
        "Data acquisition and preparation",
        "Obtains data from the sources where it lives and makes it fit for analysis.",
        ("EQF5",),
    ),
    (
        "DA.1.1",
        "Combining data sources",
        "Can retrieve data from spreadsheets, relational databases and web APIs and combine it "
        "into a single analysis-ready dataset.",
        ("EQF5",),
    ),
    (
        "DA.1.2",
        "Data quality and cleaning",
        "Can profile a dataset for completeness, consistency and validity, and clean it with "
        "documented, reproducible transformations.",
        ("EQF5",),
    ),
    (
        "DA.2",
        "Statistical analysis",
        "Uses statistical methods to describe data and to test whether observed effects are real.",
        ("EQF5", "EQF6"),
    ),
    (
        "DA.2.1",
        "Descriptive statistics",
        "Can choose and compute descriptive statistics that suit the type and distribution of "
        "each variable, and explain what they show.",
        ("EQF5",),
    ),
    (
        "DA.2.2",
        "Experiments and inference",
        "Can design a controlled experiment or A/B test, apply a suitable significance test and "
        "state the conclusion together with its limitations.",
        ("EQF6",),
    ),
    (
        "DA.3",
        "Data visualisation and storytelling",
        "Communicates findings from data so that people who are not analysts can act on them.",
        ("EQF5",),
    ),
    (
        "DA.3.1",
        "Chart design",
        "Can choose a chart type that fits the question and the data, and produce charts that "
        "are accurate, clearly labelled and accessible.",
        ("EQF5",),
    ),
    (
        "DA.3.2",
        "Dashboards",
        "Can build an interactive dashboard that lets business users monitor agreed key "
        "performance indicators.",
        ("EQF5",),
    ),
    (
        "SD",
        "Software Development",
        "Builds, tests and maintains software that solves business problems reliably.",
        ("EQF4", "EQF5", "EQF6"),
    ),
    (
        "SD.1",
        "Programming foundations",
        "Writes and manages program code using the core practices of professional development.",
        ("EQF4",),
    ),
    (
        "SD.1.1",
        "Structured programming in Python",
        "Can write readable Python programs structured into functions and modules, using "
        "standard data structures and libraries.",
        ("EQF4",),
    ),
    (
        "SD.1.2",
        "Version control",
        "Can manage code with Git, including branching, merging, resolving conflicts and "
        "reviewing pull requests.",
        ("EQF4", "EQF5"),
    ),
    (
        "SD.2",
        "Software quality",
        "Keeps software correct as it changes through testing and systematic fault-finding.",
        ("EQF5",),
    ),
    (
        "SD.2.1",
        "Automated testing",
        "Can write automated unit and integration tests and use them to prevent regressions.",
        ("EQF5",),
    ),
    (
        "SD.2.2",
        "Debugging",
        "Can locate and fix defects systematically, using a debugger, logs and minimal reproductions.",
        ("EQF5",),
    ),
    (
        "SD.3",
        "Web services and data storage",
        "Builds the services and data stores on which business applications depend.",
        ("EQF5", "EQF6"),
    ),
    (
        "SD.3.1",
        "RESTful APIs",
        "Can design and implement a documented RESTful API with input validation and meaningful "
        "error responses.",
        ("EQF6",),
    ),
    (
        "SD.3.2",
        "Relational databases and SQL",
        "Can design a normalised relational schema and write SQL queries that join, filter and "
        "aggregate data correctly.",
        ("EQF5",),
    ),
    (
        "CI",
        "Cloud & Infrastructure",
        "Runs applications on cloud infrastructure securely, economically and repeatably.",
        ("EQF5", "EQF6"),
    ),
    (
        "CI.1",
        "Cloud platforms and services",
        "Selects and configures cloud services that meet an application's needs.",
        ("EQF5",),
    ),
    (
        "CI.1.1",
        "Cloud deployment",
        "Can deploy and configure a web application on a managed cloud platform, using suitable "
        "compute, storage and networking services.",
        ("EQF5",),
    ),
    (
        "CI.1.2",
        "Cloud cost management",
        "Can estimate, monitor and reduce the running cost of a cloud workload.",
        ("EQF5",),
    ),
    (
        "CI.2",
        "Automation and operations",
        "Automates the path from code change to running service.",
        ("EQF6",),
    ),
    (
        "CI.2.1",
        "Containers",
        "Can package an application and its dependencies as a container image and run it "
        "reproducibly in any environment.",
        ("EQF6",),
    ),
    (
        "CI.2.2",
        "Continuous integration and delivery",
        "Can build a pipeline that tests, builds and deploys an application automatically on "
        "every change, with a tested way to roll back.",
        ("EQF6",),
    ),
    (
        "DB",
        "Digital Business",
        "Uses digital technology to improve how an organisation works and how it reaches its customers.",
        ("EQF5",),
    ),
    (
        "DB.1",
        "Digital strategy and transformation",
        "Identifies where digital change creates value and makes the case for it.",
        ("EQF5",),
    ),
    (
        "DB.1.1",
        "Process analysis",
        "Can model an existing business process and identify the steps that can be digitised or automated.",
        ("EQF5",),
    ),
    (
        "DB.1.2",
        "Business cases",
        "Can prepare a business case for a digital initiative, including costs, benefits, risks "
        "and measures of success.",
        ("EQF5",),
    ),
    (
        "DB.2",
        "Digital marketing and e-commerce",
        "Reaches and converts customers through digital channels, guided by evidence.",
        ("EQF5",),
    ),
    (
        "DB.2.1",
        "Campaign analytics",
        "Can plan a digital marketing campaign with measurable objectives and measure its "
        "performance with web analytics.",
        ("EQF5",),
    ),
    (
        "DB.2.2",
        "Funnel optimisation",
        "Can analyse an online sales funnel and recommend changes that improve conversion.",
        ("EQF5",),
    ),
    (
        "PP",
        "Professional Practice",
        "Works responsibly and effectively with data, systems and colleagues.",
        ("EQF5",),
    ),
    (
        "PP.1",
        "Data protection, ethics and security",
        "Handles personal data and information systems lawfully, ethically and securely.",
        ("EQF5",),
    ),
    (
        "PP.1.1",
        "Personal data protection",
        "Can protect personal data and privacy when collecting, storing and sharing information, "
        "applying the principles of the GDPR.",
        ("EQF5",),
    ),
    (
        "PP.1.2",
        "Information security practice",
        "Can apply basic information security practices, including least-privilege access, "
        "secrets management and secure configuration.",
        ("EQF5",),
    ),
    (
        "PP.2",
        "Collaboration and communication",
        "Works in teams and communicates technical work to the people who depend on it.",
        ("EQF5",),
    ),
    (
        "PP.2.1",
        "Agile teamwork",
        "Can contribute effectively to an agile team, using shared digital tools to plan, track "
        "and review work.",
        ("EQF5",),
    ),
    (
        "PP.2.2",
        "Communicating to stakeholders",
        "Can present technical findings clearly to non-specialist stakeholders, adapting the "
        "message to the audience.",
        ("EQF5",),
    ),
)

ITEM_TYPES = {1: "Domain", 2: "Area", 3: "Competency"}

# Learning-order links between competencies of the framework: (type, origin, destination).
INTERNAL_LINKS: tuple[tuple[AssociationType, str, str], ...] = (
    (AssociationType.PRECEDES, "DA.1.2", "DA.2.1"),
    (AssociationType.PRECEDES, "SD.1.1", "SD.2.1"),
    (AssociationType.PRECEDES, "CI.2.1", "CI.2.2"),
)

# Links to skills of the ESCO v1.1.1 digital competence (DigComp) collection:
# (type, origin code, ESCO conceptUri, ESCO preferredLabel), copied from
# esco_v1.1.1_digCompSkillsCollection_en.csv. Only PP.1.1 is worded to match its ESCO skill;
# the others overlap with theirs, hence isRelatedTo.
ESCO_LINKS: tuple[tuple[AssociationType, str, str, str], ...] = (
    (
        AssociationType.EXACT_MATCH_OF,
        "PP.1.1",
        "http://data.europa.eu/esco/skill/33a82b83-c838-4889-ae62-fae1317481eb",
        "protect personal data and privacy",
    ),
    (
        AssociationType.IS_RELATED_TO,
        "DA.1.2",
        "http://data.europa.eu/esco/skill/1d6c7de4-350e-4868-a47b-333b4b0d9650",
        "evaluate data, information and digital content",
    ),
    (
        AssociationType.IS_RELATED_TO,
        "SD.1.1",
        "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97",
        "computer programming",
    ),
    (
        AssociationType.IS_RELATED_TO,
        "SD.2.2",
        "http://data.europa.eu/esco/skill/14832d87-2f2f-4895-b290-e4760ebae42a",
        "solve technical problems",
    ),
)

# ---- micro-credentials ---------------------------------------------------------------------
# Every rubric criterion uses the same four performance levels, each with a description
# written for that criterion: (title, description, competency codes, level descriptions).

LEVELS: tuple[tuple[str, int], ...] = (
    ("Not yet", 0),
    ("Developing", 1),
    ("Proficient", 2),
    ("Exemplary", 3),
)

CriterionRow = tuple[str, str, tuple[str, ...], tuple[str, str, str, str]]

STANDARD_PASS = PassRule(min_points_each=Decimal(1), min_percent=Decimal(50))


@dataclass(frozen=True)
class MicroCredentialSpec:
    code: str
    name: str
    description: str
    demonstrate: str  # the evidence the learner submits; the pass rule is appended
    eqf: int
    credits: CreditValue
    validity_months: int | None
    price: int  # euros
    review: date
    tags: tuple[str, ...]
    hours: int
    partners: tuple[str, ...]
    aligns: tuple[tuple[str, int], ...]  # (competency code, level reached)
    criteria: tuple[CriterionRow, ...]
    pass_rule: PassRule = STANDARD_PASS


def _ects(amount: int) -> CreditValue:
    return CreditValue(Decimal(amount), CreditUnit.ECTS)


def _credit_hours(amount: int) -> CreditValue:
    return CreditValue(Decimal(amount), CreditUnit.CREDIT_HOURS)


MICRO_CREDENTIALS: tuple[MicroCredentialSpec, ...] = (
    MicroCredentialSpec(
        code="MC-DA-101",
        name="Data Preparation with Python",
        description=(
            "Learners acquire data from spreadsheets, relational databases and web APIs and "
            "turn it into a clean, documented, analysis-ready dataset using Python. The "
            "credential certifies the preparation work on which every trustworthy analysis "
            "depends."
        ),
        demonstrate=(
            "Submit a reproducible notebook that combines at least three data sources into one "
            "dataset, a data-quality report that profiles completeness, consistency and "
            "validity, and a log of every cleaning step with its justification."
        ),
        eqf=5,
        credits=_ects(4),
        validity_months=36,
        price=390,
        review=date(2027, 3, 31),
        tags=("data", "python", "data-quality"),
        hours=100,
        partners=("Harbourline Logistics",),
        aligns=(("DA.1.1", 2), ("DA.1.2", 2), ("SD.1.1", 1)),
        criteria=(
            (
                "Data sourcing",
                "Retrieves and combines data from several kinds of source.",
                ("DA.1.1",),
                (
                    "Loads a single source only, or the combined dataset is incomplete or wrong.",
                    "Combines the sources, but joins lose or duplicate records unnoticed.",
                    "Combines all sources correctly, with checked join keys and record counts.",
                    "Adds automated checks and documents the lineage of every field.",
                ),
            ),
            (
                "Data quality profiling",
                "Measures the quality of the combined dataset.",
                ("DA.1.2",),
                (
                    "Does not assess data quality, or misses obvious defects.",
                    "Reports missing values but overlooks inconsistent and invalid values.",
                    "Profiles completeness, consistency and validity and quantifies each issue.",
                    "Also ranks the issues found by their impact on the intended analysis.",
                ),
            ),
            (
                "Cleaning and transformation",
                "Repairs the dataset in a repeatable way.",
                ("DA.1.2", "SD.1.1"),
                (
                    "Edits data by hand or applies transformations that cannot be repeated.",
                    "Scripts the cleaning, but some steps are undocumented or distort the data.",
                    "Cleans the data in a reproducible script with each step justified.",
                    "Packages the cleaning as tested functions another analyst can rerun unchanged.",
                ),
            ),
            (
                "Code readability",
                "Writes code that colleagues can follow and maintain.",
                ("SD.1.1",),
                (
                    "The code does not run, or is one unstructured block that is hard to follow.",
                    "The code runs, but naming and structure make it hard to follow.",
                    "The code is organised into clearly named functions with helpful comments.",
                    "The code is consistent and modular and reads as documentation of the process.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-DA-102",
        name="Applied Statistics for Business Decisions",
        description=(
            "Learners summarise business data with suitable descriptive statistics and test "
            "whether observed differences are real, including the design and analysis of A/B "
            "tests. The credential certifies sound and honest use of statistics to support "
            "decisions."
        ),
        demonstrate=(
            "Analyse a business dataset and an A/B test of your own design: justify the "
            "statistics chosen for each variable, state hypotheses before testing, apply a "
            "suitable significance test and write a one-page recommendation that reports "
            "effect sizes and limitations."
        ),
        eqf=5,
        credits=_ects(5),
        validity_months=36,
        price=450,
        review=date(2027, 3, 31),
        tags=("data", "statistics", "experimentation"),
        hours=110,
        partners=("Quillmere Insurance",),
        aligns=(("DA.2.1", 2), ("DA.2.2", 2), ("DA.3.1", 1)),
        criteria=(
            (
                "Descriptive analysis",
                "Summarises each variable with suitable statistics.",
                ("DA.2.1",),
                (
                    "Uses statistics that do not suit the variables, or misreads them.",
                    "Computes suitable statistics but explains them only partially.",
                    "Chooses statistics that fit each variable's type and distribution and explains them.",
                    "Also identifies outliers and skew and shows how they change the interpretation.",
                ),
            ),
            (
                "Experiment design",
                "Plans an experiment that can answer the business question.",
                ("DA.2.2",),
                (
                    "States no hypothesis, or the design cannot answer the question asked.",
                    "States a hypothesis but ignores sample size or randomisation.",
                    "Defines hypotheses, metric, sample size and randomisation before collecting data.",
                    "Also anticipates threats to validity and plans how to detect them.",
                ),
            ),
            (
                "Inference and conclusion",
                "Draws conclusions that the evidence supports.",
                ("DA.2.2",),
                (
                    "Applies an unsuitable test or draws conclusions the results do not support.",
                    "Applies a suitable test but reports only the p-value.",
                    "Reports effect size and confidence interval with a justified conclusion.",
                    "Also weighs practical significance and the limits of the conclusion.",
                ),
            ),
            (
                "Presentation of results",
                "Presents results a decision-maker can use.",
                ("DA.3.1",),
                (
                    "Shows raw output that a decision-maker cannot use.",
                    "Includes charts, but they are unlabelled or could mislead.",
                    "Presents accurate, labelled charts that support a clear recommendation.",
                    "Presents a concise recommendation whose charts anticipate the reader's questions.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-DA-201",
        name="Data Visualisation and Dashboards",
        description=(
            "Learners design accurate, accessible charts and build interactive dashboards that "
            "let business users follow their key performance indicators. The credential "
            "certifies the ability to communicate data to audiences who are not analysts."
        ),
        demonstrate=(
            "Build a working dashboard for a realistic business case, with agreed indicator "
            "definitions, a chart chosen for each question and documented accessibility "
            "checks, and present it to a panel of non-specialists in a ten-minute walkthrough."
        ),
        eqf=5,
        credits=_ects(3),
        validity_months=24,
        price=290,
        review=date(2027, 6, 30),
        tags=("data", "visualisation", "dashboards"),
        hours=70,
        partners=("Ashcombe Retail Group", "Velmora Municipal Services"),
        aligns=(("DA.3.1", 3), ("DA.3.2", 2), ("PP.2.2", 2)),
        criteria=(
            (
                "Chart design",
                "Chooses and builds charts that show the data truthfully.",
                ("DA.3.1",),
                (
                    "Chart types do not fit the data, or scales and labels misrepresent it.",
                    "Charts are mostly suitable, but some are cluttered or poorly labelled.",
                    "Every chart fits its question and is accurate, labelled and readable.",
                    "Charts use colour, ordering and annotation deliberately to guide the eye.",
                ),
            ),
            (
                "Accessibility",
                "Makes the dashboard usable by everyone in the audience.",
                ("DA.3.1",),
                (
                    "Relies on colour alone and ignores contrast and text alternatives.",
                    "Addresses some accessibility issues, but important ones remain.",
                    "Uses colour-blind-safe palettes, good contrast and text alternatives throughout.",
                    "Also tests the dashboard with assistive technology and fixes what it finds.",
                ),
            ),
            (
                "Dashboard build",
                "Delivers a dashboard that works with live data.",
                ("DA.3.2",),
                (
                    "The dashboard does not work or does not show the agreed indicators.",
                    "Shows the indicators, but filters or data refresh are unreliable.",
                    "Shows the agreed indicators with working filters and a documented refresh.",
                    "Also lets users drill down from each indicator to the records behind it.",
                ),
            ),
            (
                "Stakeholder walkthrough",
                "Explains the dashboard to the people who will use it.",
                ("PP.2.2",),
                (
                    "The walkthrough is unclear or full of unexplained technical terms.",
                    "The walkthrough is clear but does not link the dashboard to decisions.",
                    "Explains what each indicator means and which decisions it supports.",
                    "Adapts to the panel's questions and agrees next steps with them.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-DA-202",
        name="SQL for Analysts",
        description=(
            "Learners query relational databases with SQL to answer business questions, from "
            "simple filters to multi-table joins and aggregations. The credential certifies "
            "that the holder can get correct answers out of an organisation's databases "
            "without help."
        ),
        demonstrate=(
            "Answer a set of business questions against a realistic sales database in a timed "
            "practical, and propose a small schema extension with its design rationale; every "
            "query must return the correct result and be readable by a colleague."
        ),
        eqf=5,
        credits=_credit_hours(2),
        validity_months=36,
        price=340,
        review=date(2027, 6, 30),
        tags=("data", "sql", "databases"),
        hours=80,
        partners=("Orrin Valley Foods",),
        aligns=(("DA.1.1", 2), ("SD.3.2", 2)),
        criteria=(
            (
                "Query correctness",
                "Writes queries that return the right answer.",
                ("SD.3.2",),
                (
                    "Most queries return wrong results or do not run.",
                    "Simple queries are correct, but joins or aggregations often go wrong.",
                    "All queries return correct results, including joins, grouping and filters.",
                    "Queries also handle nulls, duplicates and other edge cases explicitly.",
                ),
            ),
            (
                "Combining sources",
                "Brings together data held in different tables and files.",
                ("DA.1.1",),
                (
                    "Cannot combine data from more than one table.",
                    "Combines tables, but chooses join types that silently drop records.",
                    "Chooses the right join for each question and verifies the row counts.",
                    "Also combines query results with an external file or API extract reproducibly.",
                ),
            ),
            (
                "Schema design",
                "Proposes tables that store the required facts soundly.",
                ("SD.3.2",),
                (
                    "The tables duplicate data or cannot store the required facts.",
                    "The tables store the facts, but keys or constraints are missing.",
                    "Designs a normalised schema with suitable keys and constraints.",
                    "Also justifies trade-offs, including indexes, for the expected queries.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-SD-101",
        name="Python Programming Foundations",
        description=(
            "Learners write clear, structured Python programs that solve everyday automation "
            "and data tasks, and manage their code with Git. The credential certifies the "
            "programming foundation that later Northbridge software and data credentials "
            "build on."
        ),
        demonstrate=(
            "Complete four graded programming exercises and a small automation project kept "
            "in a Git repository with a meaningful history, then explain in a short oral check "
            "how the project works and how one defect was found and fixed."
        ),
        eqf=4,
        credits=_ects(6),
        validity_months=None,
        price=490,
        review=date(2027, 9, 30),
        tags=("software", "python", "git"),
        hours=120,
        partners=("Stonecress Software",),
        aligns=(("SD.1.1", 2), ("SD.1.2", 1), ("SD.2.2", 1)),
        criteria=(
            (
                "Program structure",
                "Organises a program so that it is easy to read and change.",
                ("SD.1.1",),
                (
                    "The program does not run or is one block of repeated code.",
                    "The program works, but functions are long and names are unclear.",
                    "The program is split into focused, clearly named functions and modules.",
                    "The program is idiomatic, uses the standard library well and is easy to extend.",
                ),
            ),
            (
                "Version control",
                "Keeps the project's history in Git.",
                ("SD.1.2",),
                (
                    "The code is not in Git, or the history is a single commit.",
                    "Commits regularly, but messages are vague and branches are not used.",
                    "Uses branches and merges, with focused commits and clear messages.",
                    "Keeps a clean history and resolves a merge conflict correctly.",
                ),
            ),
            (
                "Fixing defects",
                "Finds the cause of a defect before fixing it.",
                ("SD.2.2",),
                (
                    "Cannot explain how a defect was found or fixed.",
                    "Fixes defects by trial and error without understanding the cause.",
                    "Reproduces a defect, locates the cause with a debugger or logs and fixes it.",
                    "Also adds a check that stops the same defect from coming back.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-SD-201",
        name="Software Testing and Debugging",
        description=(
            "Learners write automated unit and integration tests, locate defects "
            "systematically and collaborate on fixes through reviewed pull requests. The "
            "credential certifies the habits that keep software reliable as it changes."
        ),
        demonstrate=(
            "Given an existing application with known and unknown defects, write a test suite "
            "that exposes them, fix the defects through reviewed pull requests and report the "
            "test coverage before and after."
        ),
        eqf=5,
        credits=_ects(4),
        validity_months=36,
        price=390,
        review=date(2027, 9, 30),
        tags=("software", "testing", "quality"),
        hours=90,
        partners=("Stonecress Software", "Harbourline Logistics"),
        aligns=(("SD.2.1", 2), ("SD.2.2", 2), ("SD.1.2", 2)),
        criteria=(
            (
                "Unit test design",
                "Writes unit tests that pin down the intended behaviour.",
                ("SD.2.1",),
                (
                    "Tests are missing or only check that the code runs.",
                    "Tests cover the main path but miss edge cases and error handling.",
                    "Tests cover normal, edge and error cases with clear, independent assertions.",
                    "Tests are also fast and organised so that a failure points to its cause.",
                ),
            ),
            (
                "Integration testing",
                "Tests components working together.",
                ("SD.2.1",),
                (
                    "No test exercises components working together.",
                    "Integration tests exist but depend on fragile external state.",
                    "Integration tests exercise real component boundaries with controlled data.",
                    "Integration tests run in isolation automatically and clean up after themselves.",
                ),
            ),
            (
                "Systematic debugging",
                "Finds and removes the causes of defects.",
                ("SD.2.2",),
                (
                    "Leaves defects unfixed, or fixes them without finding the cause.",
                    "Finds some causes, but the method is unsystematic and slow.",
                    "Reproduces each defect with a failing test, then isolates and fixes the cause.",
                    "Also explains how each defect escaped and how to prevent similar ones.",
                ),
            ),
            (
                "Collaborative workflow",
                "Delivers fixes through the team's review process.",
                ("SD.1.2",),
                (
                    "Pushes changes directly without review.",
                    "Uses pull requests, but they mix unrelated changes or lack descriptions.",
                    "Submits focused, well-described pull requests and acts on review comments.",
                    "Also reviews colleagues' pull requests with specific, constructive comments.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-SD-202",
        name="Building REST APIs",
        description=(
            "Learners design and implement documented RESTful web services backed by a "
            "relational database, with input validation, error handling and automated tests. "
            "The credential certifies the ability to deliver a service that other teams can "
            "build on."
        ),
        demonstrate=(
            "Design, implement and document a REST API for a given business domain, backed by "
            "a relational database and covered by automated tests, and defend the design "
            "choices in a technical interview."
        ),
        eqf=6,
        credits=_ects(5),
        validity_months=24,
        price=490,
        review=date(2027, 9, 30),
        tags=("software", "api", "python"),
        hours=110,
        partners=("Quillmere Insurance",),
        aligns=(("SD.3.1", 3), ("SD.3.2", 2), ("SD.2.1", 1)),
        criteria=(
            (
                "API design",
                "Designs resources and operations that fit the use cases.",
                ("SD.3.1",),
                (
                    "Endpoints ignore REST conventions or do not cover the use cases.",
                    "Covers the use cases, but naming and status codes are inconsistent.",
                    "Designs consistent resources, methods and status codes for all use cases.",
                    "Also plans for versioning, pagination and backwards-compatible change.",
                ),
            ),
            (
                "Validation and errors",
                "Rejects bad input with helpful responses.",
                ("SD.3.1",),
                (
                    "Invalid input crashes the service or is stored unchecked.",
                    "Validates some input, but error responses are vague or inconsistent.",
                    "Validates all input and returns consistent, meaningful error responses.",
                    "Error responses follow a documented standard format that clients rely on.",
                ),
            ),
            (
                "Persistence",
                "Stores the service's data reliably and efficiently.",
                ("SD.3.2",),
                (
                    "Data is not stored reliably, or the schema cannot represent the domain.",
                    "Data is stored, but queries are inefficient or constraints are missing.",
                    "Uses a sound relational schema with constraints and efficient queries.",
                    "Also manages schema changes with versioned migrations.",
                ),
            ),
            (
                "Documentation and tests",
                "Makes the service usable and safe to change.",
                ("SD.2.1", "SD.3.1"),
                (
                    "The API is neither documented nor tested.",
                    "Documentation or tests exist but are incomplete or out of date.",
                    "Provides accurate documentation and automated tests for every endpoint.",
                    "Generates the documentation from the code and tests every change automatically.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-CI-101",
        name="Cloud Fundamentals",
        description=(
            "Learners deploy and configure web applications on a managed cloud platform, "
            "choosing suitable compute, storage and network services and keeping costs under "
            "control. The credential certifies a practical basis for working with cloud "
            "infrastructure."
        ),
        demonstrate=(
            "Deploy a web application to a managed cloud platform in a sandbox account, secure "
            "access to it, and submit an architecture diagram with a monthly cost estimate and "
            "a configured budget alert."
        ),
        eqf=5,
        credits=_ects(4),
        validity_months=24,
        price=420,
        review=date(2027, 4, 30),
        tags=("cloud", "infrastructure"),
        hours=90,
        partners=("Brackenridge Energy Cooperative",),
        aligns=(("CI.1.1", 2), ("CI.1.2", 1), ("PP.1.2", 1)),
        criteria=(
            (
                "Deployment",
                "Runs the application on suitable cloud services.",
                ("CI.1.1",),
                (
                    "The application is unreachable, or was deployed by hand without records.",
                    "The application runs, but the service choices are poorly justified.",
                    "The application runs on justified compute, storage and network services.",
                    "The deployment is scripted and can be recreated in a fresh account.",
                ),
            ),
            (
                "Cost awareness",
                "Estimates and watches what the deployment costs.",
                ("CI.1.2",),
                (
                    "Gives no cost estimate, or one that is wrong by an order of magnitude.",
                    "Gives a cost estimate but sets up no monitoring.",
                    "Gives a realistic estimate and configures a budget alert.",
                    "Also finds and applies a saving without harming the service.",
                ),
            ),
            (
                "Secure configuration",
                "Limits who and what can reach the deployment.",
                ("PP.1.2",),
                (
                    "Secrets are stored in code or access is open to everyone.",
                    "Restricts access, but permissions are broader than needed.",
                    "Applies least-privilege access and keeps secrets in a managed store.",
                    "Also checks the configuration against a security checklist and records it.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-CI-201",
        name="Containers and Continuous Delivery",
        description=(
            "Learners package applications as container images and build pipelines that test, "
            "build and deploy them automatically on every change. The credential certifies the "
            "ability to deliver software safely and repeatably."
        ),
        demonstrate=(
            "Containerise a multi-component application and build a pipeline that runs its "
            "tests, publishes a versioned image and deploys it to a staging environment, with "
            "a documented and tested rollback."
        ),
        eqf=6,
        credits=_ects(5),
        validity_months=24,
        price=520,
        review=date(2027, 4, 30),
        tags=("cloud", "devops", "containers"),
        hours=110,
        partners=("Harbourline Logistics", "Stonecress Software"),
        aligns=(("CI.2.1", 2), ("CI.2.2", 2), ("SD.1.2", 2)),
        criteria=(
            (
                "Containerisation",
                "Packages the application as reproducible images.",
                ("CI.2.1",),
                (
                    "The image does not build or does not run the application.",
                    "The image runs, but is bloated or depends on the build machine.",
                    "Builds small, reproducible images with pinned dependencies.",
                    "Also uses multi-stage builds and runs the application as a non-root user.",
                ),
            ),
            (
                "Pipeline automation",
                "Automates testing, building and deployment.",
                ("CI.2.2", "SD.1.2"),
                (
                    "Build and deployment steps are run by hand.",
                    "The pipeline builds the image, but testing or deployment is manual.",
                    "Every change to the main branch is tested, built and deployed automatically.",
                    "The pipeline also checks pull requests and reports results to reviewers.",
                ),
            ),
            (
                "Release safety",
                "Makes a failed release easy to undo.",
                ("CI.2.2",),
                (
                    "There is no way to undo a failed deployment.",
                    "A rollback is possible but undocumented or untested.",
                    "A documented rollback has been tested and restores the previous version.",
                    "Releases are gradual and roll back automatically when health checks fail.",
                ),
            ),
        ),
        pass_rule=PassRule(min_points_each=Decimal(1), min_percent=Decimal(60), critical=("C3",)),
    ),
    MicroCredentialSpec(
        code="MC-DB-101",
        name="Business Process Digitalisation",
        description=(
            "Learners model existing business processes, identify the steps worth digitising or "
            "automating, and make the case for change in terms the organisation understands. "
            "The credential certifies the analysis that turns a digital idea into a fundable "
            "initiative."
        ),
        demonstrate=(
            "Model a process of a partner organisation in BPMN, identify and prioritise "
            "opportunities for automation, and present a business case with costs, benefits, "
            "risks and measures of success to the partner."
        ),
        eqf=5,
        credits=_credit_hours(3),
        validity_months=36,
        price=560,
        review=date(2027, 11, 30),
        tags=("business", "process", "strategy"),
        hours=120,
        partners=("Velmora Municipal Services", "Orrin Valley Foods"),
        aligns=(("DB.1.1", 2), ("DB.1.2", 2), ("PP.2.2", 1)),
        criteria=(
            (
                "Process model",
                "Captures how the work is actually done.",
                ("DB.1.1",),
                (
                    "The model omits key steps or does not match how the work is done.",
                    "The model is broadly right, but notation is inconsistent or exceptions are missing.",
                    "Models the process accurately, including roles, exceptions and hand-offs.",
                    "Also validates the model with the people who do the work.",
                ),
            ),
            (
                "Opportunity analysis",
                "Finds the changes that are worth making.",
                ("DB.1.1",),
                (
                    "Proposes automation without linking it to the process model.",
                    "Identifies opportunities but does not prioritise them.",
                    "Identifies opportunities and ranks them by value and feasibility.",
                    "Also considers the effect of each change on staff and customers.",
                ),
            ),
            (
                "Business case",
                "Justifies the proposed initiative.",
                ("DB.1.2",),
                (
                    "The case lacks costs, benefits or risks.",
                    "Lists costs and benefits without quantifying them.",
                    "Quantifies costs, benefits and risks and defines measurable success criteria.",
                    "Also tests the case against alternative scenarios and sensitivities.",
                ),
            ),
            (
                "Pitch to stakeholders",
                "Wins the support of the decision-makers.",
                ("PP.2.2",),
                (
                    "The presentation does not convey a clear recommendation.",
                    "The recommendation is clear, but not adapted to the audience.",
                    "Presents a clear recommendation in the partner's terms and answers questions well.",
                    "Secures the partner's agreement on concrete next steps.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-DB-201",
        name="Digital Marketing Analytics",
        description=(
            "Learners plan digital marketing campaigns, measure them with web analytics and "
            "analyse online sales funnels to improve conversion. The credential certifies "
            "evidence-based decision-making in digital marketing."
        ),
        demonstrate=(
            "Plan a campaign with measurable objectives, set up its tracking, analyse the "
            "resulting funnel data and recommend changes, reporting the results in a dashboard "
            "for the marketing team."
        ),
        eqf=5,
        credits=_ects(4),
        validity_months=24,
        price=380,
        review=date(2027, 11, 30),
        tags=("business", "marketing", "analytics"),
        hours=90,
        partners=("Ashcombe Retail Group",),
        aligns=(("DB.2.1", 2), ("DB.2.2", 2), ("DA.3.2", 1)),
        criteria=(
            (
                "Campaign planning and tracking",
                "Sets objectives and measures them.",
                ("DB.2.1",),
                (
                    "Objectives are vague and tracking is missing or broken.",
                    "Objectives are set, but tracking does not measure all of them.",
                    "Sets measurable objectives and tracking that captures each of them.",
                    "Also plans how results will be attributed across channels.",
                ),
            ),
            (
                "Funnel analysis",
                "Finds where and why customers leave the funnel.",
                ("DB.2.2",),
                (
                    "Does not identify where customers leave the funnel.",
                    "Identifies drop-off points but not their likely causes.",
                    "Locates the main drop-off points and supports their causes with evidence.",
                    "Also estimates the revenue effect of fixing each drop-off point.",
                ),
            ),
            (
                "Reporting",
                "Reports results so the marketing team can act on them.",
                ("DA.3.2",),
                (
                    "Results are not reported in a usable form.",
                    "Reports results, but the team cannot easily act on them.",
                    "Provides a dashboard that shows campaign and funnel indicators clearly.",
                    "The dashboard highlights recommended actions and updates without manual work.",
                ),
            ),
        ),
    ),
    MicroCredentialSpec(
        code="MC-PP-101",
        name="Data Protection and Security in Practice",
        description=(
            "Learners apply the principles of the GDPR and basic information security "
            "practices to everyday digital work, from collecting personal data to configuring "
            "shared systems. The credential certifies that the holder handles data and systems "
            "responsibly."
        ),
        demonstrate=(
            "Carry out a data protection review of a realistic project, including a record of "
            "processing activities and a risk assessment, harden the configuration of a shared "
            "system, and explain the measures taken in a short oral examination."
        ),
        eqf=5,
        credits=_ects(4),
        validity_months=24,
        price=290,
        review=date(2027, 2, 28),
        tags=("gdpr", "security", "ethics"),
        hours=80,
        partners=("Tallowmere Health Trust",),
        aligns=(("PP.1.1", 2), ("PP.1.2", 2)),
        criteria=(
            (
                "Lawful processing",
                "Documents personal data processing and its legal basis.",
                ("PP.1.1",),
                (
                    "Does not identify the personal data involved or a lawful basis.",
                    "Identifies the personal data, but the lawful basis or purpose is unclear.",
                    "Records each processing activity with its lawful basis, purpose and retention.",
                    "Also applies data minimisation and privacy by design to the project plans.",
                ),
            ),
            (
                "Risk assessment",
                "Assesses the risks that processing poses to individuals.",
                ("PP.1.1",),
                (
                    "Does not consider the risks to individuals.",
                    "Lists risks without assessing their likelihood or impact.",
                    "Assesses risks to individuals and proposes proportionate measures.",
                    "Also decides, with reasons, whether a full impact assessment is required.",
                ),
            ),
            (
                "System hardening",
                "Secures the configuration of a shared system.",
                ("PP.1.2",),
                (
                    "Leaves default passwords, open access or exposed secrets in place.",
                    "Fixes obvious weaknesses but misses less visible ones.",
                    "Applies least privilege, secrets management and secure configuration throughout.",
                    "Also sets up logging that would reveal misuse of the system.",
                ),
            ),
        ),
    ),
)

# ---- certificates and the diploma ----------------------------------------------------------
# A stack is awarded for holding all of its components (micro-credentials or certificates).


@dataclass(frozen=True)
class StackSpec:
    code: str
    name: str
    kind: AchievementKind
    summary: str  # first sentence of the description; the components are listed after it
    eqf: int
    components: tuple[str, ...]  # achievement codes
    aligns: tuple[tuple[str, int], ...]  # (competency code, level reached)
    discount_percent: int  # off the sum of the components' prices
    review: date
    tags: tuple[str, ...]


STACKS: tuple[StackSpec, ...] = (
    StackSpec(
        code="CERT-DA",
        name="Certificate in Applied Data Analytics",
        kind=AchievementKind.CERTIFICATE,
        summary=(
            "The Certificate in Applied Data Analytics recognises the complete workflow of a "
            "business analyst, from sourcing and cleaning data to testing ideas statistically "
            "and reporting the results."
        ),
        eqf=5,
        components=("MC-DA-101", "MC-DA-102", "MC-DA-201", "MC-DA-202"),
        aligns=(("DA.1", 2), ("DA.2", 2), ("DA.3", 2)),
        discount_percent=15,
        review=date(2027, 6, 30),
        tags=("data", "analytics"),
    ),
    StackSpec(
        code="CERT-CSE",
        name="Certificate in Cloud Software Engineering",
        kind=AchievementKind.CERTIFICATE,
        summary=(
            "The Certificate in Cloud Software Engineering recognises the ability to build, "
            "test and operate web services on cloud infrastructure."
        ),
        eqf=6,
        components=("MC-SD-201", "MC-SD-202", "MC-CI-101", "MC-CI-201"),
        aligns=(("SD.2", 2), ("SD.3", 2), ("CI.1", 2), ("CI.2", 2)),
        discount_percent=15,
        review=date(2027, 9, 30),
        tags=("software", "cloud"),
    ),
    StackSpec(
        code="DIP-DBT",
        name="Diploma in Digital Business Technology",
        kind=AchievementKind.DIPLOMA,
        summary=(
            "The Diploma in Digital Business Technology recognises a professional who can "
            "analyse data, build and run software in the cloud, and lead the digital change of "
            "business processes responsibly."
        ),
        eqf=6,
        components=("CERT-DA", "CERT-CSE", "MC-DB-101", "MC-PP-101"),
        aligns=(("DA", 2), ("SD", 2), ("CI", 2), ("DB.1", 2), ("PP.1", 2)),
        discount_percent=10,
        review=date(2027, 12, 31),
        tags=("data", "software", "business"),
    ),
)

# ---- learners ------------------------------------------------------------------------------

FIRST_NAMES: tuple[str, ...] = (
    "Amara",
    "Lukas",
    "Sofia",
    "Mateo",
    "Aisha",
    "Jonas",
    "Mei",
    "Oliver",
    "Priya",
    "Tomás",
    "Ingrid",
    "Kwame",
    "Elena",
    "Yusuf",
    "Chloé",
    "Hiroshi",
    "Fatima",
    "Liam",
    "Zofia",
    "Rahul",
    "Nadia",
    "Emeka",
    "Astrid",
    "Diego",
    "Leila",
    "Mikael",
    "Hana",
    "Samuel",
    "Ana",
    "Thanh",
    "Freya",
    "Omar",
    "Isabel",
    "Kenji",
    "Marta",
    "Tariq",
    "Niamh",
    "Andrés",
    "Yara",
    "Pieter",
)

LAST_NAMES: tuple[str, ...] = (
    "Okafor",
    "Müller",
    "Rossi",
    "García",
    "Khan",
    "Jansen",
    "Chen",
    "Murphy",
    "Sharma",
    "Silva",
    "Andersen",
    "Mensah",
    "Popescu",
    "Yılmaz",
    "Dubois",
    "Tanaka",
    "Haddad",
    "O'Brien",
    "Kowalski",
    "Patel",
    "Novak",
    "Adeyemi",
    "Lindqvist",
    "Fernández",
    "Nguyen",
    "Virtanen",
    "Kim",
    "Schmidt",
    "Costa",
    "Tran",
    "Walsh",
    "Mahmoud",
    "Santos",
    "Sato",
    "Nowak",
    "Hussein",
    "Byrne",
    "Ramírez",
    "Ibrahim",
    "van Dijk",
)


# ---- the catalog ---------------------------------------------------------------------------


@dataclass
class DemoCatalog:
    institution: Institution
    framework: CompetencyFramework
    achievements: list[Achievement]
    learners: list[Learner]

    def achievement(self, code: str) -> Achievement:
        return next(a for a in self.achievements if a.code == code)

    def competency_id(self, code: str) -> str:
        """The identifier of the competency with this code (e.g. "DA.1.2")."""
        return competency_id(code)


def build_demo_catalog(learner_count: int = 2000, seed: int = 7) -> DemoCatalog:
    """The whole demo catalog; equal arguments give equal catalogs."""
    institution = build_institution()
    framework = build_framework()
    micro = [build_micro_credential(spec) for spec in MICRO_CREDENTIALS]
    achievements = build_stacks(micro, institution.conversion)
    return DemoCatalog(institution, framework, achievements, build_learners(learner_count, seed))


def build_institution() -> Institution:
    return Institution(
        slug=INSTITUTION_SLUG,
        name=INSTITUTION_NAME,
        url=INSTITUTION_URL,
        conversion=CreditConversion(Decimal(2)),
        currency=CURRENCY,
    )


# ---- framework builders --------------------------------------------------------------------


def _uuid(name: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, name))


def competency_id(code: str) -> str:
    return _uuid(code)


def _depth(code: str) -> int:
    return code.count(".") + 1


def _parent_code(code: str) -> str | None:
    return code.rpartition(".")[0] or None


def _competency(code: str, title: str, statement: str, levels: tuple[str, ...]) -> Competency:
    identifier = competency_id(code)
    return Competency(
        identifier=identifier,
        statement=statement,
        code=code,
        abbreviated=title,
        item_type=ITEM_TYPES[_depth(code)],
        education_levels=levels,
        language="en",
        uri=f"{INSTITUTION_URL}/competencies/{identifier}",
    )


def _ref(c: Competency) -> NodeRef:
    return NodeRef(c.identifier, c.uri, title=c.code)


def build_framework() -> CompetencyFramework:
    competencies = [_competency(*row) for row in COMPETENCIES]
    by_code = {c.code: c for c in competencies}
    document = NodeRef(FRAMEWORK_ID, FRAMEWORK_URI, title=FRAMEWORK_TITLE)

    associations: list[Association] = []
    siblings: dict[str | None, int] = defaultdict(int)
    for (code, *_), c in zip(COMPETENCIES, competencies, strict=True):
        parent = _parent_code(code)
        siblings[parent] += 1
        associations.append(
            Association(
                identifier=_uuid(f"assoc:{code}"),
                type=AssociationType.IS_CHILD_OF.value,
                origin=_ref(c),
                destination=_ref(by_code[parent]) if parent else document,
                sequence=siblings[parent],
            )
        )
    for kind, origin, destination in INTERNAL_LINKS:
        associations.append(
            Association(
                identifier=_uuid(f"assoc:{kind.value}:{origin}:{destination}"),
                type=kind.value,
                origin=_ref(by_code[origin]),
                destination=_ref(by_code[destination]),
            )
        )
    for kind, origin, concept_uri, label in ESCO_LINKS:
        associations.append(
            Association(
                identifier=_uuid(f"assoc:{kind.value}:{origin}:{concept_uri}"),
                type=kind.value,
                origin=_ref(by_code[origin]),
                destination=NodeRef(concept_uri, concept_uri, title=label),
            )
        )

    return CompetencyFramework(
        identifier=FRAMEWORK_ID,
        title=FRAMEWORK_TITLE,
        creator=INSTITUTION_NAME,
        uri=FRAMEWORK_URI,
        version=FRAMEWORK_VERSION,
        language="en",
        description=FRAMEWORK_DESCRIPTION,
        adoption_status="Adopted",
        competencies=competencies,
        associations=associations,
    )


# ---- achievement builders ------------------------------------------------------------------


def _alignments(aligns: tuple[tuple[str, int], ...]) -> list[Alignment]:
    return [Alignment(competency_id(code), level, FRAMEWORK_ID) for code, level in aligns]


def _level_name(points: Decimal) -> str:
    return next(name for name, value in LEVELS if value == points)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def build_rubric(spec: MicroCredentialSpec) -> Rubric:
    criteria = [
        RubricCriterion(
            code=f"C{i}",
            title=title,
            description=description,
            levels=[
                PerformanceLevel(name, Decimal(points), text)
                for (name, points), text in zip(LEVELS, texts, strict=True)
            ],
            competencies=tuple(competency_id(code) for code in codes),
            identifier=_uuid(f"rubric:{spec.code}:C{i}"),
        )
        for i, (title, description, codes, texts) in enumerate(spec.criteria, start=1)
    ]
    return Rubric(
        title=f"{spec.name} assessment rubric",
        criteria=criteria,
        pass_rule=spec.pass_rule,
        description=f"Assessment blueprint for {spec.code} {spec.name}.",
        identifier=_uuid(f"rubric:{spec.code}"),
    )


def _pass_sentence(rubric: Rubric) -> str:
    rule = rubric.pass_rule
    parts: list[str] = []
    if rule.min_points_each is not None:
        parts.append(f"every criterion at {_level_name(rule.min_points_each)} or above")
    if rule.critical:
        titles = [c.title for c in rubric.criteria if c.code in rule.critical]
        parts.append(f"{_join(titles)} at Proficient or above")
    if rule.min_percent is not None:
        parts.append(f"an overall rubric score of at least {rule.min_percent}%")
    return f"To pass, the assessment needs {_join(parts)}." if parts else ""


def build_micro_credential(spec: MicroCredentialSpec) -> Achievement:
    rubric = build_rubric(spec)
    return Achievement(
        code=spec.code,
        name=spec.name,
        kind=AchievementKind.MICRO_CREDENTIAL,
        description=spec.description,
        criteria=f"{spec.demonstrate} {_pass_sentence(rubric)}".strip(),
        level=spec.eqf,
        credits=spec.credits,
        alignments=_alignments(spec.aligns),
        validity_months=spec.validity_months,
        price=Money(Decimal(spec.price), CURRENCY),
        state=LifecycleState.PUBLISHED,
        next_review=spec.review,
        tags=spec.tags,
        expected_hours=spec.hours,
        employer_partners=spec.partners,
        rubric=rubric,
    )


_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _bundle_price(components: list[Achievement], discount_percent: int) -> Money:
    total = sum((a.price.amount for a in components if a.price), Decimal(0))
    discounted = total * (100 - discount_percent) / 100
    return Money((discounted / 10).quantize(Decimal(1), ROUND_HALF_UP) * 10, CURRENCY)


def build_stack(
    spec: StackSpec, by_code: dict[str, Achievement], conversion: CreditConversion
) -> Achievement:
    components = [by_code[code] for code in spec.components]
    listed = _join([f"{a.name} ({a.code})" for a in components])
    count = _COUNT_WORDS.get(len(components), str(len(components)))
    credits = sum((conversion.ects(a.credits) for a in components if a.credits), Decimal(0))
    partners = dict.fromkeys(p for a in components for p in a.employer_partners)
    kinds = {a.kind for a in components}
    what = "micro-credentials" if kinds == {AchievementKind.MICRO_CREDENTIAL} else "components"
    return Achievement(
        code=spec.code,
        name=spec.name,
        kind=spec.kind,
        description=f"{spec.summary} It stacks {count} {what}: {listed}.",
        criteria=(
            f"Hold all {count} components: {listed}. No further assessment is required; "
            f"the {spec.kind.label.lower()} is awarded when the last component is earned."
        ),
        level=spec.eqf,
        credits=CreditValue(credits, CreditUnit.ECTS),
        alignments=_alignments(spec.aligns),
        validity_months=None,
        price=_bundle_price(components, spec.discount_percent),
        state=LifecycleState.PUBLISHED,
        next_review=spec.review,
        tags=spec.tags,
        expected_hours=sum(a.expected_hours or 0 for a in components),
        employer_partners=tuple(partners),
        rubric=None,
    )


def build_stacks(micro_credentials: list[Achievement], conversion: CreditConversion) -> list[Achievement]:
    """Micro-credentials followed by the stacks built on them (certificates before diplomas)."""
    achievements = list(micro_credentials)
    by_code = {a.code: a for a in achievements}
    for spec in STACKS:
        stack = build_stack(spec, by_code, conversion)
        achievements.append(stack)
        by_code[stack.code] = stack
    return achievements


# ---- learner builders ----------------------------------------------------------------------


# Letters that do not decompose into an ASCII base letter under NFKD.
_ASCII_FALLBACK = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d"})


def _email_part(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower().translate(_ASCII_FALLBACK))
    ascii_name = plain.encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name if ch.isalnum())


def build_learners(count: int, seed: int = 7) -> list[Learner]:
    """``count`` learners with names drawn by ``random.Random(seed)``; emails are unique."""
    rng = random.Random(seed)
    learners: list[Learner] = []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{_email_part(first)}.{_email_part(last)}{n}@{LEARNER_EMAIL_DOMAIN}"
        learners.append(Learner(email=email, name=f"{first} {last}", external_id=f"NB{n:06d}"))
    return learners
