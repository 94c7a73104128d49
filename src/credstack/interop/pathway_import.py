"""Pathways from the formats other systems publish, and counts to compare them with.

- :func:`from_badgr`: a Badgr pathway export (elements, count rules, completion badges);
- :func:`from_ctdl_pathway`: Credential Engine CTDL JSON-LD: a Pathway with its components and
  ComponentConditions, or a credential whose ``requires`` ConditionProfiles say what it takes;
- :func:`from_ctdl_csv`: the Credential Engine pathway bulk-upload CSV;
- :func:`summary`: node, component and condition counts of an imported tree.

Every importer returns a :class:`Pathway` that the pathway file format can write and read
back, and raises :class:`InvalidInput` naming the element, node, or row (and line) that is wrong.
How each format maps onto requirement nodes is described in ``docs/pathways.md``.
"""

from __future__ import annotations

from credstack.interop.ctdl_graph import Graph
from credstack.interop.pathway_badgr import from_badgr
from credstack.interop.pathway_ctdl import from_ctdl_pathway
from credstack.interop.pathway_ctdl_csv import ctdl_csv_graph, from_ctdl_csv
from credstack.interop.pathway_summary import summary

__all__ = ["Graph", "ctdl_csv_graph", "from_badgr", "from_ctdl_csv", "from_ctdl_pathway", "summary"]
