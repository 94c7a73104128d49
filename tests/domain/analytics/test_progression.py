"""Transition matrix and funnel on the fixed data set of builders.py, counted by hand."""

from __future__ import annotations

import pytest

from credstack.domain.analytics import END, START, Selection, funnel, transition_matrix
from tests.domain.analytics.builders import AS_OF, AWARDS, LEARNERS, MODULES, TERMINAL, day

ORDER = [*MODULES, TERMINAL]


def test_transition_matrix_counts_each_learners_next_award() -> None:
    # Sequences in the order earned (g's same-day M1 and M2 go by id: M1 first):
    #   a: M1 M2 M3 CERT   b: M1 M3 M2 CERT   c: M1 M2   d: M1
    #   e: M2 M1 M3 CERT   f: -               g: M1 M2   h: M1 M2 M3 CERT
    m = transition_matrix(LEARNERS, AWARDS, achievements=ORDER)
    assert m.states == (START, "M1", "M2", "M3", "CERT")
    assert m.columns == ("M1", "M2", "M3", "CERT", END)
    assert m.counts == (
        # M1 M2 M3 CERT END
        (6, 1, 0, 0, 1),  # start: a b c d g h -> M1; e -> M2; f has nothing yet
        (0, 4, 2, 0, 1),  # M1 -> M2: a c g h; -> M3: b e; last: d
        (1, 0, 2, 1, 2),  # M2 -> M1: e; -> M3: a h; -> CERT: b; last: c g
        (0, 1, 0, 3, 0),  # M3 -> M2: b; -> CERT: a e h
        (0, 0, 0, 0, 4),  # CERT is everyone's last
    )
    assert m.row_totals == (8, 7, 6, 4, 4)  # learners holding each achievement; start: all 8
    assert m.shares[1] == pytest.approx((0, 4 / 7, 2 / 7, 0, 1 / 7))
    assert m.count("M3", "CERT") == 3
    rows = m.rows()
    assert rows[0] == {"from": START, "to": "M1", "learners": 6, "of": 8, "share": 0.75}
    assert len(rows) == 13  # the non-zero cells
    assert m.as_json()["counts"][2] == [1, 0, 2, 1, 2]


def test_transition_matrix_filters_and_cuts_at_the_as_of_date() -> None:
    # South site: e (M2 M1 M3 CERT), f (nothing), g (M1 M2); as of day 100 e has M2 M1 M3
    # (M3 on day 100 counts), g nothing yet (day 110).
    m = transition_matrix(LEARNERS, AWARDS, selection=Selection(site="south"), as_of=day(100))
    assert m.states == (START, "M1", "M2", "M3")  # without an order: the achievements seen, by id
    assert m.count(START, "M2") == 1
    assert m.count(START, END) == 2
    assert m.count("M2", "M1") == 1
    assert m.count("M1", "M3") == 1
    assert m.count("M3", END) == 1


def test_funnel_counts_learners_reaching_each_stage() -> None:
    # Distinct modules held: a 3, b 3, c 2, d 1, e 3, f 0, g 2, h 3; CERT: a b e h.
    f = funnel(LEARNERS, AWARDS, terminal=TERMINAL, modules=MODULES, as_of=AS_OF)
    assert [(s.name, s.learners) for s in f.stages] == [
        ("enrolled", 8),
        ("1 module", 7),
        ("2 modules", 6),
        ("3 modules", 4),
        ("CERT", 4),
    ]
    assert [s.share_of_start for s in f.stages] == pytest.approx([1, 7 / 8, 6 / 8, 4 / 8, 4 / 8])
    assert [s.share_of_previous for s in f.stages] == pytest.approx([None, 7 / 8, 6 / 7, 4 / 6, 1])
    assert f.rows()[1] == {
        "stage": "1 module",
        "learners": 7,
        "share_of_start": 0.875,
        "share_of_previous": 0.875,
    }


def test_funnel_by_cohort_without_a_module_list() -> None:
    # Cohort 2024A: a b c d h. Modules = every achievement but CERT: most held is 3.
    f = funnel(LEARNERS, AWARDS, terminal=TERMINAL, selection=Selection(cohort="2024A"))
    assert [s.learners for s in f.stages] == [5, 5, 4, 3, 3]
    assert f.as_json()["selection"]["cohort"] == "2024A"


def test_empty_selection_gives_empty_tables() -> None:
    f = funnel(LEARNERS, AWARDS, terminal=TERMINAL, selection=Selection(sponsor="Nobody"))
    assert [(s.learners, s.share_of_start) for s in f.stages] == [(0, None), (0, None)]
    m = transition_matrix(LEARNERS, AWARDS, selection=Selection(sponsor="Nobody"))
    assert m.counts == ((0,),) and m.rows() == []
