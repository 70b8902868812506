"""The LLM gateway (OpenAI-compatible): chat completions, plain and streamed, and the model list.

Model calls wait their turn on the backend's FIFO queue (`concurrency.ModelTurns`), so requests
run in arrival order and waiting requests hold no thread that health checks and reads need.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from ..auth import require_key
from ..concurrency import ModelTurns
from .gateway import ChatRequest, Gateway, sse

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)])


def gateway_of(request: Request) -> Gateway:
    return request.app.state.gateway


def turns_of(request: Request) -> ModelTurns:
    return request.app.state.model_turns


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: ChatRequest, request: Request
) -> dict[str, Any] | StreamingResponse:
    gateway = gateway_of(request)
    chat = gateway.prepare(body)
    if not body.stream:
        return await turns_of(request).run_model(chat.backend, gateway.complete, chat)
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    events = await turns_of(request).stream(
        chat.backend, lambda: gateway.stream(chat, include_usage), request
    )
    return StreamingResponse(
        sse(events),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-request-id": chat.request_id},
    )


@router.get("/models")
def list_models(request: Request) -> dict[str, Any]:
    registry = gateway_of(request).registry
    created = int(time.time())
    return {
        "object": "list",
        "data": [
            {
                "id": spec.name,
                "object": "model",
                "created": created,
                "owned_by": "synopsis",
                "aliases": spec.aliases,
                "context_length": registry.context_size(spec),
            }
            for spec in registry.specs
        ],
    }
