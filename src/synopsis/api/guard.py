"""Checks that run before any request body is read: the API key, then the body's size.

FastAPI reads and parses a JSON body before it resolves dependencies, so a key checked in a
dependency comes too late: a 200 MB body without a key was read and parsed into memory first.
This middleware answers 401 from the headers alone, refuses a declared Content-Length over the
limit with 413, and counts the bytes of bodies that do not declare one, failing at the limit.
Raw media bodies (`POST /v2/upload`, audio to `/v1/listen`) get the upload limit; all others the
JSON limit (`SYNOPSIS_MAX_JSON_BYTES`).
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings
from ..store.keys import lookup
from .auth import presented_key
from .errors import ErrorShapes

PROTECTED = ("/v1/", "/v2/", "/api/")
MEDIA_BODIES = ("/v2/upload", "/v1/listen")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body passes its limit; shaped per surface like any 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the limit of {limit} bytes")


class RequestGuard:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        sessions: Any,
        auth_required: bool,
        errors: ErrorShapes,
    ) -> None:
        self.app = app
        self.errors = errors
        self.settings = settings
        self.sessions = sessions
        self.auth_required = auth_required

    def body_limit(self, path: str, headers: dict[str, str]) -> int:
        content_type = headers.get("content-type", "").lower()
        media = path.startswith(MEDIA_BODIES) and not content_type.startswith("application/json")
        return self.settings.upload_max_bytes if media else self.settings.max_json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        state = scope.setdefault("state", {})
        state["key_id"] = None
        if self.auth_required:
            secret = presented_key(headers.get("authorization", ""))
            if secret is None:
                await self.errors.response(path, 401, "Authentication error, API token missing")(
                    scope, receive, send
                )
                return
            # On the event loop, not a thread: an indexed lookup takes well under a millisecond,
            # and requests keep their arrival order up to the model's FIFO queue.
            key_id, revoked = lookup(self.sessions, secret)
            if key_id is None or revoked:
                problem = "revoked" if revoked else "invalid"
                await self.errors.response(path, 401, f"Authentication error, API token {problem}")(
                    scope, receive, send
                )
                return
            state["key_id"] = key_id
        limit = self.body_limit(path, headers)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            message = f"the request body of {int(declared)} bytes is over the limit of {limit}"
            await self.errors.response(path, 413, message)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)
