"""The small protocol every LLM backend implements, and the values that cross it.

Backends are synchronous and thread-safe: callers fan out with threads, and each backend bounds
its own concurrency (`max_concurrency`) so a pool never oversubscribes the engine behind it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

Message = dict[str, str]

# Per-message framing a chat template adds (role markers, separators); generous on purpose.
MESSAGE_OVERHEAD_TOKENS = 8
PROMPT_OVERHEAD_TOKENS = 32

_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)


def strip_reasoning(text: str) -> str:
    """Drop `<think>…</think>` blocks some models emit before their answer."""
    return _THINK.sub("", text).strip()


@dataclass(frozen=True)
class GenerationOptions:
    """How to sample one completion; `json_schema` asks for output constrained to that schema."""

    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 1.0
    stop: list[str] | None = None
    seed: int | None = None
    json_schema: dict[str, Any] | None = None
    json_object: bool = False


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.calls += other.calls

    def as_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "calls": self.calls,
        }


@dataclass
class Completion:
    text: str
    model: str
    usage: Usage
    finish_reason: str = "stop"
    seconds: float = 0.0


@dataclass
class CompletionDelta:
    """One piece of a streamed completion; the last one carries `finish_reason` and `usage`."""

    text: str = ""
    finish_reason: str | None = None
    usage: Usage | None = field(default=None)


def completion_from_response(body: Any, model: str, started: float) -> Completion:
    """A Completion from an OpenAI-shaped chat response (llama-cpp-python returns the same)."""
    from ..errors import BackendError

    try:
        choice = body["choices"][0]
        text = choice["message"].get("content") or ""
    except (KeyError, IndexError, TypeError) as exc:
        raise BackendError(f"model {model!r}: unexpected response shape") from exc
    usage = body.get("usage") or {}
    return Completion(
        text=text,
        model=model,
        usage=Usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0), 1),
        finish_reason=choice.get("finish_reason") or "stop",
        seconds=time.perf_counter() - started,
    )


@runtime_checkable
class ChatBackend(Protocol):
    """What the summarizer and the HTTP gateway need from any model."""

    name: str
    context_size: int
    max_concurrency: int

    def complete(self, messages: list[Message], options: GenerationOptions) -> Completion: ...

    def stream(
        self, messages: list[Message], options: GenerationOptions
    ) -> Iterator[CompletionDelta]: ...

    def count_tokens(self, text: str) -> int: ...


def count_prompt_tokens(backend: ChatBackend, messages: list[Message]) -> int:
    """Tokens a chat prompt will occupy, including the template's framing."""
    content = sum(backend.count_tokens(m["content"]) for m in messages)
    return content + MESSAGE_OVERHEAD_TOKENS * len(messages) + PROMPT_OVERHEAD_TOKENS
