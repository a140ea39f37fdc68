"""Helpers shared by the intake API tests."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi.testclient import TestClient

from intake_api import limits
from intake_api.config import Settings
from intake_api.server import uvicorn_config
from tests.helpers import free_port

SERVICE_TOKEN = "test-service-token-0123456789abcdef"
# Long enough and not common: the service refuses anything weaker, in tests too.
PASSWORDS = {
    "haninge": "granris-fyrtorn-41",
    "osteraker": "skargard-lanterna-17",
    "fallback": "kompass-riksvag-93",
}
# One-time recovery codes per coordinator (filled by the second_factors fixture): the API
# login needs a second factor, and a TOTP code cannot be used twice within its 30 seconds.
RECOVERY_CODES: dict[str, list[str]] = {}


@contextmanager
def serving(app: object, **options: object) -> Iterator[str]:
    """`app` in a real uvicorn on loopback, in a thread, configured as in production
    (intake_api.server); its base URL until the block ends."""
    port = free_port()
    server = uvicorn.Server(uvicorn_config(app=app, port=port, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values = {
        "database_url": database_url,
        "environment": "development",
        "secret_key": "test-secret-key-0123456789abcdef0123456789",
        "service_token": SERVICE_TOKEN,
        # Fast in tests only; production keeps the defaults (see test_settings.py).
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "form_min_seconds": 0,
        "check_min_seconds": 0,
        "pow_difficulty_bits": 8,
        "smtp_port": free_port(),
        "smtp_timeout_seconds": 2,
    }
    return Settings(**{**values, **overrides})


def intake_body(**changes: object) -> dict:
    body = {
        "municipality_code": "0136",
        "role": "relative",
        "concern": "worried_about_child",
        "age_group": "under_18",
        "language": "sv",
        "contact_method": "receipt_code",
        "message": "Min son har börjat hänga med äldre killar.",
    }
    return {**body, **changes}


def service_headers(**extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {SERVICE_TOKEN}", **extra}


def proof_headers(client, purpose: str = "intake") -> dict[str, str]:
    """What a browser does: fetch a challenge for the purpose, and solve it."""
    challenge = client.get("/api/v1/challenges", params={"for": purpose}).json()
    nonce = limits.solve(challenge["challenge"], challenge["difficulty"])
    return {"X-Pow-Challenge": challenge["challenge"], "X-Pow-Nonce": nonce}


def login(client: TestClient, username: str) -> dict[str, str]:
    code = RECOVERY_CODES[username].pop()
    answer = client.post(
        "/api/v1/coordinator/login",
        json={"username": username, "password": PASSWORDS[username], "code": code},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def mail_text(message) -> str:
    """What a reader of the mail sees: every header but the random Message-ID (a hex string that
    can contain any three digits) and the decoded text. The raw mail is base64, where a leak
    would not show as it was written."""
    headers = "\n".join(f"{k}: {v}" for k, v in message.items() if k.lower() != "message-id")
    texts = [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
    return "\n".join([headers, *texts])
