"""Several OpenAI-compatible servers behind one model name: least-busy routing, health checks,
failover.

A model spec with `base_urls` becomes a pool (of all its urls, `base_url` included). Each call
goes to the healthy member with the fewest requests in flight. A member that cannot be reached
or answers 5xx is marked down and the call moves to the next member at once, mid-request
included: an answer is only ever taken from one member, so failing over never mixes two. A
stream fails over until its first token; after that the caller has part of an answer, and the
error is the caller's to see. A member marked down is probed (`GET /models`) before it gets
traffic again, no sooner than `DOWN_SECONDS` later. When every member is down, the pool waits
and tries again, up to the configured retries, like a single upstream.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from ..config import ModelSpec, Settings
from ..errors import BackendError, ContextLengthError
from .base import Completion, CompletionDelta, GenerationOptions, Message
from .openai_compatible import OpenAICompatibleBackend, UpstreamStatusError

log = logging.getLogger("synopsis.llm")

DOWN_SECONDS = 5.0  # a failed member gets no traffic for this long, then is probed
PROBE_TIMEOUT = 2.0


def failover_worthy(error: BackendError) -> bool:
    """Failures of the member, not of the request: another member may well succeed."""
    if isinstance(error, ContextLengthError):
        return False
    if isinstance(error, UpstreamStatusError):
        return error.status >= 500 or error.status in (408, 429)
    return True  # unreachable, connection lost mid-answer, invalid response


@dataclass
class Member:
    backend: OpenAICompatibleBackend
    base_url: str
    in_flight: int = 0
    served: int = 0
    down_until: float = 0.0  # 0: up

    @property
    def up(self) -> bool:
        return self.down_until == 0.0


class UpstreamPool:
    """A ChatBackend over several upstream servers of the same model."""

    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        urls = list(dict.fromkeys([*([spec.base_url] if spec.base_url else []), *spec.base_urls]))
        if not urls:
            raise BackendError(f"model {spec.name!r}: an openai backend needs base_url(s)")
        # members do not retry themselves: moving to another member is the pool's retry
        single = settings.model_copy(update={"upstream_retries": 0})
        self.members = [
            Member(
                OpenAICompatibleBackend(
                    spec.model_copy(update={"base_url": url, "base_urls": []}), single
                ),
                url,
            )
            for url in urls
        ]
        self.name = spec.name
        first = self.members[0].backend
        self.context_size = first.context_size
        self.max_concurrency = sum(m.backend.max_concurrency for m in self.members)
        self.retries = settings.upstream_retries
        self._lock = threading.Lock()
        self._turn = 0

    def count_tokens(self, text: str) -> int:
        return self.members[0].backend.count_tokens(text)

    def complete(self, messages: list[Message], options: GenerationOptions) -> Completion:
        return self._with_failover(lambda backend: backend.complete(messages, options))

    def stream(
        self, messages: list[Message], options: GenerationOptions
    ) -> Iterator[CompletionDelta]:
        def first_token(backend: OpenAICompatibleBackend):
            deltas = backend.stream(messages, options)
            try:  # a member that fails before its first token fails over
                return next(deltas), deltas
            except httpx.HTTPError as exc:
                raise BackendError(f"model {self.name!r}: upstream stream broke: {exc}") from exc

        first, rest = self._with_failover(first_token)
        yield first
        try:
            yield from rest
        except httpx.HTTPError as exc:
            raise BackendError(
                f"model {self.name!r}: the upstream was lost mid-answer ({exc}); ask again"
            ) from exc

    def status(self) -> list[dict[str, object]]:
        """Each member's address, health and load, for `synopsis models` and the logs."""
        with self._lock:
            return [
                {"base_url": m.base_url, "up": m.up, "in_flight": m.in_flight, "served": m.served}
                for m in self.members
            ]

    def _with_failover(self, call):
        delay = 1.0
        failures: list[str] = []
        for attempt in range(self.retries + 1):
            tried: set[int] = set()
            while (member := self._pick(tried)) is not None:
                tried.add(id(member))
                try:
                    answer = call(member.backend)
                    member.served += 1
                    return answer
                except BackendError as exc:
                    if not failover_worthy(exc):
                        raise
                    self._mark_down(member, exc)
                    failures.append(str(exc))
                finally:
                    with self._lock:
                        member.in_flight -= 1
            if attempt < self.retries:
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
        last = failures[-1] if failures else "no member answered"
        raise BackendError(f"model {self.name!r}: every upstream of the pool failed; last: {last}")

    def _pick(self, tried: set[int]) -> Member | None:
        """The least busy member not tried yet in this round that is up (or passes its probe);
        it is counted in flight before the lock is released."""
        now = time.monotonic()
        with self._lock:
            candidates = [m for m in self.members if id(m) not in tried]
            due = [m for m in candidates if not m.up and m.down_until <= now]
        for member in due:  # probed outside the lock: a probe takes up to PROBE_TIMEOUT
            if self._probe(member):
                with self._lock:
                    member.down_until = 0.0
                log.info("model %r: upstream %s is back", self.name, member.base_url)
            else:
                with self._lock:
                    member.down_until = time.monotonic() + DOWN_SECONDS
        with self._lock:
            ready = [m for m in candidates if m.up]
            if not ready:
                return None
            self._turn += 1  # equally busy members take turns
            start = self._turn % len(ready)
            chosen = min(ready[start:] + ready[:start], key=lambda m: m.in_flight)
            chosen.in_flight += 1
            return chosen

    def _probe(self, member: Member) -> bool:
        return member.backend.healthy(PROBE_TIMEOUT)

    def _mark_down(self, member: Member, error: BackendError) -> None:
        log.warning("model %r: upstream %s failed (%s); failing over", self.name,
                    member.base_url, error)  # fmt: skip
        with self._lock:
            member.down_until = time.monotonic() + DOWN_SECONDS
