"""Our own API (`/api`): summary jobs, evaluations, history, media, info; what the playground
uses. Errors are `{"error": "..."}`."""

from ..errors import Surface, plain_error
from .routes import router

SURFACE = Surface(prefixes=("/api",), error_body=plain_error)

__all__ = ["SURFACE", "router"]
