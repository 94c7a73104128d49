"""Alembic environment: the engine is handed in by credstack.store.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from credstack.store.db import normalise_url
from credstack.store.tables import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # the alembic command line: take the URL from -x url=... or alembic.ini
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(normalise_url(url or "sqlite:///credstack.db"))

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
