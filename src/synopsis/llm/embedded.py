"""In-process llama.cpp (llama-cpp-python) with weights from a local GGUF or packaged parts.

The model loads lazily on first use and stays loaded. `llm_parallel` instances share the
memory-mapped weights (only the KV cache is per instance), so on a machine with spare cores a
map step can run that many chunks at once; callers beyond that wait their turn in FIFO order.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..config import ModelSpec, Settings
from ..errors import BackendError, ContextLengthError, ModelUnavailableError
from ..weights import assemble
from .base import (
    Completion,
    CompletionDelta,
    GenerationOptions,
    Message,
    Usage,
    completion_from_response,
    count_prompt_tokens,
)

MIN_OUTPUT_TOKENS = 16


class _Waiter:
    """A caller waiting for a model instance; the releasing caller hands it over."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.instance: Any = None


def _import_llama() -> Any:
    try:
        from llama_cpp import Llama
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ModelUnavailableError(
            "llama-cpp-python is not installed; `pip install -e .` builds it (needs cmake and a "
            "C++ compiler)"
        ) from exc
    return Llama


class EmbeddedBackend:
    """A GGUF chat model run in this process."""

    def __init__(
        self,
        spec: ModelSpec,
        settings: Settings,
        on_assemble: Callable[[int, int], None] | None = None,
    ) -> None:
        self.spec = spec
        self.settings = settings
        self.name = spec.name
        self.context_size = spec.context or settings.llm_context
        self.max_concurrency = spec.max_concurrency or settings.llm_parallel
        self._on_assemble = on_assemble
        self._free: deque[Any] = deque()
        self._waiting: deque[_Waiter] = deque()
        self._created = 0
        self._lock = threading.Lock()
        self._tokenizer: Any = None

    # -- loading -----------------------------------------------------------------------------

    def model_path(self) -> Path:
        """The GGUF file, assembling it from packaged parts into the cache on first use."""
        if self.spec.path is not None:
            path = Path(self.spec.path).expanduser()
            if not path.is_file():
                raise ModelUnavailableError(f"model {self.name!r}: GGUF file {path} not found")
            return path
        if not (self.spec.parts and self.spec.sha256):
            raise ModelUnavailableError(f"model {self.name!r} has neither a path nor parts")
        target = self.settings.cache_dir / "models" / (self.spec.filename or f"{self.name}.gguf")
        return assemble(self.spec.parts, target, self.spec.sha256, self._on_assemble)

    def _load(self, **overrides: Any) -> Any:
        llama_class = _import_llama()
        kwargs: dict[str, Any] = {
            "model_path": str(self.model_path()),
            "n_ctx": self.context_size,
            "n_threads": self.settings.llm_threads,
            "n_threads_batch": self.settings.llm_batch_threads,
            "seed": self.settings.llm_seed,
            "verbose": False,
        }
        kwargs.update(overrides)
        try:
            return llama_class(**kwargs)
        except (ValueError, RuntimeError) as exc:
            raise ModelUnavailableError(f"model {self.name!r} failed to load: {exc}") from exc

    @contextmanager
    def _instance(self) -> Iterator[Any]:
        """Borrow a loaded model, creating one while under the parallel limit, else waiting.

        Strictly first come, first served: a returned instance goes straight to the longest
        waiting caller, so a newcomer can never take it first.
        """
        llama = None
        waiter: _Waiter | None = None
        with self._lock:
            if self._free:
                llama = self._free.popleft()
            elif self._created < self.max_concurrency:
                self._created += 1
                try:
                    llama = self._load()
                except Exception:
                    self._created -= 1
                    raise
                if self._tokenizer is None:
                    self._tokenizer = llama
            else:
                waiter = _Waiter()
                self._waiting.append(waiter)
        if waiter is not None:
            waiter.ready.wait()
            llama = waiter.instance
        try:
            yield llama
        finally:
            with self._lock:
                if self._waiting:
                    handed = self._waiting.popleft()
                    handed.instance = llama
                    handed.ready.set()
                else:
                    self._free.append(llama)

    def warm_up(self) -> None:
        """Load the model now rather than on the first request."""
        with self._instance():
            pass

    # -- tokens ------------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """Tokens by the model's own tokenizer (read-only, so safe beside a running call)."""
        if self._tokenizer is None:
            self.warm_up()
        return len(self._tokenizer.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _output_budget(self, messages: list[Message], options: GenerationOptions) -> int:
        prompt_tokens = count_prompt_tokens(self, messages)
        room = self.context_size - prompt_tokens
        if room < MIN_OUTPUT_TOKENS:
            raise ContextLengthError(
                f"the prompt needs about {prompt_tokens} tokens but model {self.name!r} has a "
                f"context of {self.context_size} tokens"
            )
        return min(options.max_tokens, room)

    # -- generation --------------------------------------------------------------------------

    def _request(self, messages: list[Message], options: GenerationOptions) -> dict[str, Any]:
        request: dict[str, Any] = {
            "messages": messages,
            "max_tokens": self._output_budget(messages, options),
            "temperature": options.temperature,
            "top_p": options.top_p,
            "stop": options.stop or [],
        }
        if options.seed is not None:
            request["seed"] = options.seed
        if options.json_schema is not None:
            request["response_format"] = {"type": "json_object", "schema": options.json_schema}
        elif options.json_object:
            request["response_format"] = {"type": "json_object"}
        return request

    def complete(self, messages: list[Message], options: GenerationOptions) -> Completion:
        request = self._request(messages, options)
        started = time.perf_counter()
        with self._instance() as llama:
            try:
                response = llama.create_chat_completion(**request)
            except ValueError as exc:
                raise _translate(exc, self.name) from exc
        return completion_from_response(response, self.name, started)

    def stream(
        self, messages: list[Message], options: GenerationOptions
    ) -> Iterator[CompletionDelta]:
        request = self._request(messages, options)
        with self._instance() as llama:
            try:
                chunks = llama.create_chat_completion(stream=True, **request)
                pieces: list[str] = []
                finish: str | None = None
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    text = choice.get("delta", {}).get("content") or ""
                    finish = choice.get("finish_reason") or finish
                    if text:
                        pieces.append(text)
                        yield CompletionDelta(text=text)
                completion_tokens = self.count_tokens("".join(pieces))
                prompt_tokens = max(0, llama.n_tokens - completion_tokens)
            except ValueError as exc:
                raise _translate(exc, self.name) from exc
        yield CompletionDelta(
            finish_reason=finish or "stop",
            usage=Usage(prompt_tokens, completion_tokens, 1),
        )


def _translate(exc: ValueError, model: str) -> Exception:
    message = str(exc)
    if "exceed context window" in message:
        return ContextLengthError(f"model {model!r}: {message}")
    return BackendError(f"model {model!r} failed: {message}")
