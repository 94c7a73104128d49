"""Who is acting: users, their roles at an institution, and what a caller may do.

Every use case that needs permission takes a ``Principal`` (the user, their roles at the
institution, and for an API token its scopes) and asks it with ``require``. A refusal is
``Forbidden`` (HTTP 403): it names the role that was needed, never what exists behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from credstack.domain.errors import DomainError


class Role(StrEnum):
    ADMIN = "admin"
    DESIGNER = "curriculum-designer"
    BOARD = "governance-board"
    ASSESSOR = "assessor"
    REGISTRAR = "registrar"
    LEARNER = "learner"
    EMPLOYER = "employer"


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.DESIGNER: "Curriculum designer",
    Role.BOARD: "Governance board member",
    Role.ASSESSOR: "Assessor",
    Role.REGISTRAR: "Registrar",
    Role.LEARNER: "Learner",
    Role.EMPLOYER: "Employer",
}


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Unauthenticated(DomainError):
    """No valid credentials (API token or session) were presented."""


@dataclass(frozen=True)
class Principal:
    """A signed-in user at one institution. ``scopes`` is None for a session (all that the
    roles allow) and a set for an API token (only those scopes, within the roles)."""

    user_id: int
    email: str
    name: str
    institution_id: int
    roles: frozenset[Role]
    scopes: frozenset[str] | None = None

    def has(self, *roles: Role) -> bool:
        """Whether the user holds any of ``roles`` (an administrator holds every role)."""
        return Role.ADMIN in self.roles or any(r in self.roles for r in roles)

    def allows(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes or "*" in self.scopes

    def require(self, *roles: Role, scope: str | None = None) -> None:
        if not self.has(*roles):
            needed = " or ".join(ROLE_LABELS[r].lower() for r in roles)
            raise Forbidden(f"this needs the role of {needed}")
        if scope is not None and not self.allows(scope):
            raise Forbidden(f"this API token lacks the scope {scope!r}")

    @property
    def actor(self) -> str:
        """How the audit log names the user."""
        return self.email
