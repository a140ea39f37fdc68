"""Settings: production refuses placeholder secrets and keeps strong defaults."""

import os
import secrets
import subprocess
import sys
import time

import pytest
from pydantic import ValidationError

from intake_api.config import ROOT, Settings

STRONG = {"secret_key": secrets.token_hex(32), "service_token": secrets.token_urlsafe(32)}


@pytest.fixture(autouse=True)
def _no_intake_environment(monkeypatch):
    for name in ("INTAKE_ENVIRONMENT", "INTAKE_SECRET_KEY", "INTAKE_SERVICE_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_unconfigured_means_production_and_production_refuses_to_run_without_secrets():
    with pytest.raises(ValidationError, match="INTAKE_SECRET_KEY"):
        Settings()
    assert Settings(**STRONG).environment == "production"


@pytest.mark.parametrize(
    "weak",
    ["changethis", "changethis" * 4, "CHANGEME-please-0123456789abcdefgh", "k" * 40, "short"],
)
def test_production_refuses_placeholder_short_or_repeated_secrets(weak):
    with pytest.raises(ValidationError, match="INTAKE_SECRET_KEY"):
        Settings(**{**STRONG, "secret_key": weak})
    with pytest.raises(ValidationError, match="INTAKE_SERVICE_TOKEN"):
        Settings(**{**STRONG, "service_token": weak})


def test_development_without_secrets_makes_random_ones_for_this_start():
    first, second = Settings(environment="development"), Settings(environment="development")
    assert len(first.secret_key) == 64 and len(first.service_token) == 64
    assert first.secret_key != second.secret_key and first.service_token != second.service_token
    assert "changethis" not in (first.secret_key + first.service_token)


def test_the_server_refuses_to_start_in_production_with_the_old_placeholder():
    placeholder = {"INTAKE_SECRET_KEY": "changethis", "INTAKE_SERVICE_TOKEN": "changethis"}
    environment = {**os.environ, "INTAKE_ENVIRONMENT": "production", **placeholder}
    started = subprocess.run(
        [sys.executable, "-m", "intake_api.server", "--port", "1"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert started.returncode != 0
    assert "INTAKE_SECRET_KEY must be set to a random value" in started.stderr
    assert "changethis" not in started.stderr  # the refused value is not echoed


def test_production_allows_no_origin_unless_configured(monkeypatch):
    monkeypatch.delenv("INTAKE_CORS_ORIGINS", raising=False)
    assert Settings(environment="production", **STRONG).allowed_origins == []
    assert "http://localhost:8000" in Settings(environment="development").allowed_origins
    monkeypatch.setenv("INTAKE_CORS_ORIGINS", "https://vagut.se, https://www.vagut.se")
    assert Settings(environment="production", **STRONG).allowed_origins == [
        "https://vagut.se",
        "https://www.vagut.se",
    ]


def test_production_defaults_are_the_strong_ones():
    defaults = Settings(**STRONG)
    assert defaults.argon2_memory_kib >= 19456 and defaults.argon2_time_cost >= 2
    assert defaults.calm_wrong_codes_per_minute <= 10 and defaults.form_min_seconds >= 3
    assert defaults.retention_days == 90
    assert defaults.pow_difficulty_bits >= 16


def test_the_workspace_address_is_https_or_loopback_and_ends_with_one_slash():
    def workspace(url: str) -> str:
        return Settings(**STRONG, workspace_url=url).workspace_url

    assert workspace("https://samordnare.example.org") == "https://samordnare.example.org/"
    assert workspace("http://127.0.0.1:8001/") == "http://127.0.0.1:8001/"
    with pytest.raises(ValueError, match="https"):
        workspace("http://samordnare.example.org/")


def test_development_workers_share_the_random_secrets_of_their_start(tmp_path):
    """Two worker processes, secrets unset: a challenge one signs, the other must accept."""
    import httpx

    from intake_api import limits
    from tests.helpers import free_port

    port = free_port()
    environment = {**os.environ, "INTAKE_ENVIRONMENT": "development",
                   "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'intake.db'}"}  # fmt: skip
    subprocess.run([sys.executable, "-m", "intake_api.admin", "migrate"], cwd=ROOT,
                   env=environment, check=True, capture_output=True, timeout=60)  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "intake_api.server", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/challenges", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        answers = set()
        for _ in range(16):  # new connections, so that both workers answer some
            challenge = httpx.get(f"{base}/challenges?for=checkback", timeout=5).json()
            nonce = limits.solve(challenge["challenge"], challenge["difficulty"])
            proof = {"X-Pow-Challenge": challenge["challenge"], "X-Pow-Nonce": nonce}
            answer = httpx.post(f"{base}/followups/read", json={"receipt_code": "1" * 16},
                                headers=proof, timeout=10)  # fmt: skip
            answers.add(answer.json()["code"])
        assert answers == {"wrong_receipt_code"}  # never challenge_invalid
    finally:
        server.terminate()
        server.wait(10)
