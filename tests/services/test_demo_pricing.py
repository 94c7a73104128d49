"""The demo's prices and orders (on the small priced catalog, with the demo registrar): every
kind of price model, the discounts, a paid, a placed and a cancelled order and an employer's
cohort order; seeding again changes nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from credstack.domain.institution import Learner
from credstack.services.demo_assessment import REGISTRAR, staff
from credstack.services.demo_pricing import seed_demo_pricing
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from tests.conftest import snapshot
from tests.pricing_builders import earn, seed_small, settings_for


def test_the_demo_prices_and_orders(engine: Engine) -> None:
    settings = settings_for(engine)
    seed_small(engine, settings)
    uow = UnitOfWork(engine)
    institution = institution_from_settings(settings)
    add_user(
        uow, institution=institution, email=staff(REGISTRAR), name="P. Mensah", roles=["registrar"], actor="t"
    )
    people = [Learner(f"l{i}@example.org", f"Learner {i}") for i in range(5)]
    for p in people[1:]:
        earn(engine, settings, "MC-DA-101", email=p.email, name=p.name)
    seed_demo_pricing(uow, institution, people)
    with uow:
        institution_id = uow.institutions.get(institution.slug)[0]
        kinds = {m.kind.value for m in uow.pricing.models(institution_id)}
        codes = {d.code for d in uow.pricing.discounts(institution_id)}
        found = uow.pricing.orders(institution_id)
    assert kinds == {"per-module", "bundle", "subscription", "employer-seat"}
    assert codes == {"EARLY25", "ALUMNI50"}
    assert sorted(o.status for o in found) == ["cancelled", "paid", "placed", "placed"]
    assert any(o.buyer_kind == "employer" and o.model_code == "cohort-seat" for o in found)
    before = snapshot(engine)
    seed_demo_pricing(uow, institution, people)
    assert snapshot(engine) == before
