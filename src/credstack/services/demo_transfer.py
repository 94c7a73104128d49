"""The demo's transfer credit: a partner college with an articulation agreement, and two of the
demo learners handing in that college's signed credentials (one counted at once, one waiting
for the registrar because it names another email). The partner's key comes from a fixed demo
seed, so running the demo again records nothing new."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.did import did_key, did_key_verification_method
from credstack.domain.institution import Institution, Learner
from credstack.services.transfer import claim_transfer, import_agreements
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

PARTNER_NAME = "Riverside Community College"
PARTNER_URL = "https://www.riverside-college.example"
_SEED = hashlib.sha256(b"credstack demo partner: Riverside Community College").digest()
SQL_ACHIEVEMENT = "https://credentials.riverside-college.example/achievements/sql-for-analysts"
STATS_ACHIEVEMENT = "https://credentials.riverside-college.example/achievements/applied-statistics"


def partner_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_SEED)


def partner_did() -> str:
    return did_key(partner_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def agreements() -> str:
    return f"""\
agreements:
  - code: RCC-SQL
    partner: {PARTNER_NAME}
    issuer: {partner_did()}
    achievement: {SQL_ACHIEVEMENT}
    achievement_name: SQL for Analysts
    min_result: 70
    earned: {{from: 2024-01-01}}
    grants: {{achievement: MC-DA-202}}
    note: Riverside's SQL for Analysts covers our relational data module at the same level.
  - code: RCC-STATS
    partner: {PARTNER_NAME}
    issuer: {partner_did()}
    achievement: {STATS_ACHIEVEMENT}
    achievement_name: Applied Statistics
    grants: {{credits: 3, unit: credit-hours}}
    tags: [data, statistics]
    note: Counted as elective credit only.
"""


def partner_credential(
    learner: Learner, achievement: str, name: str, result: str, awarded: datetime
) -> dict[str, Any]:
    """A credential as Riverside would issue it: OB 3.0, hashed email, eddsa-rdfc-2022."""
    key = partner_key()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    salt = hashlib.sha256(learner.email.encode()).hexdigest()[:12]
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{hashlib.sha256((achievement + learner.email).encode()).hexdigest()[:32]}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": did_key(public), "type": ["Profile"], "name": PARTNER_NAME, "url": PARTNER_URL},
        "validFrom": awarded.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": "sha256$" + hashlib.sha256((learner.email + salt).encode()).hexdigest(),
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": achievement,
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": name,
                "description": f"{name}, assessed by a graded project.",
                "criteria": {"narrative": "Pass the graded project with at least 60%."},
                "creditsAvailable": 3,
            },
            "result": [{"type": ["Result"], "value": result}],
        },
    }
    return eddsa_rdfc_2022.add_proof(document, key, did_key_verification_method(public), created=awarded)


def seed_demo_transfer(
    uow: UnitOfWork, settings: Settings, institution: Institution, learners: list[Learner]
) -> int:
    """The agreements, and claims for the second and third demo learners; how many recorded."""
    import_agreements(
        uow,
        institution=institution,
        data=agreements().encode(),
        filename="demo-agreements.yaml",
        actor="demo",
    )
    if len(learners) < 3:
        return 0
    claims = [
        (
            learners[1],
            partner_credential(
                learners[1], SQL_ACHIEVEMENT, "SQL for Analysts", "84", datetime(2025, 6, 20, tzinfo=UTC)
            ),
        ),
        # this one names the learner's college email, so a registrar must confirm it is them
        (
            learners[2],
            partner_credential(
                Learner("j.doe@students.riverside-college.example", learners[2].name),
                STATS_ACHIEVEMENT,
                "Applied Statistics",
                "77",
                datetime(2025, 5, 30, tzinfo=UTC),
            ),
        ),
    ]
    recorded = 0
    for learner, credential in claims:
        result = claim_transfer(
            uow,
            settings=settings,
            institution=institution,
            learner_email=learner.email,
            data=json.dumps(credential).encode(),
            actor="demo",
            filename="riverside.json",
        )
        recorded += len(result.transfers)
    return recorded
