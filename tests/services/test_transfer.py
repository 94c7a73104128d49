"""Transfer credit on SQLite and PostgreSQL: agreements, a partner's signed credential handed in,
verified and counted by the audit (and completing a stack), pending claims decided by a
registrar, refusals that store nothing, and the credit equivalency table."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, func, select

from credstack.domain.errors import InvalidInput
from credstack.domain.transfer import CreditUnitDef
from credstack.services.demo import seed_demo
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest
from credstack.services.stacking import audit_learner, issue_and_stack, save_pathway
from credstack.services.transfer import (
    claim_transfer,
    credit_table,
    decide_transfer,
    import_agreements,
    set_credit_unit,
    status_list_documents,
    transfers_for,
)
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.tables import articulation_agreements, audit_log, transfer_credits
from tests.transfer_builders import CERT_DA, PARTNER, STATS, agreements_yaml, as_bytes, partner_credential


@pytest.fixture
def env(engine: Engine) -> tuple[UnitOfWork, Settings]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), institution_slug="transfer"
    )
    uow = UnitOfWork(engine)
    seed_demo(uow, settings=settings, learners=0)
    institution = institution_from_settings(settings)
    save_pathway(uow, institution=institution, data=CERT_DA, filename="cert-da.yaml", actor="designer")
    import_agreements(
        uow, institution=institution, data=agreements_yaml(), filename="agreements.yaml", actor="registrar"
    )
    return uow, settings


def claim(
    env: tuple[UnitOfWork, Settings], document: dict[str, Any], email: str = "ada@example.org", **kw: Any
):
    uow, settings = env
    return claim_transfer(
        uow,
        settings=settings,
        institution=institution_from_settings(settings),
        learner_email=email,
        data=as_bytes(document),
        actor="registrar",
        **kw,
    )


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_verified_partner_credential_counts_as_our_achievement(env, engine):
    result = claim(env, partner_credential())
    assert result.verdict == "verified", result.report.errors
    assert [t.agreement_code for t in result.transfers] == ["RIV-PDW"]
    assert result.transfers[0].status == "accepted"
    assert result.transfers[0].achievement_code == "MC-DA-101"
    uow, settings = env
    found = audit_learner(
        uow,
        institution=institution_from_settings(settings),
        learner_email="ada@example.org",
        pathway_code="CERT-DA",
    )
    leaf = next(n for n in found.audit.root.children if n.node.achievement == "MC-DA-101")
    assert leaf.status == "met"
    assert leaf.awards == (f"transfer:{result.transfers[0].public_id}",)


def test_the_same_file_twice_records_one_transfer(env, engine):
    first = claim(env, partner_credential())
    again = claim(env, partner_credential())
    assert [t.public_id for t in again.transfers] == [t.public_id for t in first.transfers]
    assert count(engine, transfer_credits) == 1


def test_credit_transfer_converts_units_and_counts_toward_its_pathway_only(env, engine):
    result = claim(env, partner_credential(achievement=STATS, name="Introduction to Statistics"))
    (transfer,) = result.transfers
    assert transfer.agreement_code == "RIV-STATS"
    # 3 US credit hours at the institution's 2 ECTS per credit hour
    uow, settings = env
    table = credit_table(uow, institution=institution_from_settings(settings))
    assert transfer.credits_ects == table.to_ects(Decimal(3), "credit-hours") == Decimal(6)
    found = audit_learner(
        uow,
        institution=institution_from_settings(settings),
        learner_email="ada@example.org",
        pathway_code="CERT-DA",
    )
    pool = next(n for n in found.audit.root.children if n.node.type == "credits")
    assert pool.status == "met" and pool.credits_done >= 4


def test_transfer_credit_completes_a_stack_with_the_partner_credential_in_the_clr(env, engine):
    uow, settings = env
    institution = institution_from_settings(settings)
    for code in ("MC-DA-102",):
        issue_and_stack(
            uow, settings=settings, institution=institution, actor="t",
            request=IssueRequest(code, "ada@example.org", "Ada Lovelace"),
        )  # fmt: skip
    claim(env, partner_credential(achievement=STATS, name="Introduction to Statistics"))
    result = claim(env, partner_credential())
    assert [a.achievement_code for a in result.stacked] == ["CERT-DA"]
    stacked = result.stacked[0]
    with uow:
        stored = uow.awards.by_public_id(stacked.public_id)
    assert stored is not None and stored.clr is not None
    embedded = stored.clr["credentialSubject"]["verifiableCredential"]
    assert any(c["issuer"]["id"] == PARTNER for c in embedded)
    granted = {
        f"transfer:{t.public_id}"
        for t in transfers_for(uow, institution=institution, learner_email="ada@example.org")
    }
    assert granted & set(stored.components or [])


def test_a_tampered_credential_is_refused_and_nothing_is_stored(env, engine):
    document = partner_credential()
    document["credentialSubject"]["result"][0]["value"] = "99"
    before = count(engine, audit_log)
    result = claim(env, document)
    assert result.verdict == "failed"
    assert result.transfers == [] and "failed verification" in (result.problem or "")
    assert count(engine, transfer_credits) == 0
    assert count(engine, audit_log) == before


def test_a_result_below_the_minimum_meets_no_agreement_and_says_why(env, engine):
    result = claim(env, partner_credential(result="65"))
    assert result.transfers == []
    reasons = {d.agreement.code: d.reasons for d in result.decisions}
    assert "result 65 is below the minimum 70" in reasons["RIV-PDW"]
    assert count(engine, transfer_credits) == 0


def test_a_credential_earned_outside_the_agreed_period_does_not_count(env, engine):
    result = claim(env, partner_credential(awarded="2023-06-01T00:00:00Z"))
    reasons = {d.agreement.code: d.reasons for d in result.decisions}
    assert "earned 2023-06-01, before 2024-01-01" in reasons["RIV-PDW"]


def test_an_unknown_issuer_meets_no_agreement(env, engine):
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    result = claim(env, partner_credential(key=other))
    assert result.verdict == "verified"
    assert result.problem == "no current agreement with this issuer"
    assert count(engine, transfer_credits) == 0


def test_a_credential_naming_another_email_waits_for_the_registrar(env, engine):
    uow, settings = env
    institution = institution_from_settings(settings)
    result = claim(env, partner_credential(email="someone.else@example.org"))
    (pending,) = result.transfers
    assert pending.status == "pending"
    assert "different email" in " ".join(pending.verification["pending"])
    found = audit_learner(
        uow, institution=institution, learner_email="ada@example.org", pathway_code="CERT-DA"
    )
    assert not any(a.startswith("transfer:") for ids in found.audit.assignment.values() for a in ids)
    with pytest.raises(InvalidInput, match="reason"):
        decide_transfer(
            uow, settings=settings, institution=institution, public_id=pending.public_id, decision="accept",
            actor="registrar", reason=" ",
        )  # fmt: skip
    accepted, _ = decide_transfer(
        uow, settings=settings, institution=institution, public_id=pending.public_id, decision="accept",
        actor="r.jones", reason="learner changed email; checked with Riverside",
    )  # fmt: skip
    assert accepted.status == "accepted" and accepted.decided_by == "r.jones"
    found = audit_learner(
        uow, institution=institution, learner_email="ada@example.org", pathway_code="CERT-DA"
    )
    assert f"transfer:{pending.public_id}" in {a for ids in found.audit.assignment.values() for a in ids}
    with pytest.raises(InvalidInput, match="accepted cannot be rejected"):
        decide_transfer(
            uow, settings=settings, institution=institution, public_id=pending.public_id, decision="reject",
            actor="r.jones", reason="changed my mind",
        )  # fmt: skip
    withdrawn, _ = decide_transfer(
        uow, settings=settings, institution=institution, public_id=pending.public_id, decision="withdraw",
        actor="r.jones", reason="agreement misapplied",
    )  # fmt: skip
    assert withdrawn.status == "withdrawn"


def test_an_unreachable_status_list_makes_the_claim_pending_and_a_handed_in_list_decides(
    env, engine, shared: Path
):
    """The reference-signed sample carries a status entry whose list is not reachable offline."""
    sample = json.loads((shared / "interop/samples/signed/mc-01-python-data-wrangling.json").read_text())
    issuer = sample["issuer"]["id"]
    uow, settings = env
    institution = institution_from_settings(settings)
    achievement = sample["credentialSubject"]["achievement"]["id"]
    terms = f"""
- code: EXU-PDW
  partner: Example University
  issuer: {issuer}
  achievement: {achievement}
  min_result: 70
  grants: {{achievement: MC-DA-101}}
"""
    import_agreements(
        uow,
        institution=institution,
        data=terms.encode(),
        filename="example-university.yaml",
        actor="registrar",
    )
    result = claim(env, sample)
    assert result.verdict == "undecided"
    (pending,) = result.transfers
    assert pending.status == "pending"
    assert any(r.startswith("status") for r in pending.verification["pending"])
    status = status_list_documents(
        [("revocation-1.json", (shared / "interop/samples/status/revocation-1.json").read_bytes())]
    )
    again = claim(env, sample, email="grace@example.org", documents=status)
    assert again.verdict == "verified"
    assert again.transfers[0].status == "pending"  # the sample names an email we cannot match
    revoked = json.loads(
        (shared / "interop/samples/signed/mc-02-data-visualisation-REVOKED.json").read_text()
    )
    refused = claim(env, revoked, documents=status)
    assert refused.verdict == "failed" and refused.transfers == []


def test_a_bad_agreements_file_names_the_line_and_changes_nothing(env, engine):
    uow, settings = env
    before = count(engine, articulation_agreements)
    bad = b"""agreements:
  - code: BAD-1
    partner: Somewhere
    issuer: did:web:somewhere.example
    grants: {credits: -3, unit: cats}
  - code: BAD-2
    partner: Somewhere
    issuer: did:web:somewhere.example
    grants: {achievement: NO-SUCH-CODE}
"""
    with pytest.raises(InvalidInput) as raised:
        import_agreements(
            uow, institution=institution_from_settings(settings), data=bad, filename="bad.yaml", actor="r"
        )
    assert "line 5" in str(raised.value) and "grants.credits" in str(raised.value)
    unknown = bad.replace(b"-3", b"3")
    with pytest.raises(InvalidInput, match="NO-SUCH-CODE"):
        import_agreements(
            uow, institution=institution_from_settings(settings), data=unknown, filename="bad.yaml", actor="r"
        )
    assert count(engine, articulation_agreements) == before


def test_the_equivalency_table_takes_the_institutions_own_rows(env, engine):
    uow, settings = env
    institution = institution_from_settings(settings)
    table = credit_table(uow, institution=institution)
    assert table.to_ects(Decimal(10), "cats") == Decimal(5)
    set_credit_unit(
        uow, institution=institution, unit=CreditUnitDef("us-semester", "US semester credits", Decimal("1.875")),
        actor="registrar",
    )  # fmt: skip
    assert credit_table(uow, institution=institution).to_ects(Decimal(4), "us-semester") == Decimal("7.5")
    with pytest.raises(InvalidInput, match="worth 1"):
        set_credit_unit(
            uow, institution=institution, unit=CreditUnitDef("ects", "ECTS", Decimal(2)), actor="registrar"
        )
    with pytest.raises(InvalidInput, match="unknown credit unit 'quarters'"):
        table.to_ects(Decimal(1), "quarters")


def test_a_retired_agreement_matches_no_new_claim(env, engine):
    from credstack.services.transfer import retire_agreement

    uow, settings = env
    retire_agreement(uow, institution=institution_from_settings(settings), code="RIV-PDW", actor="registrar")
    result = claim(env, partner_credential())
    assert result.transfers == []
    assert {d.agreement.code for d in result.decisions} == {"RIV-STATS"}
