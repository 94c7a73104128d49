"""A partner institution's signed OB 3.0 credentials and articulation agreements with it, for
the transfer-credit tests (service, API and pages)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.did import did_key, did_key_verification_method

PARTNER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PARTNER_PUBLIC = PARTNER_KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
PARTNER = did_key(PARTNER_PUBLIC)
PDW = "https://credentials.riverside.example/achievements/python-data-wrangling"
STATS = "https://credentials.riverside.example/achievements/intro-statistics"

CERT_DA = b"""
id: CERT-DA
name: Certificate in Applied Data Analytics
awards: CERT-DA
requires:
  all:
    - achievement: MC-DA-101
    - achievement: MC-DA-102
    - credits:
        min: 4
        pool: {tags: [statistics]}
"""


def agreements_yaml(partner: str = PARTNER) -> bytes:
    return f"""
agreements:
  - code: RIV-PDW
    partner: Riverside Community College
    issuer: {partner}
    achievement: {PDW}
    min_result: 70
    earned: {{from: 2024-01-01, until: 2030-12-31}}
    grants: {{achievement: MC-DA-101}}
  - code: RIV-STATS
    partner: Riverside Community College
    issuer: {partner}
    achievement_name: Introduction to Statistics
    grants: {{credits: 3, unit: credit-hours}}
    pathway: CERT-DA
    tags: [statistics]
credit_units:
  - {{code: cats, name: UK CATS credits, ects_per_unit: 0.5}}
""".encode()


def partner_credential(
    *,
    achievement: str = PDW,
    name: str = "Python Data Wrangling",
    email: str = "ada@example.org",
    result: str = "91",
    awarded: str = "2025-03-01T00:00:00Z",
    key: Ed25519PrivateKey = PARTNER_KEY,
) -> dict[str, Any]:
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    salt = "riverside-salt"
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{hashlib.sha256((achievement + email).encode()).hexdigest()[:32]}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": did_key(public), "type": ["Profile"], "name": "Riverside Community College"},
        "validFrom": awarded,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": achievement,
                "type": ["Achievement"],
                "name": name,
                "description": name,
                "criteria": {"narrative": "Assessed by project."},
                "creditsAvailable": 3,
            },
            "result": [{"type": ["Result"], "value": result}],
        },
    }
    return eddsa_rdfc_2022.add_proof(
        document, key, did_key_verification_method(public), created=datetime(2025, 3, 1, tzinfo=UTC)
    )


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()
