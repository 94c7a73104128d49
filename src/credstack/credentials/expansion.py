"""JSON-LD 1.1 expansion in safe mode: https://www.w3.org/TR/json-ld11-api/#expansion-algorithm

Follows the spec algorithm (and the reference implementation's order of checks), with one
change: wherever the algorithm silently drops data, or keeps an IRI relative, we raise
(:class:`UndefinedTerm` / :class:`UnsafeJsonLd`), with the event code jsonld.js's ``safe: true``
mode uses. So a term or type that no context defines is an error, never a silent omission.
Features credentials do not use (``@reverse``, ``@nest``, ``@included``, index and language
maps, ``@base``) raise :class:`UnsupportedJsonLd` rather than being half-implemented.
"""

from __future__ import annotations

from typing import Any

from credstack.credentials.errors import InvalidJsonLd, UndefinedTerm, UnsafeJsonLd, UnsupportedJsonLd
from credstack.credentials.jsonld_context import ABSOLUTE_IRI, KEYWORDS, ActiveContext, ContextProcessor
from credstack.credentials.jsonld_keywords import expand_scalar_keyword
from credstack.credentials.jsonld_values import add_value, ctx_value, expand_iri, expand_value, finish_object
from credstack.credentials.rdf_terms import js_sorted

HANDLED = frozenset({"@id", "@type", "@graph", "@value", "@language", "@direction", "@list", "@set"})
MAPS = ("@language", "@index", "@id", "@type")


class Expander:
    """One expansion run (a document); ``contexts`` is shared and memoised across runs."""

    def __init__(self, contexts: ContextProcessor) -> None:
        self.contexts = contexts

    def expand_document(self, document: Any) -> list[Any]:
        """Expand a whole document; the result is always an array of node objects."""
        expanded = self.expand(self.contexts.initial, None, document, inside_list=False)
        if isinstance(expanded, dict) and set(expanded) == {"@graph"}:
            expanded = expanded["@graph"]
        if expanded is None:
            return []
        return expanded if isinstance(expanded, list) else [expanded]

    def expand(
        self,
        ctx: ActiveContext,
        prop: str | None,
        element: Any,
        *,
        inside_list: bool,
        type_scoped: Any = None,
    ) -> Any:
        if element is None:
            return None
        if isinstance(element, list):
            inside_list = inside_list or "@list" in (ctx_value(ctx, prop, "@container") or ())
            result: list[Any] = []
            for item in element:
                expanded = self.expand(ctx, prop, item, inside_list=inside_list, type_scoped=type_scoped)
                if inside_list and isinstance(expanded, list):
                    expanded = {"@list": expanded}
                if isinstance(expanded, list):
                    result.extend(expanded)
                elif expanded is not None:
                    result.append(expanded)
            return result
        if not isinstance(element, dict):
            if not inside_list and (prop is None or expand_iri(ctx, prop, vocab=True) == "@graph"):
                raise UnsafeJsonLd("free-floating scalar", element)
            return expand_value(ctx, prop, element)
        return self._expand_map(ctx, prop, element, inside_list, type_scoped)

    def _expand_map(
        self,
        ctx: ActiveContext,
        prop: str | None,
        element: dict[str, Any],
        inside_list: bool,
        type_scoped: Any,
    ) -> Any:
        expanded_prop = expand_iri(ctx, prop, vocab=True)
        property_scoped = ctx["mappings"].get(prop) if prop is not None else None
        has_property_scope = isinstance(property_scoped, dict) and "@context" in property_scoped
        keys = js_sorted(element)
        type_scoped = type_scoped or (ctx if ctx.get("previousContext") else None)
        must_revert = True
        if type_scoped is not None and len(keys) <= 2 and "@context" not in keys:
            for key in keys:
                expanded_key = expand_iri(type_scoped, key, vocab=True)
                if expanded_key == "@value":
                    must_revert, ctx = False, type_scoped
                    break
                if expanded_key == "@id" and len(keys) == 1:
                    must_revert = False
                    break
        if must_revert:
            ctx = ctx.get("previousContext") or ctx
        if has_property_scope:
            ctx = self.contexts.scoped_context(ctx, property_scoped["@context"], type_scoped=False)  # type: ignore[index]
        if "@context" in element:
            ctx = self.contexts.document_context(ctx, element["@context"])
        type_ctx = ctx
        type_key = None
        for key in keys:
            if expand_iri(ctx, key, vocab=True) != "@type":
                continue
            type_key = type_key or key
            value = element[key]
            terms = value if isinstance(value, list) else [value]
            if not all(isinstance(term, str) for term in terms):
                raise InvalidJsonLd("invalid type value", value)
            for term in js_sorted(terms):
                definition = type_ctx["mappings"].get(term)
                if isinstance(definition, dict) and "@context" in definition:
                    ctx = self.contexts.scoped_context(ctx, definition["@context"], type_scoped=True)
        result: dict[str, Any] = {}
        self._expand_entries(ctx, prop, expanded_prop, element, keys, result, type_key, type_ctx)
        return finish_object(ctx, prop, expanded_prop, result, inside_list)

    def _expand_entries(
        self,
        ctx: ActiveContext,
        prop: str | None,
        expanded_prop: str | None,
        element: dict[str, Any],
        keys: list[str],
        result: dict[str, Any],
        type_key: str | None,
        type_ctx: ActiveContext,
    ) -> None:
        first_type = element.get(type_key) if type_key else None
        first_type = first_type[0] if isinstance(first_type, list) and first_type else first_type
        is_json = type_key is not None and expand_iri(ctx, first_type, vocab=True) == "@json"
        for key in keys:
            if key == "@context":
                continue
            value = element[key]
            expanded = expand_iri(ctx, key, vocab=True)
            if expanded is None or not (ABSOLUTE_IRI.match(expanded) or expanded in KEYWORDS):
                raise UndefinedTerm("invalid property", key)
            if expanded in KEYWORDS:
                self._expand_keyword(
                    ctx, prop, expanded_prop, key, expanded, value, result, type_ctx, is_json
                )
            else:
                self._expand_property(ctx, key, expanded, value, result)

    def _expand_keyword(
        self,
        ctx: ActiveContext,
        prop: str | None,
        expanded_prop: str | None,
        key: str,
        keyword: str,
        value: Any,
        result: dict[str, Any],
        type_ctx: ActiveContext,
        is_json: bool,
    ) -> None:
        if keyword not in HANDLED:
            raise UnsupportedJsonLd(keyword, key)
        if keyword in result and keyword != "@type":
            raise InvalidJsonLd("colliding keywords", keyword)
        if keyword == "@graph":
            if not isinstance(value, dict | list):
                raise InvalidJsonLd("invalid @graph value", value)
            graph = self.expand(ctx, "@graph", value, inside_list=False)
            add_value(result, "@graph", graph if isinstance(graph, list) else [graph], as_array=True)
        elif keyword in ("@list", "@set"):
            is_list = keyword == "@list"
            if is_list and (prop is None or expanded_prop == "@graph"):
                raise UnsafeJsonLd("object with only @list", value)
            add_value(result, keyword, self.expand(ctx, prop, value, inside_list=is_list), as_array=True)
        else:
            expand_scalar_keyword(ctx, keyword, value, result, type_ctx, is_json)

    def _expand_property(
        self, ctx: ActiveContext, key: str, expanded: str, value: Any, result: dict[str, Any]
    ) -> None:
        definition = ctx["mappings"].get(key)
        term_ctx = ctx
        if isinstance(definition, dict) and "@context" in definition:
            term_ctx = self.contexts.scoped_context(ctx, definition["@context"], type_scoped=False)
        container = ctx_value(ctx, key, "@container") or ()
        if isinstance(definition, dict) and definition.get("reverse"):
            raise UnsupportedJsonLd("@reverse", key)
        if isinstance(value, dict) and any(kind in container for kind in MAPS):
            raise UnsupportedJsonLd("@container map", key)
        if ctx_value(ctx, key, "@type") == "@json":
            new: Any = {"@type": "@json", "@value": value}
        else:
            new = self.expand(term_ctx, key, value, inside_list=False)
        if new is None:
            return
        if "@list" in container and not (isinstance(new, dict) and "@list" in new):
            new = {"@list": new if isinstance(new, list) else [new]}
        if "@graph" in container:
            items = new if isinstance(new, list) else [new]
            for item in items:
                if not item or "@value" in item or "@list" in item or set(item) == {"@id"}:
                    raise UnsafeJsonLd("empty or reference-only object in a graph container", item)
            new = [{"@graph": [item]} for item in items]
            if not new:
                return
        add_value(result, expanded, new, as_array=True)
