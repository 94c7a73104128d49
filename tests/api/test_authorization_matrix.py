"""Who may call every API route: one row per route (method, path) naming the callers allowed, and
every caller tried on it: anonymous, and a token for each role. Allowed means the gate let the
request through (any answer but 401 and 403, e.g. 422 for the missing body); refused means 401
without a token and 403 with one. A route missing from the table fails the test, so no route
goes unreviewed. The matrix runs on SQLite (it tests gates, not storage); the cross-learner
tests below run on SQLite and PostgreSQL. docs/api-access.md is the same table in prose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.identity import Role
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.api.auth import bearer

PREFIXES = ("/api/v1/",)  # the API surfaces under review (the Open Badges API joins here)

PUBLIC = "public"  # anyone, without a token
ANYONE = frozenset(Role)  # any signed-in user
ADMINS_ONLY: frozenset[Role] = frozenset()  # no role but administrator (who holds every role)
D, B, S, R, L, E = (Role.DESIGNER, Role.BOARD, Role.ASSESSOR, Role.REGISTRAR, Role.LEARNER, Role.EMPLOYER)

# (method, path) -> who is allowed: PUBLIC, or the roles (an administrator holds every role)
ACCESS: dict[tuple[str, str], str | frozenset[Role]] = {
    # the published catalogue: public; imports by curriculum designers
    ("GET", "/api/v1/frameworks"): PUBLIC,
    ("POST", "/api/v1/frameworks"): frozenset({D}),
    ("GET", "/api/v1/frameworks/{framework_id}"): PUBLIC,
    ("GET", "/api/v1/frameworks/{framework_id}/competencies"): PUBLIC,
    ("GET", "/api/v1/frameworks/{framework_id}/case"): PUBLIC,
    ("GET", "/api/v1/achievements"): PUBLIC,
    ("GET", "/api/v1/achievements/{achievement_id}"): PUBLIC,
    ("POST", "/api/v1/achievements/import"): frozenset({D}),
    ("GET", "/api/v1/achievements/{code}/blueprint"): PUBLIC,
    ("PUT", "/api/v1/achievements/{code}/blueprint/method"): frozenset({D}),
    # awards: registrars issue and change status; a learner reads their own
    ("POST", "/api/v1/awards"): frozenset({R}),
    ("GET", "/api/v1/awards"): frozenset({R, L}),
    ("GET", "/api/v1/awards/{public_id}"): frozenset({R, L}),
    ("GET", "/api/v1/awards/{public_id}/credential.{fmt}"): frozenset({R, L}),
    ("POST", "/api/v1/awards/{public_id}/{action}"): frozenset({R}),
    # verification is a public service; registrars keep the trusted-issuer registry
    ("POST", "/api/v1/verify"): PUBLIC,
    ("GET", "/api/v1/trusted-issuers"): PUBLIC,
    ("POST", "/api/v1/trusted-issuers"): frozenset({R}),
    ("DELETE", "/api/v1/trusted-issuers"): frozenset({R}),
    # pathways: definitions public; designers save drafts; audits for the learner and staff
    ("GET", "/api/v1/pathways"): PUBLIC,
    ("POST", "/api/v1/pathways"): frozenset({D}),
    ("GET", "/api/v1/pathways/{code}"): PUBLIC,
    ("GET", "/api/v1/pathways/{code}/audit"): frozenset({L, R, S}),
    ("POST", "/api/v1/pathways/{code}/exceptions"): frozenset({R}),
    # curriculum mapping
    ("POST", "/api/v1/courses"): frozenset({D}),
    ("GET", "/api/v1/courses"): frozenset({D, B, R}),
    ("GET", "/api/v1/curriculum"): frozenset({D, B, R}),
    ("GET", "/api/v1/curriculum/{code}"): frozenset({D, B, R}),
    # transfer credit: registrars; a learner claims and reads their own
    ("GET", "/api/v1/transfer/agreements"): frozenset({R}),
    ("POST", "/api/v1/transfer/agreements"): frozenset({R}),
    ("POST", "/api/v1/transfer/agreements/{code}/retire"): frozenset({R}),
    ("GET", "/api/v1/transfer/credit-units"): frozenset({R}),
    ("PUT", "/api/v1/transfer/credit-units/{code}"): frozenset({R}),
    ("POST", "/api/v1/learners/{email}/transfer-credits"): frozenset({L, R}),
    ("GET", "/api/v1/learners/{email}/transfer-credits"): frozenset({L, R}),
    ("GET", "/api/v1/transfer-credits"): frozenset({R}),
    ("GET", "/api/v1/transfer-credits/{transfer_id}"): frozenset({L, R}),
    ("POST", "/api/v1/transfer-credits/{transfer_id}/decision"): frozenset({R}),
    # identity
    ("GET", "/api/v1/me"): ANYONE,
    # governance
    ("GET", "/api/v1/governance/queue"): frozenset({D, B}),
    ("POST", "/api/v1/governance/pathways"): frozenset({D}),
    ("GET", "/api/v1/governance/{kind}/{code}/history"): frozenset({D, B}),
    ("POST", "/api/v1/governance/{kind}/{code}/comments"): frozenset({D, B}),
    ("PUT", "/api/v1/governance/{kind}/{code}/next-review"): frozenset({B}),
    ("POST", "/api/v1/governance/{kind}/{code}/{step}"): frozenset({D, B}),
    # assessment
    ("POST", "/api/v1/submissions"): frozenset({L}),
    ("GET", "/api/v1/submissions"): frozenset({L, R, B}),
    ("GET", "/api/v1/submissions/{submission}"): frozenset({L, R, B}),
    ("POST", "/api/v1/submissions/{submission}/evidence"): frozenset({L}),
    ("GET", "/api/v1/submissions/{submission}/evidence/{evidence_id}/file"): frozenset({L, R, B, S}),
    ("POST", "/api/v1/submissions/{submission}/submit"): frozenset({L}),
    ("POST", "/api/v1/submissions/{submission}/assignments"): frozenset({R}),
    ("GET", "/api/v1/assignments"): frozenset({S}),
    ("GET", "/api/v1/assignments/{assignment}"): frozenset({S}),
    ("POST", "/api/v1/assignments/{assignment}/marks"): frozenset({S}),
    ("GET", "/api/v1/moderation/policy"): frozenset({R, B}),
    ("PUT", "/api/v1/moderation/policy"): frozenset({R}),
    ("GET", "/api/v1/moderation/report"): frozenset({R, B}),
    # partners: reading public; registrars and designers manage; mentorships for those in them
    ("GET", "/api/v1/partners"): PUBLIC,
    ("POST", "/api/v1/partners"): frozenset({D, R}),
    ("GET", "/api/v1/partners/{slug}"): PUBLIC,
    ("PATCH", "/api/v1/partners/{slug}"): frozenset({D, R}),
    ("DELETE", "/api/v1/partners/{slug}"): frozenset({D, R}),
    ("POST", "/api/v1/partners/{slug}/co-designs"): frozenset({D, R}),
    ("POST", "/api/v1/partners/{slug}/projects"): frozenset({D, R}),
    ("GET", "/api/v1/partners/{slug}/projects"): frozenset({D, R}),
    ("GET", "/api/v1/projects"): PUBLIC,
    ("POST", "/api/v1/projects/{project_id}/status"): frozenset({D, R}),
    ("POST", "/api/v1/mentorships"): frozenset({D, R}),
    ("GET", "/api/v1/mentorships"): frozenset({D, R, E, L}),
    ("GET", "/api/v1/mentorships/{public_id}"): frozenset({D, R, E, L}),
    ("POST", "/api/v1/mentorships/{public_id}/sign-off"): frozenset({E}),
    ("GET", "/api/v1/mentorships/{public_id}/evidence"): frozenset({D, R, E, L}),
    # outcome records: registrars (reading hires too: the service asks the write scope of both);
    # sponsored cohorts for registrars, board members and their sponsor; case portfolios public
    ("POST", "/api/v1/outcomes/imports/{kind}"): frozenset({R}),
    ("GET", "/api/v1/outcomes/sponsored-cohorts"): frozenset({R, B, E}),
    ("GET", "/api/v1/outcomes/hires"): frozenset({R}),
    ("POST", "/api/v1/outcomes/hires"): frozenset({R}),
    ("POST", "/api/v1/outcomes/hires/{hire_id}/ratings"): frozenset({R}),
    ("POST", "/api/v1/outcomes/case-studies"): frozenset({R}),
    ("GET", "/api/v1/achievements/{achievement_id}/case-studies"): PUBLIC,
    # a learner's own demographic groups and case-study consent
    ("GET", "/api/v1/me/demographics"): frozenset({L}),
    ("PUT", "/api/v1/me/demographics/{attribute}"): frozenset({L}),
    ("DELETE", "/api/v1/me/demographics/{attribute}"): frozenset({L}),
    ("GET", "/api/v1/me/case-studies"): frozenset({L}),
    ("POST", "/api/v1/me/case-studies/{case_id}/{decision}"): frozenset({L}),
    # analytics: registrars and board members; employers employment and ROI of their own cohorts
    ("GET", "/api/v1/analytics/progression"): frozenset({R, B}),
    ("GET", "/api/v1/analytics/velocity"): frozenset({R, B}),
    ("GET", "/api/v1/analytics/employment"): frozenset({R, B, E}),
    ("GET", "/api/v1/analytics/roi"): frozenset({R, B, E}),
    ("GET", "/api/v1/analytics/equity"): frozenset({R, B}),
    ("GET", "/api/v1/analytics/engagement"): frozenset({R, B}),
    # pricing: price models public; designers and registrars keep prices and discounts
    ("GET", "/api/v1/pricing/models"): PUBLIC,
    ("PUT", "/api/v1/pricing/models/{code}"): frozenset({D, R}),
    ("GET", "/api/v1/pricing/discounts"): frozenset({D, R}),
    ("PUT", "/api/v1/pricing/discounts/{code}"): frozenset({D, R}),
    # orders: a learner quotes, orders, reads, places and cancels their own; registrars everything
    ("GET", "/api/v1/learners/{email}/quote"): frozenset({L, R}),
    ("POST", "/api/v1/orders"): frozenset({L, R}),
    ("GET", "/api/v1/orders"): frozenset({R}),
    ("GET", "/api/v1/orders/{order_id}"): frozenset({L, R}),
    ("POST", "/api/v1/orders/{order_id}/status"): frozenset({L, R}),
    # the registrar's records: transcripts (a learner their own) and the student-records export
    ("GET", "/api/v1/registrar/learners/{email}/transcript"): frozenset({L, R}),
    ("GET", "/api/v1/registrar/learners/{email}/transcript.pdf"): frozenset({L, R}),
    ("GET", "/api/v1/registrar/learners/{email}/transcript.clr"): frozenset({L, R}),
    ("GET", "/api/v1/registrar/records.csv"): frozenset({R}),
    # learning resources: reading public; curriculum designers edit
    ("GET", "/api/v1/resources"): PUBLIC,
    ("POST", "/api/v1/resources"): frozenset({D}),
    ("POST", "/api/v1/resources/import"): frozenset({D}),
    ("GET", "/api/v1/resources/{resource_id}"): PUBLIC,
    ("PUT", "/api/v1/resources/{resource_id}"): frozenset({D}),
    ("DELETE", "/api/v1/resources/{resource_id}"): frozenset({D}),
    # the wallet: a learner's own credentials and share links; an employer what was shared with them
    ("GET", "/api/v1/wallet/credentials"): frozenset({L}),
    ("POST", "/api/v1/wallet/credentials/{public_id}/shares"): frozenset({L}),
    ("GET", "/api/v1/wallet/credentials/{public_id}/shares"): frozenset({L}),
    ("DELETE", "/api/v1/shares/{share_id}"): frozenset({L}),
    ("GET", "/api/v1/shared"): frozenset({E}),
    # invitations: administrators only
    ("GET", "/api/v1/invitations"): ADMINS_ONLY,
    ("POST", "/api/v1/invitations"): ADMINS_ONLY,
    ("POST", "/api/v1/invitations/{invitation_id}/revoke"): ADMINS_ONLY,
}

CALLERS: tuple[Role | None, ...] = (None, *Role)  # None: no token
NUMERIC = {"framework_id", "achievement_id", "assignment", "evidence_id", "project_id"}
FIXED = {"fmt": "json", "action": "revoke", "kind": "pathway", "step": "publish"}


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under PREFIXES."""
    try:
        from fastapi.routing import iter_route_contexts

        routes: Any = list(iter_route_contexts(app.routes))
    except ImportError:  # an older FastAPI lists its routes flat
        routes = app.routes
    return {
        (method, route.path)
        for route in routes
        if (route.path or "").startswith(PREFIXES)
        for method in route.methods or ()
        if method != "HEAD"
    }


def email_of(caller: Role | None) -> str:
    return f"{caller.value if caller else 'nobody'}@matrix.test"


def request_for(path: str, caller: Role | None) -> tuple[str, dict[str, str]]:
    """The path with a value in each parameter (the caller's own email where a learner is
    named) and the query a route needs to reach its gate's decision."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "email":
            return email_of(caller)
        return FIXED.get(name, "1" if name in NUMERIC else "x")

    query = {"learner": email_of(caller)} if path.endswith("/audit") else {}
    return re.sub(r"\{(\w+)\}", value, path), query


@pytest.fixture(scope="module")
def matrix(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[Role, dict[str, str]]]]:
    db: Path = tmp_path_factory.mktemp("matrix") / "matrix.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    settings = Settings(database_url=f"sqlite:///{db}", institution_slug="matrix", base_url="https://m.test")
    here, uow = institution_from_settings(settings), UnitOfWork(engine)
    tokens = {role: bearer(uow, here, email_of(role), role.value) for role in Role}
    with TestClient(create_app(settings, engine=engine)) as client:
        # the employer speaks for a sponsor: their analytics are their own cohorts, not a refusal
        sponsor = {"name": "Matrix Sponsor", "contact_email": email_of(Role.EMPLOYER)}
        added = client.post("/api/v1/partners", headers=tokens[Role.REGISTRAR], json=sponsor)
        assert added.status_code == 201, added.text
        yield client, tokens
    engine.dispose()


def test_every_route_is_in_the_table_and_every_row_is_a_route(
    matrix: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    served = api_routes(matrix[0].app)  # type: ignore[arg-type]
    assert served - ACCESS.keys() == set(), "routes without an access rule: add them to ACCESS"
    assert ACCESS.keys() - served == set(), "rules for routes that do not exist"


def allowed(rule: str | frozenset[Role], caller: Role | None) -> bool:
    if rule == PUBLIC:
        return True
    assert isinstance(rule, frozenset)
    return caller is not None and (caller == Role.ADMIN or caller in rule)


@pytest.mark.parametrize(("method", "path"), sorted(ACCESS), ids=lambda v: str(v))
def test_each_caller_is_allowed_or_refused_as_the_table_says(
    matrix: tuple[TestClient, dict[Role, dict[str, str]]], method: str, path: str
) -> None:
    client, tokens = matrix
    wrong = []
    for caller in CALLERS:
        url, query = request_for(path, caller)
        headers = tokens[caller] if caller else {}
        got = client.request(method, url, params=query, headers=headers).status_code
        assert got < 500, f"{caller}: {got}"
        if allowed(ACCESS[(method, path)], caller):
            ok = got not in (401, 403)
        else:
            ok = got == (403 if caller else 401)
        if not ok:
            wrong.append(f"{caller.value if caller else 'anonymous'} got {got}")
    assert not wrong, wrong


def test_a_token_without_the_scope_is_refused(
    matrix: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    """A registrar's read-only token reads awards but cannot issue one; a learner's write-only token
    cannot make a share link (it reads the credential first)."""
    client = matrix[0]
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    uow = UnitOfWork(client.app.state.engine)  # type: ignore[attr-defined]
    reader = bearer(
        uow, institution_from_settings(settings), "reader@matrix.test", "registrar", scopes=("read",)
    )
    assert client.get("/api/v1/awards", headers=reader).status_code == 200
    refused = client.post("/api/v1/awards", headers=reader, json={})
    assert refused.status_code == 403 and "scope 'issue'" in refused.json()["detail"]
    assert refused.headers["content-type"] == "application/problem+json"
    # a share link is made after reading the credential: a write-only token is refused at the gate
    writer = bearer(
        uow, institution_from_settings(settings), "writer@matrix.test", "learner", scopes=("write",)
    )
    share = client.post("/api/v1/wallet/credentials/x/shares", headers=writer, json={})
    assert share.status_code == 403 and "scope 'read'" in share.json()["detail"]


# ---- a learner never reads another learner's records (SQLite and PostgreSQL) -------------------


@pytest.fixture
def learners(engine: Engine) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], dict[str, str]]]:
    """The demo catalog and pathways; Ada and Bob each hold an award; tokens for both and a
    registrar. Yields the client, the tokens by name and the awards by learner."""
    from tests.api.pathway_builders import pathway_client, settings_for

    here = institution_from_settings(settings_for(engine))
    uow = UnitOfWork(engine)
    with pathway_client(engine) as client:
        tokens = {
            "ada": bearer(uow, here, "ada@example.org", "learner"),
            "bob": bearer(uow, here, "bob@example.org", "learner"),
            "registrar": bearer(uow, here, "reg@example.org", "registrar"),
        }
        awards = {}
        for name in ("ada", "bob"):
            issued = client.post(
                "/api/v1/awards",
                headers=tokens["registrar"],
                json={"achievement": "MC-DA-101", "learner_email": f"{name}@example.org"},
            )
            assert issued.status_code == 201, issued.text
            awards[name] = issued.json()["id"]
        yield client, tokens, awards


def _awards(
    learners: tuple[TestClient, dict[str, dict[str, str]], dict[str, str]],
) -> None:
    client, tokens, awards = learners
    ada = tokens["ada"]
    listed = client.get("/api/v1/awards", headers=ada)
    assert [a["id"] for a in listed.json()] == [awards["ada"]]
    assert client.get("/api/v1/awards", headers=ada, params={"learner": "bob@example.org"}).status_code == 403
    assert client.get(f"/api/v1/awards/{awards['ada']}", headers=ada).status_code == 200
    for path in (f"/api/v1/awards/{awards['bob']}", f"/api/v1/awards/{awards['bob']}/credential.json"):
        theirs = client.get(path, headers=ada)
        assert theirs.status_code == 404, path  # as if it did not exist
        missing = client.get(path.replace(awards["bob"], "no-such-award"), headers=ada)
        assert theirs.json()["title"] == missing.json()["title"] == "Not found"
    assert client.get(f"/api/v1/awards/{awards['ada']}/credential.json", headers=ada).status_code == 200
    everyone = client.get("/api/v1/awards", headers=tokens["registrar"]).json()
    assert {a["id"] for a in everyone} == set(awards.values())
    assert (
        client.post(f"/api/v1/awards/{awards['ada']}/revoke", headers=ada, json={"reason": "x"}).status_code
        == 403
    )


def _audits(
    learners: tuple[TestClient, dict[str, dict[str, str]], dict[str, str]],
) -> None:
    client, tokens, _ = learners

    def audit(who: str, learner: str) -> int:
        return client.get(
            "/api/v1/pathways/DA-FAST/audit", headers=tokens[who], params={"learner": learner}
        ).status_code

    assert audit("ada", "ada@example.org") == 200
    assert audit("ada", "bob@example.org") == 403
    assert audit("ada", "BOB@example.org") == 403
    assert audit("registrar", "bob@example.org") == 200


def _transfer_claims(
    learners: tuple[TestClient, dict[str, dict[str, str]], dict[str, str]],
) -> None:
    from tests.transfer_builders import agreements_yaml, as_bytes, partner_credential

    client, tokens, _ = learners
    registrar = tokens["registrar"]
    loaded = client.post(
        "/api/v1/transfer/agreements",
        headers=registrar | {"content-type": "application/yaml"},
        content=agreements_yaml().replace(b"CERT-DA", b"DA-FAST"),
    )
    assert loaded.status_code == 201, loaded.text
    credential = as_bytes(partner_credential(email="bob@example.org"))
    bob_claim = client.post(
        "/api/v1/learners/bob@example.org/transfer-credits", headers=tokens["bob"], content=credential
    )
    assert bob_claim.status_code == 201, bob_claim.text
    bob_id = bob_claim.json()["transfers"][0]["id"]
    ada = tokens["ada"]
    assert (
        client.post(
            "/api/v1/learners/bob@example.org/transfer-credits", headers=ada, content=credential
        ).status_code
        == 403
    )
    assert client.get("/api/v1/learners/bob@example.org/transfer-credits", headers=ada).status_code == 403
    assert client.get(f"/api/v1/transfer-credits/{bob_id}", headers=ada).status_code == 404
    assert client.get("/api/v1/transfer-credits", headers=ada).status_code == 403
    own = client.get("/api/v1/learners/bob@example.org/transfer-credits", headers=tokens["bob"])
    assert [t["id"] for t in own.json()] == [bob_id]
    assert client.get(f"/api/v1/transfer-credits/{bob_id}", headers=tokens["bob"]).status_code == 200


def test_a_learner_never_reads_another_learners_records(
    learners: tuple[TestClient, dict[str, dict[str, str]], dict[str, str]],
) -> None:
    """Awards (list, read, download), pathway audits and transfer claims: Ada sees Bob's neither by
    naming him (403) nor by an id (404, as if it did not exist); a registrar sees both."""
    _awards(learners)
    _audits(learners)
    _transfer_claims(learners)


def test_a_form_without_the_file_is_a_problem_naming_it(
    matrix: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    """An import sent as a form with no ``file`` field (found by the fuzz run: it was a 500)."""
    client, tokens = matrix
    response = client.post(
        "/api/v1/frameworks", headers=tokens[Role.DESIGNER], files={"other": ("x.csv", b"a", "text/csv")}
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["location"] == "file"
