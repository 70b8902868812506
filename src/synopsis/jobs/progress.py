"""Progress of a running job, written where pollers read it, and the caller's cancel honoured.

Pipelines call `progress(stage, done, total)` often (every decoded block, every recognised
segment); the job's store is written when the stage changes or a second has passed, so a poller
sees live numbers without a database write per segment. A requested cancel is raised at the
next call, which is the next step the pipeline takes. A write that fails (the database busy
for a moment) is logged and skipped: progress is a courtesy, never a reason to fail the job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ..errors import CancelledError
from ..status import CANCELLED_MESSAGE

log = logging.getLogger("synopsis.jobs")
MIN_INTERVAL_SECONDS = 1.0

Writer = Callable[[dict[str, Any]], bool]
"""Stores the progress; returns True when the caller has asked the job to stop."""


class ProgressReport:
    def __init__(self, write: Writer, min_interval: float = MIN_INTERVAL_SECONDS) -> None:
        self.write = write
        self.min_interval = min_interval
        self._stage: str | None = None
        self._written_at = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total > 0 and done >= total
        if stage == self._stage and not finished and now - self._written_at < self.min_interval:
            return
        self._stage, self._written_at = stage, now
        try:
            stop = self.write({"stage": stage, "done": int(done), "total": int(total)})
        except Exception:
            log.warning("progress could not be recorded", exc_info=True)
            return
        if stop:
            raise CancelledError(CANCELLED_MESSAGE)
