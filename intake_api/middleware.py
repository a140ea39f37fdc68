"""Pure ASGI middleware: security headers, a request size limit, and a last line of defence.

Pure ASGI rather than BaseHTTPMiddleware: it streams responses, and it sees exceptions before
Starlette's ServerErrorMiddleware would log them with a traceback that could quote the input.
Request bodies are read whole (at most max_body_bytes) before the app sees any of them.
"""

import json
import logging

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from intake_api.errors import error_body

log = logging.getLogger("intake_api")

JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
HTML_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"pragma", b"no-cache"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, hsts: bool) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        accept_language = request_headers.get("accept-language")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = self._with_security_headers(message.get("headers", []))
            await send(message)

        async def reply(status: int, code: str) -> None:
            body = json.dumps(error_body(accept_language, code), ensure_ascii=False).encode()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})

        declared = request_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await reply(413, "too_large")
            return

        # The whole body is read here, before the app runs, and refused once it passes the
        # limit: an exception raised inside the app's receive() would be turned into a 400 by
        # FastAPI's body parsing, and the app would have seen part of the body. A chunked body
        # declares no length, so this is where it is counted.
        body = bytearray()
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away: nobody to answer
            body += message.get("body", b"")
            if len(body) > self.max_body_bytes:
                await reply(413, "too_large")
                return
            more_body = message.get("more_body", False)

        replayed = False

        async def buffered_receive() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: only a disconnect can come
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        try:
            await self.app(scope, buffered_receive, send_with_headers)
        except Exception as error:
            log.error("unexpected error: %s", type(error).__name__)
            if not started:
                await reply(500, "internal")

    def _with_security_headers(self, headers: list) -> list:
        names = {name.lower() for name, _ in headers}
        is_html = any(
            name.lower() == b"content-type" and value.startswith(b"text/html")
            for name, value in headers
        )
        extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
        if b"content-security-policy" not in names:
            extra.append((b"content-security-policy", (HTML_CSP if is_html else JSON_CSP).encode()))
        if self.hsts:
            extra.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        return [*headers, *extra]
