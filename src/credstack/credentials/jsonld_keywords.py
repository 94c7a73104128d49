"""Expansion of the keyword entries that hold plain values: ``@id``, ``@type``, ``@value``,
``@language``, ``@direction`` (step 13.4 of https://www.w3.org/TR/json-ld11-api/#expansion-algorithm).

In safe mode a keyword-like or relative ``@id`` and a type that expands to no absolute IRI (an
undefined type) are errors; an ill-formed language tag too, as in jsonld.js's safe mode.
"""

from __future__ import annotations

from typing import Any

from credstack.credentials.errors import InvalidJsonLd, UndefinedTerm, UnsafeJsonLd
from credstack.credentials.jsonld_context import ABSOLUTE_IRI, BCP47, ActiveContext
from credstack.credentials.jsonld_values import add_value, expand_iri


def _expand_id(ctx: ActiveContext, value: Any, result: dict[str, Any]) -> None:
    if not isinstance(value, str):
        raise InvalidJsonLd("invalid @id value", value)
    iri = expand_iri(ctx, value, vocab=False, base=True)
    if iri is None:
        raise UnsafeJsonLd("reserved @id value", value)
    if not ABSOLUTE_IRI.match(iri):
        raise UnsafeJsonLd("relative @id reference", value)
    add_value(result, "@id", iri, as_array=False)


def _expand_type(type_ctx: ActiveContext, value: Any, result: dict[str, Any]) -> None:
    """Types expand in the context *before* type-scoped contexts were applied."""
    types = value if isinstance(value, list) else [value]
    if not all(isinstance(t, str) for t in types):
        raise InvalidJsonLd("invalid type value", value)
    iris = [expand_iri(type_ctx, t, vocab=True, base=True) for t in types]
    for term, iri in zip(types, iris, strict=True):
        if iri != "@json" and (iri is None or not ABSOLUTE_IRI.match(iri)):
            raise UndefinedTerm("relative @type reference", term)
    add_value(result, "@type", iris, as_array=False)


def expand_scalar_keyword(
    ctx: ActiveContext,
    keyword: str,
    value: Any,
    result: dict[str, Any],
    type_ctx: ActiveContext,
    is_json: bool,
) -> None:
    """Add the expanded value of one of these keywords to ``result`` (the node or value object)."""
    if keyword == "@id":
        _expand_id(ctx, value, result)
    elif keyword == "@type":
        _expand_type(type_ctx, value, result)
    elif keyword == "@value":
        if not is_json and isinstance(value, dict | list):
            raise InvalidJsonLd("invalid value object value", value)
        result["@value"] = value
    elif keyword == "@language":
        if value is None:
            return
        if not isinstance(value, str):
            raise InvalidJsonLd("invalid language-tagged string", value)
        if not BCP47.match(value):
            raise UnsafeJsonLd("invalid @language value", value)
        result["@language"] = value.lower()
    elif keyword == "@direction":
        if value not in ("ltr", "rtl"):
            raise InvalidJsonLd("invalid base direction", value)
        result["@direction"] = value
    else:
        raise InvalidJsonLd("unexpected keyword", keyword)
