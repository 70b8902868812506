"""Synopsis's own API: summaries of a text, a stored transcript or an upload, as polled jobs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from ..llm.registry import get_registry
from ..summarize.pipeline import validate_request
from ..transcript import Transcript
from .assemblyai import upload_id_of
from .auth import require_key
from .errors import ApiError

router = APIRouter(prefix="/api")
KeyId = Annotated[int | None, Depends(require_key)]


class SummaryRequest(BaseModel):
    """Exactly one input: `text`, `transcript_id` (a completed transcript) or `upload_url`."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, min_length=1)
    transcript_id: str | None = None
    upload_url: str | None = None
    style: str = "bullets"
    prompt: str | None = None
    schema_: dict[str, Any] | None = Field(None, alias="schema")
    model: str | None = None


@router.post("/summaries")
def create_summary(body: SummaryRequest, request: Request, key_id: KeyId) -> dict[str, Any]:
    inputs = [body.text, body.transcript_id, body.upload_url]
    if sum(value is not None for value in inputs) != 1:
        raise ApiError(400, "give exactly one of text, transcript_id or upload_url")
    validate_request(body.style, body.prompt, body.schema_)
    if body.model is not None:
        get_registry().resolve(body.model)  # an unknown model is a 400 now, not a failed job
    state = request.app.state
    transcript = media_path = None
    if body.transcript_id is not None:
        row = state.store.get(body.transcript_id, key_id)
        if row is None:
            raise ApiError(404, "Transcript not found")
        if row.status != "completed" or not row.result:
            raise ApiError(400, f"Transcript is not completed (status: {row.status})")
        transcript = Transcript.from_dict(row.result)
    elif body.upload_url is not None:
        upload_id = upload_id_of(body.upload_url)
        upload = state.store.upload(upload_id, key_id) if upload_id else None
        if upload is None:
            raise ApiError(400, "upload_url must be an upload_url returned by POST /v2/upload")
        media_path = upload.path
    job = state.summaries.submit(
        key_id,
        text=body.text,
        transcript=transcript,
        media_path=media_path,
        style=body.style,
        prompt=body.prompt,
        schema=body.schema_,
        model=body.model,
    )
    return job.to_dict()


@router.get("/summaries/{job_id}")
def get_summary(job_id: str, request: Request, key_id: KeyId) -> dict[str, Any]:
    job = request.app.state.summaries.get(job_id, key_id)
    if job is None:
        raise ApiError(404, "Summary job not found")
    return job.to_dict()
