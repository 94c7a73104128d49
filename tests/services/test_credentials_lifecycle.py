"""Keys, issuance and status on SQLite and PostgreSQL: keys sealed at rest, rotation keeps old
credentials valid, a compromised key fails what it signed afterwards, status changes show at
once, and an unreachable status list is never read as valid."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy import Engine, select

from credstack.credentials.sealing import SealError
from credstack.credentials.verifier import Environment, verify_credential
from credstack.domain.errors import InvalidInput, InvalidTransition
from credstack.services.demo import seed_demo
from credstack.services.demo_data import build_demo_catalog
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest, NotAwardable, issue_award
from credstack.services.keys import mark_compromised, open_key, rotate_key
from credstack.services.status import change_status
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment
from credstack.settings import Settings
from credstack.store.tables import audit_log, signing_keys


@pytest.fixture(params=["https://credstack.test", "http://127.0.0.1:8000"], ids=["did-web", "did-key"])
def settings(request: pytest.FixtureRequest, engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        base_url=request.param,
        institution_slug="life",
        secret_key="s" * 40,
    )


@pytest.fixture
def seeded(engine: Engine, settings: Settings) -> UnitOfWork:
    uow = UnitOfWork(engine)
    seed_demo(uow, settings=settings, learners=0)
    return uow


def issue(uow: UnitOfWork, settings: Settings, email: str, **kw: object):
    return issue_award(
        uow,
        settings=settings,
        institution=institution_from_settings(settings),
        actor="t",
        request=IssueRequest("MC-DA-101", email, "Test Learner", **kw),  # type: ignore[arg-type]
    ).award


def verdict(uow: UnitOfWork, settings: Settings, credential: dict, **env: object):
    base = environment(uow, settings=settings, institution=institution_from_settings(settings))
    return verify_credential(credential, Environment(**{**base.__dict__, **env}))


def test_keys_are_sealed_and_need_the_secret(seeded, settings, engine):
    award = issue(seeded, settings, "a@example.org")
    with engine.connect() as conn:
        sealed = conn.execute(select(signing_keys.c.private_key_ciphertext)).scalar_one()
    with seeded:
        key = seeded.keys.get(award.key_id)
    assert key is not None and len(sealed) == 1 + 12 + 32 + 16
    assert open_key(key, settings).private_key is not None
    with pytest.raises(SealError):
        open_key(key, settings.model_copy(update={"secret_key": SecretStr("x" * 40)}))


def test_rotation_keeps_old_credentials_valid(seeded, settings):
    before = issue(seeded, settings, "before@example.org")
    rotate_key(seeded, institution=institution_from_settings(settings), settings=settings, actor="t")
    after = issue(seeded, settings, "after@example.org")
    assert (
        before.credential["proof"][0]["verificationMethod"]
        != after.credential["proof"][0]["verificationMethod"]
    )
    for award in (before, after):
        report = verdict(seeded, settings, award.credential)
        assert report.verified, report.errors


def test_a_compromised_key_fails_what_it_signed_afterwards(seeded, settings):
    early = issue(seeded, settings, "early@example.org", valid_from=datetime.now(UTC) - timedelta(days=10))
    late = issue(seeded, settings, "late@example.org")
    vm = late.credential["proof"][0]["verificationMethod"]
    mark_compromised(
        seeded,
        institution=institution_from_settings(settings),
        verification_method=vm,
        since=datetime.now(UTC) - timedelta(days=1),
        reason="laptop stolen",
        actor="t",
    )
    early_report = verdict(seeded, settings, early.credential)
    if settings.issuer_did_method == "web":  # a new key of the same DID signs the status list
        assert early_report.verified, early_report.errors
    else:  # a did:key issuer is its key: its status list, made after the leak, cannot be trusted
        assert [c.passed for c in early_report.checks if c.name in ("proof", "status")] == [True, None]
    report = verdict(seeded, settings, late.credential)
    assert not report.verified and any("compromised" in e for e in report.errors)
    fresh = issue(seeded, settings, "fresh@example.org")  # a new key signs from now on
    assert fresh.credential["proof"][0]["verificationMethod"] != vm
    assert verdict(seeded, settings, fresh.credential).verified


def test_revoke_suspend_reinstate(seeded, settings, engine):
    institution = institution_from_settings(settings)
    award = issue(seeded, settings, "s@example.org")
    suspended = change_status(
        seeded,
        institution=institution,
        award=award.public_id,
        action="suspend",
        reason="investigation",
        actor="registrar",
    )
    assert suspended.status == "suspended"
    with pytest.raises(InvalidTransition):
        change_status(
            seeded, institution=institution, award=award.public_id, action="suspend", reason="x", actor="r"
        )
    assert (
        change_status(
            seeded,
            institution=institution,
            award=award.public_id,
            action="reinstate",
            reason="cleared",
            actor="registrar",
        ).status
        == "active"
    )
    assert verdict(seeded, settings, award.credential).verified
    change_status(
        seeded, institution=institution, award=award.public_id, action="revoke", reason="fraud", actor="r"
    )
    report = verdict(seeded, settings, award.credential)
    assert not report.verified and any("revoked" in e for e in report.errors)
    with pytest.raises(InvalidInput):
        change_status(
            seeded, institution=institution, award=award.public_id, action="revoke", reason=" ", actor="r"
        )
    with engine.connect() as conn:
        trail = conn.execute(select(audit_log.c.action, audit_log.c.detail).order_by(audit_log.c.id)).all()
    changes = [(a, d["reason"]) for a, d in trail if a.startswith("award.") and a != "award.issued"]
    assert changes == [
        ("award.suspend", "investigation"),
        ("award.reinstate", "cleared"),
        ("award.revoke", "fraud"),
    ]


def test_an_unreachable_status_list_is_unknown_never_valid(seeded, settings):
    award = issue(seeded, settings, "u@example.org")
    report = verdict(seeded, settings, award.credential, status_list=lambda url: None)
    status = [c for c in report.checks if c.name == "status"]
    assert not report.verified
    assert status and status[0].passed is None and "could not be fetched" in status[0].message


def test_only_published_definitions_and_passing_marks(seeded, settings):
    catalog = build_demo_catalog(learner_count=0)
    rubric = catalog.achievement("MC-DA-101").rubric
    assert rubric is not None
    failing = {c.code: "Not yet" for c in rubric.criteria}
    with pytest.raises(NotAwardable, match="pass rule"):
        issue(seeded, settings, "f@example.org", marks=failing)
    passing = {c.code: "Proficient" for c in rubric.criteria}
    award = issue(seeded, settings, "p@example.org", marks=passing)
    results = award.credential["credentialSubject"]["result"]
    assert len(results) == len(rubric.criteria) and all(r["status"] == "Completed" for r in results)


PATHS = st.sampled_from(
    [
        ("name",),
        ("validFrom",),
        ("issuer", "name"),
        ("credentialSubject", "achievement", "name"),
        ("credentialSubject", "achievement", "criteria", "narrative"),
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialSubject", "achievement", "alignment", 0, "targetCode"),
        ("credentialStatus", "statusListIndex"),
        ("credentialSubject", "creditsEarned"),
        ("validUntil",),
    ]
)


@pytest.mark.slow
def test_any_change_to_an_issued_credential_fails(seeded, settings):
    award = issue(seeded, settings, "t@example.org")

    @hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(path=PATHS, change=st.text(min_size=1, max_size=8))
    def check(path: tuple, change: str) -> None:
        tampered = json.loads(json.dumps(award.credential))
        node = tampered
        for step in path[:-1]:
            node = node[step]
        old = node[path[-1]]
        node[path[-1]] = old + 1 if isinstance(old, (int, float)) else f"{old}{change}"
        report = verdict(seeded, settings, tampered)
        assert not report.verified
        assert any(c.name == "proof" and c.passed is False for c in report.checks) or any(
            c.name == "dates" and c.passed is False for c in report.checks
        )

    check()
