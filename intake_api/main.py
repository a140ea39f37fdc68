"""The intake service: `uvicorn intake_api.main:app --no-access-log` (see docs/API.md)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import RedirectResponse
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from intake_api import directory
from intake_api.config import get_settings
from intake_api.errors import install_error_handlers
from intake_api.middleware import SecurityMiddleware
from intake_api.routes import coordinator, followups, form, intakes
from intake_api.workspace import routes as workspace

API_PREFIX = "/api/v1"


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    directory.municipalities()  # read the 290 files before the first request, not during it
    yield


class SlashRedirect:
    """What the router does when no route matches: if the path with (or without) a trailing
    slash has a route, a 307 to it, else the usual 404. Starlette's own redirect_slashes writes
    an absolute Location from the request's Host header, which anyone can set; this one is a
    path, resolved by the client against the address it asked for (`/workspace` ->
    `/workspace/`, and `/api/v1/challenges/` -> `/api/v1/challenges`, as before)."""

    def __init__(self, app: FastAPI) -> None:
        self.router = app.router
        self.not_found = app.router.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if scope["type"] == "http" and path != "/":
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            # "//host" or "/\\host" would be read by a browser as another host.
            if other.startswith("/") and not other.startswith(("//", "/\\")):
                other_scope = {**scope, "path": other}
                if any(r.matches(other_scope)[0] != Match.NONE for r in self.router.routes):
                    location = quote(other)
                    if scope.get("query_string"):
                        location += "?" + scope["query_string"].decode("latin-1")
                    await RedirectResponse(location, status_code=307)(scope, receive, send)
                    return
        await self.not_found(scope, receive, send)


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="vag-ut intake API",
        summary="Anonymous first contacts to the municipality's coordinator for leaving crime.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: not on this service
        redoc_url=None,
        lifespan=lifespan,
        redirect_slashes=False,  # SlashRedirect below, without the Host header
    )
    install_error_handlers(app)
    for router in (intakes.router, followups.router, coordinator.router, form.router):
        app.include_router(router, prefix=API_PREFIX)
    workspace.install(app)
    app.router.default = SlashRedirect(app)
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept-Language", "X-Pow-Challenge", "X-Pow-Nonce"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(
        SecurityMiddleware,
        max_body_bytes=settings.max_body_bytes,
        hsts=settings.environment == "production",
    )
    return app


app = create_app()
