"""Assessment use cases for learners and registrars: a draft submission, its evidence, submitting
it, assigning markers, and who may see what.

Who sees a submission: the learner who owns it, registrars and the board (and administrators),
and the markers assigned to it (through their assignment, where a blind second marker does not
see the first marks). Anyone else is told it does not exist (404), as if it did not: a learner
or an assessor cannot learn which submissions exist. A caller without any of those roles is
refused outright (403). Marking itself is in services/marking.py.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from credstack.domain.assessment import MARKER_ROLES, Status, transition
from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound, Problem
from credstack.domain.evidence import CheckedFile, EvidenceDraft, EvidenceKind, check_evidence, check_file
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution, Learner
from credstack.domain.rubric import Rubric
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import NotAwardable
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.assessment import (
    StoredAssignment,
    StoredDecision,
    StoredEvidence,
    StoredMark,
    StoredSubmission,
)
from credstack.store.files import FileStore

MAX_EVIDENCE = 30
STAFF = (Role.REGISTRAR, Role.BOARD)


@dataclass(frozen=True)
class Upload:
    """A file as received: its claimed name, the bytes read, and the size sent (which is more
    than ``len(data)`` when the edge stopped reading at the limit)."""

    name: str
    data: bytes
    size: int


@dataclass(frozen=True)
class Marking:
    """One marker's marks, as far as the viewer may see them."""

    role: str
    assessor: str | None  # hidden from learners
    completed_at: datetime | None
    marks: list[StoredMark]


@dataclass(frozen=True)
class SubmissionView:
    submission: StoredSubmission
    evidence: list[StoredEvidence]
    awaiting: str | None
    markings: list[Marking]
    decision: StoredDecision | None


def operator(uow: UnitOfWork, *, institution: Institution) -> Principal:
    """Who the command line acts as: an administrator of the institution (whoever can run it
    on the server already holds the database), named ``cli`` in the audit log."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        uow.commit()
    return Principal(0, "cli", "command line", institution_id, frozenset({Role.ADMIN}))


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _label(value: str, where: str) -> str:
    value = value.strip()
    if not value or len(value) > 80 or any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidInput(Problem(where, "give 1 to 80 printable characters"))
    return value


def awaiting(status: str, assigned: dict[str, StoredAssignment]) -> str | None:
    """What a submission waits for, from its status and its markers."""
    if status == Status.DRAFT:
        return "the learner to submit"
    if status == Status.DECIDED:
        return None
    for role in MARKER_ROLES:
        a = assigned.get(role)
        if a is None:
            if role == "first" or status == Status.IN_MODERATION:
                return f"a {role} marker to be assigned"
            return None
        if a.completed_at is None:
            return f"the {role} marker"
    return None  # pragma: no cover - a third marking decides


def _own_learner(uow: UnitOfWork, institution_id: int, principal: Principal, *, create: bool) -> int | None:
    found = uow.learners.by_email(institution_id, principal.email)
    if found is not None:
        return found[0]
    if not create:
        return None
    return uow.learners.add(institution_id, Learner(principal.email, principal.name or principal.email))


def _owned(uow: UnitOfWork, institution_id: int, principal: Principal, public_id: str) -> StoredSubmission:
    """The caller's own submission (locked for the change); NotFound for anyone else's."""
    sub = uow.assessment.submission(institution_id, public_id, for_update=True)
    if sub is None or sub.learner_email != principal.email.strip().lower():
        raise NotFound("submission", public_id)
    return sub


def rubric_of(uow: UnitOfWork, achievement_id: int) -> Rubric:
    stored = uow.achievements.get(achievement_id)
    if stored is None or stored.achievement.rubric is None:
        raise InvalidInput(Problem("achievement", "this achievement has no rubric to mark against"))
    return stored.achievement.rubric


def create_submission(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    achievement: str,
    cohort: str,
    site: str,
    now: datetime | None = None,
) -> StoredSubmission:
    """A learner starts a draft submission for a published achievement that has a rubric."""
    principal.require(Role.LEARNER, scope="write")
    cohort, site = _label(cohort, "cohort"), _label(site, "site")
    at = _now(now)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        achievement_id = uow.achievements.id_for_code(institution_id, achievement)
        stored = uow.achievements.get(achievement_id) if achievement_id is not None else None
        if stored is None or achievement_id is None:
            raise InvalidInput(Problem("achievement", f"no achievement with code {achievement!r}"))
        if not stored.achievement.awardable:
            raise NotAwardable(
                f"{achievement} is {stored.achievement.state}: only published achievements are assessed"
            )
        if stored.achievement.rubric is None:
            raise InvalidInput(Problem("achievement", f"{achievement} has no rubric to be assessed against"))
        learner_id = _own_learner(uow, institution_id, principal, create=True)
        assert learner_id is not None
        public_id = str(uuid.uuid4())
        uow.assessment.add_submission(
            public_id=public_id, institution_id=institution_id, learner_id=learner_id,
            achievement_id=achievement_id, cohort=cohort, site=site, at=at,
        )  # fmt: skip
        uow.audit.record(
            actor=principal.actor, action="assessment.draft_created", subject_type="submission",
            subject_id=public_id, institution_id=institution_id,
            detail={"achievement": achievement, "cohort": cohort, "site": site},
        )  # fmt: skip
        created = uow.assessment.submission(institution_id, public_id)
        uow.commit()
    assert created is not None
    return created


def add_evidence(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    principal: Principal,
    submission: str,
    item: EvidenceDraft,
    upload: Upload | None = None,
    mentorship: str | None = None,
) -> StoredEvidence:
    """Add an item to the caller's draft. Every check runs before anything is stored: a refused
    file leaves no row and no file behind. A mentor's sign-off comes from the caller's signed-off
    ``mentorship`` (its record, not what the learner types)."""
    principal.require(Role.LEARNER, scope="write")
    if item.kind == EvidenceKind.MENTOR_SIGNOFF:
        from credstack.services.mentorships import sign_off_evidence

        if not mentorship:
            raise InvalidInput(
                Problem(
                    "mentorship", "a mentor's sign-off is added from its mentorship: give the mentorship's id"
                )
            )
        link = sign_off_evidence(
            uow, institution=institution, public_id=mentorship, base_url=settings.base_url,
            learner_email=principal.email,
        )  # fmt: skip
        item = EvidenceDraft(EvidenceKind.MENTOR_SIGNOFF, link.title, link.url, link.note, link.attested_by)
    elif mentorship:
        raise InvalidInput(Problem("mentorship", "only a mentor-signoff item names a mentorship"))
    problems = check_evidence(item, has_file=upload is not None)
    checked: CheckedFile | None = None
    if upload is not None:
        try:
            checked = check_file(
                upload.name, upload.data, max_bytes=settings.max_upload_bytes, size=upload.size
            )
        except InvalidInput as exc:
            problems += exc.problems
    if problems:
        raise InvalidInput(problems, source="evidence")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        sub = _owned(uow, institution_id, principal, submission)
        if sub.status != Status.DRAFT:
            raise InvalidTransition(f"evidence is added to a draft; this submission is {sub.status}")
        if len(uow.assessment.evidence(sub.id)) >= MAX_EVIDENCE:
            raise InvalidInput(Problem("evidence", f"a submission holds at most {MAX_EVIDENCE} items"))
        if checked is not None and upload is not None:
            FileStore(settings.upload_dir).put(checked.sha256, upload.data)
        evidence_id = uow.assessment.add_evidence(
            sub.id, kind=item.kind.value, title=item.title.strip(), url=item.url, note=item.note,
            attested_by=item.attested_by, sha256=checked.sha256 if checked else None,
            size=checked.size if checked else None, media_type=checked.media_type if checked else None,
            filename=checked.name if checked else None,
        )  # fmt: skip
        uow.audit.record(
            actor=principal.actor, action="assessment.evidence_added", subject_type="submission",
            subject_id=sub.public_id, institution_id=institution_id,
            detail={"evidence": evidence_id, "kind": item.kind.value, "url": item.url,
                    "sha256": checked.sha256 if checked else None, "size": checked.size if checked else None},
        )  # fmt: skip
        stored = next(e for e in uow.assessment.evidence(sub.id) if e.id == evidence_id)
        uow.commit()
    return stored


def submit(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    submission: str,
    now: datetime | None = None,
) -> StoredSubmission:
    """The learner hands in the draft (it needs at least one item of evidence)."""
    principal.require(Role.LEARNER, scope="write")
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        sub = _owned(uow, institution_id, principal, submission)
        status = transition(Status(sub.status), Status.SUBMITTED)
        if not uow.assessment.evidence(sub.id):
            raise InvalidInput(Problem("evidence", "add at least one item of evidence before submitting"))
        uow.assessment.set_status(sub.id, status, _now(now))
        uow.audit.record(
            actor=principal.actor, action="assessment.submitted", subject_type="submission",
            subject_id=sub.public_id, institution_id=institution_id, before={"status": sub.status},
            after={"status": status.value},
        )  # fmt: skip
        done = uow.assessment.submission_by_id(sub.id)
        uow.commit()
    assert done is not None
    return done


def assign(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    submission: str,
    assessor: str,
    role: str,
    now: datetime | None = None,
) -> StoredAssignment:
    """A registrar assigns (or, before they mark, replaces) the first, second or third marker.
    A second marker is assigned only to a sampled submission and marks blind; a third only after
    the first two disagreed. No one marks their own work, and no marker marks twice."""
    principal.require(Role.REGISTRAR, scope="assess")
    if role not in MARKER_ROLES:
        raise InvalidInput(Problem("role", f"must be first, second or third, not {role!r}"))
    at = _now(now)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        sub = uow.assessment.submission(institution_id, submission, for_update=True)
        if sub is None:
            raise NotFound("submission", submission)
        user = uow.identity.user_by_email(assessor)
        if user is None or user.disabled_at is not None:
            raise NotFound("assessor", assessor)
        roles = uow.identity.roles(user.id, institution_id)
        if Role.ASSESSOR not in roles and Role.ADMIN not in roles:
            raise InvalidInput(Problem("assessor", f"{user.email} is not an assessor at this institution"))
        if user.email == sub.learner_email:
            raise InvalidInput(Problem("assessor", "no one marks their own submission"))
        assigned = uow.assessment.assignments_for(sub.id)
        _check_assignable(sub, assigned, role, user.id)
        current = assigned.get(role)
        if current is not None:
            uow.assessment.reassign(current.id, user.id, by=principal.actor, at=at)
            assignment_id = current.id
        else:
            assignment_id = uow.assessment.add_assignment(
                submission_id=sub.id, assessor_id=user.id, role=role, blind=role == "second",
                assigned_by=principal.actor, at=at,
            )  # fmt: skip
        if role == "first" and sub.status == Status.SUBMITTED:
            uow.assessment.set_status(sub.id, transition(Status.SUBMITTED, Status.IN_MARKING), at)
        uow.audit.record(
            actor=principal.actor, action="assessment.reassigned" if current else "assessment.assigned",
            subject_type="submission", subject_id=sub.public_id, institution_id=institution_id,
            detail={"role": role, "assessor": user.email, "blind": role == "second"},
            before={"assessor": current.assessor_email} if current else None,
        )  # fmt: skip
        stored = uow.assessment.assignment(assignment_id)
        uow.commit()
    assert stored is not None
    return stored


def _check_assignable(
    sub: StoredSubmission, assigned: dict[str, StoredAssignment], role: str, user_id: int
) -> None:
    current = assigned.get(role)
    if current is not None and current.completed_at is not None:
        raise InvalidTransition(f"the {role} marker has already marked this submission")
    others = {a.assessor_id for r, a in assigned.items() if r != role}
    if user_id in others:
        raise InvalidInput(Problem("assessor", "this assessor already marks this submission in another role"))
    status = Status(sub.status)
    if role == "first" and status not in (Status.SUBMITTED, Status.IN_MARKING):
        raise InvalidTransition(f"a first marker is assigned to a submitted submission; this one is {status}")
    if role in ("second", "third") and status != Status.IN_MODERATION:
        raise InvalidTransition(
            f"a {role} marker is assigned to a submission in moderation; this one is {status}"
        )
    second = assigned.get("second")
    if role == "third" and (second is None or second.completed_at is None):
        raise InvalidTransition("a third marker reconciles a completed second marking that disagreed")


def _markings(
    uow: UnitOfWork, assigned: dict[str, StoredAssignment], roles: tuple[str, ...], *, names: bool
) -> list[Marking]:
    return [
        Marking(role, a.assessor_email if names else None, a.completed_at, uow.assessment.marks(a.id))
        for role in roles
        if (a := assigned.get(role)) is not None and a.completed_at is not None
    ]


def view_submission(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, submission: str
) -> SubmissionView:
    """The owner sees their evidence, where it stands and, once decided, the result with the
    deciding marker's comments; registrars and the board see every mark and who gave it."""
    principal.require(Role.LEARNER, *STAFF, scope="read")
    staff = principal.has(*STAFF)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        sub = uow.assessment.submission(institution_id, submission)
        if sub is None or not (staff or sub.learner_email == principal.email.strip().lower()):
            raise NotFound("submission", submission)
        assigned = uow.assessment.assignments_for(sub.id)
        decision = uow.assessment.decision(sub.id)
        if staff:
            markings = _markings(uow, assigned, MARKER_ROLES, names=True)
        elif decision is not None:
            deciding = ("third",) if decision.how == "reconciled" else ("first",)
            markings = _markings(uow, assigned, deciding, names=False)
        else:
            markings = []
        return SubmissionView(
            sub, uow.assessment.evidence(sub.id), awaiting(sub.status, assigned), markings, decision
        )


def list_submissions(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    status: str | None = None,
    achievement: str | None = None,
) -> list[tuple[StoredSubmission, str | None]]:
    """A learner's own submissions; for registrars and the board, everyone's (filtered)."""
    principal.require(Role.LEARNER, *STAFF, scope="read")
    if status is not None and status not in set(Status):
        raise InvalidInput(Problem("status", f"must be one of {', '.join(Status)}"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        achievement_id = uow.achievements.id_for_code(institution_id, achievement) if achievement else None
        if achievement and achievement_id is None:
            return []
        if principal.has(*STAFF):
            found = uow.assessment.submissions(institution_id, status=status, achievement_id=achievement_id)
        else:
            learner_id = _own_learner(uow, institution_id, principal, create=False)
            if learner_id is None:
                return []
            found = uow.assessment.submissions(
                institution_id, learner_id=learner_id, status=status, achievement_id=achievement_id
            )
        assigned = uow.assessment.assignments_for_many([s.id for s in found])
        return [(s, awaiting(s.status, assigned[s.id])) for s in found]


def evidence_file(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    principal: Principal,
    submission: str,
    evidence_id: int,
) -> tuple[StoredEvidence, bytes]:
    """An uploaded file, for its owner, staff and the submission's markers."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        sub = uow.assessment.submission(institution_id, submission)
        if sub is None:
            raise NotFound("submission", submission)
        markers = {a.assessor_id for a in uow.assessment.assignments_for(sub.id).values()}
        allowed = (
            principal.has(*STAFF)
            or (principal.has(Role.LEARNER) and sub.learner_email == principal.email.strip().lower())
            or (principal.has(Role.ASSESSOR) and principal.user_id in markers)
        )
        if not allowed:
            raise NotFound("submission", submission)
        item = next((e for e in uow.assessment.evidence(sub.id) if e.id == evidence_id), None)
        if item is None or item.sha256 is None:
            raise NotFound("evidence file", evidence_id)
    return item, FileStore(settings.upload_dir).read(item.sha256)
