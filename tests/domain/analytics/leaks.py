"""What a reader can see in, or work out from, a published table: the checks the
suppression property tests make."""

from __future__ import annotations

from typing import Any

from credstack.domain.analytics import ProtectedCounts


def emitted_counts(table: ProtectedCounts) -> list[int]:
    """Every count a reader can see in the table, or work out from it by subtraction."""
    out: list[int] = []
    for g in table.groups:
        out.append(g.learners)
        if g.successes is not None:
            out += [g.successes, g.learners - g.successes]
    if table.learners is not None:
        out.append(table.learners)
        rest = table.learners - sum(g.learners for g in table.groups)
        if rest:
            out.append(rest)
        if table.successes is not None:
            out += [table.successes, table.learners - table.successes]
            known = [g for g in table.groups if g.successes is not None]
            pool = table.learners - sum(g.learners for g in known)
            if pool:
                pool_successes = table.successes - sum(g.successes or 0 for g in known)
                out += [pool_successes, pool - pool_successes]
    return out


def labels_in(value: Any) -> set[str]:
    """Every string under a "group" key anywhere in a JSON value or list of rows."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "group" and isinstance(item, str):
                found.add(item)
            found |= labels_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= labels_in(item)
    return found
