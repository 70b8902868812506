"""Running one claimed job, the same way wherever it was claimed (the in-process pool or a
broker's task): a heartbeat renews the lease, the job's function runs, the outcome is recorded
if the lease is still ours, and a finished transcript's webhook is woken."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import SynopsisError
from ..store.queue import JobQueue

log = logging.getLogger("synopsis.jobs")


@dataclass(frozen=True)
class JobKind:
    """A queue and what runs its jobs: `run(row)` returns the job's result document."""

    queue: JobQueue
    run: Callable[[Any], dict[str, Any]]

    @property
    def name(self) -> str:
        return self.queue.kind


def worker_identity() -> str:
    """A lease owner naming this process: host and pid, so an operator can find the worker
    holding a job, and a random part, so two pools in one process differ."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class JobRunner:
    def __init__(
        self, owner: str, lease_seconds: float, on_finished: Callable[[], None] = lambda: None
    ) -> None:
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.on_finished = on_finished

    def run(self, kind: JobKind, job: Any, stopping: threading.Event | None = None) -> bool:
        """Run a job this runner's owner has claimed; True when its outcome was recorded.
        A job interrupted by `stopping` without an outcome is left to the caller to release."""
        beating = threading.Event()
        heartbeat = threading.Thread(
            target=self._heartbeat, args=(kind.queue, job.id, beating), daemon=True
        )
        heartbeat.start()
        result: dict[str, Any] | None = None
        error: str | None = None
        try:
            log.info("%s %s: attempt %d", kind.name, job.id, job.attempts)
            result = kind.run(job)
        except SynopsisError as exc:
            error = str(exc)
        except Exception as exc:  # a bug must fail the job, not the worker; details to the log
            log.exception("%s %s failed", kind.name, job.id)
            error = f"internal error ({type(exc).__name__}); see the server log"
        finally:
            beating.set()
            heartbeat.join()
        if stopping is not None and stopping.is_set() and result is None and error is None:
            return False
        finished = kind.queue.finish(job.id, self.owner, result=result, error=error)
        if not finished:
            log.warning("%s %s: lease lost before finishing; result discarded", kind.name, job.id)
        else:
            self.on_finished()
        return finished

    def _heartbeat(self, queue: JobQueue, job_id: str, done: threading.Event) -> None:
        while not done.wait(self.lease_seconds / 3):
            try:
                if not queue.renew(job_id, self.owner, self.lease_seconds):
                    log.warning("%s %s: lease taken over by another worker", queue.kind, job_id)
                    return
            except Exception:
                log.exception("renewing the lease of %s failed", job_id)
