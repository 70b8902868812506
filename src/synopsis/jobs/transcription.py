"""What a transcript job does: find the audio, transcribe it as the job's plan says, and add the
plan's extras to the result.

What the stored request means is the business of the API surface that accepted it (for the
transcript API, `api.assemblyai.mapping`); the runtime hands this job that surface's `plan`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import workflows
from ..config import Settings
from ..fetch import parse_url
from ..store.tables import TranscriptJob
from ..workflows import TranscriptPlan
from .progress import ProgressReport

if TYPE_CHECKING:
    from ..runtime import Runtime

PlanOf = Callable[[dict[str, Any], Settings], TranscriptPlan]


class TranscriptionJob:
    """Callable for the workers: one transcript row in, the result document out."""

    def __init__(self, runtime: Runtime, plan_of: PlanOf) -> None:
        self.runtime = runtime
        self.plan_of = plan_of

    def __call__(self, job: TranscriptJob) -> dict[str, Any]:
        plan = self.plan_of(job.request, self.runtime.settings)
        owner = job.lease_owner or ""
        queue = self.runtime.transcript_jobs
        progress = ProgressReport(lambda state: queue.report_progress(job.id, owner, state))
        with self._source(job) as source:
            transcript = workflows.transcribe(
                self.runtime, source, plan.options, progress=progress, name=job.audio_url
            )
        result = transcript.to_dict()
        if plan.extras is not None:
            result.update(plan.extras(self.runtime, transcript, progress))
        return result

    def _source(self, job: TranscriptJob) -> AbstractContextManager[Path | str]:
        """The caller's upload as a local file, or the remote URL; never a path from the
        client."""
        if job.upload_id is None:
            parse_url(job.audio_url, "audio_url")  # rows stored by older versions, too
            return nullcontext(job.audio_url)
        return self.runtime.uploads.opened(job.upload_id, job.key_id)
