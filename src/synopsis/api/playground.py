"""The playground page at `/`: static files, no build step, nothing from another host.

The page is a client of the public APIs with the key the user types in; it gets no privilege
from being served here. The content security policy makes "no asset from another host" a rule
the browser enforces, not just a habit of the page's author.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

WEB = Path(__file__).resolve().parent.parent / "web"
POLICY = (
    "default-src 'self'; media-src 'self' blob:; img-src 'self' data: blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
)
HEADERS = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}

router = APIRouter()


@router.get("/", include_in_schema=False)
def page() -> FileResponse:
    return FileResponse(WEB / "index.html", media_type="text/html", headers=HEADERS)


class _StaticWithPolicy(StaticFiles):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
            await send(message)

        await super().__call__(scope, receive, with_headers)


def static_files() -> StaticFiles:
    return _StaticWithPolicy(directory=WEB)
