"""Who may call an API route: a gate of roles and a token scope, declared on the route itself.

A gated route takes its principal through ``allow(...)`` (or one of the aliases below) instead of
``PrincipalDep``. The gate runs before the request body and the query are validated, so a caller
without a token gets 401 and a caller whose roles never allow the route gets 403 whatever they
sent. Finer rules (a learner's own records only, an author not approving their own definition)
stay in the route or the use case. The rules, route by route, are in docs/api-access.md.

Scopes (an API token holds some; a session holds all that its roles allow):
``read`` reading records that are not public; ``write`` changing definitions and settings, and
a learner's own submissions and claims; ``issue`` issuing awards and anything that may issue one
(status changes, waivers, transfer decisions); ``assess`` marking and assigning markers;
``govern`` the governance workflow; ``admin`` user and token administration.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from credstack.api.deps import PrincipalDep
from credstack.domain.identity import Forbidden, Principal, Role


def allow(*roles: Role, scope: str | None = None) -> Any:
    """A dependency: the caller, once they hold one of ``roles`` (an administrator holds every
    role) and, for an API token, ``scope``; Unauthenticated (401) or Forbidden (403) otherwise."""
    if not roles:
        raise ValueError("a gate names at least one role")

    def gate(principal: PrincipalDep) -> Principal:
        principal.require(*roles, scope=scope)
        return principal

    gate.__name__ = f"allow_{'_'.join(r.name.lower() for r in roles)}"
    return Depends(gate)


STAFF_READERS = (Role.DESIGNER, Role.BOARD, Role.REGISTRAR)  # curriculum mapping reads

Registrar = Annotated[Principal, allow(Role.REGISTRAR, scope="write")]
RegistrarReader = Annotated[Principal, allow(Role.REGISTRAR, scope="read")]
Issuer = Annotated[Principal, allow(Role.REGISTRAR, scope="issue")]
Designer = Annotated[Principal, allow(Role.DESIGNER, scope="write")]
CurriculumReader = Annotated[Principal, allow(*STAFF_READERS, scope="read")]
AwardReader = Annotated[Principal, allow(Role.REGISTRAR, Role.LEARNER, scope="read")]
"""A registrar reads every award; a learner only their own (the route filters)."""


def sees_everyone(principal: Principal, staff: tuple[Role, ...] = (Role.REGISTRAR,)) -> bool:
    """Whether the caller reads every learner's records (by default a registrar; an administrator
    always), not only their own."""
    return principal.has(*staff)


def own_records(principal: Principal, email: str, staff: tuple[Role, ...] = (Role.REGISTRAR,)) -> None:
    """Refuse (403) a learner who names another learner: a learner reads and claims only as
    themself. The answer is the same whether that learner exists or not."""
    if not sees_everyone(principal, staff) and email.strip().lower() != principal.email.strip().lower():
        raise Forbidden("a learner may see and change only their own records")
