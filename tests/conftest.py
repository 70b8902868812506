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
