"""Deepgram-compatible text summaries (`/v1/read`) and pre-recorded transcription
(`/v1/listen`)."""

from __future__ import annotations

import uuid
from typing import Any

from ..errors import Surface
from .routes import router

ERROR_CODES = {
    400: "Bad Request",
    401: "INVALID_AUTH",
    404: "NOT_FOUND",
    413: "PAYLOAD_TOO_LARGE",
    429: "TOO_MANY_REQUESTS",
}


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    """Deepgram's error body: a machine code, the message, and a request id."""
    return {
        "err_code": code or ERROR_CODES.get(status, "INTERNAL_SERVER_ERROR"),
        "err_msg": message,
        "request_id": str(uuid.uuid4()),
    }


SURFACE = Surface(prefixes=("/v1/read", "/v1/listen"), error_body=error_body)

__all__ = ["SURFACE", "router"]
