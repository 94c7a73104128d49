"""Reading JSON input with errors that name the line and column."""

from __future__ import annotations

import json
from typing import Any

from credstack.domain.errors import InvalidInput, Problem


def loads(text: str | bytes, *, source: str) -> Any:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(Problem(f"byte {exc.start}", "not UTF-8 text"), source=source) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            Problem(f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"),
            source=source,
        ) from exc
