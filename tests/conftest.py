"""Shared fixtures: the store on SQLite and PostgreSQL, and the ../shared data.

Store tests take the ``engine`` fixture and run once per database: SQLite always, and
PostgreSQL when ``CREDSTACK_TEST_POSTGRES_URL`` names a server (CI sets it). A fresh
PostgreSQL database is created for the run and dropped after; tables are emptied after
every test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url

from credstack.domain.institution import Institution
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.db import make_engine, migrate, normalise_url
from credstack.store.tables import metadata

# No per-example deadline: this machine is shared and noisy, and a slow example is not a wrong one.
hypothesis_settings.register_profile("credstack", deadline=None)
hypothesis_settings.load_profile("credstack")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
POSTGRES_URL = os.environ.get("CREDSTACK_TEST_POSTGRES_URL")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CREDSTACK_REQUIRE_SHARED") == "1" and not SHARED.is_dir():
        raise pytest.UsageError(f"CREDSTACK_REQUIRE_SHARED=1 but {SHARED} is missing")
    if os.environ.get("CI") == "true" and not POSTGRES_URL:
        raise pytest.UsageError(
            "CI needs CREDSTACK_TEST_POSTGRES_URL: the store tests must run on PostgreSQL"
        )


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder (corpus, interop); tests using it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (a user's clone)")
    return SHARED


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("CREDSTACK_TEST_POSTGRES_URL is not set")
    admin_url = make_url(normalise_url(POSTGRES_URL))
    name = f"credstack_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'credstack.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    eng: Engine = request.getfixturevalue(f"{request.param}_engine")
    _empty(eng)
    yield eng
    _empty(eng)


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine)


@pytest.fixture
def institution() -> Institution:
    return Institution(slug="test", name="Test Institute")


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to show that a failed operation changed nothing."""
    with engine.connect() as conn:
        return {
            t.name: sorted((tuple(map(repr, r)) for r in conn.execute(t.select())), key=repr)
            for t in metadata.sorted_tables
        }
