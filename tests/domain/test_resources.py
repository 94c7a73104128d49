"""Learning resources as plain rules: safe addresses, valid drafts, a CSV read row by row, which
resources stand beside a next step or a criterion, and the level a criterion needs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credstack.domain.errors import InvalidInput
from credstack.domain.feedback import feedback, needed_level
from credstack.domain.resources import (
    Resource,
    ResourceDraft,
    check,
    for_criterion,
    for_step,
    parse_csv,
    url_problem,
)
from tests.domain.assessment_builders import rubric

HEADER = "title,url,kind,minutes,provider,achievement,competency,criterion\n"


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=c#d", "http://example.org", "HTTPS://EXAMPLE.ORG/x"]
)
def test_http_and_https_addresses_are_accepted(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//example.org/x",
        "https://",
        "https://exa mple.org",
        "https://example.org/\x00",
        "",
    ],
)
def test_other_addresses_are_refused(url: str) -> None:
    problem = url_problem(url)
    assert problem is not None and problem.location == "url"


@given(st.from_regex(r"[a-z][a-z0-9+.-]{0,10}", fullmatch=True), st.text(max_size=30))
def test_no_scheme_but_http_or_https_passes(scheme: str, rest: str) -> None:
    if scheme not in ("http", "https"):
        assert url_problem(f"{scheme}:{rest}") is not None


def draft(**changes: object) -> ResourceDraft:
    base: dict[str, object] = {"title": "Tidy data", "url": "https://e.org/t", "kind": "video", "minutes": 20}
    return ResourceDraft(**(base | {"achievement": "MC-1"} | changes))  # type: ignore[arg-type]


def test_a_draft_names_each_field_it_gets_wrong() -> None:
    assert check(draft().cleaned()) == []
    bad = draft(
        title=" ", url="javascript:x", kind="film", minutes=0, achievement=None, criterion="C1"
    ).cleaned()
    assert {p.location for p in check(bad)} == {"title", "url", "kind", "minutes", "achievement", "criterion"}
    assert check(draft(achievement=None, competency="DA.1").cleaned()) == []
    assert check(draft(kind=" Video ").cleaned()) == []  # cleaned: trimmed, lower case
    nul = draft(achievement="MC\x00", competency="K" * 301, criterion="C\x1b").cleaned()
    assert {p.location for p in check(nul)} == {"achievement", "competency", "criterion"}


def test_a_csv_is_read_and_every_bad_row_named() -> None:
    good = (
        HEADER
        + "Tidy data,https://e.org/t,video,20,Academy,MC-1,,C1\n\nCharts,https://e.org/c,reading,15,,,DA.1,\n"
    )
    drafts = parse_csv(good.encode())
    assert [(d.title, d.criterion, d.competency, d.provider) for d in drafts] == [
        ("Tidy data", "C1", None, "Academy"),
        ("Charts", None, "DA.1", None),
    ]
    bad = (
        HEADER
        + "Fine,https://e.org/f,video,5,,MC-1,,\nEvil,javascript:alert(1),video,5,,MC-1,,\nLong,https://e.org/l,video,ten,,MC-1,,\n"
    )
    with pytest.raises(InvalidInput) as caught:
        parse_csv(bad.encode(), source="r.csv")
    assert [str(p) for p in caught.value.problems] == [
        "row 3.url: only http and https addresses are allowed, not 'javascript'",
        "row 4.minutes: 'ten' is not a whole number of minutes",
    ]
    assert str(caught.value).startswith("r.csv: ")


def test_a_csv_without_its_columns_or_rows_is_refused() -> None:
    with pytest.raises(InvalidInput, match="row 1: missing column 'minutes'"):
        parse_csv(b"title,url,kind\nA,https://e.org,video\n")
    with pytest.raises(InvalidInput, match="unknown column 'colour'"):
        parse_csv(HEADER.replace("\n", ",colour\n").encode())
    with pytest.raises(InvalidInput, match="header row only"):
        parse_csv(HEADER.encode())
    with pytest.raises(InvalidInput, match="row 2: more fields than columns"):
        parse_csv((HEADER + "A,https://e.org,video,5,,MC-1,,,extra\n").encode())


R = [
    Resource(1, "Whole", "https://e.org/1", "video", 30, achievement="MC-1"),
    Resource(2, "On C1", "https://e.org/2", "reading", 10, achievement="MC-1", criterion="C1"),
    Resource(3, "On C2", "https://e.org/3", "reading", 10, achievement="MC-1", criterion="C2"),
    Resource(4, "Competency", "https://e.org/4", "course", 5, competency="K1"),
    Resource(
        5,
        "Other's criterion",
        "https://e.org/5",
        "tool",
        5,
        achievement="MC-2",
        criterion="C1",
        competency="K1",
    ),
    Resource(6, "Elsewhere", "https://e.org/6", "tool", 5, achievement="MC-2"),
]


def test_a_next_step_has_its_achievements_resources_then_its_competencies() -> None:
    assert [r.id for r in for_step(R, "MC-1", ["K1"])] == [1, 2, 3, 4]
    assert [r.id for r in for_step(R, "MC-2", [])] == [6, 5]
    assert for_step(R, "MC-3", ["K9"]) == []


def test_a_criterion_has_its_own_resources_first() -> None:
    assert [r.id for r in for_criterion(R, "MC-1", "C1", ["K1"])] == [2, 4, 1]
    assert [r.id for r in for_criterion(R, "MC-1", "C2", [])] == [3, 1]


def test_the_level_a_criterion_needs_follows_the_pass_rule() -> None:
    r = rubric(3, critical=("C3",))
    assert [needed_level(r, c).name for c in r.criteria] == ["Developing", "Developing", "Proficient"]  # type: ignore[union-attr]
    rows = feedback(r, {"C1": "Not yet", "C2": "Exemplary", "C3": "Developing"})
    assert [f.met for f in rows] == [False, True, False]
    assert [f.met for f in feedback(r, None)] == [None, None, None]
