"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .helpers import LoopbackServer


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def registry():
    """The built-in models, loaded at most once per test session."""
    from synopsis.config import Settings
    from synopsis.llm.registry import ModelRegistry

    return ModelRegistry(Settings())


@pytest.fixture(scope="session")
def fast(registry):
    """The 0.5B embedded model: quick enough for behaviour tests."""
    return registry.backend("fast")


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server on loopback for the whole session."""
    from .services import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    """A real Redis server on loopback for the whole session."""
    from .services import RedisServer

    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bucket_server():
    """An S3-compatible endpoint on loopback with one bucket, for the whole session."""
    from .services import BucketServer

    server = BucketServer().start()
    yield server
    server.stop()
