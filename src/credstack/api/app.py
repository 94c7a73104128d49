"""The composition root of the web app: settings in, a FastAPI app out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from credstack import __version__
from credstack.api import problems
from credstack.settings import Settings
from credstack.store.db import make_engine, migrate


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The app. Given no engine it opens (and migrates) the database the settings name."""
    settings = settings or Settings()
    if engine is None:
        engine = make_engine(settings.database_url, echo=settings.sql_echo)
        migrate(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    app = FastAPI(
        title="credstack",
        version=__version__,
        summary="Stackable micro-credentials: competency frameworks, achievements, pathways, verifiable credentials.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    problems.install(app)
    from credstack.api.routers import register as register_api
    from credstack.web.views import register as register_web

    register_api(app)
    register_web(app)
    return app
