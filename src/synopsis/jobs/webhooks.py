"""Webhook delivery: POST {"transcript_id", "status"} when a transcript completes or fails.

As the hosted API documents: the caller's auth header is sent when given; a 2xx answer within the
timeout counts as delivered (the timeout bounds the whole exchange, so a receiver trickling its
answer does not count); anything else is retried with exponential backoff, up to the attempt
limit, except a 4xx answer, which stops. The state lives in the store, so deliveries survive a
restart. Every URL goes through the fetch guard. One delivery's failure, whatever it is, is that
delivery's: the loop logs it, records it and goes on.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from ..config import Settings
from ..errors import FetchError, InputError
from ..fetch import FetchPolicy, open_url, parse_url
from ..limits import MAX_HEADER_NAME_CHARS, MAX_HEADER_VALUE_CHARS
from ..store.outbox import WebhookOutbox

log = logging.getLogger("synopsis.webhooks")
MAX_BACKOFF_SECONDS = 300.0
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header name (RFC 9110 token)
# printable ASCII, no surrounding whitespace (httpx refuses it, so it could never be sent)
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?")
# Headers that frame or route the request are ours to set, never the caller's.
_RESERVED = frozenset(
    "host content-length transfer-encoding connection keep-alive upgrade te trailer expect "
    "content-type content-encoding proxy-authorization proxy-connection".split()
)


def webhook_request(request: dict) -> tuple[str, dict[str, str]]:
    """The webhook URL and headers of a create body, or InputError saying what is wrong.

    The one rule for webhook options, applied when a transcript is created and again before
    each delivery (rows stored by older versions were never checked).
    """
    url = request.get("webhook_url")
    parse_url(url, "webhook_url")
    name = request.get("webhook_auth_header_name")
    value = request.get("webhook_auth_header_value")
    if name is None:
        if value is not None:
            raise InputError("webhook_auth_header_name is required with webhook_auth_header_value")
        return url, {}
    if value is None:
        raise InputError("webhook_auth_header_value is required with webhook_auth_header_name")
    if len(name) > MAX_HEADER_NAME_CHARS or not _TOKEN.fullmatch(name):
        raise InputError(
            f"webhook_auth_header_name must be an HTTP header name (letters, digits and "
            f"-!#$%&'*+.^_`|~, at most {MAX_HEADER_NAME_CHARS} characters)"
        )
    if name.lower() in _RESERVED:
        raise InputError(f"webhook_auth_header_name cannot be {name!r}: Synopsis sets it itself")
    if len(value) > MAX_HEADER_VALUE_CHARS or not _HEADER_VALUE.fullmatch(value):
        raise InputError(
            f"webhook_auth_header_value must be printable ASCII without line breaks or "
            f"surrounding spaces, at most {MAX_HEADER_VALUE_CHARS} characters"
        )
    return url, {name: value}


class WebhookDispatcher:
    """Claims due deliveries and sends them concurrently: up to `webhook_concurrency` at once
    and `webhook_concurrency_per_key` per key, so receivers that never answer delay only the
    key that named them."""

    def __init__(self, outbox: WebhookOutbox, settings: Settings) -> None:
        self.outbox = outbox
        self.attempts = settings.webhook_attempts
        self.backoff = settings.webhook_backoff_seconds
        self.policy = FetchPolicy.for_webhooks(settings)
        self.concurrency = settings.webhook_concurrency
        self.per_key = settings.webhook_concurrency_per_key
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="synopsis-webhook")
        self._in_flight: Counter[int | None] = Counter()
        self._lock = threading.Lock()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="synopsis-webhooks", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(self.policy.deadline + 5)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                busy = sum(self._in_flight.values()) >= self.concurrency
                full = frozenset(k for k, n in self._in_flight.items() if n >= self.per_key)
            job = None
            if not busy:
                try:
                    job = self.outbox.claim(self.policy.deadline + 30, skip_keys=full)
                except Exception:
                    log.exception("claiming a webhook failed")
            if job is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            with self._lock:
                self._in_flight[job.key_id] += 1
            self._pool.submit(self._attempt, job.id, job.key_id, job.status, job.request,
                              job.webhook_attempts)  # fmt: skip

    def _attempt(
        self, transcript_id: str, key_id: int | None, status: str, request: dict, attempt: int
    ) -> None:
        try:
            self.deliver(transcript_id, status, request, attempt)
        except Exception:  # a bug in one delivery must not stop every other one
            log.exception("webhook for %s failed unexpectedly", transcript_id)
            try:
                self._record(transcript_id, None, attempt, retry=True)
            except Exception:
                log.exception("recording the failed webhook for %s failed", transcript_id)
        finally:
            with self._lock:
                self._in_flight[key_id] -= 1
            self._wake.set()

    def deliver(self, transcript_id: str, status: str, request: dict, attempt: int) -> None:
        """One attempt; records the status code and schedules the next try if there is one."""
        try:
            url, headers = webhook_request(request)
        except InputError as exc:
            log.warning("webhook for %s cannot be sent: %s", transcript_id, exc)
            self._record(transcript_id, None, attempt, retry=False)
            return
        code: int | None = None
        try:
            with open_url(
                url,
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
            self.outbox.record(transcript_id, code, "delivered", None)
        else:
            self._record(transcript_id, code, attempt, retry=not (code and 400 <= code < 500))

    def _record(self, transcript_id: str, code: int | None, attempt: int, retry: bool) -> None:
        """A failed attempt: retried with backoff while attempts remain, else failed."""
        if retry and attempt < self.attempts:
            delay = min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
            self.outbox.record(transcript_id, code, "pending", time.time() + delay)
        else:
            self.outbox.record(transcript_id, code, "failed", None)
