"""Verify what someone hands us: bytes (a file, pasted JSON or JWT) or a URL.

Our own credential URLs (``{base_url}/credentials/{id}``, and its downloads) and share links
(``{base_url}/s/{token}``, while the link works; each counts as a view) are answered from the
store, never over HTTP. Other URLs are fetched only when the install allows remote fetching,
and then only over https, without redirects, from public addresses, within a timeout and 2 MB.
A URL that is not fetched gives a report that says why, like any other unreadable input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from credstack.credentials.verifier import Report, issuer_id
from credstack.domain.errors import DomainError
from credstack.domain.institution import Institution
from credstack.services.credential_files import render_award
from credstack.services.outcomes import record_verification
from credstack.services.remote import MAX_BYTES, NotFetched, fetch_remote, too_large
from credstack.services.shares import ShareUnavailable, open_share
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment, verify_bytes
from credstack.settings import Settings
from credstack.store.awards import StoredAward

OWN_PATH = re.compile(
    r"^/(?:credentials|api/v1/awards)/(?P<id>[0-9a-f-]{36})(?:/credential\.(?P<fmt>json|jwt|png|svg))?/?$"
)
SHARE_PATH = re.compile(r"^/s/(?P<token>[A-Za-z0-9_-]+)(?:/credential\.(?P<fmt>json|jwt|png|svg))?/?$")
SHARE_GONE = (
    "this share link does not work (it may have expired or been revoked): ask its holder for a new one"
)


@dataclass(frozen=True)
class Verification:
    report: Report
    source: str | None = None  # the URL or the file's name
    recorded_learner: str | None = None  # the learner as this institution recorded them (own credentials)
    trusted_as: str | None = None  # the issuer's name in the registry of trusted issuers


def verify_data(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    data: bytes,
    source: str | None = None,
    fragment_keys: bool = False,
    channel: str = "verify",
    verifier_email: str | None = None,
) -> Verification:
    """Verify a JSON credential, a compact VC-JWT, or a PNG / SVG badge with one baked in. Each
    verification is counted (``channel``: where it came from; ``verifier_email``: the signed-in
    verifier, which names the employer when it is a partner's contact), for employer engagement."""
    if len(data) > MAX_BYTES:
        report = Report()
        report.add("parse", "error", False, f"the input {too_large()}")
        return Verification(report, source)
    env = environment(uow, settings=settings, institution=institution, fragment_keys=fragment_keys)
    report = verify_bytes(data, env)
    issuer = issuer_id(report.credential) if report.credential else None
    found = Verification(
        report,
        source,
        recorded_learner=recorded_learner(uow, settings=settings, report=report),
        trusted_as=env.trusted(issuer) if issuer else None,
    )
    record_verification(
        uow, institution=institution, channel=channel, verdict=verdict(report),
        award_public_id=own_public_id(settings, report), employer_email=verifier_email,
    )  # fmt: skip
    return found


def verdict(report: Report) -> str:
    """valid; invalid when a required check failed (whatever else could not be checked);
    undecided when none failed but one could not be made (e.g. a status list out of reach)."""
    if report.verified:
        return "valid"
    failed = any(c.passed is False for c in report.checks if c.level == "error")
    return "invalid" if failed or not report.checks else "undecided"


def own_public_id(settings: Settings, report: Report) -> str | None:
    """The public id of the credential when its id is one of this install's credential URLs."""
    prefix = f"{settings.base_url.rstrip('/')}/credentials/"
    credential_id = report.credential.get("id") if report.credential else None
    if isinstance(credential_id, str) and credential_id.startswith(prefix):
        rest = credential_id[len(prefix) :]
        return rest if re.fullmatch(r"[0-9a-f-]{36}", rest) else None
    return None


def verify_url(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    url: str,
    fragment_keys: bool = False,
    transport: httpx.BaseTransport | None = None,
    channel: str = "verify",
    verifier_email: str | None = None,
) -> Verification:
    """Verify the credential at ``url``: from the store when it is ours, else fetched if allowed."""
    url = url.strip()
    try:
        data = own_credential(uow, settings=settings, url=url, institution=institution)
        if data is None:
            data = fetch_remote(url, settings=settings, transport=transport)
    except NotFetched as exc:
        report = Report()
        report.add("parse", "error", False, f"not fetched: {exc}")
        return Verification(report, url)
    return verify_data(
        uow, settings=settings, institution=institution, data=data, source=url, fragment_keys=fragment_keys,
        channel=channel, verifier_email=verifier_email,
    )  # fmt: skip


def own_credential(
    uow: UnitOfWork, *, settings: Settings, url: str, institution: Institution | None = None
) -> bytes | None:
    """The credential at one of this install's URLs (a credential's or, given the institution, a
    share link's), from the store; None for other URLs."""
    base = settings.base_url.rstrip("/")
    if not url.startswith(base + "/"):
        return None
    path = urlsplit(url).path[len(urlsplit(base).path) :]
    match = OWN_PATH.match(path)
    shared = SHARE_PATH.match(path) if institution is not None else None
    if shared is not None and institution is not None:
        try:
            award = open_share(uow, institution=institution, token=shared["token"]).award
        except ShareUnavailable:
            raise NotFetched(SHARE_GONE) from None
        fmt = shared["fmt"]
    elif match is None:
        raise NotFetched(f"{url} is on this site but is not a credential's address")
    else:
        with uow:
            found = uow.awards.by_public_id(match["id"])
        if found is None:
            raise NotFetched(f"this institution has issued no credential {match['id']}")
        award, fmt = found, match["fmt"]
    try:
        return render_award(uow, settings=settings, award=award, fmt=fmt or "json")
    except DomainError as exc:  # e.g. no VC-JWT from a compromised key
        raise NotFetched(str(exc)) from None


def recorded_learner(uow: UnitOfWork, *, settings: Settings, report: Report) -> str | None:
    """The learner's name, when the credential is one this institution issued, unchanged (its
    content equals the stored award's); credentials carry only a hash of the learner's email."""
    document: dict[str, Any] | None = report.credential
    prefix = f"{settings.base_url.rstrip('/')}/credentials/"
    credential_id = document.get("id") if document else None
    if not isinstance(credential_id, str) or not credential_id.startswith(prefix) or document is None:
        return None
    with uow:
        award = uow.awards.by_public_id(credential_id[len(prefix) :])
    if award is None:
        return None

    def content(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k != "proof"}

    return award.learner_name if content(award.credential) == content(document) else None


def verify_award(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    award: StoredAward,
    verifier_email: str | None = None,
) -> Verification:
    """A shared award verified now, as anyone would (signature, dates, the status list read);
    counted as a verification through a share (by ``verifier_email`` when signed in)."""
    data = render_award(uow, settings=settings, award=award, fmt="json")
    return verify_data(
        uow, settings=settings, institution=institution, data=data, channel="share",
        verifier_email=verifier_email,
    )  # fmt: skip
