"""RDF terms as canonical N-Quads text, byte for byte as the reference (jsonld.js, rdf-canonize) writes them.

Literal conversion: https://www.w3.org/TR/json-ld11-api/#object-to-rdf-conversion (numbers
follow JavaScript's formatting, which the reference inherits: ``5.0`` is the integer ``5``,
a double is ``toExponential(15)`` trimmed, e.g. ``1.5E0``). Escaping: canonical N-Quads of
https://www.w3.org/TR/rdf-canon/#canonical-quads (``\\t``-style escapes, other controls as
``\\uXXXX``). JavaScript sorts strings by UTF-16 code units, hence :func:`js_sorted`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING, XSD_BOOLEAN, XSD_INTEGER, XSD_DOUBLE = (
    XSD + t for t in ("string", "boolean", "integer", "double")
)
RDF_LANGSTRING, RDF_JSON = RDF + "langString", RDF + "JSON"
I18N = "https://www.w3.org/ns/i18n#"

_LITERAL_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]}
_LITERAL_ESCAPES.update({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 0x22: '\\"', 0x5C: "\\\\"})
_LITERAL_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_JS_FLOAT = re.compile(r"^[\t\n\v\f\r \u00a0\ufeff]*([+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?))")


def js_sorted(items: Iterable[str]) -> list[str]:
    """Sort like JavaScript's ``Array.prototype.sort``: by UTF-16 code units."""
    values = list(items)
    if all(s.isascii() for s in values):
        return sorted(values)
    return sorted(values, key=lambda s: s.encode("utf-16-be"))


def iri(value: str) -> str:
    if _IRI_SPECIAL.search(value):
        value = _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m.group()):04X}", value)
    return f"<{value}>"


def literal(lexical: str, datatype: str, language: str | None = None) -> str:
    if _LITERAL_SPECIAL.search(lexical):
        lexical = _LITERAL_SPECIAL.sub(lambda m: _LITERAL_ESCAPES[ord(m.group())], lexical)
    if datatype == RDF_LANGSTRING:
        return f'"{lexical}"@{language}' if language else f'"{lexical}"'
    if datatype == XSD_STRING:
        return f'"{lexical}"'
    return f'"{lexical}"^^{iri(datatype)}'


def js_number(value: float) -> str:
    """ECMAScript Number::toString (what ``String(x)`` prints)."""
    if value == 0:
        return "0"
    if math.isnan(value) or math.isinf(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value < 0:
        return "-" + js_number(-value)
    _, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent = int(exponent) + len("".join(map(str, digit_tuple))) - len(digits)
    k, n = len(digits), int(exponent) + len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def _js_double(value: float) -> str:
    """``value.toExponential(15).replace(/(\\d)0*e\\+?/, '$1E')``: the canonical xsd:double."""
    if math.isnan(value) or math.isinf(value):
        return js_number(value)
    mantissa, exponent = f"{value:.15e}".split("e")
    return re.sub(r"(\d)0*$", r"\1", mantissa, count=1) + "E" + str(int(exponent))


def _js_fixed0(value: float) -> str:
    """``value.toFixed(0)`` for a number whose ``String()`` has no '.' and is below 1e21."""
    if value == int(value):
        return str(int(value))
    return ("-" if value < 0 else "") + str(round(abs(value)))


def _as_js_number(value: float) -> float:
    """A JSON number as JavaScript holds it: a double (huge integers overflow to Infinity)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _js_parse_float(text: str) -> float:
    match = _JS_FLOAT.match(text)
    return float(match.group(1)) if match else math.nan


def jcs(value: Any) -> str:
    """JSON Canonicalization Scheme (RFC 8785), as the reference's ``canonicalize`` package."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return js_number(_as_js_number(value))
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    return "{" + ",".join(f"{jcs(k)}:{jcs(value[k])}" for k in js_sorted(value)) + "}"


def value_object(item: dict[str, Any]) -> str:
    """An expanded value object as an N-Quads literal (rdfDirection ``i18n-datatype``)."""
    value, datatype = item["@value"], item.get("@type")
    if datatype == "@json":
        return literal(jcs(value), RDF_JSON)
    if isinstance(value, bool):
        return literal("true" if value else "false", datatype or XSD_BOOLEAN)
    number = isinstance(value, int | float)
    as_js = _as_js_number(value) if number else 0.0
    if (number and ("." in js_number(as_js) or abs(as_js) >= 1e21)) or datatype == XSD_DOUBLE:
        return literal(_js_double(as_js if number else _js_parse_float(str(value))), datatype or XSD_DOUBLE)
    if number:
        return literal(_js_fixed0(as_js), datatype or XSD_INTEGER)
    if "@direction" in item:
        return literal(value, f"{I18N}{(item.get('@language') or '').lower()}_{item['@direction']}")
    if "@language" in item:
        return literal(value, RDF_LANGSTRING, item["@language"])
    return literal(value, datatype or XSD_STRING)
