"""The database: one engine per URL, SQLite hardened for deletion, Alembic run from code."""

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _harden_sqlite(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # secure_delete overwrites deleted content instead of leaving it in free pages; WAL lets
    # the worker and the API write at the same time; foreign keys make deletion cascade.
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA secure_delete=ON",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=10000",
        "PRAGMA synchronous=NORMAL",
    ):
        cursor.execute(pragma)
    cursor.close()


@cache
def get_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection per process: SQLite has one writer at a time anyway, and a queue for
        # the connection is fair, where SQLite's busy handler sleeps and retries (slow p99).
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False},
            hide_parameters=True,
            pool_size=1,
            max_overflow=0,
            pool_timeout=30,
        )
        event.listen(engine, "connect", _harden_sqlite)
        return engine
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return create_engine(
        database_url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
    )


@cache
def get_sessionmaker(database_url: str) -> sessionmaker:
    return sessionmaker(get_engine(database_url), expire_on_commit=False)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (from empty, or from any earlier revision)."""
    command.upgrade(alembic_config(database_url), revision)
