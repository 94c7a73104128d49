"""A property-based fuzz run of the REST API against its own OpenAPI description (schemathesis,
in-process through the ASGI app, no server): for every /api/v1 operation, requests generated
from the description, sent with a registrar's token to a seeded database, get no 5xx answer and
no answer that breaks the schema it documents. Derandomised and small, so it is a fixed, quick
run (``-m fuzz`` selects it; ``make test`` runs it too)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.python import asgi

from credstack.api.app import create_app
from credstack.services.demo import seed_demo
from credstack.services.institutions import institution_from_settings
from credstack.services.stacking import save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate
from tests.api.auth import bearer
from tests.api.pathway_builders import DA_FAST

pytestmark = pytest.mark.fuzz

EXAMPLES = 3  # per operation; derandomised, so every run sends the same requests


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on the demo catalog (with a pathway and two awards), and a registrar's token."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    engine = make_engine(url)
    migrate(engine)
    config = Settings(database_url=url, institution_slug="fuzz", base_url="https://fuzz.test")
    uow, here = UnitOfWork(engine), institution_from_settings(config)
    seed_demo(uow, settings=config, learners=0)
    save_pathway(uow, institution=here, data=DA_FAST, filename="da-fast.yaml", actor="test")
    headers = bearer(uow, here, "registrar@fuzz.test", "registrar")
    app = create_app(config, engine=engine)
    yield {"app": app, "headers": headers}
    engine.dispose()


def test_no_server_error_and_every_answer_matches_the_schema(fuzzed: dict[str, Any]) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed["app"]).include(path_regex="^/api/v1/")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50

    session = asgi.get_client(fuzzed["app"])  # one in-process client for every request
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # report the failing request as found: no shrinking
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(
                session=session,
                headers=fuzzed["headers"],
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            run()
        except Exception as exc:  # every operation is tried; all failures are reported together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
