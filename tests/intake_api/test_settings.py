"""Settings: production refuses placeholder secrets and keeps strong defaults."""

import pytest
from pydantic import ValidationError

from intake_api.config import Settings


def test_production_refuses_placeholder_secrets(monkeypatch):
    monkeypatch.delenv("INTAKE_SECRET_KEY", raising=False)
    monkeypatch.delenv("INTAKE_SERVICE_TOKEN", raising=False)
    with pytest.raises(ValidationError, match="INTAKE_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="INTAKE_SERVICE_TOKEN"):
        Settings(environment="production", secret_key="k" * 40, service_token="short")
    Settings(environment="production", secret_key="k" * 40, service_token="t" * 40)


def test_production_allows_no_origin_unless_configured(monkeypatch):
    secrets = {"secret_key": "k" * 40, "service_token": "t" * 40}
    monkeypatch.delenv("INTAKE_CORS_ORIGINS", raising=False)
    assert Settings(environment="production", **secrets).allowed_origins == []
    assert "http://localhost:8000" in Settings().allowed_origins
    monkeypatch.setenv("INTAKE_CORS_ORIGINS", "https://vagut.se, https://www.vagut.se")
    assert Settings(environment="production", **secrets).allowed_origins == [
        "https://vagut.se",
        "https://www.vagut.se",
    ]


def test_production_defaults_are_the_strong_ones():
    defaults = Settings()
    assert defaults.argon2_memory_kib >= 19456 and defaults.argon2_time_cost >= 2
    assert defaults.wrong_code_delay_seconds >= 1
    assert defaults.retention_days == 90
    assert defaults.pow_difficulty_bits >= 16


def test_the_workspace_address_is_https_or_loopback_and_ends_with_one_slash():
    assert Settings(workspace_url="https://samordnare.example.org").workspace_url == (
        "https://samordnare.example.org/"
    )
    assert (
        Settings(workspace_url="http://127.0.0.1:8001/").workspace_url == "http://127.0.0.1:8001/"
    )
    with pytest.raises(ValueError, match="https"):
        Settings(workspace_url="http://samordnare.example.org/")
