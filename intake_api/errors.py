"""Every 4xx answers {"detail": <text in the Accept-Language language>, "code": <machine code>}.

Handlers never log the request: its body, headers and address stay out of every log line.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from intake_api.i18n import negotiate, t

log = logging.getLogger("intake_api")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}
# Validation errors whose message names our own rule (raised as ValueError("<code>")).
_RULE_CODES = {"phone_invalid", "phone_required_iff_phone"}


class ApiError(Exception):
    def __init__(self, status_code: int, code: str, headers: dict[str, str] | None = None):
        self.status_code = status_code
        self.code = code
        self.headers = headers


def error_body(accept_language: str | None, code: str) -> dict[str, str]:
    return {"detail": t(f"errors.{code}", negotiate(accept_language)), "code": code}


def error_response(
    request: Request,
    status_code: int,
    code: str,
    headers: dict[str, str] | None = None,
    extra: dict | None = None,
) -> JSONResponse:
    body = error_body(request.headers.get("accept-language"), code)
    return JSONResponse({**body, **(extra or {})}, status_code=status_code, headers=headers)


def _validation_code(error: RequestValidationError) -> str:
    for item in error.errors():
        if item.get("type") == "json_invalid":
            return "malformed_json"
        message = str(item.get("msg", ""))
        for rule in _RULE_CODES:
            if message.endswith(rule):
                return rule
        if item.get("loc", ("",))[-1] == "municipality_code":
            return "unknown_municipality"
    return "invalid_input"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(request, error.status_code, error.code, error.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # The fields that failed, never the values: they may be what the person wrote.
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in error.errors()})
        return error_response(request, 422, _validation_code(error), extra={"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(error.status_code, "bad_request")
        status_code = error.status_code if error.status_code < 500 else 400
        return error_response(request, status_code, code, getattr(error, "headers", None))
