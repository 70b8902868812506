"""Throughput through `synopsis.summarize` vs llama.cpp called directly, in one run.

Two cases, each run through both paths with the identical messages, sampling options and thread
counts: a prompt-heavy call (a ~2,500-token transcript, a headline of a few tokens) and a
generation-heavy call (a short transcript, a paragraph). Runs alternate between the two paths and
each text is used once per path, so neither gains from llama.cpp's prompt-prefix cache more than
the other. Prints tokens/s for each path and the ratio (ours / raw; 1.00 means no overhead).

    python benches/llm_throughput.py [--model fast] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from llama_cpp import Llama

import synopsis
from raw_engines import raw_llama
from synopsis.config import get_settings
from synopsis.llm.registry import get_registry
from synopsis.summarize import styles

ROOT = Path(__file__).resolve().parent.parent
LONG = (ROOT / "tests/fixtures/long_meeting.txt").read_text().splitlines()
SHORT = [
    (ROOT / "tests/fixtures/meetings" / f"{n}.txt").read_text()
    for n in ("launch_sync", "hiring_committee", "warehouse_review")
]


def prompt_heavy_texts(count: int) -> list[str]:
    """Distinct ~2,500-token slices of the long transcript."""
    return ["\n".join(LONG[i * 90 : i * 90 + 90]) for i in range(count)]


def run_case(name: str, style: str, texts: list[str], model: str, raw: Llama) -> None:
    settings = get_settings()
    ours_rates, raw_rates = [], []
    unit = "prompt" if style == "headline" else "completion"
    for text in texts:
        started = time.perf_counter()
        summary = synopsis.summarize(text, style=style, model=model)
        ours_wall = time.perf_counter() - started
        tokens = (
            summary.usage.prompt_tokens if unit == "prompt" else summary.usage.completion_tokens
        )
        ours_rates.append(tokens / ours_wall)

        kind = "conversation transcript"
        messages = styles.final_messages(
            styles.label_speakers(text), styles.StyleRequest(style), False, kind
        )
        started = time.perf_counter()
        response = raw.create_chat_completion(
            messages=messages,
            max_tokens=styles.OUTPUT_TOKENS[style],
            temperature=0.0,
            top_p=1.0,
            seed=settings.llm_seed,
        )
        raw_wall = time.perf_counter() - started
        usage = response["usage"]
        raw_tokens = usage["prompt_tokens"] if unit == "prompt" else usage["completion_tokens"]
        raw_rates.append(raw_tokens / raw_wall)
        if raw_tokens != tokens:
            print(f"  note: token counts differ (ours {tokens}, raw {raw_tokens})")
    ours, direct = statistics.median(ours_rates), statistics.median(raw_rates)
    print(
        f"{name:<22} {unit:<10} synopsis {ours:7.1f} tok/s   llama.cpp {direct:7.1f} tok/s"
        f"   ratio {ours / direct:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="fast")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    settings = get_settings()
    backend = get_registry().backend(args.model)
    backend.warm_up()
    raw = raw_llama(backend)
    print(
        f"model {backend.name}, threads {settings.llm_threads}/{settings.llm_batch_threads}, "
        f"context {backend.context_size}, {args.repeats} runs each (median)"
    )
    run_case("prompt-heavy", "headline", prompt_heavy_texts(args.repeats), args.model, raw)
    run_case(
        "generation-heavy", "paragraph", (SHORT * args.repeats)[: args.repeats], args.model, raw
    )


if __name__ == "__main__":
    main()
