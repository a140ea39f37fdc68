"""One validated Settings object, read from INTAKE_* environment variables."""

import hashlib
import secrets
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, ValidationError, computed_field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
PLACEHOLDERS = ("changethis", "changeme")
DEVELOPMENT_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")


def strong_secret(value: str | None) -> bool:
    """At least 32 characters, not built from a placeholder, not one character repeated."""
    if not value or len(value) < 32 or len(set(value)) < 8:
        return False
    return not any(placeholder in value.lower() for placeholder in PLACEHOLDERS)


def _comma_separated(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    # hide_input_in_errors: a refused secret is never echoed into a log or a terminal.
    model_config = SettingsConfigDict(
        env_prefix="INTAKE_", extra="ignore", hide_input_in_errors=True
    )

    # Production unless development is chosen explicitly (scripts/run and intake_api.dev do):
    # a service started without configuration must refuse, not run with known secrets.
    environment: Literal["development", "production"] = "production"
    database_url: str = f"sqlite:///{VAR_DIR / 'intake.db'}"

    # Secrets. secret_key signs challenges and form tokens and peppers the receipt-code KDF:
    # rotating it invalidates every live receipt code. Unset in development: random per start.
    secret_key: str | None = None
    service_token: str | None = None  # the chatbot's action server sends it as a Bearer token

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "vag-ut <no-reply@localhost>"
    # The service's public address, named in notifications: each links to its intake in the
    # coordinators' workspace (<workspace_url>workspace/intake/<reference>, login first).
    workspace_url: str = "http://127.0.0.1:8001/"

    # Comma-separated in the environment. Empty means: development origins in development,
    # nothing in production.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # argon2id for receipt codes and coordinator passwords (OWASP's minimum: t=2, 19 MiB).
    # Tests lower these; production keeps them. Changing them invalidates live receipt codes.
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_memory_kib: int = Field(default=19456, ge=8)

    # Abuse limits, none of which looks at who is asking, and none of which refuses a person
    # for what others did (see limits.py): the price of a request rises with the recent load.
    pow_difficulty_bits: int = Field(default=16, ge=0, le=32)  # ~65 000 hashes when calm
    # At most 16 times dearer: 16 + 4 bits is about a million hashes, seconds on a laptop and
    # under a minute on a cheap phone; more would price people out before flooders.
    pow_max_extra_bits: int = Field(default=4, ge=0, le=12)
    pow_slack_bits: int = Field(default=2, ge=0)  # a proof begun before the price rose counts
    calm_intakes_per_minute: int = Field(default=10, ge=1)  # nationally; far above real use
    calm_wrong_codes_per_minute: int = Field(default=10, ge=1)
    challenge_ttl_seconds: int = 600
    form_min_seconds: float = 3.0  # a form filled faster than this was filled by a program
    form_max_wait_seconds: float = 60.0  # the most the form's wait grows to under load
    # The check-back form's wait: a receipt code is pasted in a second, so less, and less growth.
    check_min_seconds: float = 1.0
    check_max_wait_seconds: float = 15.0
    form_ttl_seconds: int = 3600
    # Storage ceilings (about 5 KB an intake), one for each way in, so that a flood through one
    # cannot take the room of the others.
    max_intakes_per_day_with_proof: int = Field(default=50_000, ge=1)
    max_intakes_per_day_from_chat: int = Field(default=50_000, ge=1)
    max_intakes_per_day_from_form: int = Field(default=50_000, ge=1)
    # Beyond this many first contacts for one municipality in an hour, the next are marked as
    # arrived in a burst; beyond this many notifications in an hour, a coordinator gets one
    # digest at the end of the hour instead of a mail each.
    burst_intakes_per_hour: int = Field(default=5, ge=1)
    notifications_per_hour: int = Field(default=3, ge=0)
    max_body_bytes: int = 65536

    retention_days: int = Field(default=90, ge=1)
    retention_warning_days: int = Field(default=7, ge=0)
    session_hours: int = 8
    timezone: str = "Europe/Stockholm"  # what "the next working day" means
    working_day_starts_hour: int = 8

    worker_interval_seconds: float = 1.0  # a cheap indexed poll; keeps intake-to-mail short
    outbox_max_backoff_seconds: int = 900

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        return _comma_separated(value)

    @field_validator("workspace_url")
    @classmethod
    def _workspace_over_https(cls, value: str) -> str:
        """Links are built as <workspace_url>workspace/...: one trailing slash. The session
        cookie is Secure, so browsers keep it only over https, or plain http on loopback."""
        value = value.rstrip("/") + "/"
        loopback = value.startswith(("http://127.0.0.1", "http://localhost"))
        if not (value.startswith("https://") or loopback):
            raise ValueError("INTAKE_WORKSPACE_URL must be https:// (or http:// on 127.0.0.1)")
        return value

    @model_validator(mode="after")
    def _secrets_that_nobody_else_knows(self) -> Self:
        """Production refuses unset, placeholder or short secrets; development makes random
        ones for this start when unset, so that no known value ever works anywhere."""
        for name in ("secret_key", "service_token"):
            value = getattr(self, name)
            if self.environment == "development" and not value:
                setattr(self, name, secrets.token_hex(32))
            elif self.environment != "development" and not strong_secret(value):
                raise ValueError(
                    f"INTAKE_{name.upper()} must be set to a random value of at least 32 "
                    f"characters in {self.environment} (for example: openssl rand -hex 32); "
                    "for a development service set INTAKE_ENVIRONMENT=development"
                )
        return self

    @computed_field
    @property
    def allowed_origins(self) -> list[str]:
        if self.cors_origins or self.environment == "production":
            return self.cors_origins
        return list(DEVELOPMENT_ORIGINS)

    def derived_key(self, purpose: str) -> bytes:
        """A separate 32-byte key per purpose, so one use of secret_key never helps another."""
        return hashlib.blake2b(
            purpose.encode(), key=str(self.secret_key).encode()[:64], digest_size=32
        ).digest()


@cache
def get_settings() -> Settings:
    """The settings from the environment; a refusal stops the process with its reasons."""
    try:
        return Settings()
    except ValidationError as error:
        reasons = "\n".join(f"  - {item['msg'].removeprefix('Value error, ')}"
                            for item in error.errors())  # fmt: skip
        raise SystemExit(f"intake service: refusing to start:\n{reasons}") from None
