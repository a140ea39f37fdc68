"""Real components only: SQLite files, a throwaway PostgreSQL cluster, an aiosmtpd server."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from intake_api import coordinators, mailcatcher
from intake_api.config import Settings, get_settings
from intake_api.db import get_engine, get_sessionmaker, migrate
from intake_api.main import app

SERVICE_TOKEN = "test-service-token-0123456789abcdef"
PASSWORDS = {"haninge": "pw-haninge", "osteraker": "pw-osteraker", "fallback": "pw-fallback"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class PostgresServer:
    bin_dir: Path
    port: int
    socket_dir: Path

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str) -> None:
        self.run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                 "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql)  # fmt: skip

    def dump(self, database: str) -> bytes:
        return self.run("pg_dump", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        database).stdout  # fmt: skip

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin_dir / program), *args], check=True, capture_output=True, timeout=60
        )


def _postgres_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        pytest.fail(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): install "
            "Debian's postgresql package (scripts/setup does)",
            pytrace=False,
        )
    return Path(candidates[-1]).parent


def _as_postgres_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: then run it as the postgres system user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _postgres_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="vagut-pg-", dir="/tmp"))
    data_dir = root / "data"
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    port = free_port()
    log_file = root / "server.log"

    def as_postgres(*args: str) -> None:
        subprocess.run(_as_postgres_user(list(args)), check=True, capture_output=True, timeout=120)

    as_postgres(str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-o", options,
                "-l", str(log_file), "-w", "start")  # fmt: skip
    try:
        yield PostgresServer(bin_dir, port, root)
    finally:
        subprocess.run(
            _as_postgres_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"]
            ),  # fmt: skip
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- a database per test


@dataclass
class Database:
    url: str
    kind: str
    sqlite_path: Path | None = None
    postgres: PostgresServer | None = None
    name: str | None = None

    def raw_bytes(self) -> bytes:
        """Everything the database holds, as a thief would get it: the files, or a dump."""
        if self.sqlite_path is not None:
            files = sorted(self.sqlite_path.parent.glob(self.sqlite_path.name + "*"))
            return b"".join(path.read_bytes() for path in files)
        return self.postgres.dump(self.name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "intake.db"
        db = Database(url=f"sqlite:///{path}", kind="sqlite", sqlite_path=path)
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        name = f"t_{uuid.uuid4().hex[:12]}"
        server.psql(f"CREATE DATABASE {name}")
        db = Database(url=server.url(name), kind="postgres", postgres=server, name=name)
    migrate(db.url)
    yield db
    get_engine(db.url).dispose()


def test_settings(database_url: str, **overrides: object) -> Settings:
    values = {
        "database_url": database_url,
        "environment": "development",
        "secret_key": "test-secret-key-0123456789abcdef0123456789",
        "service_token": SERVICE_TOKEN,
        # Fast in tests only; production keeps the defaults (see test_settings.py).
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "wrong_code_delay_seconds": 0,
        "form_min_seconds": 0,
        "pow_difficulty_bits": 8,
        "smtp_port": free_port(),
        "smtp_timeout_seconds": 2,
    }
    return Settings(**{**values, **overrides})


test_settings.__test__ = False  # a helper, not a test


@pytest.fixture
def settings(database: Database) -> Settings:
    return test_settings(database.url)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with get_sessionmaker(settings.database_url)() as db_session:
        yield db_session


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app.dependency_overrides[get_settings] = lambda: settings
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def staff(session: Session, settings: Settings) -> dict[str, str]:
    """Coordinators for Haninge and Österåker, and a fallback; username -> id."""
    made = {
        "haninge": coordinators.create_coordinator(
            session, settings, "haninge", "haninge@example.org", PASSWORDS["haninge"], ["0136"]
        ),
        "osteraker": coordinators.create_coordinator(
            session,
            settings,
            "osteraker",
            "osteraker@example.org",
            PASSWORDS["osteraker"],
            ["0117"],
        ),  # fmt: skip
        "fallback": coordinators.create_coordinator(
            session,
            settings,
            "fallback",
            "fallback@example.org",
            PASSWORDS["fallback"],
            [],
            is_fallback=True,
        ),  # fmt: skip
    }
    return {name: coordinator.id for name, coordinator in made.items()}


@pytest.fixture
def smtp(settings: Settings) -> Iterator[mailcatcher.MailCatcher]:
    controller, catcher = mailcatcher.start(settings.smtp_port)
    try:
        yield catcher
    finally:
        controller.stop()


# ---------------------------------------------------------------- helpers for tests


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


def login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post(
        "/api/v1/coordinator/login", json={"username": username, "password": PASSWORDS[username]}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
