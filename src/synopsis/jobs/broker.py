"""Jobs through Celery (`SYNOPSIS_BROKER_URL=redis://...`): the API queues, `synopsis worker`
processes run.

The store stays the record of every job; a task only names one (`kind`, `id`). A worker claims
that row with a lease, as the in-process pool does, and runs it through the same `JobRunner`.
What the broker adds is delivery across machines, and Celery's rules make it safe:
- late acknowledgement: a task is acknowledged when it ends, so one whose worker was killed
  (`kill -9`, a lost machine) is handed to another worker once the visibility timeout passes;
- a redelivered copy that finds its job still held by a live worker (a job longer than the
  visibility timeout) does not run it but checks back once a lease could have lapsed, so the
  job runs once and is never orphaned;
- a job that already ended (or was cancelled or deleted) acknowledges its task and does
  nothing, so each job completes once and its webhook fires once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from celery import Celery

from ..config import Settings
from ..errors import QueueUnavailableError
from ..status import PROCESSING
from ..store.queue import JobQueue
from .runner import JobRunner, worker_identity
from .webhooks import WebhookDispatcher

if TYPE_CHECKING:
    from ..runtime import Runtime

log = logging.getLogger("synopsis.jobs")

TASK = "synopsis.run_job"
QUEUE = "synopsis"


def celery_app(settings: Settings) -> Celery:
    """A Celery app for the configured broker, with the delivery rules above."""
    if not settings.broker_url:
        raise ValueError("no broker configured (SYNOPSIS_BROKER_URL)")
    app = Celery("synopsis", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,  # a worker holds only the task it can start now
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        # a request that queues a job waits at most about a second for an unreachable broker
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3},
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_seconds,
            # look for unacknowledged tasks to hand out again every few seconds, not minutes
            "unacked_restore_interval": max(1, int(settings.broker_visibility_seconds / 10)),
            "unacked_restore_throttle": 1,
        },
    )
    return app


class BrokerQueue:
    """What the API calls when it queues a job, in place of waking its own worker pool."""

    def __init__(self, settings: Settings, queues: dict[str, JobQueue]) -> None:
        self.celery = celery_app(settings)
        self.queues = queues

    def start(self) -> None:
        """Nothing runs here: `synopsis worker` processes run the jobs."""

    def stop(self, grace_seconds: float = 0.0) -> None:
        self.celery.close()

    def submit(self, kind: str, job_id: str) -> None:
        """Send the job's task; if the broker cannot take it, the job ends in an error now
        (rather than waiting forever for a task that was never sent) and the caller gets 503."""
        try:
            self.celery.send_task(TASK, args=[kind, job_id], queue=QUEUE)
        except Exception as exc:  # kombu raises several types for an unreachable broker
            log.error("could not queue %s %s: %s", kind, job_id, exc)
            message = "the job queue is unavailable; the job was not run, try again later"
            self.queues[kind].abandon(job_id, message)
            raise QueueUnavailableError(message) from exc


def run_worker(runtime: Runtime, concurrency: int, loglevel: str = "INFO") -> None:
    """Run a Celery worker for `runtime` until it is stopped (SIGTERM: running jobs finish).

    Threads, not processes: the speech and language models release the GIL while they compute,
    and threads share one copy of each model in memory. Webhooks of the jobs this worker ends
    are delivered from here, through the store's outbox (safe beside other workers).
    """
    settings = runtime.settings
    app = celery_app(settings)
    kinds = {kind.name: kind for kind in runtime.job_kinds()}
    webhooks = WebhookDispatcher(runtime.outbox, settings)
    lease = settings.job_lease_seconds
    runner = JobRunner(worker_identity(), lease, webhooks.notify)

    @app.task(name=TASK, bind=True, max_retries=None)
    def run_job(task, kind: str, job_id: str) -> None:
        job_kind = kinds.get(kind)
        if job_kind is None:
            log.error("task for an unknown kind of job %r (%s) dropped", kind, job_id)
            return
        job = job_kind.queue.claim_id(job_id, runner.owner, lease)
        if job is None:
            row = job_kind.queue.get(job_id)
            if row is None:
                log.warning(
                    "%s %s is not in this worker's database: is the worker configured with the "
                    "API's SYNOPSIS_DATABASE_URL and a broker of its own?",
                    kind,
                    job_id,
                )
            elif row.status == PROCESSING:  # another worker holds it: check back later
                raise task.retry(countdown=lease)
            return  # ended, cancelled or deleted: nothing to do
        runner.run(job_kind, job)

    webhooks.start()
    try:
        app.worker_main(
            [
                "worker",
                "--pool=threads",
                f"--concurrency={concurrency}",
                f"--loglevel={loglevel}",
                f"--queues={QUEUE}",
                "--without-gossip",
                "--without-mingle",
                f"--hostname={runner.owner}@%h",
            ]
        )
    finally:
        webhooks.stop()
