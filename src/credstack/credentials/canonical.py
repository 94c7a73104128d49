"""Canonical N-Quads (RDFC-1.0) of a JSON-LD document, in safe mode.

https://www.w3.org/TR/vc-di-eddsa/#transformation-eddsa-rdfc-2022 -- "the RDF Dataset
Canonicalization Algorithm" applied to the JSON-LD document, with the options the reference
(Digital Bazaar jsonld.js + rdf-canonize, as used by eddsa-rdfc-2022) uses: base IRI null,
``rdfDirection: i18n-datatype``, ``safe: true``. The output is byte-identical to the reference
(tests/credentials/test_reference_canon.py checks every sample and corpus credential).

Safe mode: a term or type that no context defines is an :class:`UndefinedTerm`; any other
data JSON-LD would silently drop (an empty top-level object, a ``null`` ``@value``, a relative
IRI...) is an :class:`UnsafeJsonLd`. pyld drops such data without a word, so a Python issuer
relying on it signs credentials that verify in Python and fail everywhere else. We detect it
*during* expansion: our expansion (:mod:`.expansion`) raises at exactly the points where the
JSON-LD 1.1 expansion algorithm drops something -- the same points where jsonld.js emits its
safe-mode events -- instead of comparing two expansions afterwards.

Why this route (measured on the mc-01 sample, ~7 KB, one core):

* pyld ``normalize`` with cached contexts: 4.0 ms, of which 3.3 ms is expansion -- mostly
  re-processing the type-scoped contexts of OB 3.0 at every node -- and no safe mode.
* pyoxigraph RDFC-1.0 with the contexts inlined: 2.3 ms; contexts are re-processed for every
  document, and undefined terms are dropped silently (no hook to detect them).
* this module: pyld's context processing (spec-conformant term definitions), memoised per
  (active context, local context) so each context is processed once per process; our own
  expansion (:mod:`.expansion`), dataset builder (:mod:`.to_rdf`) and RDFC-1.0
  (:mod:`.rdfc10`): about 0.7 ms, and the only one of the three with safe mode.

Thread safety: pyld's context machinery and our memo are shared state, so expansion runs under
one lock (a few hundred microseconds); building and canonicalising the dataset runs outside it.
"""

from __future__ import annotations

import threading
from typing import Any

from credstack.credentials.expansion import Expander
from credstack.credentials.jsonld_context import ContextProcessor
from credstack.credentials.rdfc10 import canonical_nquads
from credstack.credentials.to_rdf import DatasetBuilder, Quad

_LOCK = threading.Lock()
_CONTEXTS = ContextProcessor()


def expand(document: Any) -> list[Any]:
    """JSON-LD expansion (safe mode) with the bundled contexts; the document is not modified."""
    with _LOCK:
        return Expander(_CONTEXTS).expand_document(document)


def to_dataset(document: Any) -> list[Quad]:
    """The RDF dataset of a JSON-LD document, as N-Quads term tuples (blank nodes not yet canonical)."""
    return DatasetBuilder().add_document(expand(document))


def canonicalize(document: Any) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` (a parsed JSON-LD object), in safe mode."""
    return canonical_nquads(to_dataset(document))
