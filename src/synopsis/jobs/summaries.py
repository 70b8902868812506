"""Summary jobs for the native API: summarize text, a stored transcript or an upload in the
background, with progress a client can poll.

Jobs live in memory (a summary is cheap to ask for again, unlike a long transcription, which is
durable in the store); one runner thread keeps the local model busy without oversubscribing it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BusyError, SynopsisError
from ..speech import transcribe
from ..summarize import summarize
from ..transcript import Transcript

log = logging.getLogger("synopsis.summaries")
MAX_KEPT = 1000  # finished jobs kept for polling; the oldest are forgotten first
MAX_WAITING_PER_KEY = 20  # queued or running jobs of one key; more is refused (429)


@dataclass
class SummaryJob:
    id: str
    key_id: int | None
    status: str = "queued"
    stage: str | None = None
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "progress": {"stage": self.stage, "done": self.done, "total": self.total},
            "result": self.result,
            "error": self.error,
        }


class SummaryJobs:
    def __init__(self, runners: int = 1) -> None:
        self._jobs: dict[str, SummaryJob] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(runners, thread_name_prefix="synopsis-summary")

    def submit(
        self,
        key_id: int | None,
        *,
        text: str | None = None,
        transcript: Transcript | None = None,
        media_path: Path | None = None,
        style: str = "bullets",
        prompt: str | None = None,
        schema: dict[str, Any] | None = None,
        model: str | None = None,
        language: str | None = None,
    ) -> SummaryJob:
        job = SummaryJob(id=str(uuid.uuid4()), key_id=key_id)
        with self._lock:
            waiting = [j for j in self._jobs.values() if j.status in ("queued", "processing")]
            if sum(j.key_id == key_id for j in waiting) >= MAX_WAITING_PER_KEY:
                raise BusyError(
                    f"{MAX_WAITING_PER_KEY} summary jobs of this key are already waiting or "
                    "running; poll them and submit more once they finish"
                )
            self._jobs[job.id] = job
            finished = [i for i, j in self._jobs.items() if j.status in ("completed", "error")]
            for job_id in finished[: max(0, len(self._jobs) - MAX_KEPT)]:
                del self._jobs[job_id]  # the oldest finished jobs, however many are running
        options = {
            "style": style,
            "prompt": prompt,
            "schema": schema,
            "model": model,
            "language": language,
        }
        self._pool.submit(self._run, job, text, transcript, media_path, options)
        return job

    def get(self, job_id: str, key_id: int | None) -> SummaryJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.key_id == key_id else None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(
        self,
        job: SummaryJob,
        text: str | None,
        transcript: Transcript | None,
        media_path: Path | None,
        options: dict[str, Any],
    ) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        job.status = "processing"
        try:
            if media_path is not None:
                transcript = transcribe(
                    media_path,
                    speaker_labels=options["style"] == "conversational",
                    progress=progress,
                    name="the upload",
                )
            document: str | Transcript = transcript if transcript is not None else text or ""
            summary = summarize(document, progress=progress, **options)
            job.result = summary.to_dict()
            job.status = "completed"
        except SynopsisError as exc:
            job.error, job.status = str(exc), "error"
        except Exception as exc:
            log.exception("summary job %s failed", job.id)
            job.error, job.status = f"internal error: {type(exc).__name__}: {exc}", "error"
