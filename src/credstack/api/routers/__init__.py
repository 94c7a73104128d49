"""API routers, mounted under /api/v1."""

from __future__ import annotations

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    from credstack.api.ob3 import router as ob3_api
    from credstack.api.routers import (
        achievements,
        analytics,
        assessment,
        awards,
        curriculum,
        frameworks,
        governance,
        identity,
        invitations,
        outcomes,
        partners,
        pathways,
        pricing,
        registrar,
        resources,
        transfer,
        verify,
        wallet,
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
    app.include_router(ob3_api.router)  # the Open Badges 3.0 API under /ims/ob/v3p0
    app.include_router(invitations.router, prefix="/api/v1")
    app.include_router(outcomes.router, prefix="/api/v1")
    app.include_router(pricing.router, prefix="/api/v1")
    app.include_router(registrar.router, prefix="/api/v1")
    app.include_router(analytics.router, prefix="/api/v1")
    app.include_router(resources.router, prefix="/api/v1")
    app.include_router(wallet.router, prefix="/api/v1")
