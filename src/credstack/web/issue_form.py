"""The achievement page's issue form: what was typed, read into an issue request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from credstack.credentials.ob3 import EvidenceItem
from credstack.domain.errors import DomainError, InvalidInput, Problem
from credstack.services.issuance import IssueRequest


@dataclass(frozen=True)
class IssueForm:
    """The achievement page's issue form as submitted."""

    learner_email: str = ""
    learner_name: str = ""
    evidence_url: str = ""
    marks: dict[str, str] = field(default_factory=dict)

    def request(self, achievement_code: str) -> IssueRequest:
        evidence = self.evidence_url.strip()
        parts = urlsplit(evidence)
        if evidence and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise InvalidInput(Problem("evidence", "the evidence link must be an http(s) URL"))
        return IssueRequest(
            achievement=achievement_code,
            learner_email=self.learner_email.strip(),
            learner_name=self.learner_name.strip() or None,
            marks=self.marks,
            evidence=(EvidenceItem(url=evidence),) if evidence else (),
        )


async def read_issue_form(request: Request) -> IssueForm:
    form = await request.form()
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    return IssueForm(
        learner_email=text.get("learner_email", ""),
        learner_name=text.get("learner_name", ""),
        evidence_url=text.get("evidence_url", ""),
        marks={k.removeprefix("mark-"): v for k, v in text.items() if k.startswith("mark-") and v},
    )


IssueFormDep = Annotated[IssueForm, Depends(read_issue_form)]


def field_errors(exc: DomainError) -> dict[str, str]:
    """Messages for the form fields an InvalidInput names (shown next to the field)."""
    fields = {"learner": "learner_email", "evidence": "evidence_url"}
    if not isinstance(exc, InvalidInput):
        return {}
    return {fields[p.location]: p.message for p in exc.problems if p.location in fields}
