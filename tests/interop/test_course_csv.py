"""The course catalogue CSV: a good file in its variants, and bad rows each named by line and field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from credstack.domain.errors import InvalidInput
from credstack.interop.course_csv import parse_course_csv

GOOD = """\
code,title,credits,level,competencies
BUS101,Business Information Systems,5,4,"DB.1.1:1; PP.2.2:1"
COMP110,Programming with Python,7.5,EQF 4,"SD.1.1:2, SD.1.2:1"

CLD210,Cloud Fundamentals,,,https://example.edu/competencies/ci-1-2:2
NOTE1,Orientation week,0,,
"""


def problems(data: str | bytes) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_course_csv(data, source="courses.csv")
    assert caught.value.source == "courses.csv"
    return [str(p) for p in caught.value.problems]


def test_a_good_file() -> None:
    parsed = parse_course_csv(GOOD)
    assert [(p.where, p.course.code) for p in parsed] == [
        ("line 2 (BUS101)", "BUS101"),
        ("line 3 (COMP110)", "COMP110"),
        ("line 5 (CLD210)", "CLD210"),  # the blank line 4 is skipped, and counted
        ("line 6 (NOTE1)", "NOTE1"),
    ]
    bus, comp, cloud, note = (p.course for p in parsed)
    assert (bus.title, bus.credits, bus.level) == ("Business Information Systems", Decimal(5), 4)
    assert bus.competencies == (("DB.1.1", 1), ("PP.2.2", 1))
    assert (comp.credits, comp.level, comp.competencies) == (
        Decimal("7.5"),
        4,
        (("SD.1.1", 2), ("SD.1.2", 1)),
    )
    assert cloud.competencies == (("https://example.edu/competencies/ci-1-2", 2),)  # split on the last colon
    assert (cloud.credits, cloud.level) == (None, None)
    assert (note.credits, note.competencies) == (Decimal(0), ())


def test_bom_semicolons_other_column_names_and_order() -> None:
    text = "\ufeffCompetencies;Name;Code;EQF level;Credits\r\nDA.1.1:2, DA.2.1:3;Statistics;ST-1;5;7,5\r\n"
    (parsed,) = parse_course_csv(text.encode("utf-8"))
    c = parsed.course
    assert (c.code, c.title, c.level, c.credits) == ("ST-1", "Statistics", 5, Decimal("7.5"))
    assert c.competencies == (("DA.1.1", 2), ("DA.2.1", 3))


def test_a_multi_line_cell_keeps_the_line_where_the_row_starts() -> None:
    good = 'code,title,competencies\nA1,"Two\nlines","X:1\nY:2"\nA2,Fine,Z:1\n'
    assert [(p.where, p.course.competencies) for p in parse_course_csv(good)] == [
        ("line 2 (A1)", (("X", 1), ("Y", 2))),
        ("line 5 (A2)", (("Z", 1),)),
    ]
    bad = good.replace("Z:1", "Z")
    assert problems(bad) == ["line 5 (A2) competencies: 'Z' should be KEY:LEVEL (e.g. DA.1.2:2)"]


def test_every_bad_row_is_named_by_line_and_field() -> None:
    text = """\
code,title,credits,level,competencies
A1,,5,4,X:1
A2,Fine,-1,9,X:1
A3,Fine,lots,EQF,X:0; Y:two; Z
A4,Fine,1,1,X:1; X:2
,No code,1,1,
A1,Again,1,1,X:1
A6,Fine,1,1,X:1,extra
"""
    assert problems(text) == [
        "line 2 (A1) title: is required",
        "line 3 (A2) credits: '-1' must be a number of at least 0",
        "line 3 (A2) level: '9' is not an EQF level 1-8",
        "line 4 (A3) credits: 'lots' is not a number",
        "line 4 (A3) level: 'EQF' is not an EQF level 1-8",
        "line 4 (A3) competencies: level of 'X' must be 1-4, not 0",
        "line 4 (A3) competencies: 'Y:two' should be KEY:LEVEL (e.g. DA.1.2:2)",
        "line 4 (A3) competencies: 'Z' should be KEY:LEVEL (e.g. DA.1.2:2)",
        "line 5 (A4) competencies: 'X' is listed twice",
        "line 6 code: is required",
        "line 8: more cells than the header has columns",
    ]  # line 7 (A1 again) is bad only once line 2 is good: see the next test


def test_a_duplicate_code_names_both_lines() -> None:
    assert problems("code,title\nA1,One\nA2,Two\nA1,Three\n") == [
        "line 4 (A1) code: duplicate code (also on line 2)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "line 1: the file is empty"),
        ("code,title\n", "line 2: no courses: the file has a header only"),
        ("code,name,title\nA,B,C\n", "line 1 title: a second title column"),
        (
            "code,title,teacher\nA,B,C\n",
            "line 1: unknown column(s) teacher; expected: code, title, credits, level, competencies",
        ),
        ("code,credits\nA,1\n", "line 1: missing column(s): title"),
    ],
)
def test_bad_headers_and_empty_files(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_not_utf8() -> None:
    assert problems(b"code,title\nA,caf\xe9\n") == ["byte 16: not UTF-8 text"]
