"""The verdict in one line: Valid, Not valid when a required check failed (even if another could
not be made), Could not be decided when none failed but one could not be made."""

from __future__ import annotations

from credstack.credentials.verifier import Report
from credstack.services.verify_requests import Verification
from credstack.web.verify_view import verify_view


def report(*checks: tuple[str, str, bool | None]) -> Report:
    made = Report()
    for name, level, passed in checks:
        made.add(name, level, passed, f"{name} message")  # type: ignore[arg-type]
    return made


def test_the_three_verdicts() -> None:
    cases = [
        (report(("proof", "error", True), ("schema", "warning", False)), "valid", "Valid"),
        (
            report(("proof", "error", True), ("dates", "error", False), ("status", "error", None)),
            "invalid",
            "Not valid",
        ),
        (report(("proof", "error", True), ("status", "error", None)), "undecided", "Could not be decided"),
        (report(), "invalid", "Not valid"),  # nothing could even be read
    ]
    for given, outcome, words in cases:
        view = verify_view(Verification(given))
        assert (view.outcome, view.verdict) == (outcome, words)
    undecided = verify_view(Verification(cases[2][0]))
    assert [r.name for r in undecided.reasons] == ["status"]
