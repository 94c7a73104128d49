"""The demo's accounts for signing in: one per role, all with the same demo password (printed by
``credstack demo``). Staff the demo already made (an assessor, the registrar, a board member, the
mentor with the employer role) get the password if they have none; the learner account is the
first demo learner. Running the demo again changes nothing."""

from __future__ import annotations

from argon2 import PasswordHasher

from credstack.domain.institution import Institution, Learner
from credstack.services.demo_assessment import BOARD, REGISTRAR, staff
from credstack.services.demo_data import LEARNER_EMAIL_DOMAIN
from credstack.services.demo_partners import MENTOR
from credstack.services.identity import add_user
from credstack.services.unit_of_work import UnitOfWork

DEMO_PASSWORD = "northbridge-demo"  # published: printed by `credstack demo`

# (role, email, name)
STAFF = (
    ("admin", staff("admin"), "Demo Administrator"),
    ("curriculum-designer", staff("r.castellano"), "Rosa Castellano"),
    ("governance-board", staff(BOARD), "H. Whitfield"),
    ("assessor", staff("m.okafor"), "M. Okafor"),
    ("registrar", staff(REGISTRAR), "P. Mensah"),
    ("employer", MENTOR[1], MENTOR[0]),
)


def demo_accounts(learners: list[Learner]) -> list[tuple[str, str, str]]:
    """(role, email, name) of each demo account."""
    learner = learners[0] if learners else Learner(f"demo.learner@{LEARNER_EMAIL_DOMAIN}", "Demo Learner")
    return [*STAFF, ("learner", learner.email, learner.name)]


def seed_demo_users(
    uow: UnitOfWork, institution: Institution, learners: list[Learner]
) -> list[tuple[str, str]]:
    """Make the accounts; returns (role, email) of each."""
    hasher = PasswordHasher()
    for role, email, name in demo_accounts(learners):
        add_user(uow, institution=institution, email=email, name=name, roles=[role], actor="demo")
        with uow:
            user = uow.identity.user_by_email(email)
            if user is not None and user.password_hash is None:
                uow.identity.set_password(user.id, hasher.hash(DEMO_PASSWORD))
                uow.commit()
    return [(role, email) for role, email, _ in demo_accounts(learners)]
