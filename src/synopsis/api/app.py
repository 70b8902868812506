"""The one FastAPI app: state (store, worker pool) built here, routers mounted per surface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from .. import __version__
from ..jobs.webhooks import WebhookDispatcher
from ..jobs.worker import WorkerPool
from ..runtime import Runtime
from . import assemblyai, deepgram, native, openai, playground
from .concurrency import ModelTurns
from .errors import ErrorShapes, install_error_handlers
from .guard import RequestGuard
from .openai.gateway import Gateway

if TYPE_CHECKING:
    from ..jobs.broker import BrokerQueue


def create_app(runtime: Runtime, *, auth_required: bool = True) -> FastAPI:
    """The app serving `runtime`; its job queue starts and stops with the server (lifespan).

    Tests build one in-process from a runtime of their own; `synopsis serve` builds one from
    the configured runtime.
    """
    settings = runtime.settings
    jobs = job_queue(runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs.start()
        try:
            yield
        finally:
            jobs.stop()

    # No Swagger or ReDoc pages: they load scripts from a CDN with no content security policy,
    # on the origin where the playground keeps its key. The schema stays at /openapi.json.
    app = FastAPI(
        title="Synopsis", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.jobs = jobs
    app.state.auth_required = auth_required
    app.state.gateway = Gateway(runtime.registry, settings)
    app.state.model_turns = ModelTurns()
    surfaces = (assemblyai, openai, deepgram, native)
    shapes = ErrorShapes([surface.SURFACE for surface in surfaces])
    app.add_middleware(
        RequestGuard,
        settings=settings,
        sessions=runtime.sessions,
        auth_required=auth_required,
        errors=shapes,
    )
    install_error_handlers(app, shapes)
    for surface in surfaces:
        app.include_router(surface.router)
    app.include_router(playground.router)
    app.mount("/static", playground.static_files(), name="static")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:  # async: answers even when every thread is busy
        return {"status": "ok", "version": __version__}

    return app


def job_queue(runtime: Runtime) -> WorkerPool | BrokerQueue:
    """Where queued jobs go: to Celery workers when a broker is configured, else to this
    process's own worker threads (which also deliver webhooks)."""
    settings = runtime.settings
    if settings.broker_url:
        from ..jobs.broker import BrokerQueue  # Celery is imported only when configured

        queues = [runtime.transcript_jobs, runtime.summary_jobs]
        return BrokerQueue(settings, {queue.kind: queue for queue in queues})
    return WorkerPool(
        runtime.job_kinds(),
        size=settings.workers,
        lease_seconds=settings.job_lease_seconds,
        webhooks=WebhookDispatcher(runtime.outbox, settings),
    )
