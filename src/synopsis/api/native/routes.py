"""Synopsis's own API: summaries of a text, a stored transcript or an upload, as polled jobs."""

from __future__ import annotations

import json
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ... import __version__
from ...jobs.summaries import MAX_WAITING_PER_KEY
from ...limits import MAX_NAME_CHARS, MAX_PROMPT_CHARS, MAX_SCHEMA_BYTES, MAX_URL_LENGTH
from ...status import COMPLETED, WAITING
from ...store.tables import SummaryJob, TranscriptJob
from ...summarize.pipeline import validate_request
from ...transcript import Transcript
from ..auth import require_key
from ..deps import runtime_of
from ..errors import ApiError
from ..sources import own_upload_id, upload_id_of, upload_response

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
    runtime = runtime_of(request)
    if body.model is not None:
        runtime.registry.resolve(body.model)  # an unknown model: 400 now, not a failed job
    upload_id = None
    if body.transcript_id is not None:
        _completed_transcript(request, body.transcript_id, key_id)  # 404 / 400 now
    elif body.upload_url is not None:
        if upload_id_of(body.upload_url) is None:
            raise ApiError(400, "upload_url must be an upload_url returned by POST /v2/upload")
        upload_id = own_upload_id(body.upload_url, "upload_url", runtime.uploads, key_id)
    if runtime.summary_jobs.waiting(key_id) >= MAX_WAITING_PER_KEY:
        raise ApiError(
            429,
            f"{MAX_WAITING_PER_KEY} summary jobs of this key are already waiting or running; "
            "poll them and submit more once they finish",
        )
    options = {
        "style": body.style,
        "prompt": body.prompt,
        "schema": body.schema_,
        "model": body.model,
        "language": body.language,
    }
    row = runtime.summaries.create(
        key_id,
        options,
        source=body.text,
        transcript_id=body.transcript_id,
        upload_id=upload_id,
    )
    request.app.state.jobs.submit(runtime.summary_jobs.kind, row.id)
    return summary_json(row)


def summary_json(row: SummaryJob) -> dict[str, Any]:
    """A summary job as the API shows it; `source` is the pasted text (or an upload's
    transcript) once the job has completed."""
    completed = row.status == COMPLETED
    return {
        "id": row.id,
        "status": row.status,
        "transcript_id": row.transcript_id,
        "progress": (
            {"stage": "final", "done": 1, "total": 1}  # where every summary ends
            if completed
            else row.progress or {"stage": None, "done": 0, "total": 0}
        ),
        "result": row.result,
        "error": row.error,
        "source": row.source if completed else None,
    }


def _completed_transcript(request: Request, transcript_id: str, key_id: int | None) -> Transcript:
    row = runtime_of(request).transcripts.get(transcript_id, key_id)
    if row is None or row.deleted:
        raise ApiError(404, "Transcript not found")
    if row.status != COMPLETED or not row.result:
        raise ApiError(400, f"Transcript is not completed (status: {row.status})")
    return Transcript.from_dict(row.result)


def _owned_summary(request: Request, job_id: str, key_id: int | None) -> SummaryJob:
    row = runtime_of(request).summaries.get(job_id, key_id)
    if row is None:
        raise ApiError(404, "Summary job not found")
    return row


@router.get("/summaries/{job_id}")
def get_summary(job_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    return summary_json(_owned_summary(request, job_id, key_id))


@router.post("/summaries/{job_id}/cancel")
def cancel_summary(job_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    """Stop a queued or running summary job (a running one at its next step; it keeps
    nothing); a finished one is returned unchanged."""
    row = runtime_of(request).summary_jobs.cancel(job_id, key_id)
    if row is None:
        raise ApiError(404, "Summary job not found")
    return summary_json(row)


@router.delete("/summaries/{job_id}")
def delete_summary(job_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    """Forget a finished summary (a running one must be cancelled first)."""
    row = _owned_summary(request, job_id, key_id)
    if row.status in WAITING:
        raise ApiError(400, "Summary job is running; cancel it or delete it once it has finished")
    runtime_of(request).summaries.delete(job_id, key_id)
    return {"id": job_id, "deleted": True}


@router.post("/transcripts/{transcript_id}/cancel")
def cancel_transcript(transcript_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    """Stop a transcript job: a queued one ends now, a processing one at its next step."""
    row = runtime_of(request).transcript_jobs.cancel(transcript_id, key_id)
    if row is None:
        raise ApiError(404, "Transcript not found")
    return {"id": row.id, "status": row.status, "error": row.error}


PREVIEW_CHARS = 200


@router.get("/history")
def history(
    request: Request,
    key_id: KeyId,
    q: Annotated[str, Query(max_length=MAX_NAME_CHARS)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """This key's transcripts and summaries, newest first; `q` keeps those whose text has it."""
    runtime = runtime_of(request)
    query = q.strip()
    transcripts = runtime.transcripts.search(key_id, query, limit)
    summaries = runtime.summaries.search(key_id, query, limit)
    return {
        "transcripts": [_transcript_entry(row) for row in transcripts],
        "summaries": [_summary_entry(record) for record in summaries],
    }


def _transcript_entry(row: TranscriptJob) -> dict[str, Any]:
    result = row.result or {}
    return {
        "id": row.id,
        "status": row.status,
        "created": row.created.isoformat(),
        "audio_duration": result.get("audio_duration"),
        "speakers": len({u["speaker"] for u in result.get("utterances") or []}),
        "preview": (result.get("text") or "")[:PREVIEW_CHARS],
        "error": row.error,
    }


def _summary_entry(row: SummaryJob) -> dict[str, Any]:
    return {
        "id": row.id,
        "transcript_id": row.transcript_id,
        "style": row.style,
        "created": row.created.isoformat(),
        "preview": (row.result or {}).get("summary", "")[:PREVIEW_CHARS],
        "source_preview": (row.source or "")[:PREVIEW_CHARS],
    }


class EvaluationRequest(BaseModel):
    """A summary to check against its source: `source` text or a completed `transcript_id` with
    the `summary`, or a stored `summary_id` alone (its own text and source)."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(None, min_length=1)
    transcript_id: str | None = Field(None, max_length=MAX_NAME_CHARS)
    summary_id: str | None = Field(None, max_length=MAX_NAME_CHARS)
    summary: str | None = Field(None, min_length=1)
    reference: str | None = None
    facts: dict[str, Any] | None = None  # the facts file's content, never a path
    judge_model: str | None = Field(None, max_length=MAX_NAME_CHARS)


@router.post("/evaluations")
async def create_evaluation(
    body: EvaluationRequest, request: Request, key_id: KeyId
) -> dict[str, Any]:
    """Deterministic checks at once; with `judge_model`, the judge's turn on that model.

    The answer adds `lines`: the problems found, per line of the summary, for marking them.
    """
    from ...evaluate import evaluate

    source, summary = _evaluation_input(body, request, key_id)

    def run() -> dict[str, Any]:
        evaluation = evaluate(
            source,
            summary,
            reference=body.reference,
            facts=body.facts,
            judge_model=body.judge_model,
            registry=runtime_of(request).registry,
        )
        return {**evaluation.to_dict(), "lines": evaluation.line_problems(summary)}

    if body.judge_model is None:
        return await to_thread.run_sync(run)
    backend = runtime_of(request).registry.backend(body.judge_model)
    return await request.app.state.model_turns.run_model(backend, run)


def _evaluation_input(
    body: EvaluationRequest, request: Request, key_id: int | None
) -> tuple[str | Transcript, str]:
    """(source, summary) named by the request, checked for exactly one source."""
    if sum(v is not None for v in (body.source, body.transcript_id, body.summary_id)) != 1:
        raise ApiError(400, "give exactly one of source, transcript_id or summary_id")
    if body.summary_id is not None:
        record = runtime_of(request).summaries.get(body.summary_id, key_id)
        if record is None or record.status != COMPLETED or not record.result:
            raise ApiError(404, "Summary not found")
        if record.transcript_id is not None:
            source: str | Transcript = _completed_transcript(request, record.transcript_id, key_id)
        else:
            source = record.source or ""
        return source, body.summary or record.result["summary"]
    if body.summary is None:
        raise ApiError(400, "summary: Field required")
    if body.transcript_id is not None:
        return _completed_transcript(request, body.transcript_id, key_id), body.summary
    return body.source or "", body.summary


@router.get("/transcripts/{transcript_id}/media")
def transcript_media(transcript_id: str, request: Request, key_id: KeyId) -> Response:
    """The uploaded recording of one of this key's transcripts, for playing it beside the text.

    A transcript made from a remote `audio_url` has none: the server never keeps fetched media.
    """
    runtime = runtime_of(request)
    row = runtime.transcripts.get(transcript_id, key_id)
    if row is None or row.deleted:
        raise ApiError(404, "Transcript not found")
    response = upload_response(runtime.uploads, row.upload_id, key_id) if row.upload_id else None
    if response is None:
        raise ApiError(404, "This transcript's recording is not stored here (it came from a URL)")
    return response


@router.get("/info")
def info(request: Request, key_id: KeyId) -> dict[str, Any]:
    """What a client should know before it sends anything: the limits it will be held to."""
    settings = request.app.state.settings
    return {
        "version": __version__,
        "limits": {
            "upload_max_bytes": settings.upload_max_bytes,
            "json_max_bytes": settings.max_json_bytes,
            "media_max_seconds": settings.media_max_seconds,
            "prompt_max_chars": MAX_PROMPT_CHARS,
            "schema_max_bytes": MAX_SCHEMA_BYTES,
        },
    }
