"""Readable data for the assessment tests: one published micro-credential with a rubric, a
draft one, and the people (learners, assessors, a registrar, a board member) with principals
for the services and API tokens for the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from credstack.domain.achievement import Achievement, CreditValue, LifecycleState
from credstack.domain.assessment import CriterionMark
from credstack.domain.evidence import EvidenceDraft, EvidenceKind
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.interop.achievements_io import ParsedAchievement
from credstack.services.catalog import import_achievements
from credstack.services.identity import add_user, issue_token
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.domain.assessment_builders import LEVELS, rubric

WEB = "WEB-101"
DRAFT = "WEB-201"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
REPO = EvidenceDraft(EvidenceKind.REPOSITORY, "Shop front code", url="https://github.com/ada/shop")

PEOPLE = {
    "ada": ("learner",),
    "bob": ("learner",),
    "ann": ("assessor",),
    "ben": ("assessor",),
    "cy": ("assessor",),
    "dee": ("assessor",),
    "reg": ("registrar",),
    "brd": ("governance-board",),
}


def settings_for(engine_url: str, uploads: Path, *, slug: str = "assess") -> Settings:
    return Settings(
        database_url=engine_url,
        institution_slug=slug,
        institution_name="Assessment Institute",
        upload_dir=str(uploads),
        max_upload_bytes=4096,
    )


def web_achievement(code: str = WEB, state: LifecycleState = LifecycleState.PUBLISHED) -> Achievement:
    return Achievement(
        code=code,
        name="Responsive web pages",
        description="Builds accessible, responsive web pages.",
        criteria="A project with code and a demo, marked against the rubric.",
        level=4,
        credits=CreditValue(Decimal(5)),
        state=state,
        rubric=rubric(3, critical=("C3",)),
    )


@dataclass
class Cast:
    institution: Institution
    principals: dict[str, Principal] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Principal:
        return self.principals[name]

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def email(name: str) -> str:
    return f"{name}@example.org"


def seed_people(uow: UnitOfWork, institution: Institution, *, tokens: bool = False) -> Cast:
    import_achievements(
        uow,
        institution=institution,
        parsed=[
            ParsedAchievement("test", web_achievement()),
            ParsedAchievement("test", web_achievement(DRAFT, LifecycleState.DRAFT)),
        ],
    )
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        uow.commit()
    cast = Cast(institution)
    for name, roles in PEOPLE.items():
        user_id, granted = add_user(
            uow, institution=institution, email=email(name), name=name.title(), roles=list(roles), actor="t"
        )
        cast.principals[name] = Principal(user_id, email(name), name.title(), institution_id, granted)
        if tokens:
            cast.tokens[name] = issue_token(
                uow, institution=institution, email=email(name), name="t", actor="t"
            ).secret
    return cast


def marking(*levels: int, comment: str = "Seen in the evidence.") -> dict[str, CriterionMark]:
    return {f"C{i}": CriterionMark(LEVELS[lv], comment) for i, lv in enumerate(levels, start=1)}
