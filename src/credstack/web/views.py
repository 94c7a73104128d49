"""Server-rendered pages: home, a framework as a tree, the catalog, one achievement.

Views are as thin as the API routes: typed dependencies in, one service call or two, a
template out. A domain error becomes an HTML error page with the status the API's problem
table gives it, so that people get a page where programs get problem+json.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from credstack import __version__
from credstack.api.deps import InstitutionDep, UowDep
from credstack.api.problems import STATUS
from credstack.domain.achievement import AchievementKind
from credstack.domain.errors import DomainError, NotFound
from credstack.domain.institution import Institution
from credstack.services import catalog, frameworks
from credstack.services.awards import recent_awards
from credstack.web import presenters

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["num"] = presenters.num
templates.env.filters["points"] = presenters.points
templates.env.globals.update(
    version=__version__,
    kinds=list(AchievementKind),
    eqf_levels=presenters.EQF_LEVELS,
    level_name=presenters.level_name,
    kind_label=presenters.kind_label,
    credits=presenters.credits,
)


def get_profile(uow: UowDep, institution: InstitutionDep) -> Institution:
    """The institution as stored (its real name and credit conversion), else from settings."""
    return catalog.institution_profile(uow, institution=institution)


ProfileDep = Annotated[Institution, Depends(get_profile)]


def render(
    request: Request, template: str, institution: Institution | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    if institution is None:  # error pages: no database round trip
        institution = Institution(slug="", name=request.app.state.settings.institution_name)
    return templates.TemplateResponse(
        request, template, {"institution": institution, **context}, status_code=status_code
    )


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", None, status, status=status, title=title, message=message)


class PageRoute(APIRoute):
    """A page route: domain errors and malformed path values render the HTML error page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except NotFound as exc:
                return error_page(request, 404, "Page not found", f"There is no {exc.kind} {exc.key}.")
            except DomainError as exc:
                status, title = next((v for k, v in STATUS.items() if isinstance(exc, k)), (400, "Error"))
                return error_page(request, status, title, str(exc))
            except RequestValidationError:
                return error_page(request, 404, "Page not found", "There is no page at this address.")

        return page


router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/", name="home")
def home(request: Request, uow: UowDep, institution: ProfileDep) -> HTMLResponse:
    overview = catalog.catalog_overview(uow, institution=institution)
    recent = recent_awards(uow, institution=institution, learner=None, limit=6)
    return render(request, "home.html", institution, overview=overview, recent=recent, nav="home")


@router.get("/frameworks/{framework_id}", name="framework")
def framework_page(
    request: Request, framework_id: int, uow: UowDep, institution: ProfileDep, expand: str = ""
) -> HTMLResponse:
    view = frameworks.framework_view(uow, framework_id)
    return render(
        request,
        "framework.html",
        institution,
        view=view,
        meta=view.meta,
        associations=presenters.association_rows(view.roots, view.associations),
        counts=catalog.alignment_counts(uow, framework_id=framework_id),
        expand_all=expand == "all",
        nav="home",
    )


@router.get("/achievements", name="catalog")
def catalog_page(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    kind: str = "",
    level: str = "",
    competency: str = "",
    q: str = "",
) -> HTMLResponse:
    form = presenters.CatalogForm.parse(kind=kind, level=level, competency=competency, q=q)
    return render(
        request,
        "catalog.html",
        institution,
        form=form,
        results=catalog.catalog(uow, institution=institution, flt=form.filter),
        options=frameworks.competency_options(uow, institution=institution),
        option_label=presenters.competency_option_label,
        nav="catalog",
    )


@router.get("/achievements/{achievement_id}", name="achievement")
def achievement_page(
    request: Request, achievement_id: int, uow: UowDep, institution: ProfileDep
) -> HTMLResponse:
    stored = catalog.achievement_detail(uow, achievement_id=achievement_id)
    rubric = stored.achievement.rubric
    grid = presenters.rubric_grid(rubric, presenters.competency_labels(stored)) if rubric else None
    return render(
        request, "achievement.html", institution, s=stored, a=stored.achievement, grid=grid, nav="catalog"
    )


async def _not_found_page(request: Request, exc: Exception) -> Response:
    """Unknown addresses outside the API get the HTML page; the API keeps its JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and not request.url.path.startswith(("/api/", "/static/")):
        return error_page(request, 404, "Page not found", "There is no page at this address.")
    return await http_exception_handler(request, exc)


def register(app: FastAPI) -> None:
    from credstack.web import credentials, pathways, transfer, verify
    from credstack.web.curriculum import register as register_curriculum
    from credstack.web.governance import register as register_governance
    from credstack.web.moderation import register as register_moderation
    from credstack.web.outcomes import register as register_outcomes
    from credstack.web.partners import register as register_partners
    from credstack.web.pricing import register as register_pricing
    from credstack.web.registrar import register as register_registrar
    from credstack.web.session import install as install_sessions
    from credstack.web.signin import register as register_signin

    install_sessions(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    credentials.register(app)
    pathways.register(app)
    register_curriculum(app)
    verify.register(app)
    transfer.register(app)
    register_governance(app)
    register_moderation(app)
    register_partners(app)
    register_pricing(app)
    register_registrar(app)
    register_signin(app)
    register_outcomes(app)
    app.add_exception_handler(StarletteHTTPException, _not_found_page)
