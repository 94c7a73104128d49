"""Verifiable credentials: Open Badges 3.0 / CLR documents, proofs, DIDs, status lists (coming with the credentials work)."""
