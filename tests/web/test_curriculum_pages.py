"""The curriculum pages on SQLite and PostgreSQL: the list of credentials a pathway awards, one
credential's coverage matrix (levels against what each outcome needs), gaps with the courses
that align, backmapping routes, coherence flags, another pathway's map, and CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.pathway_builders import catalog, pathway_client


class Matrix(HTMLParser):
    """The coverage matrix: its column codes, and for each body row its cells' visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[list[str]] = []
        self.classes: list[list[str]] = []  # the level classes seen in each row
        self._in = False
        self._part: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and "matrix" in classes:
            self._in = True
        if not self._in:
            return
        if tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "th" and self._part == "thead" and "matrix__col" in classes:
            self._cell = []
        elif tag == "tr" and self._part == "tbody":
            self.rows.append([])
            self.classes.append([])
        elif tag in ("th", "td") and self._part == "tbody":
            self._cell = []
        elif tag == "span" and self._part == "tbody" and "lvl" in classes:
            self.classes[-1].append(next(c for c in classes if c.startswith("lvl--")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._in:
            self._in = False
        elif tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if self._part == "thead":
                self.columns.append(text.split()[0])
            else:
                self.rows[-1].append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def matrix(html: str) -> Matrix:
    reader = Matrix()
    reader.feed(html)
    return reader


def main(html: str) -> str:
    inner = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", inner).split())


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with pathway_client(engine) as c:  # the demo, and DA-FAST (also awarding CERT-DA)
        yield c


def test_the_list_links_each_credential_a_pathway_awards(client: TestClient) -> None:
    page = client.get("/curriculum")
    assert page.status_code == 200
    assert '<a href="/curriculum" aria-current="page">Curriculum</a>' in page.text
    for code in ("CERT-DA", "CERT-CSE", "DIP-DBT"):
        assert f'<a href="/curriculum/{code}">' in page.text
    assert "MC-DA-101" not in main(page.text)  # a micro-credential is no terminal here
    assert "DA-FAST" in main(page.text)  # CERT-DA's second pathway is named


def test_the_matrix_shows_each_level_against_the_outcome(client: TestClient) -> None:
    page = client.get("/curriculum/DIP-DBT")
    assert page.status_code == 200
    api = client.get("/api/v1/curriculum/DIP-DBT").json()
    table = matrix(page.text)
    assert table.columns == api["matrix"]["columns"]
    assert len(table.rows) == len(api["matrix"]["rows"])
    ids = {code: a["id"] for code, a in catalog(client).items()}
    assert (
        f'<a href="/achievements/{ids["MC-DA-101"]}" title="Data Preparation with Python">MC-DA-101</a>'
        in page.text
    )
    for shown, row, classes in zip(table.rows, api["matrix"]["rows"], table.classes, strict=True):
        assert shown[0].startswith(row["competency"]["code"])
        assert shown[1] == str(row["required"])
        cells = shown[3:]
        for text, cell in zip(cells, row["cells"], strict=True):
            if cell is None:
                assert text == ""
            else:
                assert text.startswith(str(cell["level"]))
                assert ("below the level" in text) != cell["meets"]
                assert ("via " + ", ".join(cell["via"])) in text if cell["via"] else "via" not in text
        levels = [c for c in row["cells"] if c]
        assert classes.count("lvl--below") >= sum(1 for c in levels if not c["meets"])
    sd = next(r for r in table.rows if r[0].startswith("SD Software"))
    assert sd[3].startswith("1") and "via SD.1.1" in sd[3]  # MC-DA-101 reaches SD only through SD.1.1


def test_gaps_name_the_course_that_aligns_and_the_module_to_build(client: TestClient) -> None:
    text = main(client.get("/curriculum/DIP-DBT").text)
    assert "An existing course already aligns: NB-COMP110 Programming with Python." in text
    assert "New module needed: no course or achievement reaches this level." in text
    assert "NB-CLD210 Cloud Fundamentals (level 1, below)" in text
    assert "MC-SD-101 Python Programming Foundations (level 2)" in text  # outside the stack
    assert "Partly covered 2 outcomes" in text
    assert "Course catalogue: 12 courses, imported from northbridge-courses.csv" in text


def test_backmapping_and_coherence(client: TestClient) -> None:
    page = client.get("/curriculum/DIP-DBT")
    text = main(page.text)
    assert "DIP-DBT › CERT-DA" in text  # a certificate's component counts through it
    assert (
        'title="DIP-DBT:DIP-DBT › DIP-DBT:DIP-DBT/CERT-DA › CERT-DA:CERT-DA › CERT-DA:CERT-DA/MC-DA-101"'
        in page.text
    )
    assert "Overlap. MC-DA-101 and MC-DA-202 both reach DA.1.1 at level 2." in text
    for name in ("matrix", "gaps", "coherence"):
        assert f'href="/curriculum/DIP-DBT/{name}.csv"' in page.text


def test_another_pathway_that_awards_the_credential(client: TestClient) -> None:
    default = client.get("/curriculum/CERT-DA")
    assert '<option value="DA-FAST">DA-FAST</option>' in default.text
    fast = client.get("/curriculum/CERT-DA", params={"pathway": "DA-FAST"})
    assert fast.status_code == 200
    assert '<option value="DA-FAST" selected>' in fast.text
    assert 'href="/curriculum/CERT-DA/gaps.csv?pathway=DA-FAST"' in fast.text
    columns = matrix(fast.text).columns
    assert columns[:2] == ["MC-DA-101", "MC-DA-102"]
    assert "MC-SD-101" in columns  # admitted by the credits pool
    assert "MC-SD-101" not in matrix(default.text).columns


def test_csv_downloads(client: TestClient) -> None:
    response = client.get("/curriculum/DIP-DBT/gaps.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="DIP-DBT-gaps.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    api = client.get("/api/v1/curriculum/DIP-DBT").json()
    gaps = [
        (c["outcome"]["code"], g["competency"]["code"], g["remedy"]) for c in api["gaps"] for g in c["gaps"]
    ]
    assert [(r["outcome"], r["gap_competency"], r["remedy"]) for r in rows if r["gap_competency"]] == gaps
    matrix_csv = client.get("/curriculum/DIP-DBT/matrix.csv")
    assert matrix_csv.text.splitlines()[0].endswith(",".join(api["matrix"]["columns"]))
    assert client.get("/curriculum/DIP-DBT/everything.csv").status_code == 404


def test_unknown_or_unstacked_credentials_are_not_found(client: TestClient) -> None:
    page = client.get("/curriculum/MC-DA-101")
    assert page.status_code == 404
    assert "There is no pathway that awards MC-DA-101." in main(page.text)
    assert client.get("/curriculum/NOPE").status_code == 404
    assert client.get("/curriculum/CERT-DA", params={"pathway": "CERT-CSE"}).status_code == 404
