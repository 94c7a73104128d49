"""Verify a credential and say why: every check with its level and message.

``verified`` means the proof, the dates and the status hold (OB 3.0 §9, VC 2.0 §7). The
schema and whether the issuer is one the institution trusts are reported beside it as
warnings, so another institution's genuine credential verifies as genuine.
Model: 1EdTech openbadges-validator-core's report. Nothing here touches the network: DID
documents, status lists and the trust registry come from the caller's ``Environment``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from credstack.credentials import did as dids
from credstack.credentials import proofs
from credstack.credentials.errors import CredentialError
from credstack.credentials.loader import is_bundled
from credstack.credentials.multikey import multikey_to_public_key
from credstack.credentials.status_list import check_status

Level = Literal["error", "warning", "info"]
VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
KINDS = {
    "OpenBadgeCredential": "ob3",
    "AchievementCredential": "ob3",
    "ClrCredential": "clr",
    "EndorsementCredential": "endorsement",
}


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    passed: bool | None  # None: could not be decided (e.g. a status list out of reach)
    message: str

    def as_json(self) -> dict[str, Any]:
        status = {True: "passed", False: "failed", None: "unknown"}[self.passed]
        return {"check": self.name, "level": self.level, "status": status, "message": self.message}


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    kind: str = "unknown"
    format: str = "json"
    credential: dict[str, Any] | None = None

    def add(self, name: str, level: Level, passed: bool | None, message: str) -> None:
        self.checks.append(Check(name, level, passed, message))

    @property
    def verified(self) -> bool:
        return bool(self.checks) and not self.errors

    @property
    def errors(self) -> list[str]:
        return [f"{c.name}: {c.message}" for c in self.checks if c.level == "error" and c.passed is not True]

    @property
    def warnings(self) -> list[str]:
        return [
            f"{c.name}: {c.message}" for c in self.checks if c.level == "warning" and c.passed is not True
        ]

    def as_json(self, file: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {} if file is None else {"file": file}
        out.update(
            verified=self.verified, kind=self.kind, format=self.format,
            checks=[c.as_json() for c in self.checks], errors=self.errors, warnings=self.warnings,
        )  # fmt: skip
        return out


@dataclass(frozen=True)
class Environment:
    """What verification may consult; each callable returns None when it cannot answer."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    did_web: Callable[[str], dict[str, Any] | None] = lambda url: None
    status_list: Callable[[str], dict[str, Any] | None] = lambda url: None
    trusted: Callable[[str], str | None] = lambda issuer: None
    compromised_since: Callable[[str], datetime | None] = lambda vm: None
    schema_errors: Callable[[dict[str, Any], str], list[str] | None] | None = None
    fragment_keys: bool = False  # 1EdTech's non-standard https://issuer#z6Mk... keys (opt-in)


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def key_resolver(env: Environment) -> Callable[[str], bytes]:
    def resolve(vm: str) -> bytes:
        base, _, fragment = vm.partition("#")
        if env.fragment_keys and base.startswith("https://") and fragment.startswith("z6Mk"):
            return multikey_to_public_key(fragment)
        return dids.resolve_verification_method(vm, env.did_web)

    return resolve


def _check_context(credential: dict[str, Any], report: Report) -> bool:
    context = credential.get("@context")
    urls = context if isinstance(context, list) else [context]
    if not urls or urls[0] not in (VC_V2, VC_V1):
        report.add(
            "context", "error", False, f"the first @context must be {VC_V2} (or {VC_V1}), not {urls[:1]}"
        )
        return False
    unknown = [u for u in urls if isinstance(u, str) and not is_bundled(u)]
    if unknown:
        report.add(
            "context", "error", False, f"unknown context {unknown[0]} (remote contexts are never fetched)"
        )
        return False
    era = "VC 2.0" if urls[0] == VC_V2 else "VC 1.1"
    report.add("context", "info", True, f"{era}; every context is on the allow-list")
    return True


def _check_type(credential: dict[str, Any], report: Report) -> None:
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        report.add("type", "error", False, "type does not include VerifiableCredential")
        return
    kind = next((KINDS[t] for t in types if t in KINDS), None)
    report.kind = kind or "vc"
    if kind is None:
        report.add("type", "warning", False, f"not an Open Badges or CLR credential (type {types})")
    else:
        report.add("type", "info", True, f"{', '.join(str(t) for t in types)}")


def _check_required(credential: dict[str, Any], report: Report) -> None:
    """What every verifiable credential has (VC 2.0 §4): an issuer and a subject."""
    missing = [k for k in ("issuer", "credentialSubject") if k not in credential]
    if issuer_id(credential) is None and "issuer" in credential:
        missing.append("issuer.id")
    if missing:
        report.add("structure", "error", False, f"missing {', '.join(missing)}")


def _check_schema(credential: dict[str, Any], report: Report, env: Environment) -> None:
    if env.schema_errors is None:
        report.add(
            "schema", "warning", None, "the 1EdTech JSON Schemas are not installed: schema not checked"
        )
        return
    errors = env.schema_errors(credential, report.kind)
    if errors is None:
        report.add(
            "schema", "warning", None, f"no official JSON Schema installed for a {report.kind} credential"
        )
    elif errors:
        shown = "; ".join(errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else "")
        report.add("schema", "warning", False, f"{len(errors)} schema error(s): {shown}")
    else:
        report.add("schema", "info", True, "valid against the 1EdTech JSON Schema")


def _check_proof(credential: dict[str, Any], report: Report, env: Environment) -> dict[str, Any] | None:
    """At least one supported proof must verify; returns it."""
    raw = credential.get("proof")
    if raw is None:
        report.add("proof", "error", False, "the credential has no proof")
        return None
    candidates = raw if isinstance(raw, list) else [raw]
    issuer = issuer_id(credential)
    messages = []
    for proof in candidates:
        if not isinstance(proof, dict):
            messages.append("a proof is not an object")
            continue
        outcome = proofs.verify(credential, proof, key_resolver(env))
        if not outcome.verified:
            messages.append(outcome.message)
            continue
        vm = str(proof.get("verificationMethod", ""))
        controller = vm.split("#", 1)[0]
        if issuer is not None and controller != issuer:
            messages.append(f"the signing key {vm} does not belong to the issuer {issuer}")
            continue
        since = env.compromised_since(vm)
        created = _when(proof.get("created"))
        if since is not None and (created is None or created >= since):
            messages.append(f"the key {vm} is marked compromised since {since.isoformat()}")
            continue
        report.add("proof", "error", True, outcome.message)
        return proof
    report.add("proof", "error", False, "; ".join(messages) or "no proof verified")
    return None


def _check_dates(credential: dict[str, Any], report: Report, env: Environment) -> None:
    start = credential.get("validFrom", credential.get("issuanceDate"))
    end = credential.get("validUntil", credential.get("expirationDate"))
    start_at, end_at = _when(start), _when(end)
    if start is not None and start_at is None:
        report.add("dates", "error", False, f"validFrom {start!r} is not a date-time")
    elif start_at is not None and start_at > env.now:
        report.add("dates", "error", False, f"not valid before {start}")
    elif end is not None and end_at is None:
        report.add("dates", "error", False, f"validUntil {end!r} is not a date-time")
    elif end_at is not None and end_at < env.now:
        report.add("dates", "error", False, f"expired on {end}")
    else:
        report.add("dates", "error", True, f"valid from {start or '(not stated)'} until {end or '(no end)'}")


def _check_status(credential: dict[str, Any], report: Report, env: Environment) -> None:
    raw = credential.get("credentialStatus")
    if raw is None:
        report.add("status", "info", True, "no credentialStatus: the issuer cannot revoke it")
        return
    entries = raw if isinstance(raw, list) else [raw]
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            kind = entry.get("type") if isinstance(entry, dict) else entry
            report.add("status", "warning", None, f"status method {kind!r} is not supported: not checked")
            continue
        url = entry.get("statusListCredential")
        listed = env.status_list(url) if isinstance(url, str) else None
        if listed is None:
            report.add("status", "error", None, f"status unknown: the status list {url} could not be fetched")
            continue
        list_report = Report()
        if _check_proof(listed, list_report, env) is None:
            report.add(
                "status",
                "error",
                None,
                f"status unknown: the status list's proof fails ({list_report.errors})",
            )
            continue
        if issuer_id(listed) != issuer_id(credential):
            report.add("status", "error", None, "status unknown: the status list has another issuer")
            continue
        result = check_status(entry, listed)
        passed = {"ok": True, "revoked": False, "suspended": False}.get(result.status)
        report.add("status", "error", passed, result.message)


def _check_trust(credential: dict[str, Any], report: Report, env: Environment) -> None:
    issuer = issuer_id(credential)
    if not any(c.name == "proof" and c.passed for c in report.checks):
        report.add(
            "issuer", "warning", None, f"{issuer} is not proven to be the issuer: the proof does not verify"
        )
        return
    name = env.trusted(issuer) if issuer else None
    if name:
        report.add("issuer", "info", True, f"{issuer} is a trusted issuer ({name})")
    else:
        report.add("issuer", "warning", False, f"{issuer} is not in the registry of trusted issuers")


def verify_credential(
    credential: Any, env: Environment, *, fmt: str = "json", enveloping: Check | None = None
) -> Report:
    """Every check of an OB 3.0 / CLR 2.0 / VC credential: its embedded proof, or, for a VC-JWT,
    the ``enveloping`` signature's check made by the caller."""
    report = Report(format=fmt, credential=credential if isinstance(credential, dict) else None)
    if not isinstance(credential, dict):
        report.add("parse", "error", False, "a credential is a JSON object")
        return report
    if not _check_context(credential, report):
        return report
    _check_type(credential, report)
    _check_required(credential, report)
    _check_schema(credential, report, env)
    if enveloping is not None:
        report.checks.append(enveloping)
    else:
        try:
            _check_proof(credential, report, env)
        except CredentialError as exc:  # pragma: no cover - proofs.verify reports errors itself
            report.add("proof", "error", False, str(exc))
    _check_dates(credential, report, env)
    _check_status(credential, report, env)
    _check_trust(credential, report, env)
    return report
