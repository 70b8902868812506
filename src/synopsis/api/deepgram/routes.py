"""Deepgram-compatible endpoints: text summaries (`/v1/read`) and pre-recorded audio
(`/v1/listen`), with Deepgram's response shapes and error bodies.

Text longer than one model context goes through the map-reduce summarizer; input under 50 words
comes back unchanged as its own summary, as upstream does.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ... import workflows
from ...fetch import FetchPolicy, fetch
from ...files import private_file
from ...inputs import decode_text
from ...limits import clean_text
from ...runtime import Runtime
from ...transcript import Transcript
from ...workflows import SummaryOptions, TranscriptionOptions
from ..auth import require_key
from ..concurrency import ModelTurns
from ..errors import ApiError
from ..sources import opened_source, own_upload_id

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)])
MIN_WORDS = 50
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish"}
_TRUE = ("true", "v2", "1")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _model_uuid(name: str) -> str:
    """A stable UUID per model name, where Deepgram reports its model's id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"synopsis:{name}"))


def _check_language(request: Request, language: str | None) -> str:
    if language is None:
        raise ApiError(
            400,
            "Failed to deserialize query parameters: missing field `language`",
            "INVALID_QUERY_PARAMETER",
        )
    supported = request.app.state.settings.read_languages
    if language.lower() not in supported:
        names = [LANGUAGE_NAMES.get(code, code) for code in supported]
        listing = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        verb = "is" if len(names) == 1 else "are"
        raise ApiError(
            400,
            f"Request specified unsupported language: {language}. Only {listing} {verb} supported.",
            "INVALID_QUERY_PARAMETER",
        )
    return language.lower()


async def _summary_of(
    text: str, request: Request, language: str | None = None
) -> tuple[str, str, int, int]:
    """(summary, model, input tokens, output tokens), in the default model's FIFO queue."""
    runtime = request.app.state.runtime
    backend = runtime.registry.backend(None)
    turns: ModelTurns = request.app.state.model_turns
    return await turns.run_model(backend, _summarize, text, backend, runtime, language)


def _summarize(
    text: str, backend: Any, runtime: Runtime, language: str | None
) -> tuple[str, str, int, int]:
    """The summary within Deepgram's token limit; under 50 words the text is its own summary."""
    input_tokens = backend.count_tokens(text)
    limit = runtime.settings.read_max_input_tokens
    if input_tokens > limit:
        raise ApiError(
            400,
            f"Text input for summarization currently supports up to {limit // 1000}K tokens. "
            "Please revise your text input to fit within the defined token limit. For more "
            "information, please visit our API documentation.",
            "TOKEN_LIMIT_EXCEEDED",
        )
    if len(text.split()) < MIN_WORDS:
        return text.strip(), backend.name, input_tokens, input_tokens
    result = workflows.summarize(runtime, text, SummaryOptions("paragraph", language=language))
    return result.text, result.model, result.usage.prompt_tokens, result.usage.completion_tokens


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"Invalid JSON body: {exc.msg}", "Bad Request") from exc
    except (ValueError, RecursionError) as exc:  # bad UTF-8, huge numbers, absurd nesting
        raise ApiError(400, f"Invalid JSON body: {exc}"[:300], "Bad Request") from exc
    if not isinstance(body, dict):
        raise ApiError(400, 'The body must be a JSON object with "text" or "url"', "Bad Request")
    return body


@router.post("/read")
async def read(request: Request) -> dict[str, Any]:
    query = request.query_params
    language = _check_language(request, query.get("language"))
    body = await _json_body(request)
    text, url = body.get("text"), body.get("url")
    try:
        for value in (text, url):
            if isinstance(value, str):
                clean_text(value)
    except ValueError as exc:
        raise ApiError(400, f"The text or url {exc}", "Bad Request") from exc
    if isinstance(text, str) and text.strip():
        document = text
    elif isinstance(url, str) and url:
        policy = FetchPolicy.from_settings(request.app.state.settings)
        fetched = await run_in_threadpool(fetch, url, policy)
        document = decode_text(fetched.content, url)
    else:
        raise ApiError(400, 'The body needs a non-empty "text" or "url"', "Bad Request")
    results: dict[str, Any] = {}
    summary_info = None
    if query.get("summarize", "false").lower() in _TRUE:
        summary, model, tokens_in, tokens_out = await _summary_of(document, request, language)
        results["summary"] = {"text": summary}
        summary_info = {
            "model_uuid": _model_uuid(model),
            "input_tokens": tokens_in,
            "output_tokens": tokens_out,
        }
    metadata: dict[str, Any] = {
        "request_id": str(uuid.uuid4()),
        "created": _now(),
        "language": language,
    }
    if summary_info:
        metadata["summary_info"] = summary_info
    return {"metadata": metadata, "results": results}


def _deepgram_words(transcript: Transcript) -> list[dict[str, Any]]:
    words = []
    for word in transcript.words:
        entry: dict[str, Any] = {
            "word": word.text.strip(".,?!;:\"'").lower() or word.text,
            "start": word.start / 1000,
            "end": word.end / 1000,
            "confidence": word.confidence,
            "punctuated_word": word.text,
        }
        if transcript.speaker_labels and word.speaker:
            entry["speaker"] = _speaker_number(word.speaker)
            entry["speaker_confidence"] = 1.0
        words.append(entry)
    return words


def _speaker_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number - 1


@router.post("/listen")
async def listen(request: Request) -> dict[str, Any]:
    """Pre-recorded audio as the raw body, or `{"url": ...}`; transcribed while you wait."""
    query = request.query_params
    runtime = request.app.state.runtime
    settings = runtime.settings
    diarize = query.get("diarize", "false").lower() == "true"
    language = query.get("language")
    with tempfile.TemporaryDirectory(prefix="synopsis-listen-") as tmp:
        if request.headers.get("content-type", "").lower().startswith("application/json"):
            url = (await _json_body(request)).get("url")
            if not isinstance(url, str) or not url:
                raise ApiError(400, 'The JSON body needs a "url"', "Bad Request")
            key_id = request.state.key_id
            upload_id = own_upload_id(url, "url", runtime.uploads, key_id)
            source = opened_source(url, upload_id, runtime.uploads, key_id)
            name = url
        else:  # the raw body is the recording (its size is bounded by the request guard)
            received = Path(tmp) / "audio"
            source = nullcontext(received)
            name = "the request body"
            size = 0
            with private_file(received) as out:
                async for block in request.stream():
                    size += len(block)
                    out.write(block)
            if size == 0:
                raise ApiError(
                    400, "The request body is empty: send audio or a JSON url", "Bad Request"
                )
        turns: ModelTurns = request.app.state.model_turns

        def transcribe() -> Transcript:
            with source as media:  # an upload in a bucket is downloaded in this thread
                options = TranscriptionOptions(speaker_labels=diarize, language=language)
                return workflows.transcribe(runtime, media, options, name=name)

        transcript = await turns.run("speech", settings.workers, transcribe)
    channel: dict[str, Any] = {
        "alternatives": [
            {
                "transcript": transcript.text,
                "confidence": transcript.confidence or 0.0,
                "words": _deepgram_words(transcript),
            }
        ],
        "detected_language": transcript.language_code,
    }
    results: dict[str, Any] = {"channels": [channel]}
    metadata: dict[str, Any] = {
        "request_id": str(uuid.uuid4()),
        "created": _now(),
        "duration": transcript.audio_duration,
        "channels": 1,
        "models": [_model_uuid(transcript.speech_model or "")],
        "model_info": {
            _model_uuid(transcript.speech_model or ""): {
                "name": transcript.speech_model,
                "version": "synopsis",
                "arch": "whisper",
            }
        },
    }
    if query.get("summarize", "false").lower() in _TRUE:
        summary, model, tokens_in, tokens_out = ("", transcript.speech_model or "", 0, 0)
        if transcript.words:
            summary, model, tokens_in, tokens_out = await _summary_of(
                transcript.labelled_text(), request
            )
        results["summary"] = {"result": "success", "short": summary}
        metadata["summary_info"] = {
            "model_uuid": _model_uuid(model),
            "input_tokens": tokens_in,
            "output_tokens": tokens_out,
        }
    return {"metadata": metadata, "results": results}
