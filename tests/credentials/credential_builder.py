"""A small, valid, unsigned Open Badges 3.0 credential for tests that must not need ../shared."""

from __future__ import annotations

from typing import Any

from credstack.credentials.did import did_key, did_key_verification_method
from credstack.credentials.keys import public_key_bytes

SEED = bytes.fromhex("9b937b81322d816cfab9d5a3baacc9b2a5febe4b149f126b3630f93a29527017")
OTHER_SEED = bytes(range(32))
CREATED = "2025-03-01T12:00:00Z"
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]


def method_for(seed: bytes = SEED) -> str:
    return did_key_verification_method(public_key_bytes(seed))


def credential(seed: bytes = SEED, *, suffix: str = "1") -> dict[str, Any]:
    return {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:6a1c5f6e-2f0b-4d7e-9a8e-1f3b9c2d4e0{suffix}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Python Data Wrangling",
        "issuer": {"id": did_key(public_key_bytes(seed)), "type": ["Profile"], "name": "Example University"},
        "validFrom": "2025-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-7f3a91",
            "type": ["AchievementSubject"],
            "creditsEarned": 1,
            "achievement": {
                "id": "https://credentials.example.edu/achievements/pdw/v1",
                "type": ["Achievement"],
                "name": "Python Data Wrangling",
                "criteria": {"narrative": "Complete the labs.\nSubmit a capstone."},
                "tag": ["python", "pandas"],
                "creditsAvailable": 1,
            },
            "result": [{"type": ["Result"], "value": "91"}],
        },
        "evidence": [
            {"id": "https://portfolio.example.edu/pdw-capstone", "type": ["Evidence"], "name": "Capstone"}
        ],
        "credentialSchema": [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ],
    }
