"""What every surface reads from the app: the server's runtime (settings, models, stores)."""

from __future__ import annotations

from fastapi import Request

from ..runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime
