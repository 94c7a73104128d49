"""Readable test data for the pathway API and pages: the demo catalog (priced, published
micro-credentials and certificates), two pathway files of our own, and a learner's awards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.demo import seed_demo
from credstack.services.institutions import institution_from_settings
from credstack.services.stacking import save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.api.auth import as_staff

# Awards the demo's Certificate in Applied Data Analytics by a faster route. Lines matter: the
# bad-file tests name them.
DA_FAST = b"""\
id: DA-FAST
name: Data Analytics fast track
awards: CERT-DA
requires:
  all:
    - id: foundations
      label: Data foundations
      achievement: MC-DA-101
    - achievement: MC-DA-102
    - id: elective
      label: One analytics elective
      n_of:
        n: 1
        of:
          - achievement: MC-DA-201
          - achievement: MC-DA-202
    - id: breadth
      credits:
        min: 5
        pool: {min_level: 4}
"""
N_LINE = 13  # the line of "n: 1" above

CLOUD_FAST = b"""\
id: CLOUD-FAST
name: Cloud fast track
awards: CERT-CSE
requires:
  all:
    - achievement: MC-SD-201
    - achievement: MC-CI-101
"""

SECOND_ELECTIVE = "requires/all[2]/n_of/of[1]/achievement"


def settings_for(engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="paths",
        institution_name="Pathway Test College",
        base_url="https://credstack.test",
    )


@contextmanager
def pathway_client(engine: Engine, *, follow_redirects: bool = True) -> Iterator[TestClient]:
    """The app on the demo catalog, with DA-FAST and CLOUD-FAST published (as the CLI imports
    them), whose API calls carry an administrator's token (tests of who may call what send their
    own: tests/api/test_authorization_matrix.py)."""
    settings = settings_for(engine)
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    seed_demo(uow, settings=settings, learners=0)
    for name, body in (("da-fast.yaml", DA_FAST), ("cloud-fast.yaml", CLOUD_FAST)):
        save_pathway(uow, institution=here, data=body, filename=name, actor="test")
    with TestClient(create_app(settings, engine=engine), follow_redirects=follow_redirects) as client:
        yield as_staff(client, uow, here)


def earn(client: TestClient, email: str, *codes: str, name: str = "Ada Lovelace") -> dict[str, str]:
    """Issue each achievement to the learner; the award ids by achievement code."""
    out = {}
    for code in codes:
        response = client.post(
            "/api/v1/awards", json={"achievement": code, "learner_email": email, "learner_name": name}
        )
        assert response.status_code == 201, response.text
        out[code] = response.json()["id"]
    return out


def catalog(client: TestClient) -> dict[str, dict[str, Any]]:
    """The catalog as the API lists it, by code."""
    return {a["code"]: a for a in client.get("/api/v1/achievements").json()}


def price(client: TestClient, *codes: str) -> float:
    found = catalog(client)
    return sum(float(found[c]["price"]["amount"]) for c in codes)
