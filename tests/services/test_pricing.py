"""Price models, discounts, a learner's quote and the orders ledger on SQLite and PostgreSQL: the
quote prices the cheapest completion plan; orders keep their lines and an append-only history
with audit entries; bad input names its field and changes nothing; roles are checked."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from credstack.domain.errors import InvalidInput, InvalidTransition, NotFound
from credstack.domain.identity import Forbidden
from credstack.domain.pricing import Discount, ModelKind, PriceModel, Tier
from credstack.services import orders, pricing
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.tables import audit_log, order_events
from tests.conftest import snapshot
from tests.pricing_builders import ADA, MODELS, earn, seed_small, settings_for

D = Decimal
TODAY = date(2026, 11, 28)


@pytest.fixture
def env(engine: Engine):
    settings = settings_for(engine)
    people = seed_small(engine, settings)
    earn(engine, settings, "MC-DA-101", "MC-DA-102")
    return UnitOfWork(engine), institution_from_settings(settings), people


def _models(uow, institution, principal):
    for model in MODELS:
        pricing.save_model(uow, institution=institution, principal=principal, model=model)


def test_a_quote_prices_what_the_plan_still_needs_under_every_model(env):
    uow, institution, people = env
    _models(uow, institution, people["curriculum-designer"])
    stored = {m.code: m for m in pricing.models(uow, institution=institution)}
    # a bundle that lists nothing includes every achievement of its pathway
    assert set(stored["da-bundle"].includes) == {"MC-DA-101", "MC-DA-102", "MC-DA-201", "MC-DA-202"}
    lq = pricing.learner_quote(
        uow, institution=institution, learner_email=ADA, pathway_code="CERT-DA", as_of=TODAY
    )
    needed = [i.code for i in lq.quote.needed]
    assert len(needed) == 1 and set(needed) <= {"MC-DA-201", "MC-DA-202"}  # one elective left
    options = {o.model.code: o for o in lq.quote.options}
    assert set(options) == {"modules", "da-bundle", "monthly"}  # the seat price is for employers
    assert options["modules"].total == sum((i.price for i in lq.quote.needed), D(0))
    assert options["da-bundle"].total == D("500.00")
    hours = sum((i.hours for i in lq.quote.needed), D(0))
    months = math.ceil(hours / 40)
    assert options["monthly"].total == D("150.00") * months
    cheapest = lq.quote.cheapest
    assert cheapest is not None and all(cheapest.total <= o.total for o in options.values())
    employer = pricing.learner_quote(uow, institution=institution, learner_email=ADA, pathway_code="CERT-DA",
                                     tier=Tier.EMPLOYER, seats=12, as_of=TODAY)  # fmt: skip
    assert employer.quote.option("seat").total == D("7200.00")


def test_discounts_apply_with_their_code_and_period(env):
    uow, institution, people = env
    _models(uow, institution, people["registrar"])
    pricing.save_discount(uow, institution=institution, principal=people["registrar"],
                          discount=Discount("WELCOME", "Welcome", percent=D(20), promo_code="hello"))  # fmt: skip
    lq = pricing.learner_quote(uow, institution=institution, learner_email=ADA, pathway_code="CERT-DA",
                               promo="HELLO", as_of=TODAY)  # fmt: skip
    assert lq.quote.option("da-bundle").total == D("400.00")
    plain = pricing.learner_quote(
        uow, institution=institution, learner_email=ADA, pathway_code="CERT-DA", as_of=TODAY
    )
    assert plain.quote.option("da-bundle").total == D("500.00")


def test_only_managers_keep_prices_and_bad_input_changes_nothing(env, engine):
    uow, institution, people = env
    with pytest.raises(Forbidden):
        pricing.save_model(uow, institution=institution, principal=people["learner"],
                           model=PriceModel("m", ModelKind.PER_MODULE, "M", "EUR"))  # fmt: skip
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as e:
        pricing.save_model(uow, institution=institution, principal=people["registrar"],
                           model=PriceModel("b", ModelKind.BUNDLE, "B", "EUR", D(10), pathway="NOPE", includes=("X",)))  # fmt: skip
    assert {p.location for p in e.value.problems} == {"pathway", "includes[0]"}
    with pytest.raises(InvalidInput, match="percent"):
        pricing.save_discount(uow, institution=institution, principal=people["registrar"],
                              discount=Discount("D", "D", percent=D(0)))  # fmt: skip
    assert snapshot(engine) == before


def test_an_order_is_placed_paid_and_refunded_with_its_history(env, engine):
    uow, institution, people = env
    _models(uow, institution, people["registrar"])
    ada, registrar = people["learner"], people["registrar"]
    placed = orders.place_order(uow, institution=institution, principal=ada, learner_email=ADA,
                                pathway_code="CERT-DA", model_code="da-bundle")  # fmt: skip
    assert placed.status == "placed" and placed.total == D("500.00") and placed.buyer == ADA
    assert [(ln.item, ln.total) for ln in placed.lines] == [("da-bundle", D("500.00"))]
    with pytest.raises(Forbidden):  # paying is the registrar's (manual payment provider)
        orders.change_status(
            uow, institution=institution, principal=ada, public_id=placed.public_id, status="paid"
        )
    paid = orders.change_status(uow, institution=institution, principal=registrar, public_id=placed.public_id,
                                status="paid", reference="BANK-42")  # fmt: skip
    assert (paid.status, paid.payment_provider, paid.payment_reference) == ("paid", "manual", "BANK-42")
    with pytest.raises(InvalidTransition):
        orders.change_status(uow, institution=institution, principal=registrar, public_id=placed.public_id,
                             status="cancelled", note="too late")  # fmt: skip
    with pytest.raises(InvalidInput, match="note"):
        orders.change_status(uow, institution=institution, principal=registrar, public_id=placed.public_id,
                             status="refunded")  # fmt: skip
    refunded = orders.change_status(uow, institution=institution, principal=registrar, public_id=placed.public_id,
                                    status="refunded", note="withdrew in the cooling-off period")  # fmt: skip
    assert [e.status for e in refunded.history] == ["placed", "paid", "refunded"]
    assert refunded.history[-1].actor == "reg@example.edu"
    with engine.connect() as conn:
        actions = [
            r.action
            for r in conn.execute(
                select(audit_log.c.action).where(audit_log.c.subject_type == "order").order_by(audit_log.c.id)
            )
        ]
        assert actions == ["order.placed", "order.paid", "order.refunded"]
        assert conn.execute(select(func.count()).select_from(order_events)).scalar_one() == 3
    ledger = orders.ledger(uow, institution=institution, principal=registrar, status="refunded")
    assert [o.public_id for o in ledger] == [placed.public_id]
    today = datetime.now(UTC).date()
    assert (
        len(orders.ledger(uow, institution=institution, principal=registrar, since=today, until=today)) == 1
    )
    assert (
        orders.ledger(uow, institution=institution, principal=registrar, until=today - timedelta(days=1))
        == []
    )
    with pytest.raises(InvalidInput, match="since"):
        orders.ledger(uow, institution=institution, principal=registrar, since="01/02/2026")
    csv_text = orders.ledger_csv(ledger)
    assert csv_text.splitlines()[0].startswith("order_id,created_at") and "BANK-42" in csv_text
    with pytest.raises(Forbidden):
        orders.ledger(uow, institution=institution, principal=ada)
    assert [o.public_id for o in orders.my_orders(uow, institution=institution, principal=ada)] == [
        placed.public_id
    ]


def test_orders_refuse_what_the_quote_does_not_offer(env, engine):
    uow, institution, people = env
    _models(uow, institution, people["registrar"])
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="not a price model of this quote"):
        orders.place_order(uow, institution=institution, principal=people["learner"], learner_email=ADA,
                           pathway_code="CERT-DA", model_code="seat")  # fmt: skip
    with pytest.raises(Forbidden):  # a learner orders for themselves only
        orders.place_order(uow, institution=institution, principal=people["learner"], learner_email="bob@example.org",
                           pathway_code="CERT-DA", model_code="modules")  # fmt: skip
    with pytest.raises(InvalidInput, match="employer"):
        orders.place_order(uow, institution=institution, principal=people["registrar"], learner_email=ADA,
                           pathway_code="CERT-DA", model_code="seat", tier="employer", seats=5)  # fmt: skip
    with pytest.raises(NotFound):
        orders.place_order(uow, institution=institution, principal=people["registrar"], learner_email="nobody@x.org",
                           pathway_code="CERT-DA", model_code="modules")  # fmt: skip
    assert snapshot(engine) == before
    cohort = orders.place_order(uow, institution=institution, principal=people["registrar"], learner_email=ADA,
                                pathway_code="CERT-DA", model_code="seat", tier="employer", seats=5,
                                employer="Acme Analytics")  # fmt: skip
    assert (cohort.buyer_kind, cohort.buyer, cohort.total) == ("employer", "Acme Analytics", D("3000.00"))
