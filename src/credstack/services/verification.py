"""Verify what anyone hands us, with this install's knowledge: our own DID documents and status
lists straight from the store, other issuers' over HTTPS only when allowed (with a cache), the
registry of trusted issuers, compromised keys, and the official schemas when installed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from credstack.credentials.errors import CredentialError
from credstack.credentials.inputs import CredentialInput, UnreadableInput, read_input
from credstack.credentials.jwt_vc import peek, verify_jwt
from credstack.credentials.ob2 import is_ob2, verify_assertion
from credstack.credentials.verifier import Check, Environment, Report, key_resolver, verify_credential
from credstack.domain.errors import DomainError
from credstack.domain.institution import Institution
from credstack.services.keys import did_document, did_web
from credstack.services.remote import NotFetched, fetch_remote
from credstack.services.status import signed_status_list
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

SCHEMA_FILES = {"ob3": "achievementcredential_schema", "endorsement": "endorsementcredential_schema"}


@cache
def _validator(path: str) -> Any:
    from jsonschema import Draft201909Validator

    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    return Draft201909Validator(schema)


def _where(error: Any) -> str:
    """``validator@property/path`` (array positions left out), as the corpus records errors."""
    path = "/".join(str(p) for p in error.absolute_path if not isinstance(p, int))
    return f"{error.validator}@{path or '(root)'}"


def schema_checker(directory: str | None) -> Callable[[dict[str, Any], str], list[str] | None] | None:
    """Errors against the official 1EdTech schema for the credential's kind (its files are not
    redistributable, so an install points CREDSTACK_OB_SCHEMA_DIR at them)."""
    if not directory or not Path(directory).is_dir():
        return None
    files = {
        kind: next(
            (p for p in sorted(Path(directory).glob(f"*{stem}*.json")) if "LEGACY" not in p.name), None
        )
        for kind, stem in SCHEMA_FILES.items()
    }

    def errors(document: dict[str, Any], kind: str) -> list[str] | None:
        path = files.get(kind)
        if path is None:
            return None
        found = _validator(str(path)).iter_errors(document)
        return [f"{_where(e)}: {e.message[:160]}" for e in found]

    return errors


class _Remote:
    """Other issuers' JSON documents (DID documents, status lists), fetched with the same guards as
    credentials handed in by URL, and kept for a few minutes."""

    def __init__(self, settings: Settings, ttl: float = 300.0) -> None:
        self.settings, self.ttl = settings, ttl
        self.cache: dict[str, tuple[float, dict[str, Any] | None]] = {}

    def get(self, url: str) -> dict[str, Any] | None:
        hit = self.cache.get(url)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        try:
            data = json.loads(fetch_remote(url, settings=self.settings))
        except (NotFetched, ValueError):
            data = None
        value = data if isinstance(data, dict) else None
        self.cache[url] = (time.monotonic(), value)
        return value


_remote: dict[tuple[float, bool], _Remote] = {}


def environment(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    now: datetime | None = None,
    fragment_keys: bool = False,
    extra_documents: dict[str, dict[str, Any]] | None = None,
) -> Environment:
    """The verification environment of this install. ``extra_documents`` serves given JSON for
    URLs (e.g. a status list handed in with the credential)."""
    base = settings.base_url.rstrip("/")
    own_did = did_web(settings.base_url)
    own_did_url = f"{base.replace('http://', 'https://', 1)}/.well-known/did.json"
    key = (settings.remote_fetch_timeout, settings.allow_remote_fetch)
    remote = _remote.setdefault(key, _Remote(settings))
    extra = extra_documents or {}
    with uow:
        found = uow.institutions.get(institution.slug)
        institution_id = found[0] if found else None
        institution = found[1] if found else institution
        keys = uow.keys.all(institution_id) if institution_id else []
        registry = (
            {t.issuer: t.name for t in uow.trusted_issuers.all(institution_id)} if institution_id else {}
        )
    own_dids = {k.did for k in keys}
    compromised = {k.verification_method: k.compromised_at for k in keys if k.compromised_at}

    def fetch(url: str) -> dict[str, Any] | None:
        if url in extra:
            return extra[url]
        return remote.get(url)  # nothing is fetched unless the install allows it

    def did_web_doc(url: str) -> dict[str, Any] | None:
        if url == own_did_url and own_did in own_dids:
            return did_document(uow, institution=institution, settings=settings)
        return fetch(url)

    def status_list(url: str) -> dict[str, Any] | None:
        if url.startswith(f"{base}/status/"):
            purpose, _, number = url[len(base) + len("/status/") :].partition("/")
            if number.isdigit():
                try:
                    return signed_status_list(
                        uow, settings=settings, institution=institution, purpose=purpose, number=int(number)
                    )
                except (DomainError, CredentialError):  # an unknown list is an unreachable one
                    return None
        return fetch(url)

    def trusted(issuer: str) -> str | None:
        if issuer in own_dids:
            return f"{institution.name} (this institution)"
        return registry.get(issuer)

    def since(vm: str) -> datetime | None:
        moment = compromised.get(vm)
        return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment

    return Environment(
        now=now or datetime.now(UTC),
        did_web=did_web_doc,
        status_list=status_list,
        trusted=trusted,
        compromised_since=since,
        schema_errors=schema_checker(settings.ob_schema_dir),
        fragment_keys=fragment_keys,
    )


def verify_input(item: CredentialInput, env: Environment) -> Report:
    if item.format == "jwt" or item.token is not None:
        return _verify_jwt(item, env)
    assert item.document is not None
    if is_ob2(item.document):
        return verify_assertion(item.document, env, fmt=item.format)
    return verify_credential(item.document, env, fmt=item.format)


def _verify_jwt(item: CredentialInput, env: Environment) -> Report:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    resolve = key_resolver(env)
    try:
        header, _ = peek(item.token or "")
        payload = verify_jwt(item.token or "", lambda kid: Ed25519PublicKey.from_public_bytes(resolve(kid)))
    except CredentialError as exc:
        report = Report(format=item.format)
        report.add("proof", "error", False, f"VC-JWT: {exc}")
        return report
    document = {k: v for k, v in payload.items() if k not in ("iss", "jti", "sub", "nbf", "exp")}
    kid = str(header.get("kid"))
    since = env.compromised_since(kid)
    signed_at = datetime.fromtimestamp(payload["nbf"], UTC) if isinstance(payload.get("nbf"), int) else None
    if since is not None and (signed_at is None or signed_at >= since):
        signature = Check(
            "proof", "error", False, f"the key {kid} is marked compromised since {since.isoformat()}"
        )
    else:
        signature = Check("proof", "error", True, f"VC-JWT signature (EdDSA) verifies with {kid}")
    return verify_credential(document, env, fmt=item.format, enveloping=signature)


def verify_bytes(data: bytes, env: Environment) -> Report:
    try:
        item = read_input(data)
    except UnreadableInput as exc:
        report = Report()
        report.add("parse", "error", False, str(exc))
        return report
    return verify_input(item, env)
