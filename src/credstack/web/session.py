"""Web sessions: a signed cookie, the signed-in user, and CSRF tokens for forms.

The session is a JSON object in one cookie, signed by itsdangerous (HMAC-SHA256) with
``CREDSTACK_SECRET_KEY`` (it is readable by its holder, so it holds no secrets: the user id,
the institution id, a session version, the CSRF token and when it was last used). The cookie
is HttpOnly, SameSite=Lax, and Secure when the base URL is https. A session unused for
``CREDSTACK_SESSION_IDLE_MINUTES`` is refused (and its cookie removed); each response renews
the last-used time. Signing out empties the session, which removes the cookie.

Forms take ``CsrfDep`` and render ``{{ csrf_field() }}`` (or ``csrf_token()``): a synchronizer
token kept in the session and compared in constant time; a missing or wrong token is 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import pass_context
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credstack.domain.identity import Forbidden, Principal
from credstack.services.institutions import institution_from_settings
from credstack.services.signin import session_principal
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

COOKIE = "credstack_session"
CSRF_FIELD = "csrf_token"
RENEW_AFTER = 60  # seconds: a response renews the cookie at most this often when nothing changed
_UNKNOWN = object()


def _clock() -> float:
    return time.time()


class SessionCookie:
    """The session as a signed cookie value (itsdangerous, HMAC-SHA256 under a key derived from
    the install's secret); a value this key did not sign decodes to None."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeSerializer(
            secret, salt="credstack-session", signer_kwargs={"digest_method": hashlib.sha256}
        )

    def encode(self, session: dict[str, Any]) -> str:
        return self.serializer.dumps(session)

    def decode(self, value: str) -> dict[str, Any] | None:
        try:
            data = self.serializer.loads(value)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


class SessionMiddleware:
    """Puts the session (a dict) in ``scope["session"]`` (so ``request.session`` works) and
    writes it back as the cookie when it changed, needs renewing, or was emptied."""

    def __init__(self, app: ASGIApp, *, secret: str, idle_seconds: int, secure: bool) -> None:
        self.app = app
        self.cookie = SessionCookie(secret)
        self.idle = idle_seconds
        self.flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = _clock()
        raw = HTTPConnection(scope).cookies.get(COOKIE)
        loaded = self.cookie.decode(raw) if raw else None
        if loaded is not None:
            seen = loaded.get("seen")
            if not isinstance(seen, int | float) or not (now - self.idle <= seen <= now + RENEW_AFTER):
                loaded = None  # idle too long (or a clock from the future): refused
        session: dict[str, Any] = dict(loaded or {})
        before = dict(session)
        scope["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current: dict[str, Any] = scope["session"]
                headers = MutableHeaders(scope=message)
                if current:
                    stale = now - float(current.get("seen", 0)) >= RENEW_AFTER
                    if current != before or stale:
                        current["seen"] = int(now)
                        value = self.cookie.encode(current)
                        headers.append("Set-Cookie", f"{COOKIE}={value}; Max-Age={self.idle}{self.flags}")
                elif raw:
                    headers.append(
                        "Set-Cookie",
                        f"{COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT{self.flags}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# ---- CSRF


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse (403) a form post whose token is missing or not this session's."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(expected, csrf_token):
        raise Forbidden("this form has expired or did not come from this site: reload the page and try again")


CsrfDep = Annotated[None, Depends(check_csrf)]


@pass_context
def _csrf_token_global(context: Any) -> str:
    return csrf_token(context["request"])


@pass_context
def _csrf_field_global(context: Any) -> Markup:
    token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


# ---- the signed-in user


def sign_in_session(request: Request, principal: Principal, version: str) -> None:
    """Begin a fresh session for the principal (a new CSRF token: nothing carries over)."""
    request.session.clear()
    request.session.update(uid=principal.user_id, iid=principal.institution_id, v=version)
    request.state.web_principal = principal
    csrf_token(request)


def sign_out_session(request: Request) -> None:
    request.session.clear()
    request.state.web_principal = None


def web_principal(request: Request) -> Principal | None:
    """The signed-in user, or None; a session whose user was disabled, whose password changed
    or that belongs to another institution is ended. Looked up once per request."""
    found = getattr(request.state, "web_principal", _UNKNOWN)
    if found is not _UNKNOWN:
        assert found is None or isinstance(found, Principal)
        return found
    if "session" not in request.scope:
        return None
    session = request.session
    principal = None
    uid, iid, version = session.get("uid"), session.get("iid"), session.get("v")
    if isinstance(uid, int) and isinstance(iid, int) and isinstance(version, str):
        settings: Settings = request.app.state.settings
        principal = session_principal(
            UnitOfWork(request.app.state.engine),
            institution=institution_from_settings(settings),
            user_id=uid,
            institution_id=iid,
            version=version,
        )
        if principal is None:
            for key in ("uid", "iid", "v"):
                session.pop(key, None)
    request.state.web_principal = principal
    return principal


WebPrincipalDep = Annotated[Principal | None, Depends(web_principal)]


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def require_web_principal(request: Request) -> Principal:
    """The signed-in user; otherwise a redirect to /signin?next=<this page>."""
    principal = web_principal(request)
    if principal is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    return principal


RequireWebPrincipal = Annotated[Principal, Depends(require_web_principal)]


def safe_next(target: str | None, default: str = "/me") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 0x20 or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def signin_url(next_path: str) -> str:
    return "/signin?next=" + quote(safe_next(next_path), safe="/")


async def _signin_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(signin_url(exc.next_path), status_code=303)


@pass_context
def _signed_in_global(context: Any) -> Principal | None:
    request = context.get("request")
    return web_principal(request) if isinstance(request, Request) else None


def install(app: FastAPI) -> None:
    from credstack.web.views import templates

    settings: Settings = app.state.settings
    app.add_middleware(
        SessionMiddleware,
        secret=settings.secret_key.get_secret_value(),
        idle_seconds=settings.session_idle_minutes * 60,
        secure=settings.base_url.startswith("https://"),
    )
    app.add_exception_handler(SignInRequired, _signin_required)
    templates.env.globals.update(
        csrf_token=_csrf_token_global, csrf_field=_csrf_field_global, signed_in=_signed_in_global
    )
