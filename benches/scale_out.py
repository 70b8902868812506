"""Scale-out (PostgreSQL store, Celery workers on Redis) against the engine underneath, in one run.

Every server is real and on 127.0.0.1: a throwaway PostgreSQL cluster and redis-server
(`tests/services.py`), the API served in-process by uvicorn (`InProcessServer`), and N
`python -m synopsis worker --concurrency 1` processes (`WorkerProcess`). Each deployment gets a
fresh PostgreSQL database and a fresh Redis database number.

1. Throughput with 1, 2 and 4 workers (`--workers`), for each `SYNOPSIS_SPEECH_THREADS` in
   `--threads` (default 2, the shipped default, and 1): the clip is uploaded once and `--jobs`
   transcript jobs are created from its upload URL; wall time runs from just before the first
   create to the last job's `completed` time in the store; jobs/min = jobs / wall time.
   Warm-up, not timed: every worker process is started, waited for until Celery logs `ready`,
   and given one job (rounds of one job per worker until each worker's log shows a finished
   task), so process start and model loading are excluded; both are reported separately
   (start → ready, and the first job's time in each worker against its later jobs).
2. The engine underneath, same run, same clip: faster-whisper's `WhisperModel.transcribe` in
   this process with the same model directory, int8, the same thread count and the identical
   keyword arguments (`recognition_options(...).whisper_kwargs()`), `--jobs` times in a row after
   one warm-up call → engine jobs/min. Ratio = scale-out jobs/min / engine jobs/min (with the
   same speech threads per job).
3. Reads under load: with `--load-workers` workers busy on a queue of jobs, `--clients` client
   threads (in a separate process, so they do not share the API's GIL) send
   GET /v2/transcript/{id} (4 of 5 requests, random ids of the queued jobs) and
   GET /v2/transcript?limit=50 (1 of 5) for `--seconds` seconds after a 1 s warm-up: p50 / p99
   and requests/s. The same against the embedded default (SQLite, the server's own worker
   threads, `SYNOPSIS_WORKERS` = `--load-workers`), and the ratio.

The machine has 2 cores: 4 workers (and 2 workers x 2 speech threads) oversubscribe it.
Lease and visibility timeouts are the shipped defaults (30 s / 300 s), not the test suite's
short ones (3 s / 6 s), unless `--test-timeouts`.

Machines here are shared. Each measurement waits until processes outside the bench's own
process tree leave the cores alone (up to `--quiet-wait` s), records the cores they used while it
ran ("other CPU", from /proc), and is taken again (up to `--redo` times) when that is over
`--max-other`. About 8 minutes on a quiet machine; longer while others' tests run.

    python benches/scale_out.py [--jobs 12] [--workers 1,2,4] [--threads 2,1] [--clients 16]
                                [--seconds 20] [--out benches/results/scale_out.txt]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIP = ROOT / "tests/fixtures/speech/monologue_us.wav"
FINAL = ("completed", "error")
SUCCEEDED = re.compile(r"succeeded in ([0-9.]+)s")
RECEIVED = re.compile(r"Task synopsis\.run_job\[[^\]]+\] received")
RETRY = re.compile(r"Task synopsis\.run_job\[[^\]]+\] retry")


# --- what every part shares -------------------------------------------------------------------


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(1, int(round(q / 100 * len(ordered) + 0.4999)))
    return ordered[min(rank, len(ordered)) - 1]


def clip_seconds() -> float:
    import wave

    with wave.open(str(CLIP)) as audio:
        return audio.getnframes() / audio.getframerate()


def environment(root: Path, database_url: str | None, broker_url: str | None, args) -> dict:
    from tests.test_scale_out import deployment_env

    env = deployment_env(root, database_url, broker_url)
    if not args.test_timeouts:  # the shipped defaults, not the kill tests' short ones
        env["SYNOPSIS_JOB_LEASE_SECONDS"] = "30"
        env["SYNOPSIS_BROKER_VISIBILITY_SECONDS"] = "300"
    return env


def upload(api, data: bytes) -> str:
    answer = httpx.post(f"{api.url}/v2/upload", content=data, headers=api.headers(), timeout=60)
    answer.raise_for_status()
    return answer.json()["upload_url"]


def create_jobs(api, audio_url: str, count: int) -> list[str]:
    ids = []
    with httpx.Client(base_url=api.url, headers=api.headers(), timeout=60) as client:
        for _ in range(count):
            answer = client.post("/v2/transcript", json={"audio_url": audio_url})
            answer.raise_for_status()
            ids.append(answer.json()["id"])
    return ids


def rows(api, ids: list[str]) -> dict[str, tuple]:
    """id → (status, completed, attempts, error), read from the store in one query."""
    from sqlalchemy import select

    from synopsis.store.tables import TranscriptJob

    table = TranscriptJob
    with api.runtime.sessions() as session:
        found = session.execute(
            select(table.id, table.status, table.completed, table.attempts, table.error).where(
                table.id.in_(ids)
            )
        ).all()
    return {row[0]: tuple(row[1:]) for row in found}


def wait_final(api, ids: list[str], timeout: float, on_timeout=lambda: "") -> dict[str, tuple]:
    deadline = time.monotonic() + timeout
    while True:
        state = rows(api, ids)
        if len(state) == len(ids) and all(row[0] in FINAL for row in state.values()):
            return state
        if time.monotonic() > deadline:
            waiting = sum(row[0] not in FINAL for row in state.values())
            raise TimeoutError(
                f"{waiting} of {len(ids)} jobs not final after {timeout:.0f} s\n{on_timeout()}"
            )
        time.sleep(0.2)


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class OtherCpu:
    """CPU seconds used meanwhile by processes outside this bench's process tree (the machine
    is shared: someone's test run during a measurement shows up here)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self) -> None:
        self.begin = self._foreign()
        self.began = time.monotonic()

    @staticmethod
    def _foreign() -> dict[int, int]:
        """pid → CPU ticks (own and reaped children's) of processes not descended from us."""
        parents, ticks = {}, {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            pid = int(text.split(" ", 1)[0])
            fields = text[text.rindex(")") + 2 :].split()
            parents[pid] = int(fields[1])
            ticks[pid] = sum(int(value) for value in fields[11:15])
        me = os.getpid()

        def ours(pid: int) -> bool:
            while pid > 1:
                if pid == me:
                    return True
                pid = parents.get(pid, 0)
            return False

        return {pid: tick for pid, tick in ticks.items() if not ours(pid)}

    def cores(self) -> float:
        """Average cores the other processes used since this meter started."""
        end = self._foreign()
        used = sum(tick - self.begin.get(pid, 0) for pid, tick in end.items())
        return max(0, used) / self.TICK / (time.monotonic() - self.began)


# --- 1. throughput with N worker processes ----------------------------------------------------


def log_of(worker) -> str:
    return worker.log.read_text(errors="replace") if worker.log.exists() else ""


def wait_ready(workers, started: float, timeout: float = 120) -> list[float]:
    """Seconds from spawn to Celery's `ready.` line, per worker."""
    ready: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    while len(ready) < len(workers):
        for index, worker in enumerate(workers):
            if index not in ready and " ready." in log_of(worker):
                ready[index] = time.monotonic() - started
            if worker.process.poll() is not None:
                raise RuntimeError(f"worker {index} exited:\n{log_of(worker)[-3000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(
                "workers not ready:\n" + "\n".join(log_of(w)[-2000:] for w in workers)
            )
        time.sleep(0.1)
    return [ready[index] for index in range(len(workers))]


def task_times(worker) -> list[float]:
    """Seconds of each task that ran a job; a redelivered copy that found its job held or
    ended returns at once (under 0.2 s) and is not counted."""
    times = [float(seconds) for seconds in SUCCEEDED.findall(log_of(worker))]
    return [seconds for seconds in times if seconds >= 0.2]


def warm_up(api, workers, audio_url: str, logs) -> int:
    """Rounds of one job per worker until every worker has finished one; the jobs used."""
    used = 0
    for _ in range(6):
        if all(task_times(worker) for worker in workers):
            return used
        ids = create_jobs(api, audio_url, len(workers))
        used += len(ids)
        wait_final(api, ids, 600, logs)
        time.sleep(0.3)  # the log line follows the store's update
    if not all(task_times(worker) for worker in workers):
        raise RuntimeError("a worker never took a warm-up job:\n" + logs())
    return used


def scale_out_run(pg, redis, tmp: Path, count: int, threads: int, data: bytes, args) -> dict:
    from tests.server_helpers import InProcessServer, WorkerProcess
    from tests.test_scale_out import settings_of

    from synopsis.runtime import Runtime

    root = tmp / f"scale-{count}w-{threads}t"
    root.mkdir()
    env = environment(root, pg.new_database(), redis.new_database(), args)
    env["SYNOPSIS_SPEECH_THREADS"] = str(threads)
    api = InProcessServer(Runtime(settings_of(env))).start()
    workers = []
    try:
        spawned = time.monotonic()
        for index in range(count):
            workers.append(WorkerProcess(env, root / f"worker-{index}.log").start())
        ready = wait_ready(workers, spawned)

        def logs() -> str:
            return "\n".join(f"--- worker {i}\n{log_of(w)[-2500:]}" for i, w in enumerate(workers))

        audio_url = upload(api, data)
        warm_started = time.monotonic()
        warm_jobs = warm_up(api, workers, audio_url, logs)
        warm_seconds = time.monotonic() - warm_started
        first_tasks = [task_times(worker)[0] for worker in workers]
        before = [len(task_times(worker)) for worker in workers]

        meter = OtherCpu()
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        ids = create_jobs(api, audio_url, args.jobs)
        created = time.perf_counter() - started
        state = wait_final(api, ids, 1800, logs)
        other = meter.cores()
        polled = time.perf_counter() - started
        last = max(as_utc(row[1]) for row in state.values() if row[1] is not None)
        wall = (last - started_at).total_seconds()
        time.sleep(0.5)  # the last "succeeded" lines
        later = [task_times(worker)[skip:] for worker, skip in zip(workers, before, strict=True)]
        text = [log_of(worker) for worker in workers]
        result = {
            "workers": count,
            "threads": threads,
            "wall": wall,
            "polled": polled,
            "created": created,
            "jobs_per_min": args.jobs / wall * 60,
            "other": other,
            "completed": sum(row[0] == "completed" for row in state.values()),
            "errors": [row[3] for row in state.values() if row[0] != "completed"],
            "extra_attempts": sum(max(0, (row[2] or 0) - 1) for row in state.values()),
            "ready": ready,
            "warm_seconds": warm_seconds,
            "warm_jobs": warm_jobs,
            "first_task": first_tasks,
            "later_task": statistics.median([t for times in later for t in times] or [0.0]),
            "per_worker": [len(times) for times in later],
            "received": sum(len(RECEIVED.findall(t)) for t in text),
            "retries": sum(len(RETRY.findall(t)) for t in text),
            "warnings": sum(t.count("WARNING") + t.count("ERROR") for t in text),
            "logs": [worker.log for worker in workers],
        }
    finally:
        for worker in workers:
            worker.stop()
        api.stop()
    result["exit_codes"] = [worker.process.returncode for worker in workers]
    return result


# --- 2. the engine underneath -----------------------------------------------------------------


def engine_run(threads: int, jobs: int) -> dict:
    from faster_whisper import WhisperModel

    from synopsis.config import Settings
    from synopsis.speech.pipeline import recognition_options, recognizer_for

    settings = Settings(speech_threads=threads)
    recognizer = recognizer_for("default", settings)
    model = WhisperModel(
        str(recognizer.directory), device="cpu", compute_type="int8", cpu_threads=threads
    )
    kwargs = recognition_options(clip_seconds(), settings=settings).whisper_kwargs()

    def once() -> float:
        began = time.perf_counter()
        segments, _ = model.transcribe(str(CLIP), **kwargs)
        words = sum(len(segment.words or ()) for segment in segments)  # decoding is lazy
        assert words > 0
        return time.perf_counter() - began

    once()  # warm-up, as the workers had
    meter = OtherCpu()
    times = [once() for _ in range(jobs)]
    other = meter.cores()
    total = sum(times)
    return {
        "threads": threads,
        "wall": total,
        "jobs_per_min": jobs / total * 60,
        "median": statistics.median(times),
        "other": other,
        "batched": "batch_size" in kwargs,
    }


# --- 3. reads under load ----------------------------------------------------------------------


def read_clients(url: str, key: str, ids: list[str], seconds: float, threads: int, out) -> None:
    """In a child process: `threads` keep-alive clients; latencies after a 1 s warm-up."""
    begin = time.monotonic() + 1.0
    end = begin + seconds
    samples: dict[str, list[float]] = {"get": [], "list": []}
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        rng = random.Random(index)
        mine: dict[str, list[float]] = {"get": [], "list": []}
        bad: list[str] = []
        with httpx.Client(base_url=url, headers={"authorization": key}, timeout=60) as http:
            turn = index
            while (moment := time.monotonic()) < end:
                turn += 1
                kind = "list" if turn % 5 == 0 else "get"
                try:
                    if kind == "list":
                        answer = http.get("/v2/transcript", params={"limit": 50})
                    else:
                        answer = http.get(f"/v2/transcript/{rng.choice(ids)}")
                    ok = answer.status_code == 200
                    detail = f"{answer.status_code} {answer.text[:120]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, repr(exc)
                elapsed = time.monotonic() - moment
                if moment >= begin:
                    mine[kind].append(elapsed)
                    if not ok:
                        bad.append(detail)
        with lock:
            for kind in samples:
                samples[kind] += mine[kind]
            failures.extend(bad)

    pool = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put({"samples": samples, "failures": failures[:20], "failed": len(failures)})


def hammer(api, ids: list[str], args) -> dict:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(
        target=read_clients,
        args=(api.url, api.key, ids, args.seconds, args.clients, out),
    )
    child.start()
    try:
        result = out.get(timeout=args.seconds + 120)
    finally:
        child.join(60)
        if child.is_alive():
            child.kill()
            child.join()
    samples = result["samples"]
    every = samples["get"] + samples["list"]
    return {
        "get": samples["get"],
        "list": samples["list"],
        "all": every,
        "rate": len(every) / args.seconds,
        "failed": result["failed"],
        "failures": result["failures"],
    }


def load_run(kind: str, pg, redis, tmp: Path, data: bytes, args) -> dict:
    from tests.server_helpers import InProcessServer, WorkerProcess
    from tests.test_scale_out import settings_of

    from synopsis.runtime import Runtime

    root = tmp / f"load-{kind}"
    root.mkdir()
    count = args.load_workers
    if kind == "scale-out":
        env = environment(root, pg.new_database(), redis.new_database(), args)
    else:
        env = environment(root, None, None, args)
        env["SYNOPSIS_WORKERS"] = str(count)  # the server's own threads run as many jobs at once
    env["SYNOPSIS_SPEECH_THREADS"] = str(args.load_threads)
    api = InProcessServer(Runtime(settings_of(env))).start()
    workers = []
    try:
        if kind == "scale-out":
            spawned = time.monotonic()
            for index in range(count):
                workers.append(WorkerProcess(env, root / f"worker-{index}.log").start())
            wait_ready(workers, spawned)

        def logs() -> str:
            return "\n".join(log_of(w)[-2500:] for w in workers)

        audio_url = upload(api, data)
        if workers:
            warm_up(api, workers, audio_url, logs)
        else:
            wait_final(api, create_jobs(api, audio_url, count), 600)  # models loaded
        ids = create_jobs(api, audio_url, args.load_jobs)
        time.sleep(1.0)  # every worker has started a job
        done_before = sum(row[0] in FINAL for row in rows(api, ids).values())
        meter = OtherCpu()
        reads = hammer(api, ids, args)
        reads["other"] = meter.cores()
        state = rows(api, ids)
        done_after = sum(row[0] in FINAL for row in state.values())
        busy = sum(row[0] == "processing" for row in state.values())
        reads.update(
            kind=kind,
            jobs_during=done_after - done_before,
            still_queued=sum(row[0] == "queued" for row in state.values()),
            busy_at_end=busy,
            errors=sum(row[0] == "error" for row in state.values()),
        )
        return reads
    finally:
        for worker in workers:
            worker.stop()
        api.stop()


# --- output -----------------------------------------------------------------------------------


PRINTED: list[str] = []


def emit(text: str = "") -> None:
    """Print, and keep the line for `--out`."""
    print(text, flush=True)
    PRINTED.append(text)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def report_throughput(runs: list[dict], engines: dict[int, dict], args) -> None:
    emit(f"\n[throughput] {args.jobs} jobs of {CLIP.name} ({clip_seconds():.1f} s), after warm-up")
    emit(
        "  workers x threads | wall     | jobs/min | engine jobs/min | ratio | per worker | "
        "extra attempts | lost/errors | other CPU"
    )
    for run in runs:
        engine = engines[run["threads"]]
        oversubscribed = " *" if run["workers"] * run["threads"] > os.cpu_count() else ""
        lost = args.jobs - run["completed"]
        emit(
            f"  {run['workers']} x {run['threads']}{oversubscribed:<13} | {run['wall']:6.1f} s | "
            f"{run['jobs_per_min']:8.1f} | {engine['jobs_per_min']:15.1f} | "
            f"{run['jobs_per_min'] / engine['jobs_per_min']:5.2f} | "
            f"{'/'.join(map(str, run['per_worker'])):<10} | {run['extra_attempts']:14d} | "
            f"{lost:11d} | {run['other']:.2f}"
        )
    emit(f"  * more speech threads than the machine's {os.cpu_count()} cores (oversubscribed)")
    emit("  other CPU: cores used meanwhile by processes outside this bench (a shared machine)")
    for threads, engine in engines.items():
        emit(
            f"  engine, {threads} thread(s): faster-whisper {engine['median']:.2f} s per clip "
            f"(median), {args.jobs} in a row {engine['wall']:.1f} s, batched={engine['batched']}; "
            f"other CPU {engine['other']:.2f}"
        )
    emit("\n[start-up, excluded above] per worker count x threads")
    for run in runs:
        emit(
            f"  {run['workers']} x {run['threads']}: spawn → ready "
            f"{', '.join(f'{s:.1f}' for s in run['ready'])} s; first job (model load) "
            f"{', '.join(f'{s:.2f}' for s in run['first_task'])} s vs later jobs median "
            f"{run['later_task']:.2f} s; warm-up {run['warm_jobs']} job(s), "
            f"{run['warm_seconds']:.1f} s; creates took {run['created'] * 1000:.0f} ms"
        )
        if run["errors"] or run["retries"] or run["warnings"] or any(run["exit_codes"]):
            emit(
                f"    errors {run['errors'][:3]}, task retries {run['retries']}, "
                f"WARNING/ERROR log lines {run['warnings']}, exit codes {run['exit_codes']}"
            )
        emit(
            f"    tasks received {run['received']} for {args.jobs + run['warm_jobs']} jobs "
            f"(more: redelivered copies)"
        )


def report_reads(loads: list[dict], args) -> None:
    emit(
        f"\n[reads under load] {args.clients} client threads (own process), {args.seconds:.0f} s; "
        f"{args.load_workers} jobs running at once, {args.load_threads} speech thread(s) each"
    )
    emit(
        "  deployment | GET {id} p50 / p99 | list p50 / p99 | all p50 / p99 | req/s | "
        "failed | other CPU | jobs done meanwhile"
    )
    for load in loads:
        emit(
            f"  {load['kind']:<10} | {ms(percentile(load['get'], 50))} / "
            f"{ms(percentile(load['get'], 99))} | {ms(percentile(load['list'], 50))} / "
            f"{ms(percentile(load['list'], 99))} | {ms(percentile(load['all'], 50))} / "
            f"{ms(percentile(load['all'], 99))} | {load['rate']:6.1f} | {load['failed']} | "
            f"{load['other']:.2f} | "
            f"{load['jobs_during']} (errors {load['errors']}, {load['busy_at_end']} running and "
            f"{load['still_queued']} queued at the end)"
        )
        if load["failures"]:
            emit(f"    e.g. {load['failures'][:3]}")
    if len(loads) == 2:
        scaled, embedded = loads

        def ratio(kind: str, q: float) -> float:
            return percentile(scaled[kind], q) / percentile(embedded[kind], q)

        emit(
            f"  ratio scale-out / embedded: p50 GET {ratio('get', 50):.2f}, p99 GET "
            f"{ratio('get', 99):.2f}, p99 list {ratio('list', 99):.2f}, "
            f"req/s {scaled['rate'] / embedded['rate']:.2f}"
        )


class Brokers:
    """Redis databases for one deployment each: another redis-server once one has handed out
    all 16 (a phase measured again takes a fresh one too)."""

    def __init__(self) -> None:
        self.servers: list = []

    def new_database(self) -> str:
        from tests.services import RedisServer

        if not self.servers or self.servers[-1].used >= 15:
            self.servers.append(RedisServer().start())
        return self.servers[-1].new_database()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def wait_quiet(args) -> None:
    """Wait until processes outside the bench leave the cores alone for 5 s (a shared machine)."""
    waited = time.monotonic()
    while True:
        meter = OtherCpu()
        time.sleep(5)
        busy = meter.cores()
        if busy <= args.max_other:
            return
        if time.monotonic() - waited > args.quiet_wait:
            emit(f"  (other processes still use {busy:.2f} cores; measuring anyway)")
            return


def measured(label: str, args, measure, *arguments) -> dict:
    """`measure(*arguments)` on a quiet machine; again (up to `--redo` times) if other
    processes used more than `--max-other` cores meanwhile. The last result is kept either way."""
    for attempt in range(args.redo + 1):
        wait_quiet(args)
        result = measure(*arguments)
        if result["other"] <= args.max_other:
            break
        emit(
            f"  {label}: other processes used {result['other']:.2f} cores meanwhile"
            + ("; measuring again" if attempt < args.redo else "; kept, marked !")
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument("--threads", default="2,1", help="SYNOPSIS_SPEECH_THREADS values")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--load-workers", type=int, default=2)
    parser.add_argument("--load-threads", type=int, default=2)
    parser.add_argument("--load-jobs", type=int, default=40)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument(
        "--max-other",
        type=float,
        default=0.1,
        help="cores other processes may use during a measurement before it is taken again",
    )
    parser.add_argument("--redo", type=int, default=2, help="measurements taken again at most")
    parser.add_argument(
        "--quiet-wait", type=float, default=900, help="seconds to wait for a quiet machine"
    )
    parser.add_argument(
        "--test-timeouts",
        action="store_true",
        help="the test suite's 3 s lease / 6 s visibility timeout",
    )
    parser.add_argument("--out", type=Path, help="also write the printout here")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    thread_counts = [int(n) for n in args.threads.split(",")]

    from tests.services import PostgresServer

    began = time.monotonic()
    emit(
        f"scale-out bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}; lease/visibility "
        f"{'3 s / 6 s (tests)' if args.test_timeouts else '30 s / 300 s (defaults)'}"
    )
    if max(counts) * min(thread_counts) > (os.cpu_count() or 1):
        emit(
            f"note: up to {max(counts) * max(thread_counts)} speech threads on "
            f"{os.cpu_count()} cores: the larger worker counts oversubscribe this machine"
        )
    data = CLIP.read_bytes()
    pg = None
    redis = Brokers()
    runs: list[dict] = []
    engines: dict[int, dict] = {}
    loads: list[dict] = []
    try:
        pg = PostgresServer().start()
        with tempfile.TemporaryDirectory(prefix="synopsis-bench-") as tmp:
            for threads in [] if args.skip_throughput else thread_counts:
                engine = measured(
                    f"engine {threads} thread(s)", args, engine_run, threads, args.jobs
                )
                engines[threads] = engine
                emit(
                    f"  engine {threads} thread(s): {engine['jobs_per_min']:.1f} "
                    f"jobs/min; other processes {engine['other']:.2f} cores"
                )
                for count in counts:
                    run = measured(
                        f"{count} worker(s) x {threads} thread(s)",
                        args,
                        scale_out_run,
                        *(pg, redis, Path(tmp), count, threads, data, args),
                    )
                    runs.append(run)
                    emit(
                        f"  {count} worker(s) x {threads} thread(s): "
                        f"{run['jobs_per_min']:.1f} jobs/min ({run['wall']:.1f} s); "
                        f"other processes {run['other']:.2f} cores"
                    )
            for kind in [] if args.skip_reads else ["scale-out", "embedded"]:
                load = measured(
                    f"reads against {kind}",
                    args,
                    load_run,
                    *(kind, pg, redis, Path(tmp), data, args),
                )
                loads.append(load)
                emit(f"  reads against {kind}: other processes {load['other']:.2f} cores")
    finally:
        redis.stop()
        if pg is not None:
            pg.stop()
    if runs:
        report_throughput(runs, engines, args)
    if loads:
        report_reads(loads, args)
    emit(f"\nwhole bench: {(time.monotonic() - began) / 60:.1f} min")
    if args.out:
        args.out.write_text("\n".join(PRINTED) + "\n")


if __name__ == "__main__":
    main()
