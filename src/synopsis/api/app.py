"""The one FastAPI app: state (store, worker pool) built here, routers mounted per surface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..gateway import Gateway
from ..jobs.summaries import SummaryJobs
from ..jobs.transcription import TranscriptionJob
from ..jobs.webhooks import WebhookDispatcher
from ..jobs.worker import WorkerPool
from ..runtime import Runtime
from . import assemblyai, deepgram, native, openai, playground
from .concurrency import ModelTurns
from .errors import install_error_handlers
from .guard import RequestGuard


def create_app(runtime: Runtime, *, auth_required: bool = True) -> FastAPI:
    """The app serving `runtime`; its workers start and stop with the server (lifespan).

    Tests build one in-process from a runtime of their own; `synopsis serve` builds one from
    the configured runtime.
    """
    settings, store = runtime.settings, runtime.transcripts
    pool = WorkerPool(
        store,
        TranscriptionJob(runtime),
        size=settings.workers,
        lease_seconds=settings.job_lease_seconds,
        webhooks=WebhookDispatcher(store, settings),
    )
    summaries = SummaryJobs(runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.stop()
            summaries.shutdown()

    # No Swagger or ReDoc pages: they load scripts from a CDN with no content security policy,
    # on the origin where the playground keeps its key. The schema stays at /openapi.json.
    app = FastAPI(
        title="Synopsis", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.store = store
    app.state.summary_store = runtime.summaries
    app.state.pool = pool
    app.state.auth_required = auth_required
    app.state.gateway = Gateway(runtime.registry, settings)
    app.state.summaries = summaries
    app.state.model_turns = ModelTurns()
    app.add_middleware(
        RequestGuard, settings=settings, sessions=runtime.sessions, auth_required=auth_required
    )
    install_error_handlers(app)
    app.include_router(assemblyai.router)
    app.include_router(openai.router)
    app.include_router(deepgram.router)
    app.include_router(native.router)
    app.include_router(playground.router)
    app.mount("/static", playground.static_files(), name="static")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:  # async: answers even when every thread is busy
        return {"status": "ok", "version": __version__}

    return app
