"""Webhook delivery: POST {"transcript_id", "status"} when a transcript completes or fails.

As the hosted API documents: the caller's auth header is sent when given; a 2xx answer within the
timeout counts as delivered; anything else is retried with exponential backoff, up to the attempt
limit, except a 4xx answer, which stops. The state lives in the store, so deliveries survive a
restart. Every URL goes through the fetch guard.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

from ..config import Settings
from ..errors import FetchError
from ..fetch import FetchPolicy, open_url
from ..store.transcripts import TranscriptStore

log = logging.getLogger("synopsis.webhooks")
MAX_BACKOFF_SECONDS = 300.0


class WebhookDispatcher:
    def __init__(self, store: TranscriptStore, settings: Settings) -> None:
        self.store = store
        self.attempts = settings.webhook_attempts
        self.backoff = settings.webhook_backoff_seconds
        self.policy = dataclasses.replace(
            FetchPolicy.from_settings(settings), timeout=settings.webhook_timeout
        )
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="synopsis-webhooks", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(self.policy.timeout + 5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job = self.store.claim_webhook(hold_seconds=self.policy.timeout + 30)
            except Exception:
                log.exception("claiming a webhook failed")
                job = None
            if job is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            self.deliver(job.id, job.status, job.request, job.webhook_attempts)

    def deliver(self, transcript_id: str, status: str, request: dict, attempt: int) -> None:
        """One attempt; records the status code and schedules the next try if there is one."""
        headers = {}
        name = request.get("webhook_auth_header_name")
        if name and request.get("webhook_auth_header_value") is not None:
            headers[name] = request["webhook_auth_header_value"]
        code: int | None = None
        try:
            with open_url(
                request["webhook_url"],
                self.policy,
                method="POST",
                json={"transcript_id": transcript_id, "status": status},
                headers=headers,
            ) as (_, response):
                code = response.status_code
        except FetchError as exc:
            code = exc.status_code
            log.warning("webhook for %s, attempt %d: %s", transcript_id, attempt, exc)
        if code is not None and 200 <= code < 300:
            self.store.record_webhook(transcript_id, code, "delivered", None)
        elif (code is not None and 400 <= code < 500) or attempt >= self.attempts:
            self.store.record_webhook(transcript_id, code, "failed", None)
        else:
            delay = min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
            self.store.record_webhook(transcript_id, code, "pending", time.time() + delay)
