"""The demo's assessments: two terms of marked submissions at two campuses, moderated, with one
assessor who marks generously, so the moderation report has something to find; and a few
submissions still on their way (a draft, one waiting for a marker, one being marked, one
waiting for its blind second marker) for the marking journeys.

The marked history is written in one transaction straight through the repository (a data load,
recorded as one audit entry), with every decision taken by the domain's rules (sampling,
disagreement, reconciliation) and every pass awarded through issuance, so it reads exactly as
if the services had produced it. Running the demo again adds nothing.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from credstack.domain.achievement import Achievement
from credstack.domain.assessment import CriterionMark, Decision, level_index, next_step
from credstack.domain.evidence import EvidenceDraft, EvidenceKind
from credstack.domain.institution import Institution, Learner
from credstack.domain.rubric import Rubric
from credstack.domain.sampling import FirstMarked, SamplingPolicy, borderline, pick
from credstack.services import assessment
from credstack.services.identity import add_user
from credstack.services.institutions import ensure_institution
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.marking import evidence_item
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.achievements import StoredAchievement
from credstack.store.assessment import StoredEvidence

STAFF_DOMAIN = "staff.northbridge.example.edu"
SITES = {
    "City campus": ("m.okafor", "l.brennan", "s.iyer"),
    "Harbourside campus": ("t.novak", "r.haddad", "j.lindqvist"),
}
GENEROUS = "r.haddad"  # marks about half a level above the moderators
MODERATORS = ("a.moreau", "k.osei")
RECONCILER = "e.castillo"
REGISTRAR = "p.mensah"
BOARD = "h.whitfield"
TERMS = {
    "2025-autumn": datetime(2025, 10, 6, 9, tzinfo=UTC),
    "2026-spring": datetime(2026, 3, 2, 9, tzinfo=UTC),
}
ACHIEVEMENTS = ("MC-DA-101", "MC-SD-101", "MC-CI-101", "MC-PP-101")
POLICY = SamplingPolicy(share=Decimal("0.25"), minimum=2, seed="northbridge-demo")
HISTORY = 96  # marked submissions, at most
FIRST_LEARNER = 30  # the first 30 demo learners already hold awards


def staff(name: str) -> str:
    return f"{name}@{STAFF_DOMAIN}"


@dataclass
class _Draft:
    public_id: str
    learner: Learner
    achievement: Achievement
    cohort: str
    site: str
    first: str
    at: datetime


def _marking(rubric: Rubric, levels: list[int], voice: str) -> dict[str, CriterionMark]:
    out = {}
    for c, lv in zip(rubric.criteria, levels, strict=True):
        ordered = sorted(c.levels, key=lambda x: x.points)
        level = ordered[min(max(lv, 0), len(ordered) - 1)]
        out[c.code] = CriterionMark(
            level.name, f"{voice}: {c.title.lower()} shows {level.name.lower()} work."
        )
    return out


def seed_demo_assessment(
    uow: UnitOfWork,
    settings: Settings,
    institution: Institution,
    learners: list[Learner],
    achievements: list[Achievement],
) -> int:
    """Seed the assessments once; returns how many submissions were added."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        if uow.assessment.submissions(institution_id, limit=1):
            return 0
    people = [*(a for names in SITES.values() for a in names), *MODERATORS, RECONCILER]
    ids = {}
    for name in people:
        ids[name], _ = add_user(
            uow, institution=institution, email=staff(name), name=name, roles=["assessor"], actor="demo"
        )
    add_user(
        uow,
        institution=institution,
        email=staff(REGISTRAR),
        name=REGISTRAR,
        roles=["registrar"],
        actor="demo",
    )
    add_user(
        uow, institution=institution, email=staff(BOARD), name=BOARD, roles=["governance-board"], actor="demo"
    )
    by_code = {a.code: a for a in achievements}
    chosen = [by_code[c] for c in ACHIEVEMENTS if c in by_code and by_code[c].rubric is not None]
    pool = learners[FIRST_LEARNER:]
    if not chosen or not pool:
        return 0
    history, live = pool[:HISTORY], pool[HISTORY : HISTORY + 4]
    decided = _history(uow, institution_id, history, chosen, ids)
    definitions: dict[str, StoredAchievement] = {}
    for public_id in decided:
        _award(uow, settings, institution, institution_id, public_id, definitions)
    return len(decided) + _live(uow, settings, institution, institution_id, live, chosen[0], ids)


def _history(
    uow: UnitOfWork,
    institution_id: int,
    learners: list[Learner],
    chosen: list[Achievement],
    ids: dict[str, int],
) -> list[str]:
    """Marked submissions through sampling, blind second marks and reconciliation; the public
    ids of those that passed."""
    rng = random.Random(20251006)
    drafts = []
    for n, learner in enumerate(learners):
        cohort = list(TERMS)[n % 2]
        site = list(SITES)[(n // 2) % 2]
        drafts.append(
            _Draft(
                str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-submission:{learner.email}")), learner,
                chosen[n % len(chosen)], cohort, site, rng.choice(SITES[site]),
                TERMS[cohort] + timedelta(days=rng.randrange(60), hours=rng.randrange(8)),
            )
        )  # fmt: skip
    drafts.sort(key=lambda d: d.at)
    counts: dict[tuple[str, str, str], list[int]] = {}
    passed = []
    with uow:
        for d in drafts:
            rubric = d.achievement.rubric
            assert rubric is not None
            truth = [rng.choices(range(4), weights=(0.2, 1.5, 5, 3))[0] for _ in rubric.criteria]
            bias = 0.5 if d.first == GENEROUS else 0.0
            first = _marking(rubric, [t + _noise(rng) + (rng.random() < bias) for t in truth], "First marker")
            seen = counts.setdefault((d.achievement.code, d.first, d.cohort), [0, 0])
            verdict = rubric.evaluate({k: m.level for k, m in first.items()})
            item = FirstMarked(
                d.public_id,
                d.first,
                d.cohort,
                verdict.passed,
                bool(borderline(rubric, {k: m.level for k, m in first.items()})),
            )
            chosen_pick = pick(item, before=seen[0], sampled_before=seen[1], policy=POLICY)
            seen[0] += 1
            seen[1] += chosen_pick.sampled
            markings = {"first": (d.first, first)}
            if chosen_pick.sampled:
                moderator = rng.choice(MODERATORS)
                markings["second"] = (
                    moderator,
                    _marking(rubric, [t + _noise(rng) for t in truth], "Moderator"),
                )
            step = next_step(
                rubric,
                first=first,
                sampled=chosen_pick.sampled,
                second=markings.get("second", (None, None))[1],
            )
            if not isinstance(step, Decision):
                markings["third"] = (RECONCILER, _marking(rubric, truth, "Reconciler"))
                step = next_step(
                    rubric,
                    first=first,
                    sampled=True,
                    second=markings["second"][1],
                    third=markings["third"][1],
                )
            assert isinstance(step, Decision)
            _store(uow, institution_id, d, chosen_pick.reason, markings, step, ids, rubric)
            if step.passed:
                passed.append(d.public_id)
        uow.audit.record(
            actor="demo", action="demo.assessments_seeded", subject_type="institution", subject_id=institution_id,
            institution_id=institution_id, detail={"submissions": len(drafts), "policy": POLICY.as_json()},
        )  # fmt: skip
        uow.assessment.set_policy(institution_id, None, POLICY, by="demo", at=min(TERMS.values()))
        uow.commit()
    return passed


def _noise(rng: random.Random) -> int:
    return rng.choices((-1, 0, 1), weights=(0.12, 0.76, 0.12))[0]


def _store(
    uow: UnitOfWork,
    institution_id: int,
    d: _Draft,
    reason: str | None,
    markings: dict[str, tuple[str, dict[str, CriterionMark]]],
    decision: Decision,
    ids: dict[str, int],
    rubric: Rubric,
) -> None:
    found = uow.learners.by_email(institution_id, d.learner.email)
    learner_id = found[0] if found else uow.learners.add(institution_id, d.learner)
    achievement_id = uow.achievements.id_for_code(institution_id, d.achievement.code)
    assert achievement_id is not None
    sub_id = uow.assessment.add_submission(
        public_id=d.public_id, institution_id=institution_id, learner_id=learner_id, achievement_id=achievement_id,
        cohort=d.cohort, site=d.site, at=d.at - timedelta(days=3),
    )  # fmt: skip
    handle = d.learner.email.split("@")[0].replace(".", "-")
    for kind, title, url in (
        (EvidenceKind.REPOSITORY, "Project repository", f"https://git.northbridge.example.edu/{handle}/{d.achievement.code.lower()}"),
        (EvidenceKind.DEMONSTRATION, "Recorded walk-through", f"https://video.northbridge.example.edu/{handle}/{d.achievement.code.lower()}"),
    ):  # fmt: skip
        uow.assessment.add_evidence(sub_id, kind=kind.value, title=title, url=url)
    uow.assessment.set_status(sub_id, "submitted", d.at - timedelta(days=2))
    uow.assessment.set_status(sub_id, "in-marking", d.at - timedelta(days=1))
    when = d.at
    for role, (who, marks) in markings.items():
        assignment = uow.assessment.add_assignment(
            submission_id=sub_id, assessor_id=ids[who], role=role, blind=role == "second",
            assigned_by=staff(REGISTRAR), at=when - timedelta(hours=20),
        )  # fmt: skip
        uow.assessment.add_marks(
            assignment,
            [{"criterion": code, "level": m.level, "level_index": level_index(rubric, code, m.level),
              "comment": m.comment, "marked_at": when} for code, m in marks.items()],
        )  # fmt: skip
        uow.assessment.complete(assignment, when)
        if role == "first" and reason:
            uow.assessment.set_sample_reason(sub_id, reason)
            uow.assessment.set_status(sub_id, "in-moderation", when)
        when += timedelta(days=4)
    uow.assessment.add_decision(
        sub_id, passed=decision.passed, how=decision.how, result=decision.result, detail=decision.as_json(),
        decided_by=staff(markings[max(markings, key=("first", "second", "third").index)][0]), decided_at=when,
    )  # fmt: skip
    uow.assessment.set_status(sub_id, "decided", when)


def _award(
    uow: UnitOfWork,
    settings: Settings,
    institution: Institution,
    institution_id: int,
    public_id: str,
    definitions: dict[str, StoredAchievement],
) -> None:
    with uow:
        sub = uow.assessment.submission(institution_id, public_id)
        assert sub is not None
        decision = uow.assessment.decision(sub.id)
        assert decision is not None
        items: list[StoredEvidence] = uow.assessment.evidence(sub.id)
    request = IssueRequest(
        sub.achievement_code, sub.learner_email, sub.learner_name, marks=decision.result,
        evidence=[evidence_item(e) for e in items], valid_from=decision.decided_at,
        idempotency_key=f"assessment:{public_id}",
    )  # fmt: skip
    # one micro-credential per learner completes no stack: issue without the stacking audit
    issued = issue_award(
        uow,
        settings=settings,
        institution=institution,
        request=request,
        actor="demo",
        definitions=definitions,
    )
    with uow:
        uow.assessment.set_award(sub.id, issued.award.public_id)
        uow.commit()


def _live(
    uow: UnitOfWork,
    settings: Settings,
    institution: Institution,
    institution_id: int,
    learners: list[Learner],
    achievement: Achievement,
    ids: dict[str, int],
) -> int:
    """Submissions on their way, made through the services: a draft, one waiting for its first
    marker, one with its marker, one waiting for a blind second marker."""
    from credstack.domain.identity import Principal, Role

    rubric = achievement.rubric
    assert rubric is not None
    registrar = assessment.operator(uow, institution=institution)
    marker = Principal(
        ids["m.okafor"], staff("m.okafor"), "m.okafor", institution_id, frozenset({Role.ASSESSOR})
    )
    for n, learner in enumerate(learners):
        me = Principal(0, learner.email, learner.name, institution_id, frozenset({Role.LEARNER}))
        sub = assessment.create_submission(
            uow, institution=institution, principal=me, achievement=achievement.code, cohort="2026-autumn",
            site="City campus",
        ).public_id  # fmt: skip
        handle = learner.email.split("@")[0].replace(".", "-")
        link = EvidenceDraft(
            EvidenceKind.PORTFOLIO, "Portfolio", f"https://portfolio.northbridge.example.edu/{handle}"
        )
        assessment.add_evidence(
            uow, settings=settings, institution=institution, principal=me, submission=sub, item=link
        )
        if n == 0:
            continue  # a draft
        assessment.submit(uow, institution=institution, principal=me, submission=sub)
        if n == 1:
            continue  # waiting for a first marker
        assigned = assessment.assign(
            uow,
            institution=institution,
            principal=registrar,
            submission=sub,
            assessor=staff("m.okafor"),
            role="first",
        )
        if n == 3:  # a fail: always second-marked
            from credstack.services.marking import mark

            levels = [0] + [2] * (len(rubric.criteria) - 1)
            mark(uow, settings=settings, institution=institution, principal=marker, assignment=assigned.id,
                 marking=_marking(rubric, levels, "First marker"))  # fmt: skip
    return len(learners)
