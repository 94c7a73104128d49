"""Exchange formats: CASE JSON and CSV frameworks, achievement CSV/JSON (CTDL export comes later)."""
