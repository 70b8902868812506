"""The transcript API (AssemblyAI-compatible): upload, create, poll, list, delete, exports.

Translation only: validate, store, enqueue, format. Success is HTTP 200 (the official SDK treats
anything else, 201 included, as a failure); errors are `{"error": "..."}`.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ...captions import to_srt, to_vtt
from ...files import private_file
from ...jobs.webhooks import webhook_request
from ...limits import MAX_NAME_CHARS
from ...speech.pipeline import normalise_language
from ...status import COMPLETED, PROCESSING
from ...store.tables import TranscriptJob
from ...transcript import Transcript
from ..auth import require_key
from ..deps import runtime_of
from ..errors import ApiError
from ..sources import own_upload_id, upload_response
from .mapping import SDK_SPEECH_MODELS, transcript_plan
from .schemas import TranscriptRequest

router = APIRouter(prefix="/v2")
KeyId = Annotated[int | None, Depends(require_key)]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


# --- upload ---------------------------------------------------------------------------------


@router.post("/upload")
async def upload(request: Request, key_id: KeyId) -> dict[str, str]:
    """The raw body is the file, streamed to a private file (its size is bounded by the
    request guard, `SYNOPSIS_UPLOAD_MAX_BYTES`)."""
    uploads = runtime_of(request).uploads
    upload_id = str(uuid.uuid4())
    partial = uploads.spool() / f"{upload_id}.part"
    size = 0
    try:
        with private_file(partial) as out:
            async for block in request.stream():
                size += len(block)
                out.write(block)
        if size == 0:
            raise ApiError(400, "the upload is empty: send the file as the request body")
        await run_in_threadpool(uploads.add, upload_id, key_id, partial, size)  # a bucket: parts
    finally:
        partial.unlink(missing_ok=True)
    return {"upload_url": f"{base_url(request)}/v2/upload/{upload_id}"}


@router.get("/upload/{upload_id}")
def download_upload(upload_id: str, request: Request, key_id: KeyId) -> Response:
    response = upload_response(runtime_of(request).uploads, upload_id, key_id)
    if response is None:
        raise ApiError(404, "Upload not found")
    return response


# --- transcripts ----------------------------------------------------------------------------


def _validate(body: TranscriptRequest, request: Request, key_id: int | None) -> str | None:
    """Checks that need the server; returns the upload id when `audio_url` is one of ours."""
    # the plan a worker will make: an unknown or missing speech model is a 400 now, not an error job
    transcript_plan(body.model_dump(exclude_none=True), request.app.state.settings)
    normalise_language(body.language_code)
    if body.webhook_url is not None:
        webhook_request(body.model_dump())
    elif body.webhook_auth_header_name or body.webhook_auth_header_value:
        raise ApiError(400, "webhook_auth_header_name and _value need a webhook_url")
    return own_upload_id(body.audio_url, "audio_url", runtime_of(request).uploads, key_id)


def transcript_json(row: TranscriptJob) -> dict[str, Any]:
    """The hosted API's transcript object: request echoes, status, and the result fields."""
    request = dict(row.request)
    secret_header = request.pop("webhook_auth_header_value", None)
    data: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "audio_url": row.audio_url,
        "text": None,
        "words": None,
        "utterances": None,
        "confidence": None,
        "audio_duration": None,
        "language_code": request.get("language_code"),
        "speech_model_used": None,
        "error": row.error,
        "webhook_status_code": row.webhook_status_code,
        "webhook_auth": secret_header is not None,
        "summary": None,
        "chapters": None,
        "progress": row.progress if row.status == PROCESSING else None,
        **request,
        "speech_model": (
            request.get("speech_model")
            if request.get("speech_model") in SDK_SPEECH_MODELS
            else None
        ),
    }
    data["audio_url"] = row.audio_url
    if row.result:
        data.update(row.result)
    if row.deleted:
        data.update(text="Deleted by user.", words=None, utterances=None, summary=None)
    return data


def _owned(request: Request, transcript_id: str, key_id: int | None) -> TranscriptJob:
    row = runtime_of(request).transcripts.get(transcript_id, key_id)
    if row is None:
        raise ApiError(404, "Transcript not found")
    return row


def _completed(row: TranscriptJob) -> Transcript:
    if row.status != COMPLETED or not row.result:
        raise ApiError(400, f"Transcript is not completed (status: {row.status})")
    return Transcript.from_dict(row.result)


@router.post("/transcript")
def create_transcript(body: TranscriptRequest, request: Request, key_id: KeyId) -> dict[str, Any]:
    upload_id = _validate(body, request, key_id)
    row = runtime_of(request).transcripts.create(
        key_id, body.model_dump(exclude_none=True), body.audio_url, upload_id
    )
    request.app.state.jobs.submit(runtime_of(request).transcript_jobs.kind, row.id)
    return transcript_json(row)


@router.get("/transcript/{transcript_id}")
def get_transcript(transcript_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    return transcript_json(_owned(request, transcript_id, key_id))


@router.get("/transcript")
def list_transcripts(
    request: Request,
    key_id: KeyId,
    limit: Annotated[int, Query(ge=1, le=200)] = 10,
    status: Literal["queued", "processing", "completed", "error"] | None = None,  # ..status
    before_id: Annotated[str | None, Query(max_length=MAX_NAME_CHARS)] = None,
    after_id: Annotated[str | None, Query(max_length=MAX_NAME_CHARS)] = None,
) -> dict[str, Any]:
    rows = runtime_of(request).transcripts.page(key_id, limit, status, before_id, after_id)
    base = f"{base_url(request)}/v2/transcript"
    filters = {"limit": limit, **({"status": status} if status else {})}
    current = dict(
        filters, **{k: v for k, v in (("before_id", before_id), ("after_id", after_id)) if v}
    )
    return {
        "page_details": {
            "limit": limit,
            "result_count": len(rows),
            "current_url": f"{base}?{urlencode(current)}",
            "prev_url": f"{base}?{urlencode(dict(filters, before_id=rows[-1].id))}"
            if rows
            else None,
            "next_url": f"{base}?{urlencode(dict(filters, after_id=rows[0].id))}" if rows else None,
        },
        "transcripts": [
            {
                "id": row.id,
                "resource_url": f"{base}/{row.id}",
                "status": row.status,
                "created": row.created.isoformat(),
                "completed": row.completed.isoformat() if row.completed else None,
                "audio_url": row.audio_url,
                "error": row.error,
            }
            for row in rows
        ],
    }


@router.delete("/transcript/{transcript_id}")
def delete_transcript(transcript_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    row = _owned(request, transcript_id, key_id)
    if row.status == PROCESSING:
        raise ApiError(400, "Transcript is being processed; delete it once it has finished")
    runtime = runtime_of(request)
    deleted = runtime.transcripts.delete(transcript_id, key_id)
    if deleted is None:
        raise ApiError(404, "Transcript not found")
    # its summaries go with it: finished ones deleted, waiting ones cancelled
    for waiting in runtime.summaries.delete_of_transcript(transcript_id, key_id):
        runtime.summary_jobs.cancel(waiting, key_id)
    if row.upload_id:  # the recording goes with its last transcript
        runtime.uploads.release(row.upload_id, key_id)
    return transcript_json(deleted)


def _spans(kind: str):
    def endpoint(transcript_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
        row = _owned(request, transcript_id, key_id)
        transcript = _completed(row)
        spans = transcript.sentences() if kind == "sentences" else transcript.paragraphs()
        return {
            "id": row.id,
            "confidence": transcript.confidence,
            "audio_duration": round(transcript.audio_duration),
            kind: [span.to_dict() for span in spans],
        }

    endpoint.__name__ = f"get_{kind}"
    return endpoint


router.add_api_route("/transcript/{transcript_id}/sentences", _spans("sentences"), methods=["GET"])
router.add_api_route(
    "/transcript/{transcript_id}/paragraphs", _spans("paragraphs"), methods=["GET"]
)


@router.get("/transcript/{transcript_id}/{caption_format}", response_class=PlainTextResponse)
def get_captions(
    transcript_id: str,
    caption_format: Literal["srt", "vtt"],
    request: Request,
    key_id: KeyId,
    chars_per_caption: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> str:
    transcript = _completed(_owned(request, transcript_id, key_id))
    render = to_srt if caption_format == "srt" else to_vtt
    return render(transcript, chars_per_caption)
