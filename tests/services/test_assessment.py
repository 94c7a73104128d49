"""Assessment on SQLite and PostgreSQL: a learner's draft, evidence and submission; markers
assigned; single, agreed and reconciled decisions; the award a pass issues; who may see what;
and refused uploads that store nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from credstack.credentials.verifier import verify_credential
from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound
from credstack.domain.evidence import EvidenceDraft, EvidenceKind
from credstack.domain.identity import Forbidden
from credstack.domain.sampling import SamplingPolicy
from credstack.services import assessment, marking, moderation
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import NotAwardable
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment
from credstack.settings import Settings
from credstack.store.files import FileStore
from credstack.store.tables import audit_log, awards
from tests.assessment_builders import (
    DRAFT,
    PDF,
    REPO,
    WEB,
    Cast,
    seed_people,
    settings_for,
)
from tests.assessment_builders import (
    marking as levels,
)
from tests.conftest import snapshot

NEVER = SamplingPolicy(share=Decimal(0), minimum=0)  # only fails and borderlines are sampled
ALWAYS = SamplingPolicy(share=Decimal(1), minimum=1)


@pytest.fixture
def env(engine: Engine, tmp_path: Path) -> tuple[UnitOfWork, Settings, Cast]:
    settings = settings_for(engine.url.render_as_string(hide_password=False), tmp_path / "uploads")
    uow = UnitOfWork(engine)
    return uow, settings, seed_people(uow, institution_from_settings(settings))


def _submitted(
    env: tuple[UnitOfWork, Settings, Cast], learner: str = "ada", *, cohort: str = "2026-01"
) -> str:
    uow, settings, cast = env
    sub = assessment.create_submission(
        uow,
        institution=cast.institution,
        principal=cast[learner],
        achievement=WEB,
        cohort=cohort,
        site="North",
    )
    assessment.add_evidence(
        uow, settings=settings, institution=cast.institution, principal=cast[learner], submission=sub.public_id,
        item=REPO,
    )  # fmt: skip
    assessment.add_evidence(
        uow, settings=settings, institution=cast.institution, principal=cast[learner], submission=sub.public_id,
        item=EvidenceDraft(EvidenceKind.FILE, "Write-up"),
        upload=assessment.Upload("write-up.pdf", PDF, len(PDF)),
    )  # fmt: skip
    assessment.submit(uow, institution=cast.institution, principal=cast[learner], submission=sub.public_id)
    return sub.public_id


def _policy(env: tuple[UnitOfWork, Settings, Cast], policy: SamplingPolicy) -> None:
    uow, _, cast = env
    moderation.set_policy(
        uow, institution=cast.institution, principal=cast["reg"], policy=policy, achievement=WEB
    )


def _assign(env: tuple[UnitOfWork, Settings, Cast], sub: str, who: str, role: str) -> int:
    uow, _, cast = env
    return assessment.assign(
        uow, institution=cast.institution, principal=cast["reg"], submission=sub, assessor=f"{who}@example.org",
        role=role,
    ).id  # fmt: skip


def _mark(
    env: tuple[UnitOfWork, Settings, Cast], who: str, assignment: int, *marks: int
) -> marking.MarkOutcome:
    uow, settings, cast = env
    return marking.mark(
        uow, settings=settings, institution=cast.institution, principal=cast[who], assignment=assignment,
        marking=levels(*marks),
    )  # fmt: skip


def _view(env: tuple[UnitOfWork, Settings, Cast], who: str, sub: str) -> assessment.SubmissionView:
    uow, _, cast = env
    return assessment.view_submission(uow, institution=cast.institution, principal=cast[who], submission=sub)


def test_a_clear_pass_not_sampled_is_decided_and_awarded_with_results_and_evidence(env, engine) -> None:
    _policy(env, NEVER)
    sub = _submitted(env)
    assert _view(env, "ada", sub).awaiting == "a first marker to be assigned"
    first = _assign(env, sub, "ann", "first")
    assert _view(env, "ada", sub).submission.status == "in-marking"
    outcome = _mark(env, "ann", first, 3, 3, 3)
    assert (outcome.status, outcome.decision.how, outcome.decision.passed) == ("decided", "single", True)
    assert outcome.award is not None and outcome.award_error is None
    seen = _view(env, "ada", sub)
    assert seen.decision.award_public_id == outcome.award
    assert [m.assessor for m in seen.markings] == [None]  # the learner sees the comments, not who
    with engine.connect() as conn:
        credential = conn.execute(
            select(awards.c.credential).where(awards.c.public_id == outcome.award)
        ).scalar_one()
        actions = [
            r.action
            for r in conn.execute(
                select(audit_log.c.action).where(audit_log.c.subject_id == sub).order_by(audit_log.c.id)
            )
        ]
    subject = credential["credentialSubject"]
    assert [r["achievedLevel"].rsplit("#", 1)[1] for r in subject["result"]] == [
        "criterion-C1-level-3",
        "criterion-C2-level-3",
        "criterion-C3-level-3",
    ]
    evidence = {e["id"]: e for e in credential["evidence"]}
    assert "https://github.com/ada/shop" in evidence
    (file_uri,) = [u for u in evidence if u.startswith("ni:///sha-256;")]
    assert file_uri.endswith("?ct=application/pdf") and "write-up.pdf" in evidence[file_uri]["description"]
    uow, settings, cast = env
    report = verify_credential(credential, environment(uow, settings=settings, institution=cast.institution))
    assert report.verified, report.errors
    assert actions == [
        "assessment.draft_created",
        "assessment.evidence_added",
        "assessment.evidence_added",
        "assessment.submitted",
        "assessment.assigned",
        "assessment.marked",
        "assessment.decided",
        "assessment.awarded",
    ]


def test_a_sampled_submission_is_second_marked_blind_and_agreement_keeps_the_first_marks(env) -> None:
    _policy(env, ALWAYS)
    uow, _, cast = env
    sub = _submitted(env)
    first = _assign(env, sub, "ann", "first")
    outcome = _mark(env, "ann", first, 2, 2, 3)
    assert (outcome.status, outcome.awaiting, outcome.decision) == (
        "in-moderation",
        "a second marker to be assigned",
        None,
    )
    second = _assign(env, sub, "ben", "second")
    view = marking.view_assignment(
        uow, institution=cast.institution, principal=cast["ben"], assignment=second
    )
    assert view.assignment.blind and view.earlier == [] and view.submission.sample_reason == "minimum"
    agreed = _mark(env, "ben", second, 3, 2, 2)
    assert (agreed.decision.how, agreed.decision.result) == (
        "agreed",
        {"C1": "Proficient", "C2": "Proficient", "C3": "Exemplary"},
    )
    assert agreed.award is not None
    staff = _view(env, "reg", sub)
    assert [(m.role, m.assessor) for m in staff.markings] == [
        ("first", "ann@example.org"),
        ("second", "ben@example.org"),
    ]


def test_a_disagreement_goes_to_a_third_marker_whose_marks_decide(env) -> None:
    _policy(env, ALWAYS)
    uow, _, cast = env
    sub = _submitted(env)
    _mark(env, "ann", _assign(env, sub, "ann", "first"), 3, 3, 3)
    second = _assign(env, sub, "ben", "second")
    with pytest.raises(InvalidTransition, match="completed second marking"):
        _assign(env, sub, "cy", "third")
    split = _mark(env, "ben", second, 1, 3, 1)
    assert (split.status, split.awaiting, split.decision) == (
        "in-moderation",
        "a third marker to be assigned",
        None,
    )
    with pytest.raises(InvalidInput, match="already marks this submission in another role"):
        _assign(env, sub, "ann", "third")
    third = _assign(env, sub, "cy", "third")
    view = marking.view_assignment(uow, institution=cast.institution, principal=cast["cy"], assignment=third)
    assert [m.role for m in view.earlier] == ["first", "second"]
    assert view.disagreement == (
        "the first marking passes, the second fails",
        "C1: Exemplary and Developing are 2 levels apart",
        "C3: Exemplary and Developing are 2 levels apart",
    )
    final = _mark(env, "cy", third, 2, 2, 1)
    assert (final.decision.how, final.decision.passed, final.award) == ("reconciled", False, None)
    seen = _view(env, "ada", sub)
    assert seen.decision.how == "reconciled" and [m.role for m in seen.markings] == ["third"]
    assert [m.role for m in _view(env, "brd", sub).markings] == ["first", "second", "third"]


def test_every_fail_is_sampled_even_when_the_share_is_nothing(env) -> None:
    _policy(env, NEVER)
    sub = _submitted(env)
    outcome = _mark(env, "ann", _assign(env, sub, "ann", "first"), 0, 3, 3)
    assert outcome.status == "in-moderation"
    assert _view(env, "reg", sub).submission.sample_reason == "fail"


def test_marks_are_complete_final_and_only_the_assigned_marker_gives_them(env) -> None:
    uow, settings, cast = env
    _policy(env, NEVER)
    sub = _submitted(env)
    first = _assign(env, sub, "ann", "first")
    with pytest.raises(NotFound):
        _mark(env, "ben", first, 3, 3, 3)
    with pytest.raises(NotFound):
        marking.view_assignment(uow, institution=cast.institution, principal=cast["ben"], assignment=first)
    assert marking.my_assignments(uow, institution=cast.institution, principal=cast["ben"]) == []
    with pytest.raises(Forbidden):
        _mark(env, "reg", first, 3, 3, 3)
    with pytest.raises(InvalidInput, match=r"marks\[C3\]: not marked"):
        marking.mark(
            uow, settings=settings, institution=cast.institution, principal=cast["ann"], assignment=first,
            marking={k: v for k, v in levels(3, 3, 3).items() if k != "C3"},
        )  # fmt: skip
    _mark(env, "ann", first, 3, 3, 3)
    with pytest.raises(InvalidTransition, match="already marked"):
        _mark(env, "ann", first, 2, 2, 2)


def test_learners_see_only_their_own_submissions(env) -> None:
    uow, settings, cast = env
    sub = _submitted(env, "ada")
    with pytest.raises(NotFound):
        _view(env, "bob", sub)
    with pytest.raises(NotFound):
        assessment.add_evidence(
            uow,
            settings=settings,
            institution=cast.institution,
            principal=cast["bob"],
            submission=sub,
            item=REPO,
        )
    with pytest.raises(NotFound):
        assessment.evidence_file(
            uow,
            settings=settings,
            institution=cast.institution,
            principal=cast["bob"],
            submission=sub,
            evidence_id=2,
        )
    assert assessment.list_submissions(uow, institution=cast.institution, principal=cast["bob"]) == []
    assert [
        s.public_id
        for s, _ in assessment.list_submissions(uow, institution=cast.institution, principal=cast["ada"])
    ] == [sub]
    with pytest.raises(Forbidden):
        _view(env, "ann", sub)  # assessors see work through their assignments only


def test_only_published_achievements_are_assessed_and_evidence_comes_first(env) -> None:
    uow, _, cast = env
    with pytest.raises(NotAwardable, match="only published achievements are assessed"):
        assessment.create_submission(
            uow, institution=cast.institution, principal=cast["ada"], achievement=DRAFT, cohort="c", site="s"
        )
    with pytest.raises(Forbidden):
        assessment.create_submission(
            uow, institution=cast.institution, principal=cast["ann"], achievement=WEB, cohort="c", site="s"
        )
    draft = assessment.create_submission(
        uow, institution=cast.institution, principal=cast["ada"], achievement=WEB, cohort="c", site="s"
    )
    with pytest.raises(InvalidInput, match="at least one item of evidence"):
        assessment.submit(
            uow, institution=cast.institution, principal=cast["ada"], submission=draft.public_id
        )
    with pytest.raises(InvalidTransition, match="a first marker is assigned to a submitted submission"):
        _assign(env, draft.public_id, "ann", "first")


@pytest.mark.parametrize(
    ("name", "data", "size", "message"),
    [
        ("big.pdf", PDF, 5000, "the limit is 4.0 KiB"),
        ("cv.pdf", b"MZ\x90\x00binary", None, "this type of file is not accepted"),
        ("../x.pdf", PDF, None, "path separator"),
        ("a/b.pdf", PDF, None, "path separator"),
        ("/etc/x.pdf", PDF, None, "an absolute path"),
        ("x\x00.pdf", PDF, None, "control characters"),
    ],
)
def test_a_refused_upload_stores_nothing(
    env, engine, name: str, data: bytes, size: int | None, message: str
) -> None:
    uow, settings, cast = env
    sub = assessment.create_submission(
        uow, institution=cast.institution, principal=cast["ada"], achievement=WEB, cohort="c", site="s"
    )
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match=message):
        assessment.add_evidence(
            uow, settings=settings, institution=cast.institution, principal=cast["ada"], submission=sub.public_id,
            item=EvidenceDraft(EvidenceKind.FILE, "Upload"), upload=assessment.Upload(name, data, size or len(data)),
        )  # fmt: skip
    assert snapshot(engine) == before
    assert FileStore(settings.upload_dir).count() == 0


def test_the_moderation_report_reads_the_stored_marks(env) -> None:
    uow, _, cast = env
    _policy(env, ALWAYS)
    for learner, (a, b) in (("ada", ((2, 2, 3), (2, 2, 3))), ("bob", ((3, 3, 3), (2, 2, 2)))):
        sub = _submitted(env, learner)
        _mark(env, "ann", _assign(env, sub, "ann", "first"), *a)
        _mark(env, "ben", _assign(env, sub, "ben", "second"), *b)
    result = moderation.report(uow, institution=cast.institution, principal=cast["brd"])
    overall = result.overall
    assert (overall.marks, overall.units, overall.agreement.pairs, overall.agreement.exact_count) == (
        12,
        6,
        6,
        3,
    )
    assert result.overall.drift.n == 2 and result.overall.drift.mean == pytest.approx(0.5)
    assert [g.group for g in result.breakdowns["assessor"]] == [{"assessor": "ann@example.org"}]
    today = datetime.now(UTC).date()
    for flt, count in (
        (moderation.ReportFilter(site="South"), 0),
        (moderation.ReportFilter(site="North", cohort="2026-01", achievement=WEB), 12),
        (moderation.ReportFilter(assessor="ann@example.org"), 12),
        (moderation.ReportFilter(assessor="ben@example.org"), 0),  # the first marker's marks
        (moderation.ReportFilter(since=today, until=today), 12),
        (moderation.ReportFilter(since=today + timedelta(days=1)), 0),
    ):
        only = moderation.report(uow, institution=cast.institution, principal=cast["reg"], flt=flt)
        assert only.overall.marks == count, flt
    with pytest.raises(NotFound):
        moderation.report(
            uow,
            institution=cast.institution,
            principal=cast["reg"],
            flt=moderation.ReportFilter(assessor="x@y"),
        )
    text = moderation.report_csv(result)
    assert text.splitlines()[0].startswith("dimension,group,marks,units,pairs,exact_agreement")
    assert "assessor,assessor=ann@example.org,12,6,6,0.5000" in text
    with pytest.raises(Forbidden):
        moderation.report(uow, institution=cast.institution, principal=cast["ann"])
