"""Active contexts: JSON-LD 1.1 context processing, done once per (context, local context) pair.

Context processing (https://www.w3.org/TR/json-ld11-api/#context-processing-algorithm) is
delegated to pyld, whose term definitions follow the spec; what pyld lacks is reuse: it
re-processes type-scoped contexts at every node, which is most of the cost of canonicalising a
credential. :class:`ContextProcessor` memoises every transition ``(active context, local
context, flags) -> active context``: the active contexts are immutable (pyld freezes them), so
a transition seen once is answered from a dict afterwards.

Keys: contexts written in a document are keyed by their JSON text (the document may change
later); scoped contexts taken from a term definition are keyed by identity, which is safe
because the memo keeps the object alive. Not thread-safe: callers hold a lock
(:mod:`credstack.credentials.canonical` does).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]
from pyld.jsonld import JsonLdError, JsonLdProcessor  # type: ignore[import-untyped]

from credstack.credentials.errors import CredentialError, InvalidJsonLd, UnknownContext, UnsafeJsonLd
from credstack.credentials.loader import document_loader, is_bundled

ActiveContext = Any  # pyld's frozen dict: {"mappings": {...}, "@vocab"?, "previousContext"?, ...}

KEYWORD_FORM = re.compile(r"^@[a-zA-Z]+$")
ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")
BCP47 = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
MEMO_LIMIT = 4096
CONTEXT_ENTRIES = frozenset(
    {"@base", "@direction", "@import", "@language", "@propagate", "@protected", "@version", "@vocab"}
)


def unwrap(error: JsonLdError) -> CredentialError:
    """The typed error behind a pyld error: our loader's UnknownContext, or an InvalidJsonLd."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, CredentialError):
            return cause
        cause = cause.__cause__
    return InvalidJsonLd(str(getattr(error, "code", None) or getattr(error, "type", "error")), str(error))


def check_local_context(context: Any) -> None:
    """Safe mode for contexts written inside a document (bundled contexts are known good).

    Raises where jsonld.js's safe mode raises during context processing: a reserved ``@term``,
    a relative ``@vocab``, an ill-formed default ``@language``, a keyword-like ``@id``/``@reverse``.
    """
    for ctx in context if isinstance(context, list) else [context]:
        if not isinstance(ctx, dict):
            continue
        vocab = ctx.get("@vocab")
        if isinstance(vocab, str) and not ABSOLUTE_IRI.match(vocab):
            raise UnsafeJsonLd("relative @vocab reference", vocab)
        language = ctx.get("@language")
        if isinstance(language, str) and not BCP47.match(language):
            raise UnsafeJsonLd("invalid @language value", language)
        for term, definition in ctx.items():
            if KEYWORD_FORM.match(term) and term not in KEYWORDS and term not in CONTEXT_ENTRIES:
                raise UnsafeJsonLd("reserved term", term)
            if not isinstance(definition, dict):
                continue
            for key, code in (("@id", "reserved @id value"), ("@reverse", "reserved @reverse value")):
                iri = definition.get(key)
                if isinstance(iri, str) and KEYWORD_FORM.match(iri) and iri not in KEYWORDS:
                    raise UnsafeJsonLd(code, iri)
            if "@context" in definition:
                check_local_context(definition["@context"])


class ContextProcessor:
    """Builds and remembers active contexts (see the module docstring)."""

    def __init__(self) -> None:
        self._processor = JsonLdProcessor()
        self._resolved: LRUCache[str, Any] = LRUCache(maxsize=256)
        self._memo: dict[tuple[Any, ...], tuple[ActiveContext, Any, ActiveContext]] = {}
        self.initial: ActiveContext = self._processor._get_initial_context({"processingMode": "json-ld-1.1"})

    def _options(self) -> dict[str, Any]:
        return {
            "documentLoader": document_loader,
            "contextResolver": ContextResolver(self._resolved, document_loader),
            "base": "",
            "processingMode": "json-ld-1.1",
            "isFrame": False,
        }

    def document_context(self, active: ActiveContext, local: Any) -> ActiveContext:
        """Apply an ``@context`` written in the document (validated, copied, keyed by content)."""
        try:
            key = (id(active), json.dumps(local), False, True)
        except (TypeError, ValueError) as error:
            raise InvalidJsonLd("invalid local context", repr(error)) from error
        hit = self._memo.get(key)
        if hit is not None:
            return hit[2]
        for url in local if isinstance(local, list) else [local]:
            if isinstance(url, str) and not is_bundled(url):
                raise UnknownContext(url)
        check_local_context(local)
        return self._process(key, active, copy.deepcopy(local), override_protected=False, propagate=True)

    def scoped_context(self, active: ActiveContext, local: Any, *, type_scoped: bool) -> ActiveContext:
        """Apply a property-scoped (overrides protected terms) or type-scoped (does not propagate) context."""
        key = (id(active), id(local), type_scoped, False)
        hit = self._memo.get(key)
        if hit is not None:
            return hit[2]
        return self._process(
            key, active, local, override_protected=not type_scoped, propagate=not type_scoped
        )

    def _process(
        self,
        key: tuple[Any, ...],
        active: ActiveContext,
        local: Any,
        *,
        override_protected: bool,
        propagate: bool,
    ) -> ActiveContext:
        try:
            result = self._processor._process_context(
                active, local, self._options(), override_protected=override_protected, propagate=propagate
            )
        except JsonLdError as error:
            raise unwrap(error) from error
        except CredentialError:
            raise
        except Exception as error:  # pyld fails on some malformed contexts with ValueError, KeyError...
            raise InvalidJsonLd("invalid local context", repr(error)) from error
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = (active, local, result)
        return result


KEYWORDS = frozenset(
    {
        *("@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@graph"),
        *("@id", "@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@omitDefault"),
        *("@prefix", "@preserve", "@protected", "@requireAll", "@reverse", "@set", "@type", "@value"),
        *("@version", "@vocab"),
    }
)
