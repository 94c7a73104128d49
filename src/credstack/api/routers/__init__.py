"""API routers, mounted under /api/v1."""

from __future__ import annotations

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    from credstack.api.routers import (
        achievements,
        assessment,
        awards,
        curriculum,
        frameworks,
        governance,
        identity,
        outcomes,
        partners,
        pathways,
        pricing,
        registrar,
        transfer,
        verify,
    )

    app.include_router(frameworks.router, prefix="/api/v1")
    app.include_router(achievements.router, prefix="/api/v1")
    app.include_router(awards.router, prefix="/api/v1")
    app.include_router(verify.router, prefix="/api/v1")
    app.include_router(pathways.router, prefix="/api/v1")
    app.include_router(curriculum.router, prefix="/api/v1")
    app.include_router(transfer.router, prefix="/api/v1")
    app.include_router(identity.router, prefix="/api/v1")
    app.include_router(governance.router, prefix="/api/v1")
    app.include_router(assessment.router, prefix="/api/v1")
    app.include_router(partners.router, prefix="/api/v1")
    app.include_router(outcomes.router, prefix="/api/v1")
    app.include_router(pricing.router, prefix="/api/v1")
    app.include_router(registrar.router, prefix="/api/v1")
