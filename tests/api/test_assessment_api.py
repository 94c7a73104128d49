"""The assessment API on SQLite and PostgreSQL, with real API tokens: a learner's submission
with a multipart upload, markers who see and mark only their own assignments (404 for anyone
else's; 403 for a kind of request their roles never allow), blind second marking, the award a
pass issues with the rubric results and evidence links, refused uploads, and the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.files import FileStore
from tests.assessment_builders import PDF, WEB, Cast, seed_people, settings_for
from tests.conftest import snapshot


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Cast, Path]]:
    settings = settings_for(engine.url.render_as_string(hide_password=False), tmp_path / "uploads")
    cast = seed_people(UnitOfWork(engine), institution_from_settings(settings), tokens=True)
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, cast, tmp_path / "uploads"


def _marks(*levels: str) -> dict[str, Any]:
    return {
        "marks": [
            {"criterion": f"C{i}", "level": lv, "comment": f"C{i}: seen in the demo."}
            for i, lv in enumerate(levels, start=1)
        ]
    }


def _draft(client: TestClient, cast: Cast, learner: str = "ada") -> str:
    r = client.post(
        "/api/v1/submissions",
        json={"achievement": WEB, "cohort": "2026-spring", "site": "North"},
        headers=cast.auth(learner),
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "draft"
    return str(r.json()["id"])


def _submitted(client: TestClient, cast: Cast, learner: str = "ada") -> str:
    sub = _draft(client, cast, learner)
    link = client.post(
        f"/api/v1/submissions/{sub}/evidence",
        data={"kind": "repository", "title": "Shop front code", "url": "https://github.com/ada/shop"},
        headers=cast.auth(learner),
    )
    assert link.status_code == 201, link.text
    upload = client.post(
        f"/api/v1/submissions/{sub}/evidence",
        data={"kind": "file", "title": "Write-up"},
        files={"file": ("write-up.pdf", PDF, "application/octet-stream")},
        headers=cast.auth(learner),
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["file"]["media_type"] == "application/pdf"
    r = client.post(f"/api/v1/submissions/{sub}/submit", headers=cast.auth(learner))
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    return sub


def _assign(client: TestClient, cast: Cast, sub: str, who: str, role: str) -> int:
    r = client.post(
        f"/api/v1/submissions/{sub}/assignments",
        json={"assessor": f"{who}@example.org", "role": role},
        headers=cast.auth("reg"),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _policy(client: TestClient, cast: Cast, share: str, minimum: int) -> None:
    r = client.put(
        "/api/v1/moderation/policy",
        params={"achievement": WEB},
        json={"share": share, "minimum": minimum},
        headers=cast.auth("reg"),
    )
    assert r.status_code == 200, r.text


def test_an_assessor_sees_and_marks_only_their_own_assignments(api) -> None:
    client, cast, _ = api
    _policy(client, cast, "0", 0)
    sub = _submitted(client, cast)
    mine = _assign(client, cast, sub, "ann", "first")
    assert [a["id"] for a in client.get("/api/v1/assignments", headers=cast.auth("ann")).json()] == [mine]
    assert client.get("/api/v1/assignments", headers=cast.auth("ben")).json() == []
    for path in (f"/api/v1/assignments/{mine}", f"/api/v1/assignments/{mine + 999}"):
        r = client.get(path, headers=cast.auth("ben"))
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert (
        client.post(f"/api/v1/assignments/{mine}/marks", json=_marks("Exemplary", "Exemplary", "Exemplary"),
                    headers=cast.auth("ben")).status_code == 404
    )  # fmt: skip
    # the assigned assessor can fetch the uploaded file; another assessor cannot
    detail = client.get(f"/api/v1/assignments/{mine}", headers=cast.auth("ann")).json()
    download = next(e["download"] for e in detail["evidence"] if e["download"])
    assert client.get(download, headers=cast.auth("ann")).content == PDF
    assert client.get(download, headers=cast.auth("ben")).status_code == 404
    assert "learner" not in detail  # marking is anonymous
    # assessors never use the learners' and registrars' routes
    assert client.get(f"/api/v1/submissions/{sub}", headers=cast.auth("ann")).status_code == 403
    assert client.get("/api/v1/moderation/report", headers=cast.auth("ann")).status_code == 403
    assert client.get(f"/api/v1/assignments/{mine}").status_code == 401


def test_a_learner_cannot_see_another_learners_submission(api) -> None:
    client, cast, _ = api
    sub = _submitted(client, cast, "ada")
    r = client.get(f"/api/v1/submissions/{sub}", headers=cast.auth("bob"))
    assert r.status_code == 404 and r.json()["title"] == "Not found"
    assert client.get("/api/v1/submissions", headers=cast.auth("bob")).json() == []
    assert [s["id"] for s in client.get("/api/v1/submissions", headers=cast.auth("ada")).json()] == [sub]
    evidence = client.get(f"/api/v1/submissions/{sub}", headers=cast.auth("ada")).json()["evidence"]
    download = next(e["download"] for e in evidence if e["download"])
    assert client.get(download, headers=cast.auth("ada")).content == PDF
    assert client.get(download, headers=cast.auth("bob")).status_code == 404
    assert client.post(f"/api/v1/submissions/{sub}/submit", headers=cast.auth("bob")).status_code == 404
    r = client.post(f"/api/v1/submissions/{sub}/assignments", json={"assessor": "ann@example.org", "role": "first"},
                    headers=cast.auth("ada"))  # fmt: skip
    assert r.status_code == 403 and "registrar" in r.json()["detail"]
    staff = client.get(f"/api/v1/submissions/{sub}", headers=cast.auth("brd"))
    assert staff.status_code == 200 and staff.json()["learner"] == "ada@example.org"


def test_a_pass_issues_the_award_with_the_rubric_results_and_evidence_links(api) -> None:
    client, cast, _ = api
    _policy(client, cast, "0", 0)
    sub = _submitted(client, cast)
    assignment = _assign(client, cast, sub, "ann", "first")
    r = client.post(
        f"/api/v1/assignments/{assignment}/marks",
        json=_marks("exemplary", "Exemplary", "Exemplary"),
        headers=cast.auth("ann"),
    )
    assert r.status_code == 200, r.text
    outcome = r.json()
    assert (outcome["status"], outcome["how"], outcome["passed"]) == ("decided", "single", True)
    seen = client.get(f"/api/v1/submissions/{sub}", headers=cast.auth("ada")).json()
    assert seen["decision"]["award"] == outcome["award"]
    assert seen["decision"]["result"] == {"C1": "Exemplary", "C2": "Exemplary", "C3": "Exemplary"}
    assert seen["markings"][0]["marks"][0]["comment"] == "C1: seen in the demo."
    credential = client.get(
        f"/api/v1/awards/{outcome['award']}/credential.json", headers=cast.auth("ada")
    ).json()  # the learner downloads their own
    results = credential["credentialSubject"]["result"]
    assert [r["achievedLevel"].rsplit("#", 1)[1] for r in results] == [
        f"criterion-C{i}-level-3" for i in (1, 2, 3)
    ]
    evidence = [e["id"] for e in credential["evidence"]]
    assert evidence[0] == "https://github.com/ada/shop" and evidence[1].startswith("ni:///sha-256;")
    again = client.post(
        f"/api/v1/assignments/{assignment}/marks", json=_marks("Developing", "Developing", "Developing"),
        headers=cast.auth("ann"),
    )  # fmt: skip
    assert again.status_code == 409


def test_the_second_marker_marks_blind_and_the_report_reads_both(api) -> None:
    client, cast, _ = api
    _policy(client, cast, "1", 1)
    sub = _submitted(client, cast)
    first = _assign(client, cast, sub, "ann", "first")
    out = client.post(f"/api/v1/assignments/{first}/marks", json=_marks("Proficient", "Exemplary", "Proficient"),
                      headers=cast.auth("ann")).json()  # fmt: skip
    assert (out["status"], out["decided"]) == ("in-moderation", False)
    second = _assign(client, cast, sub, "ben", "second")
    blind = client.get(f"/api/v1/assignments/{second}", headers=cast.auth("ben")).json()
    assert blind["blind"] is True and blind["earlier"] == [] and blind["marks"] == []
    assert "Proficient" not in str(blind["evidence"])
    assert client.get(f"/api/v1/submissions/{sub}", headers=cast.auth("ada")).json()["markings"] == []
    out = client.post(f"/api/v1/assignments/{second}/marks", json=_marks("Proficient", "Proficient", "Proficient"),
                      headers=cast.auth("ben")).json()  # fmt: skip
    assert (out["status"], out["how"]) == ("decided", "agreed")
    report = client.get("/api/v1/moderation/report", params={"achievement": WEB}, headers=cast.auth("brd"))
    assert report.status_code == 200
    body = report.json()
    assert body["filters"] == {"achievement": WEB}
    assert body["overall"]["agreement"]["pairs"] == 3
    csv = client.get("/api/v1/moderation/report", params={"format": "csv"}, headers=cast.auth("brd"))
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].startswith("all,,6,3,3,")


BOUNDARY = "credstack-test-boundary"


def _multipart(name: str, data: bytes) -> bytes:
    """A multipart body written by hand, so the file name reaches the server byte for byte
    (httpx would percent-encode a NUL)."""
    fields = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nfile\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nUpload\r\n'
    ).encode()
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return fields + head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.pdf", PDF + b"x" * 5000, "the limit is 4.0 KiB"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "the content is a PNG image"),
        ("../x.pdf", PDF, "path separator"),
        ("a/b.pdf", PDF, "path separator"),
        ("/tmp/x.pdf", PDF, "absolute path"),
        ("x\x00y.pdf", PDF, "control characters"),
    ],
)
def test_a_refused_upload_is_a_clear_422_and_stores_nothing(
    api, engine, name: str, data: bytes, message: str
) -> None:
    client, cast, uploads = api
    sub = _draft(client, cast)
    before = snapshot(engine)
    r = client.post(
        f"/api/v1/submissions/{sub}/evidence",
        content=_multipart(name, data),
        headers={**cast.auth("ada"), "content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert message in r.json()["detail"]
    assert snapshot(engine) == before
    assert FileStore(uploads).count() == 0
