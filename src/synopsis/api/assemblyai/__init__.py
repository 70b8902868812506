"""The transcript API, AssemblyAI-compatible (`/v2`): request schemas (`schemas`), the mapping of
its options onto our workflows (`mapping`), and the routes; errors are `{"error": "..."}`."""

from ..errors import Surface, plain_error
from .routes import router

SURFACE = Surface(prefixes=("/v2",), error_body=plain_error)

__all__ = ["SURFACE", "router"]
