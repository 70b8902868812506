"""Errors: our exceptions mapped to HTTP statuses, and each response in the shape of the surface
that was called (each surface package declares its `Surface`: prefixes and error body)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    BusyError,
    ContextLengthError,
    InputError,
    ModelUnavailableError,
    QueueUnavailableError,
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
    if isinstance(exc, (ModelUnavailableError, QueueUnavailableError)):
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


ErrorBody = Callable[[int, str, str | None], dict[str, Any]]
"""A surface's error body for (HTTP status, message, machine code)."""


def plain_error(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    """`{"error": "message"}`: the transcript API's shape, and ours."""
    return {"error": message}


@dataclass(frozen=True)
class Surface:
    """An API surface as the error handlers see it: the paths it serves and its error shape.
    Each surface's package declares its own; the app hands the list to `ErrorShapes`."""

    prefixes: tuple[str, ...]
    error_body: ErrorBody = plain_error


class ErrorShapes:
    """Errors in the caller's API style, also for requests no route matched (a 404, or a 401 or
    413 from the guard before routing), hence by path prefix."""

    def __init__(self, surfaces: list[Surface]) -> None:
        self.surfaces = surfaces

    def body(self, path: str, status: int, message: str, code: str | None = None) -> dict:
        for surface in self.surfaces:
            if path.startswith(surface.prefixes):
                return surface.error_body(status, message, code)
        return plain_error(status, message, code)

    def response(
        self, path: str, status: int, message: str, code: str | None = None
    ) -> JSONResponse:
        return JSONResponse(self.body(path, status, message, code), status_code=status)


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


def install_error_handlers(app: FastAPI, shapes: ErrorShapes) -> None:
    error_response = shapes.response

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
