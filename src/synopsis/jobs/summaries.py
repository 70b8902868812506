"""Summary jobs for the native API: summarize text, a stored transcript or an upload in the
background, with progress a client can poll and a cancel it can ask for.

Running jobs live in memory (a summary is cheap to ask for again, unlike a long transcription,
which is durable in the store); a finished summary is kept in the `SummaryStore` for the key's
history. One runner thread keeps the local model busy without oversubscribing it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import workflows
from ..errors import BusyError, CancelledError, SynopsisError
from ..status import CANCELLED, CANCELLED_MESSAGE, COMPLETED, ERROR, PROCESSING, QUEUED, WAITING
from ..transcript import Transcript
from .progress import ProgressReport

if TYPE_CHECKING:
    from ..runtime import Runtime

log = logging.getLogger("synopsis.summaries")
MAX_KEPT = 1000  # finished jobs kept for polling; the oldest are forgotten first
MAX_WAITING_PER_KEY = 20  # queued or running jobs of one key; more is refused (429)


@dataclass
class SummaryJob:
    id: str
    key_id: int | None
    transcript_id: str | None = None
    status: str = QUEUED
    progress: dict[str, Any] = field(default_factory=lambda: {"stage": None, "done": 0, "total": 0})
    result: dict[str, Any] | None = None
    error: str | None = None
    cancel_requested: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "transcript_id": self.transcript_id,
            "progress": self.progress,
            "result": self.result,
            "error": self.error,
        }


class SummaryJobs:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.store = runtime.summaries
        self._jobs: dict[str, SummaryJob] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="synopsis-summary")

    def submit(
        self,
        key_id: int | None,
        *,
        text: str | None = None,
        transcript: Transcript | None = None,
        transcript_id: str | None = None,
        media_path: Path | None = None,
        options: workflows.SummaryOptions,
    ) -> SummaryJob:
        job = SummaryJob(id=str(uuid.uuid4()), key_id=key_id, transcript_id=transcript_id)
        with self._lock:
            waiting = [j for j in self._jobs.values() if j.status in WAITING]
            if sum(j.key_id == key_id for j in waiting) >= MAX_WAITING_PER_KEY:
                raise BusyError(
                    f"{MAX_WAITING_PER_KEY} summary jobs of this key are already waiting or "
                    "running; poll them and submit more once they finish"
                )
            self._jobs[job.id] = job
            finished = [i for i, j in self._jobs.items() if j.status not in WAITING]
            for job_id in finished[: max(0, len(self._jobs) - MAX_KEPT)]:
                del self._jobs[job_id]  # the oldest finished jobs, however many are running
        self._pool.submit(self._run, job, text, transcript, media_path, options)
        return job

    def get(self, job_id: str, key_id: int | None) -> SummaryJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.key_id == key_id else None

    def cancel(self, job_id: str, key_id: int | None) -> SummaryJob | None:
        """A queued job ends now; a running one stops at its next step."""
        job = self.get(job_id, key_id)
        with self._lock:
            if job is not None and job.status in WAITING:
                job.cancel_requested = True
                if job.status == QUEUED:
                    job.status, job.error = CANCELLED, CANCELLED_MESSAGE
        return job

    def cancel_of_transcript(self, transcript_id: str, key_id: int | None) -> None:
        """The transcript is being deleted: its waiting summaries must not be stored after it."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.transcript_id == transcript_id]
        for job in jobs:
            self.cancel(job.id, key_id)

    def forget(self, job_id: str, key_id: int | None) -> None:
        """Drop a finished job of this key from memory (it was deleted)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.key_id == key_id and job.status not in WAITING:
                del self._jobs[job_id]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(
        self,
        job: SummaryJob,
        text: str | None,
        transcript: Transcript | None,
        media_path: Path | None,
        options: workflows.SummaryOptions,
    ) -> None:
        def write(state: dict[str, Any]) -> bool:
            job.progress = state
            return job.cancel_requested

        with self._lock:
            if job.status != QUEUED:  # cancelled while it waited
                return
            job.status = PROCESSING
        progress = ProgressReport(write, min_interval=0.0)
        try:
            if media_path is not None:
                transcript, summary = workflows.summarize_media(
                    self.runtime, media_path, options, progress=progress, name="the upload"
                )
            else:
                document = transcript if transcript is not None else text or ""
                summary = workflows.summarize(self.runtime, document, options, progress=progress)
            result = summary.to_dict()
            progress("saving", 0, 1)  # a cancel that came during the last call still counts
            # the source kept for a later check: a stored transcript is kept on its own
            kept = None if job.transcript_id else _source_text(transcript or text or "")
            self.store.add(job.id, job.key_id, result, transcript_id=job.transcript_id, source=kept)
            job.result, job.status = result, COMPLETED
        except CancelledError as exc:
            job.error, job.status = str(exc), CANCELLED
        except SynopsisError as exc:
            job.error, job.status = str(exc), ERROR
        except Exception as exc:  # a bug: the details go to the log, never to the caller
            log.exception("summary job %s failed", job.id)
            job.error = f"internal error while summarizing ({type(exc).__name__}); see the log"
            job.status = ERROR


def _source_text(document: str | Transcript) -> str:
    return document.labelled_text() if isinstance(document, Transcript) else document
