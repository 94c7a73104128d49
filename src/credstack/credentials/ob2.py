"""Open Badges 2.0 assertions, checked with what can be checked offline.

Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html. A hosted
assertion is genuine only if the copy at its ``id`` URL is the same; a signed one needs the
issuer's public key from its profile. Both need the network, so offline the verdict says which
part could not be confirmed instead of guessing.
"""

from __future__ import annotations

from typing import Any

from credstack.credentials.verifier import Environment, Report, _when

OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")


def is_ob2(document: dict[str, Any]) -> bool:
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return any(c in OB2_CONTEXTS for c in contexts if isinstance(c, str)) or "Assertion" in types


def verify_assertion(assertion: dict[str, Any], env: Environment, *, fmt: str = "json") -> Report:
    report = Report(kind="ob2", format=fmt, credential=assertion)
    types = assertion.get("type")
    types = types if isinstance(types, list) else [types]
    if "Assertion" not in types:
        report.add("type", "error", False, f"an Open Badges 2.0 document of type {types} is not an Assertion")
        return report
    missing = [k for k in ("id", "recipient", "badge", "verification", "issuedOn") if k not in assertion]
    recipient = assertion.get("recipient")
    if isinstance(recipient, dict):
        missing += [f"recipient.{k}" for k in ("type", "identity") if k not in recipient]
    if missing:
        report.add("structure", "error", False, f"missing {', '.join(missing)}")
    else:
        report.add("structure", "info", True, "Open Badges 2.0 Assertion with every required property")
    issued, expires = _when(assertion.get("issuedOn")), _when(assertion.get("expires"))
    if issued is None:
        report.add("dates", "error", False, f"issuedOn {assertion.get('issuedOn')!r} is not a date-time")
    elif issued > env.now:
        report.add("dates", "error", False, f"issued in the future ({assertion['issuedOn']})")
    elif expires is not None and expires < env.now:
        report.add("dates", "error", False, f"expired on {assertion['expires']}")
    else:
        report.add("dates", "error", True, f"issued {assertion['issuedOn']}")
    if assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        report.add("status", "error", False, "revoked" + (f": {reason}" if reason else ""))
    verification = assertion.get("verification")
    method = verification.get("type") if isinstance(verification, dict) else verification
    method = str(method or "").lower().replace("verificationobject", "").replace("hostedbadge", "hosted")
    if method in ("hosted", "hostedbadge"):
        report.add(
            "verification",
            "error",
            None,
            f"hosted verification needs the copy at {assertion.get('id')}: not fetched (offline)",
        )
    elif method in ("signed", "signedbadge"):
        report.add(
            "verification", "error", None, "signed verification needs the issuer's public key: not fetched"
        )
    else:
        report.add("verification", "error", False, f"unknown verification type {method!r}")
    return report
