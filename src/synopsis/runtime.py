"""The runtime: what a process makes once when it starts and passes explicitly to everything.

Settings, the model registry and the store used to reach code two ways: passed in, and through
process-wide getters (`get_settings()`, `get_registry()`). With two routes, a test could not build
a second app in the same process, and the CLI changed settings by editing `os.environ`. A server,
a worker or a test now makes one `Runtime` and hands it down; the getters remain only for the
library's convenience calls (`synopsis.summarize(text)` with no runtime at all).
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.orm import Session, sessionmaker

from .config import Settings, get_settings
from .jobs.runner import JobKind
from .llm.registry import ModelRegistry
from .store.db import sessions as open_sessions
from .store.media import media_store
from .store.outbox import WebhookOutbox
from .store.queue import JobQueue
from .store.summaries import SummaryStore, summary_queue
from .store.tables import SummaryJob, TranscriptJob
from .store.transcripts import TranscriptStore, transcript_queue
from .store.uploads import UploadStore


class Runtime:
    """Settings and models, and the store once something asks for it (a CLI summary of a
    file never opens the database)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.registry = ModelRegistry(self.settings)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """The configured database, migrated to the current schema on first use."""
        return open_sessions(self.settings.effective_database_url)

    @cached_property
    def uploads(self) -> UploadStore:
        settings = self.settings
        media = media_store(
            settings.media_url, settings.s3_endpoint_url, settings.effective_media_dir
        )
        return UploadStore(self.sessions, media)

    @cached_property
    def transcripts(self) -> TranscriptStore:
        return TranscriptStore(self.sessions)

    @cached_property
    def summaries(self) -> SummaryStore:
        return SummaryStore(self.sessions)

    @cached_property
    def transcript_jobs(self) -> JobQueue[TranscriptJob]:
        return transcript_queue(self.sessions)

    @cached_property
    def summary_jobs(self) -> JobQueue[SummaryJob]:
        return summary_queue(self.sessions)

    @cached_property
    def outbox(self) -> WebhookOutbox:
        return WebhookOutbox(self.sessions)

    def job_kinds(self) -> list[JobKind]:
        """Every kind of job a worker runs, transcripts first. A transcript row holds the
        transcript API's create body, so that surface says what it means (its `plan`)."""
        from .api.assemblyai.mapping import transcript_plan
        from .jobs.summaries import SummaryRunner
        from .jobs.transcription import TranscriptionJob

        return [
            JobKind(self.transcript_jobs, TranscriptionJob(self, transcript_plan)),
            JobKind(self.summary_jobs, SummaryRunner(self)),
        ]
