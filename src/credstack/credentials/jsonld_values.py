"""The small JSON-LD 1.1 algorithms expansion is built from, over pyld's active contexts.

IRI expansion https://www.w3.org/TR/json-ld11-api/#iri-expansion, value expansion
https://www.w3.org/TR/json-ld11-api/#value-expansion, and the last steps of the expansion
algorithm (validating value objects, dropping free-floating nodes -- an error in safe mode).
The base IRI is null, as in eddsa-rdfc-2022: relative IRIs stay relative and are then refused.
"""

from __future__ import annotations

from typing import Any

from credstack.credentials.errors import InvalidJsonLd, UnsafeJsonLd, UnsupportedJsonLd
from credstack.credentials.jsonld_context import ABSOLUTE_IRI, KEYWORD_FORM, KEYWORDS, ActiveContext

NOT_A_DATATYPE = ("@id", "@vocab", "@none")


def expand_iri(ctx: ActiveContext, value: Any, *, vocab: bool, base: bool = False) -> Any:
    """IRI expansion: a term, compact IRI, absolute IRI or (kept) relative reference."""
    if not isinstance(value, str) or value in KEYWORDS:
        return value
    if KEYWORD_FORM.match(value):
        return None
    mappings = ctx["mappings"]
    if vocab and value in mappings:
        mapping = mappings[value]
        if mapping is None:
            return None
        if "@id" in mapping:
            return mapping["@id"]
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        mapping = mappings.get(prefix)
        if mapping and mapping.get("_prefix"):
            return mapping["@id"] + suffix
        if ABSOLUTE_IRI.match(value):
            return value
    if vocab and "@vocab" in ctx:
        return ctx["@vocab"] + value
    if base and ctx.get("@base") is not None:
        raise UnsupportedJsonLd("@base", ctx["@base"])
    return value


def ctx_value(ctx: ActiveContext, term: str | None, kind: str) -> Any:
    """A term definition's entry (``@container``, ``@type``, ...), with the context defaults."""
    if term is None:
        return None
    mapping = ctx["mappings"].get(term)
    if mapping is not None and kind in mapping:
        return mapping[kind]
    if kind in ("@language", "@direction"):
        return ctx.get(kind)
    return None


def add_value(target: dict[str, Any], key: str, value: Any, *, as_array: bool) -> None:
    """Append ``value`` (flattening arrays) under ``key``, as the expansion algorithm does."""
    if isinstance(value, list):
        if not value and as_array and key not in target:
            target[key] = []
        for item in value:
            add_value(target, key, item, as_array=as_array)
    elif key in target:
        existing = target[key]
        if not isinstance(existing, list):
            target[key] = existing = [existing]
        existing.append(value)
    else:
        target[key] = [value] if as_array else value


def expand_value(ctx: ActiveContext, prop: str | None, value: Any) -> Any:
    """Value expansion: a scalar becomes a node reference or a (typed / language) value object."""
    expanded_prop = expand_iri(ctx, prop, vocab=True)
    if expanded_prop == "@id":
        return expand_iri(ctx, value, vocab=False, base=True)
    if expanded_prop == "@type":
        return expand_iri(ctx, value, vocab=True, base=True)
    coercion = ctx_value(ctx, prop, "@type")
    if (coercion == "@id" or expanded_prop == "@graph") and isinstance(value, str):
        iri = expand_iri(ctx, value, vocab=False, base=True)
        if iri is None:
            raise UnsafeJsonLd("reserved @id value", value)
        return {"@id": iri}
    if coercion == "@vocab" and isinstance(value, str):
        return {"@id": expand_iri(ctx, value, vocab=True, base=True)}
    if expanded_prop in KEYWORDS:
        return value
    result: dict[str, Any] = {}
    if coercion and coercion not in NOT_A_DATATYPE:
        result["@type"] = coercion
    elif isinstance(value, str):
        language = ctx_value(ctx, prop, "@language")
        if language is not None:
            result["@language"] = language
        direction = ctx_value(ctx, prop, "@direction")
        if direction is not None:
            result["@direction"] = direction
    result["@value"] = value
    return result


def _check_value_object(result: dict[str, Any]) -> None:
    if "@type" in result and ("@language" in result or "@direction" in result):
        raise InvalidJsonLd("invalid value object", result)
    if set(result) - {"@value", "@type", "@index", "@language", "@direction"}:
        raise InvalidJsonLd("invalid value object", result)
    raw = result["@value"]
    values = [] if raw is None else raw if isinstance(raw, list) else [raw]
    types = result.get("@type", [])
    types = types if isinstance(types, list) else [types]
    if types == ["@json"]:
        return
    if not values:
        raise UnsafeJsonLd("null @value value", result)
    if "@language" in result and not all(isinstance(v, str) or v == {} for v in values):
        raise InvalidJsonLd("invalid language-tagged value", result)
    for datatype in types:
        if not (isinstance(datatype, str) and ABSOLUTE_IRI.match(datatype) and not datatype.startswith("_:")):
            raise InvalidJsonLd("invalid typed value", result)


def finish_object(
    ctx: ActiveContext, prop: str | None, expanded_prop: str | None, result: dict[str, Any], inside_list: bool
) -> Any:
    """The expansion algorithm's last steps for a map (validation; unsafe drops raise)."""
    count = len(result)
    final: Any = result
    if "@value" in result:
        _check_value_object(result)
    elif "@type" in result and not isinstance(result["@type"], list):
        result["@type"] = [result["@type"]]
    elif "@set" in result or "@list" in result:
        if count > 1 and not (count == 2 and "@index" in result):
            raise InvalidJsonLd("invalid set or list object", result)
        if "@set" in result:
            final = result["@set"]
    elif count == 1 and "@language" in result:
        raise UnsafeJsonLd("object with only @language", result)
    top_level = (
        prop is None or expanded_prop == "@graph" or "@graph" in (ctx_value(ctx, prop, "@container") or ())
    )
    droppable = count == 0 or "@value" in final or "@list" in final or (count == 1 and "@id" in final)
    if isinstance(final, dict) and not inside_list and top_level and droppable:
        raise UnsafeJsonLd("free-floating node (empty, value, list or @id only)", final)
    return final
