"""A disk cache of model completions, so the quality bench can be re-run after a change to the
deterministic steps without paying for model calls whose prompts did not change.

Greedy decoding with a fixed seed gives the same completion for the same prompt on one machine
and build, so a replayed completion is the one the model would give. Each entry keeps the time
the call took when it was measured; the bench adds that time back, so s/1k words stays the
model's real cost and not the speed of the disk.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from synopsis.llm.base import ChatBackend, Completion, GenerationOptions, Message, Usage


class CompletionCache:
    """`complete` of one backend, answered from DIR/<model>/<sha256>.json when seen before."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self.replayed_calls = 0
        self.replayed_seconds = 0.0

    def take_replayed(self) -> tuple[int, float]:
        """Calls and measured seconds replayed since the last call, then reset."""
        with self._lock:
            taken = (self.replayed_calls, self.replayed_seconds)
            self.replayed_calls, self.replayed_seconds = 0, 0.0
        return taken

    def wrap(self, backend: ChatBackend) -> None:
        """Route `backend.complete` through the cache (streaming is left alone)."""
        complete = backend.complete
        folder = self.directory / backend.name
        folder.mkdir(parents=True, exist_ok=True)

        def cached(messages: list[Message], options: GenerationOptions) -> Completion:
            key = _key(backend.name, messages, options)
            path = folder / f"{key}.json"
            if path.exists():
                data = json.loads(path.read_text(encoding="utf-8"))
                with self._lock:
                    self.replayed_calls += 1
                    self.replayed_seconds += float(data["seconds"])
                return Completion(
                    text=data["text"],
                    model=data["model"],
                    usage=Usage(**data["usage"]),
                    finish_reason=data["finish_reason"],
                    seconds=float(data["seconds"]),
                )
            completion = complete(messages, options)
            record = {**asdict(completion), "usage": asdict(completion.usage)}
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
            return completion

        backend.complete = cached  # type: ignore[method-assign]


def _key(model: str, messages: list[Message], options: GenerationOptions) -> str:
    payload: dict[str, Any] = {"model": model, "messages": messages, "options": asdict(options)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
