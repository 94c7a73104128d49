"""The institution's members and their roles, as an administrator changes them.

A role change replaces the member's roles with the ones given and is recorded in the audit log
with the roles before and after. The last administrator cannot lose the role (nobody would be
left to grant it back), and a member left with no role can no longer sign in to anything here.
"""

from __future__ import annotations

from credstack.domain.errors import InvalidTransition, NotFound
from credstack.domain.identity import Role
from credstack.domain.institution import Institution
from credstack.services.identity import _roles
from credstack.services.institutions import ensure_institution
from credstack.services.unit_of_work import UnitOfWork


def set_roles(
    uow: UnitOfWork, *, institution: Institution, user_id: int, roles: list[str] | tuple[str, ...], actor: str
) -> frozenset[Role]:
    """Give the member exactly ``roles`` here; returns them. Unchanged roles record nothing."""
    wanted = frozenset(_roles(roles))
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user(user_id)
        before = uow.identity.roles(user_id, institution_id) if user else frozenset()
        if user is None or not before:
            raise NotFound("member", user_id)
        if wanted == before:
            return before
        if Role.ADMIN in before and Role.ADMIN not in wanted:
            admins = [u for u, r in uow.identity.members(institution_id) if Role.ADMIN in r]
            if len(admins) <= 1:
                raise InvalidTransition(
                    f"{user.email} is the only administrator: make someone else an administrator first"
                )
        for role in before - wanted:
            uow.identity.withdraw(user_id, institution_id, role)
        for role in wanted - before:
            uow.identity.grant(user_id, institution_id, role)
        uow.audit.record(
            actor=actor, action="user.roles_changed", subject_type="user", subject_id=user.email,
            institution_id=institution_id, before={"roles": sorted(r.value for r in before)},
            after={"roles": sorted(r.value for r in wanted)},
        )  # fmt: skip
        uow.commit()
    return wanted
