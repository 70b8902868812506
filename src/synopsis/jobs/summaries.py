"""What a summary job does: find its input (a pasted text, a completed transcript or an upload),
summarize it through the workflow layer, and return the result document the queue stores.

Summary jobs are rows in the store run by the worker pool, like transcript jobs: they survive a
restart or a `kill -9`, obey `SYNOPSIS_WORKERS`, report progress and honour a cancel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import workflows
from ..errors import InputError
from ..status import COMPLETED
from ..store.tables import SummaryJob
from ..transcript import Transcript
from .progress import ProgressReport

if TYPE_CHECKING:
    from ..runtime import Runtime

MAX_WAITING_PER_KEY = 20  # queued or running summary jobs of one key; more is refused (429)


class SummaryRunner:
    """Callable for the worker pool: one summary row in, its result document out."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def __call__(self, job: SummaryJob) -> dict[str, Any]:
        queue = self.runtime.summary_jobs
        owner = job.lease_owner or ""
        # every step of a summary is worth showing (a chunk takes seconds), so no throttle
        progress = ProgressReport(
            lambda state: queue.report_progress(job.id, owner, state), min_interval=0.0
        )
        options = workflows.SummaryOptions(**job.request)
        if job.upload_id is not None:
            with self.runtime.uploads.opened(job.upload_id, job.key_id) as path:
                transcript, summary = workflows.summarize_media(
                    self.runtime, path, options, progress=progress, name="the upload"
                )
            # kept so the summary can be checked later, as a pasted text is
            self.runtime.summaries.keep_source(job.id, transcript.labelled_text())
        else:
            document = self._transcript(job) if job.transcript_id else job.source or ""
            summary = workflows.summarize(self.runtime, document, options, progress=progress)
        progress("saving", 0, 1)  # a cancel that came during the last call still counts
        return summary.to_dict()

    def _transcript(self, job: SummaryJob) -> Transcript:
        row = self.runtime.transcripts.get(job.transcript_id or "", job.key_id)
        if row is None or row.deleted or row.status != COMPLETED or not row.result:
            raise InputError("the transcript to summarize is no longer available")
        return Transcript.from_dict(row.result)
