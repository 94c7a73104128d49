"""The OAuth 2.0 authorization server and resource protection of the Open Badges 3.0 API.

OB 3.0 §7 (https://www.imsglobal.org/spec/ob/v3p0/#api-security) asks for dynamic client
registration (RFC 7591), the authorization code grant with PKCE (RFC 7636), refresh tokens and
token revocation (RFC 7009). The protocol checks are Authlib's (its framework-agnostic
``authlib.oauth2`` server); this module only tells Authlib where clients, codes and tokens live
(the store, through one unit of work per request) and narrows it to what OB 3.0 allows: PKCE is
required and only with S256, scopes are the four OB scopes (plus ``offline_access``).

The server is built per request around that request's unit of work, takes Authlib
``OAuth2Request`` / ``JsonRequest`` objects (the web edge builds them: api/ob3/adapter.py) and
answers with a plain ``OAuthResponse`` that the edge turns into an HTTP response.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Error, ResourceProtector
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    InvalidGrantError,
    InvalidRequestError,
    JsonRequest,
    OAuth2Request,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint, InvalidClientMetadataError
from authlib.oauth2.rfc7636 import CodeChallenge

from credstack.domain.identity import Forbidden, Principal
from credstack.domain.institution import Institution
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.oauth import StoredClient, StoredCode, StoredToken

SCOPE_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = SCOPE_BASE + "credential.readonly"
CREDENTIAL_UPSERT = SCOPE_BASE + "credential.upsert"
PROFILE_READ = SCOPE_BASE + "profile.readonly"
PROFILE_UPDATE = SCOPE_BASE + "profile.update"
OFFLINE_ACCESS = "offline_access"

# what each scope lets a client do, in the words the consent page shows the learner
SCOPES: dict[str, str] = {
    CREDENTIAL_READ: "Read the credentials you hold here (your awards and the ones you stored)",
    CREDENTIAL_UPSERT: "Store Open Badges credentials issued to you into your wallet here",
    PROFILE_READ: "Read your profile: your name, email and the details you added",
    PROFILE_UPDATE: "Change your profile: your name and the details you added",
    OFFLINE_ACCESS: "Keep this access when you are not signed in (until you revoke it)",
}
OB_SCOPES = (CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE)

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
GRANT_TYPES = ["authorization_code", "refresh_token"]
CODE_LIFETIME = timedelta(minutes=5)
ACCESS_LIFETIME = timedelta(hours=1)
REFRESH_LIFETIME = timedelta(days=30)


def secret_hash(secret: str) -> str:
    """Codes, tokens and client secrets are stored as their SHA-256 only."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class OAuthResponse:
    """What Authlib answers, before the web edge makes an HTTP response of it."""

    status: int
    body: dict[str, Any] | str
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def location(self) -> str | None:
        return next((v for k, v in self.headers if k.lower() == "location"), None)


@dataclass(frozen=True)
class Owner:
    """The user a code or token was granted by."""

    user_id: int


# ---- Authlib's models over the stored rows


class Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, stored: StoredClient) -> None:
        self.stored = stored
        self.meta = stored.client_metadata

    @property
    def name(self) -> str:
        return str(self.meta.get("client_name") or self.stored.client_id)

    @property
    def uri(self) -> str | None:
        value = self.meta.get("client_uri")
        return str(value) if value else None

    def get_client_id(self) -> str:
        return self.stored.client_id

    def get_default_redirect_uri(self) -> str | None:
        uris = self.meta.get("redirect_uris") or []
        return str(uris[0]) if len(uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scope when the client registered all of it; None (invalid_scope) when
        nothing is asked for or something outside its registration is."""
        wanted = (scope or "").split()
        registered = set(str(self.meta.get("scope", "")).split())
        if not wanted or not set(wanted) <= registered:
            return None
        return " ".join(dict.fromkeys(wanted))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in (self.meta.get("redirect_uris") or [])

    def check_client_secret(self, client_secret: str) -> bool:
        expected = self.stored.secret_hash
        return expected is not None and hmac.compare_digest(expected, secret_hash(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == str(self.meta.get("token_endpoint_auth_method", "client_secret_basic"))

    def check_response_type(self, response_type: str) -> bool:
        return response_type in (self.meta.get("response_types") or ["code"])

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in (self.meta.get("grant_types") or ["authorization_code"])


class AuthorizationCode(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, stored: StoredCode) -> None:
        self.stored = stored
        self.code_challenge = stored.code_challenge
        self.code_challenge_method = stored.code_challenge_method

    def get_redirect_uri(self) -> str | None:
        return self.stored.redirect_uri or None

    def get_scope(self) -> str:
        return self.stored.scope


class Token(TokenMixin):  # type: ignore[misc]
    def __init__(self, stored: StoredToken, now: datetime) -> None:
        self.stored = stored
        self.now = now

    def check_client(self, client: Client) -> bool:
        return client.stored.id == self.stored.client_id

    def get_scope(self) -> str:
        return self.stored.scope

    def get_expires_in(self) -> int:
        return int((self.stored.access_expires_at - self.stored.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return self.stored.access_expires_at <= self.now

    def is_revoked(self) -> bool:
        return self.stored.revoked_at is not None


# ---- the grants, narrowed to what OB 3.0 allows


class S256Required(CodeChallenge):  # type: ignore[misc]
    """PKCE on every authorization request (OB 3.0 §7.1.2.1), with the S256 method only; Authlib's
    own check does the rest (challenge syntax, verifier against challenge at the token endpoint)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge with code_challenge_method=S256")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256 (plain is not accepted)")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    server: OB3AuthorizationServer

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        srv = self.server
        srv.uow.oauth.add_code(
            code_hash=secret_hash(code),
            client_id=request.client.stored.id,
            user_id=request.user.user_id,
            institution_id=srv.institution_id,
            redirect_uri=request.payload.redirect_uri or "",
            scope=request.scope,
            code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
            expires_at=srv.now + CODE_LIFETIME,
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        srv = self.server
        stored = srv.uow.oauth.code(secret_hash(code))
        if stored is None or stored.client_id != client.stored.id:
            return None
        if stored.used_at is not None:
            # RFC 6749 §4.1.2: a code used twice revokes what the first use obtained
            srv.uow.oauth.revoke_tokens_of_code(stored.id, srv.now)
            srv.changed_on_error = True
            return None
        if stored.expires_at <= srv.now:
            return None
        return AuthorizationCode(stored)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        if not self.server.uow.oauth.use_code(authorization_code.stored.id, self.server.now):
            raise InvalidGrantError("this authorization code was already used")

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Owner | None:
        return self.server.active_user(authorization_code.stored.user_id)


class RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotate: each refresh token is good once
    server: OB3AuthorizationServer

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        srv = self.server
        stored = srv.uow.oauth.token_by_refresh(secret_hash(refresh_token))
        if stored is None or stored.revoked_at is not None or stored.institution_id != srv.institution_id:
            return None
        if stored.refresh_expires_at is None or stored.refresh_expires_at <= srv.now:
            return None
        return Token(stored, srv.now)

    def authenticate_user(self, refresh_token: Token) -> Owner | None:
        return self.server.active_user(refresh_token.stored.user_id)

    def revoke_old_credential(self, refresh_token: Token) -> None:
        self.server.uow.oauth.revoke_token(refresh_token.stored.id, self.server.now)


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: OB3AuthorizationServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        srv = self.server
        stored = srv.uow.oauth.token_by_either(secret_hash(token_string))
        return Token(stored, srv.now) if stored else None

    def revoke_token(self, token: Token, request: OAuth2Request) -> None:
        """Revoking either token of a pair ends both (RFC 7009 §2.1 allows it)."""
        self.server.uow.oauth.revoke_token(token.stored.id, self.server.now)


def _redirect_uri_allowed(uri: str) -> bool:
    """https, or http to this machine's loopback (RFC 8252 §7.3, for native apps); no fragment."""
    parts = urlsplit(uri)
    if parts.fragment or not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class Registration(ClientRegistrationEndpoint):  # type: ignore[misc]
    """Open dynamic registration, as OB 3.0 §7.1.1 has it: a wallet registers without any prior
    credential and gets a client id (and a secret unless it registers as a public client)."""

    server: OB3AuthorizationServer

    def authenticate_token(self, request: JsonRequest) -> bool:
        return True

    def get_server_metadata(self) -> dict[str, Any]:
        return {
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "grant_types_supported": GRANT_TYPES,
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
        }

    def extract_client_metadata(self, request: JsonRequest) -> dict[str, Any]:
        if not isinstance(request.payload.data, dict):
            raise InvalidClientMetadataError("the registration must be a JSON object")
        meta: dict[str, Any] = super().extract_client_metadata(request)
        uris = meta.get("redirect_uris")
        if not uris:
            raise InvalidClientMetadataError("redirect_uris: at least one redirection URI is required")
        bad = [u for u in uris if not _redirect_uri_allowed(str(u))]
        if bad:
            raise InvalidClientMetadataError(
                f"redirect_uris: {bad[0]!r} must be https (or http to localhost), without a fragment"
            )
        meta.setdefault("token_endpoint_auth_method", "client_secret_basic")
        meta.setdefault("grant_types", ["authorization_code"])
        meta.setdefault("response_types", ["code"])
        meta.setdefault("scope", " ".join(OB_SCOPES))
        return meta

    def generate_client_info(self, request: JsonRequest) -> dict[str, Any]:
        info: dict[str, Any] = super().generate_client_info(request)
        if request.payload.data.get("token_endpoint_auth_method") == "none":
            info.pop("client_secret", None)
            info.pop("client_secret_expires_at", None)
        return info

    def save_client(
        self, client_info: dict[str, Any], client_metadata: dict[str, Any], request: JsonRequest
    ) -> Client:
        srv = self.server
        secret = client_info.get("client_secret")
        srv.uow.oauth.add_client(
            institution_id=srv.institution_id,
            client_id=client_info["client_id"],
            secret_hash=secret_hash(secret) if secret else None,
            client_metadata=client_metadata,
            issued_at=srv.now,
        )
        srv.uow.audit.record(
            actor=str(client_metadata.get("client_name") or "anonymous client"),
            action="oauth.client_registered",
            subject_type="oauth_client",
            subject_id=client_info["client_id"],
            institution_id=srv.institution_id,
            detail={
                k: client_metadata.get(k) for k in ("client_name", "client_uri", "redirect_uris", "scope")
            },
        )
        stored = srv.uow.oauth.client(client_info["client_id"])
        assert stored is not None
        return Client(stored)


# ---- the server


class OB3AuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """Authlib's authorization server over one unit of work (already entered)."""

    def __init__(self, uow: UnitOfWork, *, institution_id: int, now: datetime) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.uow = uow
        self.institution_id = institution_id
        self.now = now
        self.changed_on_error = False  # a refused request that still changed something (code reuse)
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_: generate_token(48),
                refresh_token_generator=lambda **_: generate_token(48),
                expires_generator=lambda client, grant_type: int(ACCESS_LIFETIME.total_seconds()),
            ),
        )
        self.register_grant(CodeGrant, [S256Required(required=True)])
        self.register_grant(RefreshGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(Registration)

    def query_client(self, client_id: str) -> Client | None:
        stored = self.uow.oauth.client(client_id) if client_id else None
        if stored is None or stored.institution_id != self.institution_id:
            return None
        return Client(stored)

    def active_user(self, user_id: int) -> Owner | None:
        user = self.uow.identity.user(user_id)
        return Owner(user.id) if user is not None and user.disabled_at is None else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        refresh = token.get("refresh_token")
        code = request.authorization_code
        previous = request.refresh_token
        code_id = code.stored.id if code is not None else previous.stored.code_id if previous else None
        self.uow.oauth.add_token(
            access_hash=secret_hash(token["access_token"]),
            refresh_hash=secret_hash(refresh) if refresh else None,
            client_id=request.client.stored.id,
            user_id=request.user.user_id,
            institution_id=self.institution_id,
            code_id=code_id,
            scope=token.get("scope", ""),
            issued_at=self.now,
            access_expires_at=self.now + timedelta(seconds=int(token["expires_in"])),
            refresh_expires_at=self.now + REFRESH_LIFETIME if refresh else None,
        )

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request  # the web edge already converted it (api/ob3/adapter.py)

    def create_json_request(self, request: JsonRequest) -> JsonRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> OAuthResponse:
        return OAuthResponse(status, body, list(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None


# ---- use cases: each one unit of work, committed once


def _server(uow: UnitOfWork, institution: Institution) -> OB3AuthorizationServer:
    institution_id, _ = ensure_institution(uow, institution)
    return OB3AuthorizationServer(uow, institution_id=institution_id, now=datetime.now(UTC))


def register_client(uow: UnitOfWork, *, institution: Institution, request: JsonRequest) -> OAuthResponse:
    """RFC 7591 registration: 201 with the client's id (and secret), or 400 with the error."""
    with uow:
        server = _server(uow, institution)
        response: OAuthResponse = server.create_endpoint_response("client_registration", request)
        if response.status == 201:
            uow.commit()
    return response


def token(uow: UnitOfWork, *, institution: Institution, request: OAuth2Request) -> OAuthResponse:
    """The token endpoint: a code (with its PKCE verifier) or a refresh token for tokens."""
    with uow:
        server = _server(uow, institution)
        response: OAuthResponse = server.create_token_response(request)
        if response.status == 200 or server.changed_on_error:
            uow.commit()
    return response


def revoke(uow: UnitOfWork, *, institution: Institution, request: OAuth2Request) -> OAuthResponse:
    """RFC 7009: 200 whether or not the token was known; the client must authenticate."""
    with uow:
        server = _server(uow, institution)
        response: OAuthResponse = server.create_endpoint_response("revocation", request)
        if response.status == 200:
            uow.commit()
    return response


@dataclass(frozen=True)
class Consent:
    """What the consent page shows: who asks, for what, and where the answer goes."""

    client_id: str
    client_name: str
    client_uri: str | None
    logo_uri: str | None
    redirect_uri: str
    scopes: list[tuple[str, str]]  # (scope, what it lets the client do)


def consent(
    uow: UnitOfWork, *, institution: Institution, request: OAuth2Request, user: Principal
) -> Consent | OAuthResponse:
    """Check an authorization request for the signed-in user. A valid one gives what the consent
    page shows; an invalid one gives Authlib's answer: a redirect to the client carrying the error
    when the redirect URI could be trusted, else a 400 for the user."""
    with uow:
        server = _server(uow, institution)
        try:
            grant = server.get_consent_grant(request, end_user=Owner(user.user_id))
        except OAuth2Error as error:
            response: OAuthResponse = server.handle_error_response(request, error)
            return response
        client: Client = grant.client
        return Consent(
            client_id=client.get_client_id(),
            client_name=client.name,
            client_uri=client.uri,
            logo_uri=client.meta.get("logo_uri"),
            redirect_uri=grant.redirect_uri,
            scopes=[(s, SCOPES.get(s, s)) for s in str(request.scope).split()],
        )


def decide(
    uow: UnitOfWork, *, institution: Institution, request: OAuth2Request, user: Principal, allow: bool
) -> OAuthResponse:
    """The user's answer on the consent page: a redirect to the client with a code (allowed) or
    with access_denied; the request is checked again in full, as if it were new."""
    with uow:
        server = _server(uow, institution)
        owner = Owner(user.user_id)
        try:
            grant = server.get_consent_grant(request, end_user=owner)
        except OAuth2Error as error:
            refused: OAuthResponse = server.handle_error_response(request, error)
            return refused
        response: OAuthResponse = server.create_authorization_response(
            request, grant_user=owner if allow else None, grant=grant
        )
        if allow and response.status == 302 and "code=" in (response.location or ""):
            uow.audit.record(
                actor=user.actor,
                action="oauth.authorized",
                subject_type="oauth_client",
                subject_id=grant.client.get_client_id(),
                institution_id=server.institution_id,
                detail={"client_name": grant.client.name, "scope": request.scope},
            )
            uow.commit()
    return response


# ---- the resource server side


class MissingScope(Forbidden):
    """A valid access token without the scope the operation needs (HTTP 403, insufficient_scope)."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"the access token lacks the scope {scope}")
        self.scope = scope


class _Bearer(BearerTokenValidator):  # type: ignore[misc]
    def __init__(self, uow: UnitOfWork, institution_id: int, now: datetime) -> None:
        super().__init__(realm="credstack")
        self.uow, self.institution_id, self.now = uow, institution_id, now

    def authenticate_token(self, token_string: str) -> Token | None:
        stored = self.uow.oauth.token_by_access(secret_hash(token_string))
        if stored is None or stored.institution_id != self.institution_id:
            return None
        return Token(stored, self.now)


def bearer_principal(uow: UnitOfWork, *, institution: Institution, request: Any, scope: str) -> Principal:
    """The learner an access token stands for, if it carries ``scope``. Authlib's errors pass
    through: MissingAuthorizationError / InvalidTokenError (401, with WWW-Authenticate) and
    InsufficientScopeError (403). ``request`` needs only ``headers``."""
    from authlib.oauth2.rfc6750 import InsufficientScopeError, InvalidTokenError

    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        protector = ResourceProtector()
        protector.register_token_validator(_Bearer(uow, institution_id, datetime.now(UTC)))
        try:
            found: Token = protector.validate_request([scope], request)
        except InsufficientScopeError as exc:
            raise MissingScope(scope) from exc
        user = uow.identity.user(found.stored.user_id)
        if user is None or user.disabled_at is not None:
            raise InvalidTokenError("the user of this token is disabled", realm="credstack")
        roles = uow.identity.roles(user.id, institution_id)
    return Principal(
        user.id, user.email, user.name, institution_id, roles, frozenset(found.get_scope().split())
    )
