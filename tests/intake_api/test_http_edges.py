"""HTTP edges through a real uvicorn: a chunked body over the limit, the trailing-slash redirect.

A chunked body declares no length; it used to reach the app's body parsing, which turned the
size limit into a 400. A redirect's Location used to be built from the Host header.
"""

import socket
from collections.abc import Iterator

import httpx
import pytest

from intake_api.errors import error_body
from intake_api.middleware import SecurityMiddleware
from tests.intake_api.helpers import service_headers, serving

LIMIT = 65536


def _chunks(body: bytes, size: int = 4096) -> Iterator[bytes]:
    """An iterator: httpx sends it with Transfer-Encoding: chunked, no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _padded_json(size: int) -> bytes:
    """Valid JSON of `size` bytes: a wrong receipt code, padded with spaces."""
    body = b'{"receipt_code": "0000 0000 0000 0000"}'
    return body + b" " * (size - len(body))


# ---------------------------------------------------------------- 413 for any body over the limit


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_chunked_body_over_the_limit_gets_413(live_server, language: str) -> None:
    url, logs = live_server
    answer = httpx.post(
        f"{url}/api/v1/followups/read",
        content=_chunks(_padded_json(LIMIT + 1)),
        headers=service_headers(
            **{"Content-Type": "application/json", "Accept-Language": language}
        ),
        timeout=10,
    )
    assert answer.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413, answer.text
    assert answer.json() == error_body(language, "too_large")
    assert answer.headers["cache-control"] == "no-store"  # the security headers, as always
    failures = [line for line in logs.lines if "unexpected error" in line or "Exception" in line]
    assert not failures, failures


def test_chunked_body_within_the_limit_reaches_the_app_whole(live_server) -> None:
    url, _logs = live_server
    answer = httpx.post(
        f"{url}/api/v1/followups/read",
        content=_chunks(_padded_json(LIMIT), size=1000),
        headers=service_headers(**{"Content-Type": "application/json"}),
        timeout=10,
    )
    assert answer.status_code == 403, answer.text  # read, parsed, and the code is wrong
    assert answer.json()["code"] == "wrong_receipt_code"


def test_declared_body_over_the_limit_still_gets_413(live_server) -> None:
    url, _logs = live_server
    answer = httpx.post(
        f"{url}/api/v1/followups/read",
        content=_padded_json(LIMIT + 1),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        timeout=10,
    )
    assert answer.status_code == 413
    assert answer.json() == error_body("en", "too_large")


def test_chunked_413_over_a_raw_socket(live_server) -> None:
    """Byte for byte: chunks of 16 KiB until past the limit, then the answer, without the
    body's end ever being sent."""
    url, _logs = live_server
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/followups/read HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"4000\r\n" + b" " * 0x4000 + b"\r\n"
        for _ in range(5):  # 80 KiB
            sock.sendall(chunk)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:100]


class _Recorder:
    """An app that writes down every message its receive() gives it."""

    def __init__(self) -> None:
        self.calls: list[list[dict]] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        messages = []
        self.calls.append(messages)
        while True:
            message = await receive()
            messages.append(message)
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def recorder_server() -> Iterator[tuple[str, _Recorder]]:
    """The real middleware in front of a recording app, in a real uvicorn configured as in
    production."""
    recorder = _Recorder()
    app = SecurityMiddleware(recorder, max_body_bytes=LIMIT, hsts=False)
    with serving(app, lifespan="off") as url:
        yield url, recorder


def test_nothing_of_a_body_over_the_limit_reaches_the_app(recorder_server) -> None:
    url, recorder = recorder_server
    answer = httpx.post(url, content=_chunks(b"x" * (LIMIT + 4096)), timeout=10)
    assert answer.status_code == 413
    assert recorder.calls == []

    body = bytes(range(256)) * 200  # 51,200 bytes, in 13 chunks
    answer = httpx.post(url, content=_chunks(body), timeout=10)
    assert answer.status_code == 200
    assert recorder.calls == [[{"type": "http.request", "body": body, "more_body": False}]]


# ---------------------------------------------------------------- redirects ignore Host


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/workspace", "/workspace/"),
        ("/workspace?lang=en", "/workspace/?lang=en"),
        ("/api/v1/challenges/", "/api/v1/challenges"),
    ],
)
def test_trailing_slash_redirect_is_a_path_whatever_the_host(
    live_server, path: str, location: str
) -> None:
    url, _logs = live_server
    for host in ("evil.example", "evil.example:8443", None):
        headers = {"Host": host} if host else {}
        answer = httpx.get(f"{url}{path}", headers=headers, follow_redirects=False, timeout=10)
        assert answer.status_code == 307, answer.text
        assert answer.headers["location"] == location
        assert "evil" not in answer.text


def test_the_workspace_without_its_slash_still_leads_to_the_login(live_server) -> None:
    url, _logs = live_server
    answer = httpx.get(
        f"{url}/workspace", headers={"Host": "evil.example"}, follow_redirects=True, timeout=10
    )
    assert answer.status_code == 200
    assert str(answer.url).startswith(f"{url}/workspace/login")
    assert [r.headers["location"].split("?")[0] for r in answer.history] == [
        "/workspace/",
        "/workspace/login",
    ]


@pytest.mark.parametrize("path", ["//evil.example", "//evil.example/", "/\\evil.example", "/nope"])
def test_no_redirect_to_another_host_or_to_nowhere(live_server, path: str) -> None:
    url, _logs = live_server
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: evil.example\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 404 "), head
    assert b"location:" not in head.lower()
