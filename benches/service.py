"""The transcript API under measurement, against the library it wraps, in one run.

1. End to end: upload + create + poll (every 0.1 s) through the HTTP API vs `synopsis.transcribe`
   called directly on the same file with the same options; medians of `--repeats` alternating runs
   after one warm-up each; ratio HTTP / library.
2. Reads with 10,000 stored transcripts: p50 / p99 latency of GET /v2/transcript/{id} (random
   ids) and of the list endpoint, one client with keep-alive, on loopback.
3. 100 concurrent creates (100 threads) of short uploads: every request answered 200 with a
   distinct id, and every job reaching a final state; nothing lost.

    python benches/service.py [--repeats 3] [--stored 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server_helpers import ServerProcess  # noqa: E402
from tests.speech_helpers import wav_bytes  # noqa: E402

import synopsis  # noqa: E402
from synopsis.media import decode_audio  # noqa: E402
from synopsis.store.db import sessions  # noqa: E402
from synopsis.store.keys import authenticate  # noqa: E402
from synopsis.store.tables import TranscriptJob  # noqa: E402

SAMPLE = ROOT / "tests/fixtures/speech/two_speakers.wav"


def through_http(server: ServerProcess, data: bytes) -> float:
    started = time.perf_counter()
    upload = httpx.post(f"{server.url}/v2/upload", content=data, headers=server.headers())
    body = {"audio_url": upload.json()["upload_url"], "speaker_labels": True}
    created = httpx.post(f"{server.url}/v2/transcript", json=body, headers=server.headers())
    transcript_id = created.json()["id"]
    while True:
        state = httpx.get(
            f"{server.url}/v2/transcript/{transcript_id}", headers=server.headers()
        ).json()
        if state["status"] in ("completed", "error"):
            assert state["status"] == "completed", state["error"]
            return time.perf_counter() - started
        time.sleep(0.1)


def end_to_end(server: ServerProcess, repeats: int) -> None:
    data = SAMPLE.read_bytes()
    through_http(server, data)  # warm-up: the server process loads its models
    synopsis.transcribe(SAMPLE, speaker_labels=True)
    http_times, library_times = [], []
    for _ in range(repeats):
        http_times.append(through_http(server, data))
        started = time.perf_counter()
        synopsis.transcribe(SAMPLE, speaker_labels=True)
        library_times.append(time.perf_counter() - started)
    http_s, library_s = statistics.median(http_times), statistics.median(library_times)
    print(f"\n[end to end] {SAMPLE.name} (44 s, speaker labels), median of {repeats}")
    print(f"  HTTP API (upload, create, poll)  {http_s:6.2f} s")
    print(f"  synopsis.transcribe              {library_s:6.2f} s")
    print(f"  ratio HTTP / library             {http_s / library_s:6.3f}")


def fill(data_dir: Path, key: str, count: int) -> list[str]:
    """Store `count` completed transcripts for `key`, each with a realistic result document."""
    factory = sessions(f"sqlite:///{data_dir / 'synopsis.db'}")
    key_id = authenticate(factory, key)
    result = synopsis.transcribe(ROOT / "tests/fixtures/speech/monologue_us.wav").to_dict()
    ids = []
    with factory.begin() as session:
        for index in range(count):
            row = TranscriptJob(
                id=f"00000000-0000-4000-8000-{index:012d}",
                key_id=key_id,
                status="completed",
                audio_url="http://example.com/a.mp3",
                request={"audio_url": "http://example.com/a.mp3"},
                result=result,
                created=datetime.now(UTC),
                completed=datetime.now(UTC),
                attempts=1,
                deleted=False,
                webhook_attempts=0,
            )
            session.add(row)
            ids.append(row.id)
    return ids


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"


def reads(server: ServerProcess, ids: list[str], requests: int = 1000) -> None:
    with httpx.Client(base_url=server.url, headers=server.headers()) as client:
        get_times, list_times = [], []
        for _ in range(requests):
            transcript_id = random.choice(ids)
            started = time.perf_counter()
            answer = client.get(f"/v2/transcript/{transcript_id}")
            get_times.append(time.perf_counter() - started)
            assert answer.status_code == 200
        for _ in range(requests // 5):
            started = time.perf_counter()
            answer = client.get("/v2/transcript", params={"limit": 50})
            list_times.append(time.perf_counter() - started)
            assert answer.status_code == 200
    print(f"\n[reads] {len(ids):,} stored transcripts, sequential client on loopback")
    print(f"  GET /v2/transcript/{{id}}  ({requests})   {percentiles(get_times)}")
    print(f"  GET /v2/transcript?limit=50 ({requests // 5})  {percentiles(list_times)}")


def short_clip() -> bytes:
    return wav_bytes(decode_audio(ROOT / "tests/fixtures/speech/monologue_us.wav")[: 16_000 * 2])


def concurrent_creates(server: ServerProcess, count: int = 100) -> None:
    clip = short_clip()
    upload = httpx.post(f"{server.url}/v2/upload", content=clip, headers=server.headers())
    url = upload.json()["upload_url"]

    def create(_: int) -> tuple[int, str]:
        answer = httpx.post(
            f"{server.url}/v2/transcript",
            json={"audio_url": url},
            headers=server.headers(),
            timeout=60,
        )
        return answer.status_code, answer.json().get("id", "")

    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(create, range(count)))
    accepted = time.perf_counter() - started
    ids = {transcript_id for status, transcript_id in answers if status == 200}
    finals: dict[str, str] = {}
    deadline = time.monotonic() + 900
    while len(finals) < len(ids) and time.monotonic() < deadline:
        for transcript_id in ids - set(finals):
            state = httpx.get(
                f"{server.url}/v2/transcript/{transcript_id}", headers=server.headers()
            ).json()
            if state["status"] in ("completed", "error"):
                finals[transcript_id] = state["status"]
        time.sleep(0.5)
    drained = time.perf_counter() - started
    print(f"\n[concurrent creates] {count} threads at once")
    print(f"  answered 200: {sum(s == 200 for s, _ in answers)}/{count}, distinct ids {len(ids)}")
    print(f"  all accepted in {accepted:.2f} s; all {len(finals)} jobs final in {drained:.1f} s")
    print(
        f"  completed {sum(v == 'completed' for v in finals.values())}, lost {count - len(finals)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stored", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "e2e").start()
        try:
            end_to_end(server, args.repeats)
            concurrent_creates(server)
        finally:
            server.stop()
        server = ServerProcess(Path(tmp) / "reads").start()
        try:
            ids = fill(server.data_dir, server.key or "", args.stored)
            reads(server, ids)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
