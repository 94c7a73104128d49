"""Assessment: learners' submissions and evidence, markers' assignments and marks, the
moderation policy and report. Every route needs an API token.

A caller whose roles never allow a kind of request gets 403; a caller who may make that kind of
request but asks for a submission or assignment that is not theirs gets 404, the same answer as
for one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from credstack.api.access import allow
from credstack.api.assessment_schemas import (
    AssignmentDetail,
    AssignmentIn,
    AssignmentOut,
    EvidenceOut,
    MarksIn,
    OutcomeOut,
    PolicyIn,
    PolicyOut,
    SubmissionIn,
    SubmissionOut,
    SubmissionSummary,
)
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.domain.assessment import CriterionMark, Status
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.evidence import EvidenceDraft, EvidenceKind
from credstack.domain.identity import Principal, Role
from credstack.domain.sampling import SamplingPolicy
from credstack.services import assessment, marking, moderation

router = APIRouter(tags=["assessment"])

LearnerWriter = Annotated[Principal, allow(Role.LEARNER, scope="write")]
SubmissionReader = Annotated[Principal, allow(Role.LEARNER, *assessment.STAFF, scope="read")]
EvidenceReader = Annotated[Principal, allow(Role.LEARNER, *assessment.STAFF, Role.ASSESSOR, scope="read")]
Assigner = Annotated[Principal, allow(Role.REGISTRAR, scope="assess")]
Marker = Annotated[Principal, allow(Role.ASSESSOR, scope="read")]
MarkGiver = Annotated[Principal, allow(Role.ASSESSOR, scope="assess")]
ModerationReader = Annotated[Principal, allow(*moderation.REPORT_ROLES, scope="read")]
PolicySetter = Annotated[Principal, allow(Role.REGISTRAR, scope="govern")]

NOT_YOURS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Your roles do not allow this kind of request"},
    404: {"description": "No such submission or assignment, or not yours"},
}


@router.post("/submissions", status_code=status.HTTP_201_CREATED, responses=NOT_YOURS)
def create_submission(
    body: SubmissionIn, principal: LearnerWriter, uow: UowDep, institution: InstitutionDep
) -> SubmissionOut:
    """A learner starts a draft submission for a published achievement."""
    created = assessment.create_submission(
        uow, institution=institution, principal=principal, achievement=body.achievement, cohort=body.cohort,
        site=body.site,
    )  # fmt: skip
    return _submission(uow, institution, principal, created.public_id)


def _submission(
    uow: UowDep, institution: InstitutionDep, principal: Principal, public_id: str
) -> SubmissionOut:
    view = assessment.view_submission(uow, institution=institution, principal=principal, submission=public_id)
    return SubmissionOut.view(view)


@router.get("/submissions", responses=NOT_YOURS)
def list_submissions(
    principal: SubmissionReader,
    uow: UowDep,
    institution: InstitutionDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    achievement: str | None = None,
) -> list[SubmissionSummary]:
    """A learner's own submissions; registrars and the board see everyone's."""
    found = assessment.list_submissions(
        uow, institution=institution, principal=principal, status=status_, achievement=achievement
    )
    return [SubmissionSummary.of(s, waiting) for s, waiting in found]


@router.get("/submissions/{submission}", responses=NOT_YOURS)
def get_submission(
    submission: str, principal: SubmissionReader, uow: UowDep, institution: InstitutionDep
) -> SubmissionOut:
    """Where a submission stands; once decided, the result with the deciding marks' comments."""
    return _submission(uow, institution, principal, submission)


@router.post(
    "/submissions/{submission}/evidence",
    status_code=status.HTTP_201_CREATED,
    responses={**NOT_YOURS, 422: {"description": "The item or file is refused; nothing was stored"}},
)
async def add_evidence(
    submission: str,
    principal: LearnerWriter,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    kind: Annotated[EvidenceKind, Form()],
    title: Annotated[str, Form(max_length=200)],
    url: Annotated[str | None, Form(max_length=2048)] = None,
    note: Annotated[str | None, Form(max_length=4000)] = None,
    attested_by: Annotated[str | None, Form(max_length=200)] = None,
    mentorship: Annotated[
        str | None,
        Form(max_length=64, description="for a mentor-signoff item: the signed-off mentorship's id"),
    ] = None,
    file: Annotated[
        UploadFile | None, File(description="PDF, PNG, JPEG, GIF, MP4, WebM, ZIP or text")
    ] = None,
) -> EvidenceOut:
    """Add a link, a file (multipart) or an attestation to a draft. A file's type is judged by
    its content; too large, the wrong type or a name that is a path, and nothing is stored."""
    upload = None
    if file is not None:
        data = await file.read(settings.max_upload_bytes + 1)
        size = max(len(data), file.size or 0)
        upload = assessment.Upload(file.filename or "", data, size)
    item = EvidenceDraft(kind, title, url or None, note or None, attested_by or None)
    stored = assessment.add_evidence(
        uow, settings=settings, institution=institution, principal=principal, submission=submission, item=item,
        upload=upload, mentorship=mentorship or None,
    )  # fmt: skip
    return EvidenceOut.of(stored, submission)


@router.get("/submissions/{submission}/evidence/{evidence_id}/file", responses=NOT_YOURS)
def evidence_file(
    submission: str,
    evidence_id: int,
    principal: EvidenceReader,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
) -> Response:
    """An uploaded file (for its learner, staff and the submission's markers), as an attachment."""
    item, data = assessment.evidence_file(
        uow, settings=settings, institution=institution, principal=principal, submission=submission,
        evidence_id=evidence_id,
    )  # fmt: skip
    return Response(
        data,
        media_type=item.media_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"evidence-{item.id}\"; filename*=UTF-8''{_quote(item.filename or '')}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.post("/submissions/{submission}/submit", responses=NOT_YOURS)
def submit(
    submission: str, principal: LearnerWriter, uow: UowDep, institution: InstitutionDep
) -> SubmissionOut:
    """Hand in the draft (at least one item of evidence)."""
    assessment.submit(uow, institution=institution, principal=principal, submission=submission)
    return _submission(uow, institution, principal, submission)


@router.post(
    "/submissions/{submission}/assignments", status_code=status.HTTP_201_CREATED, responses=NOT_YOURS
)
def assign(
    submission: str, body: AssignmentIn, principal: Assigner, uow: UowDep, institution: InstitutionDep
) -> AssignmentOut:
    """A registrar assigns the first marker, a blind second marker to a sampled submission, or a
    third marker after a disagreement (or replaces one who has not marked yet)."""
    done = assessment.assign(
        uow, institution=institution, principal=principal, submission=submission, assessor=body.assessor,
        role=body.role,
    )  # fmt: skip
    sub = assessment.view_submission(uow, institution=institution, principal=principal, submission=submission)
    return AssignmentOut.of(done, sub.submission)


@router.get("/assignments", responses=NOT_YOURS)
def list_assignments(
    principal: Marker,
    uow: UowDep,
    institution: InstitutionDep,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> list[AssignmentOut]:
    """The caller's own assignments (``open=true``: those not yet marked)."""
    found = marking.my_assignments(uow, institution=institution, principal=principal, open_only=open_only)
    return [AssignmentOut.of(a, s) for a, s in found]


@router.get("/assignments/{assignment}", responses=NOT_YOURS)
def get_assignment(
    assignment: int, principal: Marker, uow: UowDep, institution: InstitutionDep
) -> AssignmentDetail:
    """The work to mark, the rubric and the caller's marks; a blind second marker sees no earlier
    marks, a third marker sees both markings to reconcile."""
    view = marking.view_assignment(uow, institution=institution, principal=principal, assignment=assignment)
    return AssignmentDetail.view(view)


@router.post(
    "/assignments/{assignment}/marks",
    responses={**NOT_YOURS, 409: {"description": "Already marked, or not the submission's turn"}},
)
def give_marks(
    assignment: int,
    body: MarksIn,
    principal: MarkGiver,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
) -> OutcomeOut:
    """Mark every criterion with a level and a comment (final once given). A pass that decides
    the submission issues the award at once."""
    given: dict[str, CriterionMark] = {}
    repeated = []
    for m in body.marks:
        if m.criterion in given:
            repeated.append(Problem(f"marks[{m.criterion}]", "marked twice"))
        given[m.criterion] = CriterionMark(m.level, m.comment)
    if repeated:
        raise InvalidInput(repeated, source="marking")
    outcome = marking.mark(
        uow,
        settings=settings,
        institution=institution,
        principal=principal,
        assignment=assignment,
        marking=given,
    )
    return OutcomeOut.of(outcome)


@router.get("/moderation/policy", responses=NOT_YOURS)
def get_policy(
    principal: ModerationReader, uow: UowDep, institution: InstitutionDep, achievement: str | None = None
) -> PolicyOut:
    """The sampling policy that applies to the achievement (or the institution's default)."""
    principal.require(Role.REGISTRAR, Role.BOARD, scope="read")
    return PolicyOut.of(moderation.get_policy(uow, institution=institution, achievement=achievement))


@router.put("/moderation/policy", responses=NOT_YOURS)
def put_policy(
    body: PolicyIn,
    principal: PolicySetter,
    uow: UowDep,
    institution: InstitutionDep,
    achievement: str | None = None,
) -> PolicyOut:
    """Set the achievement's sampling policy (or, without ``achievement``, the default)."""
    policy = SamplingPolicy(
        share=body.share, minimum=body.minimum, include_fails=body.include_fails, borderline=body.borderline,
        seed=body.seed,
    )  # fmt: skip
    view = moderation.set_policy(
        uow, institution=institution, principal=principal, policy=policy, achievement=achievement
    )
    return PolicyOut.of(view)


@router.get(
    "/moderation/report",
    responses={**NOT_YOURS, 200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def moderation_report(
    principal: ModerationReader,
    uow: UowDep,
    institution: InstitutionDep,
    achievement: str | None = None,
    cohort: str | None = None,
    site: str | None = None,
    assessor: Annotated[str | None, Query(description="the first marker's email")] = None,
    since: Annotated[date | None, Query(description="first marked on or after")] = None,
    until: Annotated[date | None, Query(description="first marked on or before")] = None,
    fmt: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Any:
    """Agreement, weighted kappa, ordinal alpha and drift over the stored marks, overall and
    per achievement, cohort, site and assessor (docs/moderation-statistics.md), as JSON or CSV."""
    flt = moderation.ReportFilter(achievement, cohort, site, assessor, since, until)
    result = moderation.report(uow, institution=institution, principal=principal, flt=flt)
    if fmt == "csv":
        return Response(
            moderation.report_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="moderation-report.csv"'},
        )
    return {"filters": flt.as_json(), **result.as_json()}
