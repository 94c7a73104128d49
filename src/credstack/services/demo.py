"""Seed the demo institution: its framework, catalog and learners. Running it again adds nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from rich.progress import Progress

from credstack.domain.achievement import AchievementKind
from credstack.domain.institution import Institution
from credstack.interop.achievements_io import ParsedAchievement
from credstack.interop.case_json import CasePackage, export_case_package
from credstack.services.catalog import import_achievements
from credstack.services.demo_data import DemoCatalog, build_demo_catalog
from credstack.services.frameworks import import_framework
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import IssueRequest, issue_award
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
    awards = _demo_awards(uow, settings, institution, catalog, progress)
    return DemoReport(
        institution.name,
        framework.competencies,
        len(achievements.created),
        len(achievements.unchanged),
        created,
        total,
        awards,
    )


def _demo_awards(
    uow: UnitOfWork, settings: Settings, institution: Institution, catalog: DemoCatalog, progress: bool
) -> int:
    """A few signed credentials for the first learners (idempotent: fixed keys and dates), so
    the credential pages, downloads and verification can be tried at once."""
    micro = [a for a in catalog.achievements if a.kind is AchievementKind.MICRO_CREDENTIAL and a.rubric]
    learners = catalog.learners[:AWARDED_LEARNERS]
    requests = []
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
    return issued
