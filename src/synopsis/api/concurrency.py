"""Model work from request handlers: first come, first served, without holding a thread.

Sync endpoints run in anyio's shared thread pool (40 threads). When each waiting chat request
held one of them, 45 concurrent requests starved `/healthz` and every read, and the order in
which waiting threads got the model was left to chance. Here a request waits for its turn on a
FIFO semaphore per backend (sized to what the backend can run at once) without a thread, and
only the running calls take threads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import anyio
from anyio import to_thread
from starlette.requests import Request

T = TypeVar("T")
_DONE = object()


class ModelTurns:
    """One FIFO queue per lane: a backend's name (`width` = what it runs at once), "speech"."""

    def __init__(self) -> None:
        self._turns: dict[str, anyio.Semaphore] = {}

    def _turn(self, lane: str, width: int) -> anyio.Semaphore:
        if lane not in self._turns:
            self._turns[lane] = anyio.Semaphore(max(1, width))
        return self._turns[lane]

    async def run(self, lane: str, width: int, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a thread once it is this request's turn in `lane`."""
        async with self._turn(lane, width):
            return await to_thread.run_sync(function, *args)

    async def run_model(self, backend: Any, function: Callable[..., T], *args: Any) -> T:
        return await self.run(backend.name, backend.max_concurrency, function, *args)

    async def stream(
        self, backend: Any, start: Callable[[], Iterator[T]], request: Request
    ) -> AsyncIterator[T]:
        """An iterator made by `start()` and read in threads, holding the turn to its end.

        The first item is read before this returns, so an error (a prompt too long) surfaces
        while a proper error status can still be sent. When the client goes away the iterator is
        closed (which frees the model instance) and the turn passes on: an abandoned stream
        must not keep generating for nobody.
        """
        turn = self._turn(backend.name, backend.max_concurrency)
        await turn.acquire()
        try:
            items = await to_thread.run_sync(start)
            first = await to_thread.run_sync(next, items, _DONE)
        except BaseException:
            turn.release()
            raise

        async def rest() -> AsyncIterator[T]:
            try:
                item = first
                while item is not _DONE and not await request.is_disconnected():
                    yield item  # type: ignore[misc]
                    item = await to_thread.run_sync(next, items, _DONE)
            finally:
                with anyio.CancelScope(shield=True):
                    close = getattr(items, "close", None)
                    if close is not None:
                        await to_thread.run_sync(close)
                turn.release()

        return rest()
