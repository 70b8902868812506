"""Tokens/s through `/v1/chat/completions` (plain, streaming) vs llama.cpp in-process, one run.

The real server (`python -m synopsis serve`) on loopback with its embedded model, driven by the
official `openai` client; the raw side is llama-cpp-python's `create_chat_completion` in this
process with the same GGUF, context, threads, seed and sampling (greedy). The two sides take turns
(never both busy); each prompt is used once per side, so neither gains from the other's prompt
cache. Rate = completion tokens / wall time of the call; time to first token (TTFT) = time to
the first content chunk of a streamed call. Medians of `--repeats`.

    python benches/gateway.py [--model fast] [--repeats 3] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from llama_cpp import Llama
from openai import OpenAI

from raw_engines import raw_llama

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server_helpers import ServerProcess  # noqa: E402

from synopsis.config import get_settings  # noqa: E402
from synopsis.llm.registry import get_registry  # noqa: E402

TOPICS = ["a lighthouse keeper", "a city bus route", "a bakery at dawn", "a chess club", "a river"]


def messages(index: int) -> list[dict[str, str]]:
    topic = TOPICS[index % len(TOPICS)]
    return [{"role": "user", "content": f"Write a detailed paragraph about {topic} (#{index})."}]


def ours_plain(client: OpenAI, model: str, prompt, max_tokens: int) -> float:
    started = time.perf_counter()
    answer = client.chat.completions.create(
        model=model, messages=prompt, max_tokens=max_tokens, temperature=0, seed=0
    )
    return answer.usage.completion_tokens / (time.perf_counter() - started)


def ours_stream(client: OpenAI, model: str, prompt, max_tokens: int) -> tuple[float, float]:
    started = time.perf_counter()
    first = None
    usage = None
    for chunk in client.chat.completions.create(
        model=model,
        messages=prompt,
        max_tokens=max_tokens,
        temperature=0,
        seed=0,
        stream=True,
        stream_options={"include_usage": True},
    ):
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - started
        usage = chunk.usage or usage
    return usage.completion_tokens / (time.perf_counter() - started), first or 0.0


def raw_plain(llama: Llama, prompt, max_tokens: int) -> float:
    started = time.perf_counter()
    answer = llama.create_chat_completion(
        messages=prompt, max_tokens=max_tokens, temperature=0.0, top_p=1.0, seed=0
    )
    return answer["usage"]["completion_tokens"] / (time.perf_counter() - started)


def raw_stream(llama: Llama, prompt, max_tokens: int) -> tuple[float, float]:
    started = time.perf_counter()
    first = None
    pieces = 0
    for chunk in llama.create_chat_completion(
        messages=prompt, max_tokens=max_tokens, temperature=0.0, top_p=1.0, seed=0, stream=True
    ):
        if chunk["choices"][0]["delta"].get("content"):
            pieces += 1
            if first is None:
                first = time.perf_counter() - started
    # llama.cpp streams one token per chunk
    return pieces / (time.perf_counter() - started), first or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="fast")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    settings = get_settings()
    backend = get_registry().backend(args.model)
    raw = raw_llama(backend)
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp), {"SYNOPSIS_DEFAULT_MODEL": backend.name}).start()
        try:
            client = OpenAI(base_url=f"{server.url}/v1", api_key=server.key, max_retries=0)
            ours_plain(client, args.model, messages(99), 8)  # load the server's model
            raw_plain(raw, messages(98), 8)
            rates: dict[str, list[float]] = {k: [] for k in ("op", "rp", "os", "rs", "ot", "rt")}
            for run in range(args.repeats):
                base = run * 4
                rates["op"].append(ours_plain(client, args.model, messages(base), args.max_tokens))
                rates["rp"].append(raw_plain(raw, messages(base + 1), args.max_tokens))
                rate, ttft = ours_stream(client, args.model, messages(base + 2), args.max_tokens)
                rates["os"].append(rate)
                rates["ot"].append(ttft)
                rate, ttft = raw_stream(raw, messages(base + 3), args.max_tokens)
                rates["rs"].append(rate)
                rates["rt"].append(ttft)
        finally:
            server.stop()
    median = {key: statistics.median(values) for key, values in rates.items()}
    print(
        f"model {backend.name}, threads {settings.llm_threads}/{settings.llm_batch_threads}, "
        f"max_tokens {args.max_tokens}, median of {args.repeats}"
    )
    print(
        f"  plain      gateway {median['op']:6.1f} tok/s   llama.cpp {median['rp']:6.1f} tok/s"
        f"   ratio {median['op'] / median['rp']:.3f}"
    )
    print(
        f"  streaming  gateway {median['os']:6.1f} tok/s   llama.cpp {median['rs']:6.1f} tok/s"
        f"   ratio {median['os'] / median['rs']:.3f}"
    )
    print(
        f"  time to first token  gateway {median['ot'] * 1000:6.0f} ms"
        f"   llama.cpp {median['rt'] * 1000:6.0f} ms"
    )


if __name__ == "__main__":
    main()
