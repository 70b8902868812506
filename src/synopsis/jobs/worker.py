"""The in-process worker pool: threads that claim jobs from the store's queues and run them.

One pool serves every kind of job (transcripts and summaries), so `SYNOPSIS_WORKERS` bounds all
the audio and model work a server does. Each worker takes the kinds in turn, so neither starves
the other. Each running job has a heartbeat that renews its lease; a job whose process died is
resumed by whichever worker claims it after the lease lapses. On shutdown, workers stop
claiming, running jobs get a grace period to finish, and what is still running is handed back.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from .runner import JobKind, JobRunner, worker_identity
from .webhooks import WebhookDispatcher

log = logging.getLogger("synopsis.jobs")

IDLE_POLL_SECONDS = 0.5


class WorkerPool:
    def __init__(
        self,
        kinds: list[JobKind],
        *,
        size: int,
        lease_seconds: float,
        webhooks: WebhookDispatcher | None = None,
    ) -> None:
        self.kinds = kinds
        self.size = size
        self.lease_seconds = lease_seconds
        self.webhooks = webhooks
        self.owner = worker_identity()
        self.runner = JobRunner(self.owner, lease_seconds, self._finished)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[str, JobKind] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        for index in range(self.size):
            thread = threading.Thread(
                target=self._loop, args=(index,), name=f"synopsis-worker-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        if self.webhooks:
            self.webhooks.start()

    def stop(self, grace_seconds: float = 30.0) -> None:
        """Stop claiming; wait for running jobs up to `grace_seconds`, then requeue the rest."""
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + grace_seconds
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            unfinished = list(self._running.items())
        for job_id, kind in unfinished:
            log.warning("requeueing %s %s: still running at shutdown", kind.name, job_id)
            kind.queue.release(job_id, self.owner)
        if self.webhooks:
            self.webhooks.stop()

    def _claim(self, turn: int) -> tuple[JobKind, Any] | None:
        """The next job of any kind, starting with kind `turn` (each worker rotates)."""
        for offset in range(len(self.kinds)):
            kind = self.kinds[(turn + offset) % len(self.kinds)]
            job = kind.queue.claim(self.owner, self.lease_seconds)
            if job is not None:
                return kind, job
        return None

    def _loop(self, index: int) -> None:
        turn = index
        while not self._stop.is_set():
            try:
                claimed = self._claim(turn)
            except Exception:  # the database may be briefly unavailable; keep the worker alive
                log.exception("claiming a job failed")
                claimed = None
            if claimed is None:
                self._wake.wait(IDLE_POLL_SECONDS)
                self._wake.clear()
                continue
            turn += 1
            kind, job = claimed
            try:
                self._process(kind, job)
            except Exception:  # e.g. the store failed while finishing: the lease lapses and
                log.exception("%s %s could not be finished", kind.name, job.id)  # it is retried
                with self._lock:
                    self._running.pop(job.id, None)

    def submit(self, kind: str, job_id: str) -> None:
        """A job was queued: wake an idle worker now instead of at its next poll."""
        self._wake.set()

    def _finished(self) -> None:
        if self.webhooks:
            self.webhooks.notify()

    def _process(self, kind: JobKind, job: Any) -> None:
        with self._lock:
            self._running[job.id] = kind
        finished = self.runner.run(kind, job, self._stop)
        if finished or not self._stop.is_set():  # else stop() hands it back to the queue
            with self._lock:
                self._running.pop(job.id, None)
