"""API keys on every request: `authorization: KEY`, `Bearer KEY` or `Token KEY`."""

from __future__ import annotations

from fastapi import Request

from ..store.keys import authenticate
from .errors import ApiError

_SCHEMES = ("bearer ", "token ")


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "").strip()
    for scheme in _SCHEMES:
        if header.lower().startswith(scheme):
            return header[len(scheme) :].strip() or None
    return header or None


def require_key(request: Request) -> int | None:
    """FastAPI dependency: the caller's key id (None when the server runs without auth)."""
    state = request.app.state
    if not state.auth_required:
        return None
    secret = presented_key(request)
    if secret is None:
        raise ApiError(401, "Authentication error, API token missing")
    key_id = authenticate(state.sessions, secret)
    if key_id is None:
        raise ApiError(401, "Authentication error, API token invalid")
    return key_id
