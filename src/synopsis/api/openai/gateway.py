"""The LLM gateway's logic: an OpenAI chat request in, OpenAI-shaped completions or chunks out.

Routing goes through the model registry: configured names and aliases reach their backend; any
other name reaches the default model (and the response's `model` says which ran), unless strict
routing is configured. Prompts that do not fit are refused, never truncated. The HTTP router only
translates; everything a chat call means is decided here.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ...config import Settings
from ...errors import InputError, SynopsisError, UnknownModelError
from ...limits import MAX_NAME_CHARS, MAX_STOP_CHARS, MAX_STOP_SEQUENCES, clean_text
from ...llm.base import ChatBackend, GenerationOptions, Message
from ...llm.registry import ModelRegistry
from ...llm.schemas import check_schema

Text = Annotated[str, AfterValidator(clean_text)]
Stop = Annotated[str, StringConstraints(max_length=MAX_STOP_CHARS), AfterValidator(clean_text)]


class TextPart(BaseModel):
    type: Literal["text"]
    text: Text


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: Text | list[TextPart] | None = None


class JsonSchemaFormat(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = "response"
    schema_: dict[str, Any] = Field(alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatRequest(BaseModel):
    """The fields of OpenAI's chat-completions request that a local model can honour."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    stop: Stop | Annotated[list[Stop], Field(max_length=MAX_STOP_SEQUENCES)] | None = None
    seed: int | None = None
    n: int | None = Field(None, ge=1, le=1)
    stream: bool | None = False
    stream_options: StreamOptions | None = None
    response_format: ResponseFormat | None = None


@dataclass(frozen=True)
class PreparedChat:
    backend: ChatBackend
    messages: list[Message]
    options: GenerationOptions
    completion_id: str
    request_id: str
    created: int


def _content(message: ChatMessage) -> str:
    if message.content is None:
        return ""
    if isinstance(message.content, str):
        return message.content
    return "\n".join(part.text for part in message.content)


class Gateway:
    def __init__(self, registry: ModelRegistry, settings: Settings) -> None:
        self.registry = registry
        self.settings = settings

    def backend_for(self, name: str) -> ChatBackend:
        try:
            return self.registry.backend(name)
        except UnknownModelError:
            if self.settings.gateway_strict_models:
                raise
            return self.registry.backend(None)

    def prepare(self, request: ChatRequest) -> PreparedChat:
        backend = self.backend_for(request.model)
        messages = [
            {"role": "system" if m.role == "developer" else m.role, "content": _content(m)}
            for m in request.messages
        ]
        schema, json_object = None, False
        if request.response_format is not None:
            if request.response_format.type == "json_schema":
                if request.response_format.json_schema is None:
                    raise InputError("response_format json_schema needs a json_schema object")
                schema = request.response_format.json_schema.schema_
                check_schema(schema)  # a recursive or unbounded schema crashed llama.cpp
            json_object = request.response_format.type == "json_object"
        stop = [request.stop] if isinstance(request.stop, str) else request.stop
        max_tokens = (
            request.max_completion_tokens
            or request.max_tokens
            or self.settings.llm_max_output_tokens
        )
        if max_tokens > backend.context_size:
            raise InputError(
                f"max_tokens is too large: {max_tokens}; model {backend.name!r} has a context of "
                f"{backend.context_size} tokens"
            )
        options = GenerationOptions(
            max_tokens=max_tokens,
            temperature=1.0 if request.temperature is None else request.temperature,
            top_p=1.0 if request.top_p is None else request.top_p,
            stop=stop,
            seed=request.seed,
            json_schema=schema,
            json_object=json_object,
        )
        return PreparedChat(
            backend,
            messages,
            options,
            completion_id=f"chatcmpl-{uuid.uuid4().hex}",
            request_id=str(uuid.uuid4()),
            created=int(time.time()),
        )

    def complete(self, chat: PreparedChat) -> dict[str, Any]:
        completion = chat.backend.complete(chat.messages, chat.options)
        return {
            "id": chat.completion_id,
            "object": "chat.completion",
            "created": chat.created,
            "model": completion.model,
            "request_id": chat.request_id,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": completion.text},
                    "finish_reason": completion.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": _usage(completion.usage),
        }

    def stream(self, chat: PreparedChat, include_usage: bool) -> Iterator[dict[str, Any]]:
        """Chunks in OpenAI's order: role, content pieces, finish, then usage if asked."""
        deltas = chat.backend.stream(chat.messages, chat.options)
        first = next(deltas)  # raises here, before any byte is sent, if the prompt cannot run

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": chat.completion_id,
                "object": "chat.completion.chunk",
                "created": chat.created,
                "model": chat.backend.name,
                "request_id": chat.request_id,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        def chunks() -> Iterator[dict[str, Any]]:
            try:
                yield chunk({"role": "assistant", "content": ""})
                for delta in itertools.chain((first,), deltas):
                    if delta.text:
                        yield chunk({"content": delta.text})
                    if delta.finish_reason is not None:
                        yield chunk({}, delta.finish_reason)
                        if include_usage and delta.usage is not None:
                            yield {**chunk({}), "choices": [], "usage": _usage(delta.usage)}
            finally:
                close = getattr(deltas, "close", None)
                if close is not None:  # closing early (the client left) frees the model now
                    close()

        return chunks()


def _usage(usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


async def sse(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    """Server-sent events exactly as both SDKs read them: `data: ` with a space, then [DONE].

    A failure after the first byte can no longer change the status code; it is sent as an
    `error` event, which the OpenAI SDK raises as an APIError.
    """
    try:
        async for event in events:
            yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()
    except SynopsisError as exc:
        error = {
            "error": {"message": str(exc), "type": "server_error", "param": None, "code": None}
        }
        yield f"data: {json.dumps(error)}\n\n".encode()
    yield b"data: [DONE]\n\n"
