"""Offline JSON-LD document loader: bundled context documents only, never the network.

The context documents are package data (``contexts/``); ``contexts/index.json`` maps each URL
to its file, SHA-256 and where the standard document is published. A URL that is not bundled
is an error (:class:`UnknownContext`): silently fetching (or skipping) a context would change
what a signature covers. https://www.w3.org/TR/vc-data-integrity/#contexts-and-vocabularies
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

from credstack.credentials.errors import CredentialError, UnknownContext


def _folder() -> Traversable:
    return resources.files("credstack.credentials").joinpath("contexts")


@cache
def context_index() -> Mapping[str, Mapping[str, Any]]:
    """URL -> {"file", "sha256", "source"} from ``contexts/index.json``."""
    raw = _folder().joinpath("index.json").read_text("utf-8")
    index: dict[str, dict[str, Any]] = json.loads(raw)
    return MappingProxyType(index)


@cache
def bundled_contexts() -> Mapping[str, Any]:
    """URL -> parsed context document, each checked against its recorded SHA-256."""
    documents: dict[str, Any] = {}
    folder = _folder()
    for url, entry in context_index().items():
        data = folder.joinpath(entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise CredentialError(f"bundled context {url} does not match its recorded SHA-256")
        documents[url] = json.loads(data)
    return MappingProxyType(documents)


def is_bundled(url: str) -> bool:
    return url in bundled_contexts()


def load_context(url: str) -> Any:
    """The bundled context document for ``url``; :class:`UnknownContext` for anything else."""
    try:
        return bundled_contexts()[url]
    except KeyError:
        raise UnknownContext(url) from None


def document_loader(url: str, options: object = None) -> dict[str, Any]:
    """A pyld-compatible loader (``documentLoader`` option) serving bundled contexts only.

    ``'tag': 'static'`` lets pyld keep the resolved context across calls (otherwise it
    re-parses every context for every document).
    """
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url), "tag": "static"}
