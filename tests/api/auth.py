"""API tokens for tests: a user with given roles at the institution and a token, as headers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credstack.domain.institution import Institution
from credstack.services.identity import add_user, issue_token
from credstack.services.unit_of_work import UnitOfWork


def bearer(
    uow: UnitOfWork,
    institution: Institution,
    email: str,
    *roles: str,
    scopes: tuple[str, ...] = ("*",),
) -> dict[str, str]:
    """The Authorization header of a new token for ``email``, who gets ``roles`` here."""
    add_user(
        uow, institution=institution, email=email, name=email.split("@")[0].title(), roles=roles, actor="test"
    )
    token = issue_token(uow, institution=institution, email=email, name="test", scopes=scopes, actor="test")
    return {"Authorization": f"Bearer {token.secret}"}


def sign_in_as(
    client: TestClient, uow: UnitOfWork, institution: Institution, email: str, *roles: str
) -> None:
    """Send a token for ``email`` (with ``roles``) on every later request of the client."""
    client.headers.update(bearer(uow, institution, email, *roles))


STAFF = "staff@example.org"  # the functional tests' caller: an administrator holds every role


def as_staff(client: TestClient, uow: UnitOfWork, institution: Institution) -> TestClient:
    sign_in_as(client, uow, institution, STAFF, "admin")
    # a token's first use records when it was used: done now, so a snapshot taken by a test
    # before a refused request compares equal after it
    assert client.get("/api/v1/me").status_code == 200
    return client
