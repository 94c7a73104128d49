"""What the Open Badges 3.0 API serves a learner (OB 3.0 §6.2): their credentials (the awards
issued to them here, and the credentials they stored through the API), storing a credential
issued to them elsewhere (verified first), and their profile.

The caller is a ``Principal`` made from an OAuth access token (services/oauth.py); the API edge
has already checked the token's scope for the operation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from credstack.credentials.errors import CredentialError
from credstack.credentials.inputs import read_input
from credstack.credentials.jwt_vc import peek
from credstack.domain.errors import DomainError, InvalidInput, Problem
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.interop.external_credential import read_claim
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment, verify_input
from credstack.settings import Settings

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MAX_LIMIT = 1000
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "exp", "iat", "aud")

# Profile properties (OB 3.0 data model, Profile) a learner may set besides name; email and id are
# the account's and cannot be changed here
PROFILE_TEXT = (
    "url", "phone", "description", "givenName", "familyName", "additionalName", "patronymicName",
    "honorificPrefix", "honorificSuffix", "familyNamePrefix", "dateOfBirth",
)  # fmt: skip
PROFILE_OBJECTS = ("address", "image")
MAX_TEXT = 2000


class NotAnOpenBadge(DomainError):
    """A credential handed in through the API that is not stored: unreadable, not OB 3.0, not
    verified, or not this learner's. ``errors`` says every reason."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


# ---- getCredentials


@dataclass(frozen=True)
class CredentialPage:
    credentials: list[dict[str, Any]]  # embedded-proof credentials (the JSON ones)
    compact_jws: list[str]  # VC-JWT credentials
    total: int  # all the learner's credentials that match, before paging


@dataclass(frozen=True)
class _Item:
    at: datetime
    key: str
    document: dict[str, Any] | None
    jws: str | None


def learner_credentials(
    uow: UnitOfWork,
    *,
    institution: Institution,
    principal: Principal,
    limit: int,
    offset: int,
    since: datetime | None = None,
) -> CredentialPage:
    """One page of the learner's credentials, oldest first: the awards issued to their email here
    (their signed JSON), then by time the ones they stored. ``since``: only those issued (or
    stored or replaced) after it."""
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInput(Problem("limit", f"must be a whole number from 1 to {MAX_LIMIT}"))
    if offset < 0:
        raise InvalidInput(Problem("offset", "must be 0 or more"))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        learner = uow.learners.by_email(institution_id, principal.email)
        awards = uow.awards.for_learner(learner[0]) if learner else []
        held = uow.oauth.held_credentials(principal.user_id)
    items = [_Item(a.issued_at, f"award:{a.id:012d}", a.credential, None) for a in awards]
    own = {str(a.credential.get("id")) for a in awards}
    items += [
        _Item(h.updated_at, f"held:{h.id:012d}", h.document, h.compact_jws)
        for h in held
        if h.credential_id not in own
    ]
    if since is not None:
        moment = since if since.tzinfo else since.replace(tzinfo=UTC)
        items = [i for i in items if i.at > moment]
    items.sort(key=lambda i: (i.at, i.key))
    page = items[offset : offset + limit]
    return CredentialPage(
        credentials=[i.document for i in page if i.document is not None],
        compact_jws=[i.jws for i in page if i.jws is not None],
        total=len(items),
    )


# ---- upsertCredential


@dataclass(frozen=True)
class Upserted:
    created: bool  # True: stored for the first time (201); False: replaced (200)
    credential_id: str
    document: dict[str, Any] | None
    compact_jws: str | None


def _types(document: dict[str, Any]) -> set[str]:
    value = document.get("type")
    return {str(t) for t in value} if isinstance(value, list) else {str(value)}


def upsert_credential(
    uow: UnitOfWork, *, settings: Settings, institution: Institution, principal: Principal, body: bytes
) -> Upserted:
    """Store (or replace, by its id) an OB 3.0 credential issued to the learner, after verifying
    it with this install's verifier. Refused with every reason when it does not verify, is not an
    OpenBadgeCredential, has no id, or names another learner as its recipient."""
    try:
        item = read_input(body)
    except CredentialError as exc:
        raise NotAnOpenBadge(f"the body is not a credential: {exc}") from exc
    if item.format not in ("json", "jwt"):
        raise NotAnOpenBadge("send the credential as JSON or as a compact JWS, not as a baked image")
    if item.token is not None:
        try:
            _, payload = peek(item.token)
        except CredentialError as exc:
            raise NotAnOpenBadge(f"the compact JWS cannot be read: {exc}") from exc
        document = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
        if not document.get("id") and isinstance(payload.get("jti"), str):
            document["id"] = payload["jti"]
    else:
        assert item.document is not None
        document = item.document
    if not _types(document) & OB3_TYPES:
        raise NotAnOpenBadge("this is not an Open Badges 3.0 credential (type OpenBadgeCredential)")
    credential_id = document.get("id")
    if not isinstance(credential_id, str) or not credential_id.strip():
        raise NotAnOpenBadge("the credential has no id, so it cannot be stored or replaced by it")
    try:
        recipient = read_claim(document).belongs_to(principal.email)
    except InvalidInput as exc:
        raise NotAnOpenBadge("the credential is incomplete", [str(p) for p in exc.problems]) from exc
    if recipient is False:
        raise NotAnOpenBadge(f"this credential was issued to someone else, not to {principal.email}")
    report = verify_input(item, environment(uow, settings=settings, institution=institution))
    if not report.verified:
        raise NotAnOpenBadge("the credential does not verify", report.errors)
    issuer = document.get("issuer")
    issuer_id = str(issuer.get("id") if isinstance(issuer, dict) else issuer)
    values: dict[str, Any] = {
        "issuer": issuer_id,
        "document": None if item.token else document,
        "compact_jws": item.token,
    }
    now = datetime.now(UTC)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        found = uow.oauth.held_credential(principal.user_id, credential_id)
        if found is None:
            try:
                with uow.conn.begin_nested():
                    uow.oauth.add_held_credential(
                        institution_id=institution_id,
                        user_id=principal.user_id,
                        at=now,
                        credential_id=credential_id,
                        **values,
                    )
            except IntegrityError:  # the same credential stored at the same moment: replace it
                found = uow.oauth.held_credential(principal.user_id, credential_id)
                if found is None:
                    raise
        if found is not None:
            uow.oauth.replace_held_credential(found.id, at=now, **values)
        uow.audit.record(
            actor=principal.actor,
            action="ob3.credential_stored" if found is None else "ob3.credential_replaced",
            subject_type="ob3_credential",
            subject_id=credential_id,
            institution_id=institution_id,
            detail={"issuer": issuer_id, "format": "jwt" if item.token else "json"},
        )
        uow.commit()
    return Upserted(found is None, credential_id, values["document"], item.token)


# ---- getProfile / putProfile


def profile_id(email: str) -> str:
    return f"mailto:{email}"


def learner_profile(uow: UnitOfWork, *, institution: Institution, principal: Principal) -> dict[str, Any]:
    """The learner as an OB 3.0 Profile: their account's name and email, and what they added."""
    with uow:
        ensure_institution(uow, institution)
        user = uow.identity.user(principal.user_id)
        fields = uow.oauth.profile_fields(principal.user_id)
    name = user.name if user else principal.name
    return {
        "@context": [OB_CONTEXT],
        "id": profile_id(principal.email),
        "type": ["Profile"],
        "name": name,
        "email": principal.email,
        **fields,
    }


def _profile_changes(body: Any, email: str) -> tuple[str | None, dict[str, Any]]:
    """(the new name or None, the other fields) from a Profile; InvalidInput names each problem."""
    if not isinstance(body, dict):
        raise InvalidInput(Problem("(body)", "must be a JSON object: an OB 3.0 Profile"))
    problems: list[Problem] = []
    types = body.get("type")
    if "Profile" not in (types if isinstance(types, list) else [types]):
        problems.append(Problem("type", "must be Profile"))
    if "id" in body and body["id"] != profile_id(email):
        problems.append(Problem("id", f"must be {profile_id(email)} (this account's profile)"))
    if "email" in body and str(body["email"]).strip().lower() != email.lower():
        problems.append(Problem("email", "is the account's sign-in email and cannot be changed here"))
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 200):
        problems.append(Problem("name", "must be text of 1 to 200 characters"))
    fields: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("@context", "type", "id", "email", "name"):
            continue
        if key in PROFILE_TEXT:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                problems.append(Problem(key, f"must be text of at most {MAX_TEXT} characters"))
            else:
                fields[key] = value
        elif key in PROFILE_OBJECTS:
            if not isinstance(value, dict | str) or len(str(value)) > MAX_TEXT:
                problems.append(Problem(key, "must be an object (or, for image, a URL)"))
            else:
                fields[key] = value
        else:
            problems.append(Problem(key, "is not a Profile property this service keeps"))
    if problems:
        raise InvalidInput(problems)
    return (name.strip() if isinstance(name, str) else None), fields


def update_profile(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, body: Any
) -> dict[str, Any]:
    """Replace the learner's profile with ``body`` (an OB 3.0 Profile): the name, and the other
    properties (those left out are removed). Nothing changes when any part is refused."""
    name, fields = _profile_changes(body, principal.email)
    now = datetime.now(UTC)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user(principal.user_id)
        before = {"name": user.name if user else None, **uow.oauth.profile_fields(principal.user_id)}
        if name is not None:
            uow.identity.rename(principal.user_id, name)
        uow.oauth.set_profile_fields(principal.user_id, fields, now)
        after = {"name": name or before["name"], **fields}
        uow.audit.record(
            actor=principal.actor, action="ob3.profile_updated", subject_type="user",
            subject_id=principal.user_id, institution_id=institution_id, before=before, after=after,
        )  # fmt: skip
        uow.commit()
    return learner_profile(uow, institution=institution, principal=principal)
