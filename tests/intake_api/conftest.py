"""Real components only: SQLite files, a throwaway PostgreSQL cluster, an aiosmtpd server."""

import glob
import logging
import os
import pwd
import shutil
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
from intake_api.models import Coordinator
from intake_api.workspace import auth
from tests.intake_api.helpers import (
    PASSWORDS,
    RECOVERY_CODES,
    free_port,
    make_settings,
    serving,
)

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
            ),
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


@pytest.fixture
def settings(database: Database) -> Settings:
    return make_settings(database.url)


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
        ),
        "fallback": coordinators.create_coordinator(
            session,
            settings,
            "fallback",
            "fallback@example.org",
            PASSWORDS["fallback"],
            [],
            is_fallback=True,
        ),
    }
    return {name: coordinator.id for name, coordinator in made.items()}


@pytest.fixture
def second_factors(session: Session, settings: Settings, staff: dict[str, str]) -> dict[str, str]:
    """Every coordinator has enrolled a second factor (username -> TOTP secret), and the
    helpers' login() has their recovery codes."""
    secrets = {}
    for name in staff:
        secrets[name] = auth.enrol_with_password(session, settings, name, PASSWORDS[name])
        coordinator = session.get(Coordinator, staff[name])
        RECOVERY_CODES[name] = auth.new_recovery_codes(session, coordinator)
        session.commit()
    return secrets


@pytest.fixture
def smtp(settings: Settings) -> Iterator[mailcatcher.MailCatcher]:
    controller, catcher = mailcatcher.start(settings.smtp_port)
    try:
        yield catcher
    finally:
        controller.stop()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(name)s %(message)s").format(record))


@pytest.fixture
def live_server(client, settings):
    """A real uvicorn on loopback, configured as in production (intake_api.server)."""
    with serving(app, log_level="debug") as url:
        # Listen to everything after uvicorn configured logging: every logger, every level.
        collector = _Collect()
        logging.getLogger().addHandler(collector)
        logging.getLogger("uvicorn.access").addHandler(collector)
        previous = logging.getLogger().level
        logging.getLogger().setLevel(logging.DEBUG)
        try:
            yield url, collector
        finally:
            logging.getLogger().setLevel(previous)
            logging.getLogger().removeHandler(collector)
            logging.getLogger("uvicorn.access").removeHandler(collector)
