"""The intake service: `uvicorn intake_api.main:app --no-access-log` (see docs/API.md)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

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
    )
    install_error_handlers(app)
    for router in (intakes.router, followups.router, coordinator.router, form.router):
        app.include_router(router, prefix=API_PREFIX)
    workspace.install(app)
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
