"""The LLM gateway, OpenAI-compatible (`/v1/chat/completions`, `/v1/models`): the request models
and their meaning (`gateway`), and the routes."""

from __future__ import annotations

from typing import Any

from ..errors import Surface
from .routes import router

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    """OpenAI's error object, which its SDK turns into typed exceptions."""
    kind = ERROR_TYPES.get(status, "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


SURFACE = Surface(prefixes=("/v1/chat", "/v1/models"), error_body=error_body)

__all__ = ["SURFACE", "router"]
