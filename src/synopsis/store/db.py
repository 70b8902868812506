"""The database: an engine for the configured URL, migrated to the latest schema on open."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from ..files import FILE_MODE, private_dir

MIGRATIONS = Path(__file__).with_name("migrations")
# Per process, for PostgreSQL: the API's request threads and the workers share one pool.
# 10 + 20 overflow stays well under PostgreSQL's default 100 connections for three processes.
POOL_SIZE = 10
POOL_OVERFLOW = 20


def contains(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching values that contain `text`."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _json_text(value: object) -> str:
    """JSON columns keep non-ASCII text as written, so a search for "Müller" finds it."""
    return json.dumps(value, ensure_ascii=False)


def _sqlite_pragmas(connection, _record) -> None:
    """WAL lets readers run beside the one writer; busy_timeout waits instead of failing."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is current)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def private_sqlite_file(path: Path) -> None:
    """The database, its folder and its -wal/-shm files readable by this user only.

    SQLite gives the -wal and -shm files the database file's mode, so creating the database
    0600 (and tightening one made by an older version) covers all three.
    """
    private_dir(path.parent)
    path.touch(mode=FILE_MODE, exist_ok=True)
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            companion.chmod(FILE_MODE)


def open_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        private_sqlite_file(Path(url.removeprefix("sqlite:///")))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=_json_text,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:  # a server database: pooled, each connection checked before use after a restart
        engine = create_engine(
            url,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            pool_pre_ping=True,
            json_serializer=_json_text,
        )
    migrate(engine)
    return engine


@lru_cache(maxsize=4)
def sessions(url: str) -> sessionmaker[Session]:
    """One migrated engine and session factory per database URL, per process."""
    return sessionmaker(open_engine(url), expire_on_commit=False)
