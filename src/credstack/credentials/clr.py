"""CLR 2.0 ClrCredential for a stacked award: the component credentials, every achievement,
and the associations between them (the stacked achievement ``isParentOf`` each component).

Spec: https://www.imsglobal.org/spec/clr/v2p0/ (ClrCredential, ClrSubject, Association). The
components are embedded as issued, proofs and all, so each still verifies on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from credstack.credentials.ob3 import VC_V2, IssuerProfile, iso

CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _achievement(credential: dict[str, Any]) -> dict[str, Any]:
    subject = credential["credentialSubject"]
    achievement: dict[str, Any] = subject["achievement"]
    return achievement


def clr_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    name: str,
    stacked: dict[str, Any],
    components: Sequence[dict[str, Any]],
    valid_from: datetime,
    identifier: dict[str, Any],
) -> dict[str, Any]:
    """An unsigned ClrCredential: ``stacked`` is the larger achievement's credential and
    ``components`` the credentials it rests on."""
    parent = _achievement(stacked)
    achievements = [parent] + [_achievement(c) for c in components]
    associations = [
        {
            "type": "Association",
            "associationType": "isParentOf",
            "sourceId": parent["id"],
            "targetId": a["id"],
        }
        for a in achievements[1:]
    ] + [
        {"type": "Association", "associationType": "isPartOf", "sourceId": a["id"], "targetId": parent["id"]}
        for a in achievements[1:]
    ]
    unique: dict[str, dict[str, Any]] = {}
    for a in achievements:
        unique.setdefault(a["id"], a)
    return {
        "@context": [VC_V2, CLR_V2, OB_V3],
        "id": credential_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": name,
        "issuer": issuer.document(),
        "validFrom": iso(valid_from),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [identifier],
            "verifiableCredential": [stacked, *components],
            "achievement": list(unique.values()),
            "association": associations,
        },
    }


def transcript_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    name: str,
    credentials: Sequence[dict[str, Any]],
    stacks: Sequence[tuple[dict[str, Any], Sequence[dict[str, Any]]]],
    valid_from: datetime,
    identifier: dict[str, Any],
    description: str | None = None,
) -> dict[str, Any]:
    """An unsigned ClrCredential for a learner's transcript: every credential in ``credentials``
    (each embedded as issued), each achievement once, and for each (stacked, components) in
    ``stacks`` the associations between the stacked achievement and its components."""
    unique: dict[str, dict[str, Any]] = {}
    for c in credentials:
        achievement = _achievement(c)
        unique.setdefault(achievement["id"], achievement)
    associations: list[dict[str, Any]] = []
    for stacked, components in stacks:
        parent = _achievement(stacked)["id"]
        for component in components:
            child = _achievement(component)["id"]
            associations.append(
                {
                    "type": "Association",
                    "associationType": "isParentOf",
                    "sourceId": parent,
                    "targetId": child,
                }
            )
            associations.append(
                {"type": "Association", "associationType": "isPartOf", "sourceId": child, "targetId": parent}
            )
    subject: dict[str, Any] = {
        "type": ["ClrSubject"],
        "identifier": [identifier],
        "verifiableCredential": list(credentials),
        "achievement": list(unique.values()),
    }
    if associations:
        subject["association"] = associations
    document: dict[str, Any] = {
        "@context": [VC_V2, CLR_V2, OB_V3],
        "id": credential_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": name,
        "issuer": issuer.document(),
        "validFrom": iso(valid_from),
        "credentialSubject": subject,
    }
    if description:
        document["description"] = description
    return document
