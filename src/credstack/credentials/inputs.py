"""What a verifier is handed: a JSON credential, a VC-JWT, or a badge image with one baked in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from credstack.credentials.baking import BakingError, unbake_png, unbake_svg
from credstack.credentials.errors import CredentialError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class UnreadableInput(CredentialError):
    """Neither JSON, a compact JWS, nor a PNG or SVG with a credential baked in."""


@dataclass(frozen=True)
class CredentialInput:
    format: Literal["json", "jwt", "png", "svg"]
    document: dict[str, Any] | None  # the JSON credential (None for a JWT)
    token: str | None = None  # the compact JWS (for a JWT)


def _from_text(text: str, fmt: Literal["json", "jwt", "png", "svg"]) -> CredentialInput:
    text = text.strip()
    if JWS.match(text):
        return CredentialInput("jwt" if fmt == "json" else fmt, None, text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(
            f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}) and not a JWT"
        ) from exc
    if not isinstance(document, dict):
        raise UnreadableInput("the JSON is not an object")
    return CredentialInput(fmt, document)


def read_input(data: bytes) -> CredentialInput:
    if data.startswith(PNG_SIGNATURE):
        try:
            return _from_text(unbake_png(data), "png")
        except BakingError as exc:
            raise UnreadableInput(f"PNG: {exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableInput("not UTF-8 text, and not a PNG") from exc
    head = text.lstrip()[:200]
    if head.startswith("<"):
        try:
            return _from_text(unbake_svg(text), "svg")
        except BakingError as exc:
            raise UnreadableInput(f"SVG: {exc}") from exc
    return _from_text(text, "json")
