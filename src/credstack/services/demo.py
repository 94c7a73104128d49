"""Seed the demo institution: its framework, catalog and learners. Running it again adds nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from rich.progress import Progress

from credstack.domain.achievement import AchievementKind
from credstack.domain.institution import Institution
from credstack.domain.pathways.model import Node, Pathway
from credstack.interop.achievements_io import ParsedAchievement
from credstack.interop.case_json import CasePackage, export_case_package
from credstack.interop.pathway_dump import dump_json
from credstack.services.catalog import import_achievements
from credstack.services.demo_assessment import seed_demo_assessment
from credstack.services.demo_courses import seed_demo_courses
from credstack.services.demo_data import STACKS, DemoCatalog, build_demo_catalog
from credstack.services.demo_partners import seed_demo_partners
from credstack.services.demo_pricing import seed_demo_pricing
from credstack.services.demo_transfer import seed_demo_transfer
from credstack.services.demo_users import seed_demo_users
from credstack.services.frameworks import import_framework
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.stacking import complete_stacks, save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.achievements import StoredAchievement

BATCH = 500
AWARDED_LEARNERS = 30
DEMO_START = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoReport:
    institution: str
    framework_competencies: int
    achievements_created: int
    achievements_unchanged: int
    learners_created: int
    learners_total: int
    awards_created: int = 0
    accounts: tuple[tuple[str, str], ...] = ()  # (role, email) to sign in with the demo password

    def describe(self) -> str:
        return (
            f"{self.institution}: framework with {self.framework_competencies} competencies; "
            f"achievements {self.achievements_created} created, {self.achievements_unchanged} already there; "
            f"learners {self.learners_created} created, {self.learners_total} in all; "
            f"credentials {self.awards_created} issued"
        )


def seed_demo(
    uow: UnitOfWork, *, settings: Settings, learners: int = 2000, progress: bool = False
) -> DemoReport:
    catalog = build_demo_catalog(learner_count=learners)
    # the demo institution lives under the configured slug, so `credstack serve` shows it
    institution: Institution = replace(catalog.institution, slug=settings.institution_slug)
    with uow:
        institution_id, institution = ensure_institution(uow, institution)
        uow.commit()

    package = export_case_package(CasePackage(catalog.framework))
    framework = import_framework(
        uow,
        institution=institution,
        data=json.dumps(package).encode(),
        filename="demo-framework.json",
        actor="demo",
    )
    parsed = [ParsedAchievement(f"demo {a.code}", a) for a in catalog.achievements]
    achievements = import_achievements(uow, institution=institution, parsed=parsed, actor="demo")

    created = 0
    with uow, Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("learners", total=len(catalog.learners))
        known = uow.learners.emails(institution_id)
        for start in range(0, len(catalog.learners), BATCH):
            batch = [p for p in catalog.learners[start : start + BATCH] if p.email not in known]
            created += uow.learners.add_many(institution_id, batch)
            bar.advance(task, BATCH)
        total = uow.learners.count(institution_id)
        uow.commit()
    _demo_pathways(uow, institution)
    seed_demo_courses(uow, institution)
    awards = _demo_awards(uow, settings, institution, catalog, progress)
    seed_demo_transfer(uow, settings, institution, catalog.learners[:AWARDED_LEARNERS])
    seed_demo_partners(uow, institution, catalog.learners[:AWARDED_LEARNERS])
    seed_demo_assessment(uow, settings, institution, catalog.learners, catalog.achievements)
    accounts = seed_demo_users(uow, institution, catalog.learners)
    seed_demo_pricing(uow, institution, catalog.learners[:AWARDED_LEARNERS])
    return DemoReport(
        institution.name,
        framework.competencies,
        len(achievements.created),
        len(achievements.unchanged),
        created,
        total,
        awards,
        tuple(accounts),
    )


def _demo_pathways(uow: UnitOfWork, institution: Institution) -> None:
    """A pathway per stack: each certificate needs its four micro-credentials; the diploma
    needs both certificates (as pathways) and its two further micro-credentials."""
    codes = {stack.code for stack in STACKS}
    for stack in STACKS:
        leaves = tuple(
            Node(f"{stack.code}/{c}", "pathway" if c in codes else "achievement", achievement=c)
            for c in stack.components
        )
        pathway = Pathway(stack.code, stack.name, stack.code, Node(stack.code, "all", children=leaves))
        save_pathway(
            uow,
            institution=institution,
            data=dump_json(pathway).encode(),
            filename=f"{stack.code}.json",
            actor="demo",
        )


def _demo_awards(
    uow: UnitOfWork, settings: Settings, institution: Institution, catalog: DemoCatalog, progress: bool
) -> int:
    """A few signed credentials for the first learners (idempotent: fixed keys and dates), so
    the credential pages, downloads and verification can be tried at once."""
    micro = [a for a in catalog.achievements if a.kind is AchievementKind.MICRO_CREDENTIAL and a.rubric]
    learners = catalog.learners[:AWARDED_LEARNERS]
    requests = []
    if learners:  # the first learner holds a whole certificate, so a stacked award and its CLR exist
        first = learners[0]
        for k, code in enumerate(STACKS[0].components):
            achievement = catalog.achievement(code)
            assert achievement.rubric is not None
            requests.append(
                IssueRequest(
                    code,
                    first.email,
                    first.name,
                    marks={c.code: "Proficient" for c in achievement.rubric.criteria},
                    valid_from=DEMO_START + timedelta(days=60 * k),
                    idempotency_key=f"demo:{code}:{first.email}",
                )
            )
    for i, learner in enumerate(learners):
        for j in range(1 + i % 3):
            achievement = micro[(i + 4 * j) % len(micro)]
            assert achievement.rubric is not None
            levels = ("Proficient", "Exemplary", "Developing")
            marks = {c.code: levels[(i + k) % 2] for k, c in enumerate(achievement.rubric.criteria)}
            when = DEMO_START + timedelta(days=37 * i + 91 * j)
            requests.append(
                IssueRequest(
                    achievement.code,
                    learner.email,
                    learner.name,
                    marks=marks,
                    valid_from=when,
                    idempotency_key=f"demo:{achievement.code}:{learner.email}",
                )
            )
    issued = 0
    definitions: dict[str, StoredAchievement] = {}
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("credentials", total=len(requests))
        for request in requests:
            result = issue_award(
                uow,
                settings=settings,
                institution=institution,
                request=request,
                actor="demo",
                definitions=definitions,
            )
            issued += result.created
            bar.advance(task)
    for learner in learners:
        issued += len(
            complete_stacks(
                uow, settings=settings, institution=institution, learner_email=learner.email, actor="demo"
            )
        )
    return issued
