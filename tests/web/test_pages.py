"""The server-rendered pages: home, a framework tree, the catalog with filters, an achievement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.institution import Institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.api.builders import PROPORTION, RATES, RATIO, seed

pytestmark = pytest.mark.interop


class TreeReader(HTMLParser):
    """The competency tree of a framework page: each code with the codes of its ancestors."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []  # open <li> elements: (id, code)
        self.paths: list[list[str]] = []
        self._in_code = False
        self._in_tree = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "ul" and "tree" in classes:
            self._in_tree += 1
        if tag == "li" and self._in_tree and (a.get("id") or "").startswith("c-"):
            self.stack.append((a["id"] or "", None))
        if tag == "span" and "code" in classes and self.stack and self.stack[-1][1] is None:
            self._in_code = True

    def handle_data(self, data: str) -> None:
        if self._in_code:
            ident, _ = self.stack[-1]
            self.stack[-1] = (ident, data.strip())
            self.paths.append([code or "" for _, code in self.stack])
            self._in_code = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._in_tree and self.stack:
            self.stack.pop()
        if tag == "ul" and self._in_tree:
            self._in_tree -= 1


@pytest.fixture
def app_client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        database_url="sqlite://unused", institution_slug="test", institution_name="Test Institute"
    )
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


@pytest.fixture
def framework_id(engine: Engine, shared: Path) -> int:
    # the stored name differs from the settings': pages show the stored one
    return seed(UnitOfWork(engine), Institution(slug="test", name="Stored Institute of Maths"), shared)


@pytest.fixture
def ids(app_client: TestClient, framework_id: int) -> dict[str, int]:
    """Row ids by code: competencies and achievements."""
    rows = app_client.get(f"/api/v1/frameworks/{framework_id}/competencies").json()
    out = {r["code"]: r["id"] for r in rows}
    out.update({a["code"]: a["id"] for a in app_client.get("/api/v1/achievements").json()})
    return out


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_before_anything_is_stored(app_client: TestClient) -> None:
    page = app_client.get("/")
    assert page.status_code == 200
    assert "Test Institute" in page.text  # from the settings
    assert "No frameworks yet" in page.text
    assert "No achievements yet" in page.text


def test_home_shows_the_institution_frameworks_and_catalog(app_client: TestClient, framework_id: int) -> None:
    page = app_client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = _text(page.text)
    assert "<title>Home · Stored Institute of Maths</title>" in page.text
    assert f'href="/frameworks/{framework_id}"' in page.text
    assert "What Standards Could Be" in text
    assert "16 competencies" in text
    assert "2 achievements in the catalog" in text
    assert "1 Micro-credential" in text
    assert "1 Certificate" in text
    assert 'href="/achievements?kind=certificate"' in page.text


def test_framework_page_is_a_tree_in_order(app_client: TestClient, framework_id: int) -> None:
    page = app_client.get(f"/frameworks/{framework_id}")
    assert page.status_code == 200
    reader = TreeReader()
    reader.feed(page.text)
    paths = {p[-1]: p for p in reader.paths}
    order = [p[-1] for p in reader.paths]
    assert len(order) == 16
    assert paths["CCSS.Math.Content.6.RP.A.3a"] == [
        "CCSS.Math.Content.6.RP.A",
        "CCSS.Math.Content.6.RP.A.3",
        "CCSS.Math.Content.6.RP.A.3a",
    ]
    assert paths["CCSS.Math.Content.7.RP.A.2d"][:2] == ["CCSS.Math.Content.7.RP.A", PROPORTION]
    assert order[:5] == [
        "CCSS.Math.Content.6.RP.A",
        RATIO,
        "CCSS.Math.Content.6.RP.A.2",
        RATES,
        "CCSS.Math.Content.6.RP.A.3a",
    ]
    assert order.index("CCSS.Math.Content.6.RP.A.3d") < order.index("CCSS.Math.Content.7.RP.A")
    assert page.text.count("<details") == 4  # the two clusters and the two standards with components
    assert "<summary>" in page.text


def test_framework_page_metadata_associations_and_links(
    app_client: TestClient, framework_id: int, ids: dict[str, int]
) -> None:
    page = app_client.get(f"/frameworks/{framework_id}")
    text = _text(page.text)
    for label in (
        "Brandon Dorman",
        "20c5134f-423d-4097-a971-3dd5152bf507",
        "Revision",
        "Language",
        "Version",
    ):
        assert label in text
    assert "<title>What Standards Could Be · Stored Institute of Maths</title>" in page.text
    assert f'href="/api/v1/frameworks/{framework_id}/case"' in page.text
    assert "Download CASE JSON" in text
    assert "Other associations (23)" in text  # 39 minus the 16 isChildOf
    assert "Exact match of" in text and "Precedes" in text and "Exemplar" in text
    assert "external" in text
    assert 'rel="external noopener"' in page.text
    assert f'href="#c-{ids["CCSS.Math.Content.6.RP.A.2"]}"' in page.text  # an in-framework end
    assert f'href="/achievements?competency={ids[RATES]}"' in page.text
    assert "1 achievement" in text  # RATES is certified by one achievement


def test_framework_page_expand_all_opens_every_node(app_client: TestClient, framework_id: int) -> None:
    collapsed = app_client.get(f"/frameworks/{framework_id}").text
    expanded = app_client.get(f"/frameworks/{framework_id}?expand=all").text
    assert collapsed.count("<details open>") == 2
    assert expanded.count("<details open>") == 4


def test_catalog_lists_everything_then_narrows_by_competency(
    app_client: TestClient, ids: dict[str, int]
) -> None:
    everything = app_client.get("/achievements")
    assert everything.status_code == 200
    text = _text(everything.text)
    assert "2 achievements" in text
    assert "Ratio reasoning" in text and "Proportional relationships" in text
    assert "5 ECTS · 2.5 credit hours" in text
    assert "6 ECTS · 3 credit hours" in text
    assert "EUR 250.00" in text
    assert '<optgroup label="What Standards Could Be">' in everything.text
    for control in ("f-competency", "f-level", "f-kind", "f-q"):
        assert f'<label for="{control}">' in everything.text

    narrowed = app_client.get("/achievements", params={"competency": ids[PROPORTION]})
    text = _text(narrowed.text)
    assert "1 achievement matches your filters" in text
    assert "Proportional relationships" in text
    assert "Ratio reasoning" not in text
    assert f'<option value="{ids[PROPORTION]}" selected>' in narrowed.text


def test_catalog_filters_by_kind_level_and_text(app_client: TestClient, ids: dict[str, int]) -> None:
    def names(**params: object) -> set[str]:
        text = _text(app_client.get("/achievements", params=params).text)
        return {n for n in ("Ratio reasoning", "Proportional relationships") if n in text}

    assert names(kind="certificate") == {"Proportional relationships"}
    assert names(level="4") == {"Ratio reasoning"}
    assert names(q="ratio") == {"Ratio reasoning"}
    assert names(kind="", level="", competency="", q="") == {"Ratio reasoning", "Proportional relationships"}


def test_catalog_with_no_results_and_with_bad_values(app_client: TestClient, ids: dict[str, int]) -> None:
    empty = app_client.get("/achievements", params={"kind": "diploma"})
    assert empty.status_code == 200
    assert "No results." in empty.text
    assert "Clear the filters" in empty.text

    bad = app_client.get("/achievements", params={"level": "eleven", "kind": "badge"})
    assert bad.status_code == 200
    assert "The EQF level must be a whole number from 1 to 8." in bad.text
    assert "There is no kind" in bad.text
    assert 'aria-invalid="true"' in bad.text


def test_achievement_page_with_credits_in_both_units_and_the_rubric(
    app_client: TestClient, framework_id: int, ids: dict[str, int]
) -> None:
    page = app_client.get(f"/achievements/{ids['RATIO-1']}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "<title>Ratio reasoning · Stored Institute of Maths</title>" in page.text
    assert "RATIO-1" in text and "Micro-credential" in text and "Published" in text
    assert "5 ECTS" in text and "2.5 credit hours" in text
    assert "EUR 250.00" in text
    assert "36 months" in text and "30 June 2027" in text and "120 hours" in text
    assert "Acme Analytics" in text and "maths" in text
    assert "Uses ratio and rate reasoning" in text and "Complete the ratio project" in text
    assert "Intermediate" in text and "Advanced" in text
    assert f'href="/frameworks/{framework_id}#c-{ids[RATES]}"' in page.text

    table = page.text[page.text.index("<table") : page.text.index("</table>")]
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headers == ["Criterion", "Beginning (0 pts)", "Developing (1 pt)", "Proficient (2 pts)"]
    rows = _text(table)
    assert "Ratio language" in rows and "Rate problems" in rows and "Weight 2" in rows
    assert "Solves unaided and checks the answer." in rows
    assert RATIO in rows and RATES in rows  # each criterion with its competencies
    assert "weighted score of at least 60%" in text


def test_achievement_defined_in_credit_hours_shows_ects_too(
    app_client: TestClient, ids: dict[str, int]
) -> None:
    text = _text(app_client.get(f"/achievements/{ids['PROP-1']}").text)
    assert "3 credit hours" in text and "6 ECTS" in text
    assert "Certificate" in text and "Draft" in text
    assert "No rubric has been published" in text


@pytest.mark.parametrize(
    "path", ["/achievements/999999", "/frameworks/999999", "/frameworks/not-a-number", "/no/such/page"]
)
def test_unknown_pages_are_a_friendly_404(app_client: TestClient, path: str) -> None:
    page = app_client.get(path)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    assert 'href="/achievements"' in page.text


def test_the_api_keeps_json_for_unknown_paths(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_the_stylesheet_is_served(app_client: TestClient) -> None:
    css = app_client.get("/static/credstack.css")
    assert css.status_code == 200
    assert ":focus-visible" in css.text
