"""Errors in each surface's own shape: the transcript API answers `{"error": "..."}`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError, ModelUnavailableError, SynopsisError, UnknownModelError


class ApiError(Exception):
    """An HTTP error with a message for the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def status_for(exc: SynopsisError) -> int:
    if isinstance(exc, (InputError, UnknownModelError)):
        return 400
    if isinstance(exc, ModelUnavailableError):
        return 503
    return 500


def describe_validation(exc: RequestValidationError) -> str:
    """`field: problem` for each invalid field, in the order pydantic found them."""
    problems = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"] if part not in ("body", "query"))
        message = error["msg"]
        if error["type"] == "json_invalid":
            return (
                f"the request body is not valid JSON: {error.get('ctx', {}).get('error', message)}"
            )
        if error["type"] == "missing" and not location:
            return "the request body is missing"
        problems.append(f"{location}: {message}" if location else message)
    return "; ".join(problems)


def install_error_handlers(app: FastAPI) -> None:
    def body(request: Request, status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return body(request, exc.status, exc.message)

    @app.exception_handler(SynopsisError)
    async def synopsis_error(request: Request, exc: SynopsisError) -> JSONResponse:
        return body(request, status_for(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return body(request, 400, describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Not found", 405: "Method not allowed"}
        message = exc.detail if isinstance(exc.detail, str) else messages.get(exc.status_code, "")
        return body(request, exc.status_code, message or messages.get(exc.status_code, "error"))
