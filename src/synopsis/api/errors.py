"""Errors in each surface's own shape, decided in one place by the request path.

- transcript API (`/v2`) and native API (`/api`): `{"error": "message"}`
- OpenAI gateway (`/v1/chat`, `/v1/models`): `{"error": {"message", "type", "param", "code"}}`
- Deepgram (`/v1/read`, `/v1/listen`): `{"err_code", "err_msg", "request_id"}`
"""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    BusyError,
    ContextLengthError,
    InputError,
    ModelUnavailableError,
    SynopsisError,
    UnknownModelError,
)

log = logging.getLogger("synopsis.api")


class ApiError(Exception):
    """An HTTP error with a message for the caller; `code` is the surface's machine code."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def status_for(exc: SynopsisError) -> int:
    if isinstance(exc, (InputError, UnknownModelError)):
        return 400
    if isinstance(exc, ModelUnavailableError):
        return 503
    if isinstance(exc, BusyError):
        return 429
    return 500


def code_for(exc: SynopsisError) -> str | None:
    if isinstance(exc, ContextLengthError):
        return "context_length_exceeded"
    if isinstance(exc, UnknownModelError):
        return "model_not_found"
    return None


_OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}
_DEEPGRAM_CODES = {
    400: "Bad Request",
    401: "INVALID_AUTH",
    404: "NOT_FOUND",
    413: "PAYLOAD_TOO_LARGE",
    429: "TOO_MANY_REQUESTS",
}


def error_response(path: str, status: int, message: str, code: str | None = None) -> JSONResponse:
    if path.startswith(("/v1/chat", "/v1/models")):
        body: dict = {
            "error": {
                "message": message,
                "type": _OPENAI_TYPES.get(status, "server_error"),
                "param": None,
                "code": code,
            }
        }
    elif path.startswith(("/v1/read", "/v1/listen")):
        body = {
            "err_code": code or _DEEPGRAM_CODES.get(status, "INTERNAL_SERVER_ERROR"),
            "err_msg": message,
            "request_id": str(uuid.uuid4()),
        }
    else:
        body = {"error": message}
    return JSONResponse(body, status_code=status)


def describe_validation(exc: RequestValidationError) -> str:
    """`field: problem` for each invalid field, in the order pydantic found them."""
    problems = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"] if part not in ("body", "query"))
        message = error["msg"]
        if error["type"] == "json_invalid":
            detail = error.get("ctx", {}).get("error", message)
            return f"the request body is not valid JSON: {detail}"
        if error["type"] == "missing" and not location:
            return "the request body is missing"
        problems.append(f"{location}: {message}" if location else message)
    return "; ".join(problems)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(request.url.path, exc.status, exc.message, exc.code)

    @app.exception_handler(SynopsisError)
    async def synopsis_error(request: Request, exc: SynopsisError) -> JSONResponse:
        return error_response(request.url.path, status_for(exc), str(exc), code_for(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(request.url.path, 400, describe_validation(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        """A bug: logged with its traceback; the client gets its surface's shape, no details."""
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request.url.path, 500, "Internal server error")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Not found", 405: "Method not allowed"}
        message = exc.detail if isinstance(exc.detail, str) else ""
        return error_response(
            request.url.path, exc.status_code, message or messages.get(exc.status_code, "error")
        )
