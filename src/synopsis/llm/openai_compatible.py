"""Any OpenAI-compatible chat server (vLLM, Ollama, llama.cpp server, hosted providers).

Retries 429 and 5xx responses and connection failures with exponential backoff (honouring
`Retry-After`), and bounds in-flight requests per backend with a semaphore.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from ..config import ModelSpec, Settings
from ..errors import BackendError, ContextLengthError
from .base import (
    Completion,
    CompletionDelta,
    GenerationOptions,
    Message,
    Usage,
    completion_from_response,
)

DEFAULT_UPSTREAM_CONTEXT = 8192
# Without the server's tokenizer, assume ~3 characters a token: pessimistic for English, so
# chunks stay inside the real context rather than overflowing it.
CHARS_PER_TOKEN = 3.0
RETRYABLE = {408, 409, 429, 500, 502, 503, 504}


class UpstreamStatusError(BackendError):
    """The upstream answered with a non-retryable (or finally failing) HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class OpenAICompatibleBackend:
    """A remote model reached over `POST {base_url}/chat/completions`."""

    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        if not spec.base_url:
            raise BackendError(f"model {spec.name!r}: an openai backend needs base_url")
        self.spec = spec
        self.name = spec.name
        self.upstream_model = spec.upstream_model or spec.name
        self.context_size = spec.context or DEFAULT_UPSTREAM_CONTEXT
        self.max_concurrency = spec.max_concurrency or settings.upstream_concurrency
        self.retries = settings.upstream_retries
        headers = {"user-agent": "synopsis"}
        if spec.api_key is not None:
            headers["authorization"] = f"Bearer {spec.api_key.get_secret_value()}"
        self._client = httpx.Client(
            base_url=spec.base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(settings.upstream_timeout, connect=10.0),
        )
        self._slots = threading.BoundedSemaphore(self.max_concurrency)
        # OpenAI's {"type": "json_schema"} first; servers that reject it (llama-cpp-python's)
        # take {"type": "json_object", "schema": ...}, remembered after the first refusal.
        self._schema_dialect = "json_schema"

    def healthy(self, timeout: float) -> bool:
        """Whether the server answers `GET /models` (a pool's probe of a member it marked down)."""
        try:
            return self._client.get("/models", timeout=timeout).status_code < 500
        except httpx.HTTPError:
            return False

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def _payload(self, messages: list[Message], options: GenerationOptions) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.upstream_model,
            "messages": messages,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
        }
        if options.stop:
            payload["stop"] = options.stop
        if options.seed is not None:
            payload["seed"] = options.seed
        if options.json_schema is not None and self._schema_dialect == "json_object":
            payload["response_format"] = {"type": "json_object", "schema": options.json_schema}
        elif options.json_schema is not None:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": options.json_schema, "strict": True},
            }
        elif options.json_object:
            payload["response_format"] = {"type": "json_object"}
        return payload

    def _send(self, payload: dict[str, Any], stream: bool = False) -> httpx.Response:
        """POST with retries; returns an open response (the caller closes it)."""
        delay = 1.0
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                request = self._client.build_request("POST", "/chat/completions", json=payload)
                response = self._client.send(request, stream=stream)
            except httpx.TransportError as exc:
                if last:
                    raise BackendError(
                        f"model {self.name!r}: upstream {self.spec.base_url} unreachable: {exc}"
                    ) from exc
            else:
                if response.status_code < 400:
                    return response
                response.read()
                # An error about the request's shape is not transient, whatever its status.
                shape_error = b"response_format" in response.content
                if response.status_code not in RETRYABLE or last or shape_error:
                    raise _upstream_error(self.name, response)
                retry_after = response.headers.get("retry-after", "")
                response.close()
                if retry_after.replace(".", "", 1).isdigit():
                    delay = max(delay, float(retry_after))
            time.sleep(min(delay, 30.0))
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(
        self, messages: list[Message], options: GenerationOptions, stream: bool = False
    ) -> httpx.Response:
        def payload() -> dict[str, Any]:
            body = self._payload(messages, options)
            if stream:
                body["stream"] = True
                body["stream_options"] = {"include_usage": True}
            return body

        try:
            return self._send(payload(), stream=stream)
        except UpstreamStatusError as exc:
            rejected_format = exc.status in (400, 422) or "response_format" in str(exc)
            if not (
                options.json_schema is not None
                and self._schema_dialect == "json_schema"
                and rejected_format
            ):
                raise
            self._schema_dialect = "json_object"
            return self._send(payload(), stream=stream)

    def complete(self, messages: list[Message], options: GenerationOptions) -> Completion:
        started = time.perf_counter()
        with self._slots:
            response = self._post(messages, options)
            try:
                body = response.json()
            except ValueError as exc:
                raise BackendError(f"model {self.name!r}: upstream sent invalid JSON") from exc
        return completion_from_response(body, self.name, started)

    def stream(
        self, messages: list[Message], options: GenerationOptions
    ) -> Iterator[CompletionDelta]:
        with self._slots:
            response = self._post(messages, options, stream=True)
            usage = Usage(calls=1)
            finish: str | None = None
            try:
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    chunk = json.loads(data)
                    if chunk.get("usage"):
                        usage.prompt_tokens = chunk["usage"].get("prompt_tokens", 0)
                        usage.completion_tokens = chunk["usage"].get("completion_tokens", 0)
                    for choice in chunk.get("choices") or []:
                        finish = choice.get("finish_reason") or finish
                        text = (choice.get("delta") or {}).get("content") or ""
                        if text:
                            yield CompletionDelta(text=text)
            finally:
                response.close()
        yield CompletionDelta(finish_reason=finish or "stop", usage=usage)


def _upstream_error(model: str, response: httpx.Response) -> Exception:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    message = error.get("message") if isinstance(error, dict) else str(error)
    message = message or response.text[:300]
    code = error.get("code") if isinstance(error, dict) else None
    lowered = (message or "").lower()
    if code == "context_length_exceeded" or (
        "context" in lowered and ("length" in lowered or "window" in lowered)
    ):
        return ContextLengthError(f"model {model!r}: {message}")
    return UpstreamStatusError(
        f"model {model!r}: upstream answered {response.status_code}: {message}",
        response.status_code,
    )
