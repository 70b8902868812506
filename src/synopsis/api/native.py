"""Synopsis's own API: summaries of a text, a stored transcript or an upload, as polled jobs."""

from __future__ import annotations

import json
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..limits import MAX_NAME_CHARS, MAX_PROMPT_CHARS, MAX_SCHEMA_BYTES, MAX_URL_LENGTH
from ..llm.registry import get_registry
from ..summarize.pipeline import validate_request
from ..transcript import Transcript
from .auth import require_key
from .errors import ApiError
from .sources import own_upload_id, upload_id_of

router = APIRouter(prefix="/api")
KeyId = Annotated[int | None, Depends(require_key)]


class SummaryRequest(BaseModel):
    """Exactly one input: `text`, `transcript_id` (a completed transcript) or `upload_url`."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, min_length=1)
    transcript_id: str | None = Field(None, max_length=MAX_NAME_CHARS)
    upload_url: str | None = Field(None, max_length=MAX_URL_LENGTH)
    style: str = Field("bullets", max_length=MAX_NAME_CHARS)
    prompt: str | None = Field(None, max_length=MAX_PROMPT_CHARS)
    schema_: dict[str, Any] | None = Field(None, alias="schema")
    model: str | None = Field(None, max_length=MAX_NAME_CHARS)
    language: str | None = Field(None, max_length=MAX_NAME_CHARS)  # default: the source's

    @field_validator("schema_")
    @classmethod
    def _schema_is_bounded(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if schema is not None and len(json.dumps(schema)) > MAX_SCHEMA_BYTES:
            raise ValueError(f"the schema must be at most {MAX_SCHEMA_BYTES} bytes as JSON")
        return schema


@router.post("/summaries")
def create_summary(body: SummaryRequest, request: Request, key_id: KeyId) -> dict[str, Any]:
    inputs = [body.text, body.transcript_id, body.upload_url]
    if sum(value is not None for value in inputs) != 1:
        raise ApiError(400, "give exactly one of text, transcript_id or upload_url")
    validate_request(body.style, body.prompt, body.schema_, body.language)
    if body.model is not None:
        get_registry().resolve(body.model)  # an unknown model is a 400 now, not a failed job
    state = request.app.state
    transcript = media_path = None
    if body.transcript_id is not None:
        transcript = _completed_transcript(request, body.transcript_id, key_id)
    elif body.upload_url is not None:
        if upload_id_of(body.upload_url) is None:
            raise ApiError(400, "upload_url must be an upload_url returned by POST /v2/upload")
        upload_id = own_upload_id(body.upload_url, "upload_url", state.store, key_id)
        media_path = state.store.upload_file(upload_id, key_id) if upload_id else None
        if media_path is None:
            raise ApiError(400, "upload_url refers to an upload that does not exist")
    job = state.summaries.submit(
        key_id,
        text=body.text,
        transcript=transcript,
        media_path=media_path,
        style=body.style,
        prompt=body.prompt,
        schema=body.schema_,
        model=body.model,
        language=body.language,
    )
    return job.to_dict()


def _completed_transcript(request: Request, transcript_id: str, key_id: int | None) -> Transcript:
    row = request.app.state.store.get(transcript_id, key_id)
    if row is None:
        raise ApiError(404, "Transcript not found")
    if row.status != "completed" or not row.result:
        raise ApiError(400, f"Transcript is not completed (status: {row.status})")
    return Transcript.from_dict(row.result)


@router.get("/summaries/{job_id}")
def get_summary(job_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    job = request.app.state.summaries.get(job_id, key_id)
    if job is None:
        raise ApiError(404, "Summary job not found")
    return job.to_dict()


class EvaluationRequest(BaseModel):
    """A summary to check against its source (`source` text or a completed `transcript_id`)."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(None, min_length=1)
    transcript_id: str | None = Field(None, max_length=MAX_NAME_CHARS)
    summary: str = Field(min_length=1)
    reference: str | None = None
    facts: dict[str, Any] | None = None  # the facts file's content, never a path
    judge_model: str | None = Field(None, max_length=MAX_NAME_CHARS)


@router.post("/evaluations")
async def create_evaluation(
    body: EvaluationRequest, request: Request, key_id: KeyId
) -> dict[str, Any]:
    """Deterministic checks at once; with `judge_model`, the judge's turn on that model."""
    from ..evaluate import evaluate

    if (body.source is None) == (body.transcript_id is None):
        raise ApiError(400, "give exactly one of source or transcript_id")
    source: str | Transcript = body.source or ""
    if body.transcript_id is not None:
        source = _completed_transcript(request, body.transcript_id, key_id)

    def run() -> dict[str, Any]:
        return evaluate(
            source,
            body.summary,
            reference=body.reference,
            facts=body.facts,
            judge_model=body.judge_model,
        ).to_dict()

    if body.judge_model is None:
        return await to_thread.run_sync(run)
    backend = get_registry().backend(body.judge_model)
    return await request.app.state.model_turns.run_model(backend, run)
