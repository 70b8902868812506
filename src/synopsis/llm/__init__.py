"""LLM backends behind one protocol, and the registry that names them."""

from .base import (
    ChatBackend,
    Completion,
    CompletionDelta,
    GenerationOptions,
    Message,
    Usage,
    strip_reasoning,
)
from .registry import ModelRegistry, get_registry

__all__ = [
    "ChatBackend",
    "Completion",
    "CompletionDelta",
    "GenerationOptions",
    "Message",
    "ModelRegistry",
    "Usage",
    "get_registry",
    "strip_reasoning",
]
