"""The in-process worker pool: threads that claim transcript jobs from the store and run them.

Each running job has a heartbeat that renews its lease; a job whose process died is resumed by
whichever worker claims it after the lease lapses. On shutdown, workers stop claiming, running
jobs get a grace period to finish, and what is still running is handed back to the queue.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from ..errors import SynopsisError
from ..store.tables import TranscriptJob
from ..store.transcripts import TranscriptStore
from .webhooks import WebhookDispatcher

log = logging.getLogger("synopsis.jobs")

JobRunner = Callable[[TranscriptJob], dict[str, Any]]
IDLE_POLL_SECONDS = 0.5


class WorkerPool:
    def __init__(
        self,
        store: TranscriptStore,
        run_job: JobRunner,
        *,
        size: int,
        lease_seconds: float,
        webhooks: WebhookDispatcher | None = None,
    ) -> None:
        self.store = store
        self.run_job = run_job
        self.size = size
        self.lease_seconds = lease_seconds
        self.webhooks = webhooks
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        for index in range(self.size):
            thread = threading.Thread(
                target=self._loop, name=f"synopsis-worker-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        if self.webhooks:
            self.webhooks.start()

    def notify(self) -> None:
        """A job was queued: wake an idle worker now instead of at its next poll."""
        self._wake.set()

    def stop(self, grace_seconds: float = 30.0) -> None:
        """Stop claiming; wait for running jobs up to `grace_seconds`, then requeue the rest."""
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + grace_seconds
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            unfinished = list(self._running)
        for transcript_id in unfinished:
            log.warning("requeueing %s: still running at shutdown", transcript_id)
            self.store.release(transcript_id, self.owner)
        if self.webhooks:
            self.webhooks.stop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job = self.store.claim(self.owner, self.lease_seconds)
            except Exception:  # the database may be briefly unavailable; keep the worker alive
                log.exception("claiming a job failed")
                job = None
            if job is None:
                self._wake.wait(IDLE_POLL_SECONDS)
                self._wake.clear()
                continue
            try:
                self._process(job)
            except Exception:  # e.g. the store failed while finishing: the lease lapses and
                log.exception("job %s could not be finished", job.id)  # the job is retried
                with self._lock:
                    self._running.pop(job.id, None)

    def _process(self, job: TranscriptJob) -> None:
        with self._lock:
            self._running[job.id] = threading.current_thread()
        beating = threading.Event()
        heartbeat = threading.Thread(target=self._heartbeat, args=(job.id, beating), daemon=True)
        heartbeat.start()
        result: dict[str, Any] | None = None
        error: str | None = None
        try:
            log.info("job %s: attempt %d", job.id, job.attempts)
            result = self.run_job(job)
        except SynopsisError as exc:
            error = str(exc)
        except Exception as exc:  # a bug must fail the job, not the worker; details to the log
            log.exception("job %s failed", job.id)
            error = f"internal error while transcribing ({type(exc).__name__}); see the log"
        finally:
            beating.set()
            heartbeat.join()
        if self._stop.is_set() and result is None and error is None:
            return
        finished = self.store.finish(job.id, self.owner, result=result, error=error)
        with self._lock:
            self._running.pop(job.id, None)
        if not finished:
            log.warning("job %s: lease lost before finishing; result discarded", job.id)
        elif self.webhooks:
            self.webhooks.notify()

    def _heartbeat(self, transcript_id: str, done: threading.Event) -> None:
        while not done.wait(self.lease_seconds / 3):
            try:
                if not self.store.renew(transcript_id, self.owner, self.lease_seconds):
                    log.warning("job %s: lease taken over by another worker", transcript_id)
                    return
            except Exception:
                log.exception("renewing the lease of %s failed", transcript_id)
