"""Reading external credentials (OB 3.0 and OB 2.0) and articulation agreement files."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from credstack.domain.errors import InvalidInput
from credstack.domain.transfer import Agreement, ExternalClaim, decide
from credstack.interop.agreements_file import read_agreements
from credstack.interop.external_credential import read_claim


def test_an_ob3_sample_from_the_spec_reads_its_issuer_achievement_result_and_credits(shared: Path):
    sample = json.loads((shared / "interop/samples/signed/mc-01-python-data-wrangling.json").read_text())
    claim = read_claim(sample)
    assert claim.format == "ob3"
    assert claim.issuer == sample["issuer"]["id"]
    assert claim.achievement == sample["credentialSubject"]["achievement"]["id"]
    assert claim.name == "Python Data Wrangling"
    assert claim.result == Decimal(91)  # the one numeric result; the other is a rubric level
    assert claim.credits == Decimal(1)  # creditsEarned
    assert claim.earned == date(2025, 3, 1) and claim.expires == date(2030, 3, 1)
    assert claim.belongs_to("anyone@example.org") is False  # it names a hashed email


def test_the_complete_spec_example_names_its_learner_by_plain_email(shared: Path):
    sample = json.loads(
        (shared / "interop/samples/ob-spec/fullOpenBadge--complete-openbadgecredential.json").read_text()
    )
    claim = read_claim(sample)
    assert claim.belongs_to("Student@1EdTech.edu") is True
    assert claim.belongs_to("other@1edtech.edu") is False
    assert claim.credits == Decimal(42)


def test_an_ob2_assertion_with_its_badge_embedded():
    salt = "s4lt"
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.partner.example/assertions/1",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": "sha256$" + hashlib.sha256(("ada@example.org" + salt).encode()).hexdigest(),
        },
        "badge": {
            "id": "https://badges.partner.example/badges/sql",
            "type": "BadgeClass",
            "name": "SQL Foundations",
            "issuer": {"id": "https://badges.partner.example/issuer", "type": "Profile", "name": "Partner"},
        },
        "verification": {"type": "hosted"},
        "issuedOn": "2024-05-02T10:00:00Z",
    }
    claim = read_claim(assertion)
    assert (claim.format, claim.issuer, claim.achievement, claim.name) == (
        "ob2", "https://badges.partner.example/issuer", "https://badges.partner.example/badges/sql", "SQL Foundations",
    )  # fmt: skip
    assert claim.earned == date(2024, 5, 2)
    assert claim.belongs_to("ADA@example.org ") is True
    assert claim.belongs_to("bob@example.org") is False
    assertion["badge"] = "https://badges.partner.example/badges/sql"
    with pytest.raises(InvalidInput, match="badge: the BadgeClass must be embedded"):
        read_claim(assertion)


def test_a_credential_without_an_achievement_names_the_field():
    with pytest.raises(InvalidInput, match=r"credentialSubject\.achievement"):
        read_claim({"issuer": "did:key:z6Mk", "credentialSubject": {"id": "did:example:1"}})
    with pytest.raises(InvalidInput, match=r"issuer\.id"):
        read_claim({"issuer": {"name": "x"}, "credentialSubject": {}})


CLAIM = ExternalClaim(
    format="ob3", issuer="did:web:partner.example", issuer_name="Partner", achievement="urn:a", name="Data Basics",
    result=Decimal(80), earned=date(2025, 1, 10), credits=Decimal(5),
)  # fmt: skip


def test_an_agreement_reports_every_reason_it_is_not_met():
    agreement = Agreement(
        code="A", partner="Partner", issuer="did:web:other.example", external_achievement="urn:b",
        min_result=Decimal(85), earned_until=date(2024, 12, 31), grants_achievement="MC-1",
    )  # fmt: skip
    decision = decide(agreement, CLAIM)
    assert not decision.met
    assert decision.reasons == (
        "issued by did:web:partner.example, not did:web:other.example",
        "achievement urn:a is not urn:b",
        "result 80 is below the minimum 85",
        "earned 2025-01-10, after 2024-12-31",
    )
    met = Agreement(
        code="B",
        partner="P",
        issuer="did:web:partner.example",
        external_name="data basics",
        grants_achievement="MC-1",
    )
    assert decide(met, CLAIM).met


def test_an_agreement_must_grant_one_thing():
    with pytest.raises(InvalidInput, match="either an achievement or credits"):
        Agreement(
            code="A",
            partner="P",
            issuer="did:x",
            grants_achievement="MC-1",
            grants_credits=Decimal(3),
            credit_unit="ects",
        )
    with pytest.raises(InvalidInput, match="either an achievement or credits"):
        Agreement(code="A", partner="P", issuer="did:x")


def test_an_agreements_file_reads_agreements_and_units():
    parsed = read_agreements(
        b"""agreements:
  - code: P-1
    partner: Partner
    issuer: did:web:partner.example
    achievement_name: Data Basics
    earned: {from: 2024-01-01}
    grants: {credits: 10, unit: cats}
    tags: [data]
credit_units:
  - {code: cats, name: UK CATS credits, ects_per_unit: 0.5}
""",
        source="a.yaml",
    )
    (agreement,) = parsed.agreements
    assert agreement.grants_credits == Decimal(10) and agreement.credit_unit == "cats"
    assert agreement.earned_from == date(2024, 1, 1) and agreement.tags == ("data",)
    assert parsed.units[0].ects_per_unit == Decimal("0.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            b"- code: X\n  partner: P\n  issuer: did:x\n  grants: {credits: three, unit: ects}\n",
            "line 4, column 21: grants.credits must be a number",
        ),
        (b"- code: X\n  partner: P\n  grants: {achievement: MC-1}\n", "line 1, column 3: issuer is required"),
        (
            b"- code: X\n  partner: P\n  issuer: did:x\n  grant: {achievement: MC-1}\n",
            "line 4, column 3: unknown field 'grant'",
        ),
        (
            b"- code: X\n  partner: P\n  issuer: did:x\n  earned: {from: 2024-13-01}\n  grants: {achievement: M}\n",
            "line 4, column 18: earned.from must be a date",
        ),
        (
            b"- {code: X, partner: P, issuer: did:x, grants: {achievement: M}}\n- {code: X, partner: P, issuer: did:x, grants: {achievement: M}}\n",
            "duplicate agreement code 'X' (also on line 1)",
        ),
        (b"agreements: []\n", "no agreements and no credit units"),
    ],
)
def test_a_wrong_agreements_file_names_the_line(text: bytes, expected: str):
    with pytest.raises(InvalidInput) as raised:
        read_agreements(text, source="a.yaml")
    assert expected in str(raised.value)
