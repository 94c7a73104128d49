"""The demo's learning resources import cleanly on the demo catalog, once."""

from __future__ import annotations

from credstack.domain.resources import parse_csv
from credstack.services.demo_resources import RESOURCES_CSV


def test_the_demo_resources_are_a_valid_csv() -> None:
    drafts = parse_csv(RESOURCES_CSV.encode())
    assert len(drafts) >= 12
    assert all(d.url.startswith("https://") for d in drafts)
