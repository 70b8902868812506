"""API keys: `authorization: KEY`, `Bearer KEY` or `Token KEY`, checked by `guard.RequestGuard`
before the body is read; routes read the result with the `require_key` dependency."""

from __future__ import annotations

from fastapi import Request

_SCHEMES = ("bearer ", "token ")


def presented_key(header: str) -> str | None:
    header = header.strip()
    for scheme in _SCHEMES:
        if header.lower().startswith(scheme):
            return header[len(scheme) :].strip() or None
    return header or None


def require_key(request: Request) -> int | None:
    """FastAPI dependency: the caller's key id (None when the server runs without auth)."""
    return request.state.key_id
