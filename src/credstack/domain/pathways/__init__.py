"""Pathways: requirement trees that stack awards into larger achievements, and their audit."""
