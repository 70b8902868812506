"""Wall time of a ~20,000-word transcript through map-reduce: sequential vs concurrent.

Sequential: one embedded instance using both cores (2 threads). Concurrent: two instances that
share the weights, one thread each, mapping two chunks at a time. Same model, same chunks, same
machine, one run; prints both times and the speed-up, plus whether the planted facts survived.

    python benches/map_reduce.py [--model fast]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import synopsis
from synopsis.config import Settings
from synopsis.llm.registry import ModelRegistry

FIXTURES = Path(__file__).resolve().parent.parent / "tests/fixtures"


def run(label: str, settings: Settings, model: str, text: str, facts: dict) -> float:
    registry = ModelRegistry(settings)
    registry.backend(model).warm_up()
    started = time.perf_counter()
    summary = synopsis.summarize(text, style="bullets", model=model, registry=registry)
    wall = time.perf_counter() - started
    kept = [where for where, alts in facts.items() if any(a in summary.text.lower() for a in alts)]
    print(
        f"{label:<12} {wall:7.1f} s  chunks {summary.chunks}  calls {summary.usage.calls}  "
        f"facts kept {len(kept)}/{len(facts)} ({', '.join(kept)})"
    )
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="fast")
    args = parser.parse_args()
    text = (FIXTURES / "long_meeting.txt").read_text()
    facts = json.loads((FIXTURES / "long_meeting.facts.json").read_text())
    print(f"{len(text.split())} words, model {args.model}")
    sequential = run(
        "sequential",
        Settings(llm_parallel=1, llm_threads=2, llm_batch_threads=2),
        args.model,
        text,
        facts,
    )
    concurrent = run(
        "concurrent",
        Settings(llm_parallel=2, llm_threads=1, llm_batch_threads=1),
        args.model,
        text,
        facts,
    )
    print(f"speed-up concurrent vs sequential: {sequential / concurrent:.2f}x")


if __name__ == "__main__":
    main()
