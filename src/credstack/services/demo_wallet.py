"""The demo's share link: the demo learner shares their newest credential with the demo employer
for a year, so that the employer's "Shared with me" page has something on it. Running the demo
again changes nothing (a link for that employer exists already). The link's secret is not kept:
the learner makes a link of their own to try the share page."""

from __future__ import annotations

from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.services.demo_partners import MENTOR
from credstack.services.institutions import ensure_institution
from credstack.services.shares import create_share, my_shares
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.wallet import wallet


def seed_demo_wallet(uow: UnitOfWork, institution: Institution, learner_email: str) -> int:
    """Make the link if it is missing; how many were made (0 or 1)."""
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user = uow.identity.user_by_email(learner_email)
        roles = uow.identity.roles(user.id, institution_id) if user else frozenset()
    if user is None or not roles:
        return 0
    learner = Principal(user.id, user.email, user.name, institution_id, roles)
    entries = wallet(uow, institution=institution, principal=learner)
    if not entries or any(
        s.recipient_email == MENTOR[1] for s in my_shares(uow, institution=institution, principal=learner)
    ):
        return 0
    create_share(
        uow, institution=institution, principal=learner, public_id=entries[0].award.public_id, duration="1y",
        recipient=MENTOR[1],
    )  # fmt: skip
    return 1
