"""The transcript API on both deployments, with the official SDK as client: the embedded default
(SQLite, the server's own worker threads, uploads in a directory) and the scale-out one
(PostgreSQL, Celery workers on Redis, uploads in an S3-compatible bucket; all servers on
loopback). Then what scale-out promises: a worker killed mid-job
leaves its job to another, which completes it once, with one webhook."""

from __future__ import annotations

import os
import time
from pathlib import Path

import assemblyai as aai
import httpx
import pytest

from synopsis.config import Settings
from synopsis.runtime import Runtime

from .helpers import MEETINGS, LoopbackServer
from .server_helpers import InProcessServer, WorkerProcess
from .services import BucketServer
from .speech_helpers import SPEECH
from .test_api_jobs import WebhookReceiver, long_recording

LEASE_SECONDS = 3.0
VISIBILITY_SECONDS = 6.0


def deployment_env(
    data_dir: Path,
    database_url: str | None,
    broker_url: str | None,
    bucket: BucketServer | None = None,
) -> dict:
    """The settings every process of one deployment shares, as environment variables."""
    env = {
        "SYNOPSIS_DATA_DIR": str(data_dir),
        "SYNOPSIS_FETCH_ALLOWLIST": "127.0.0.1",
        "SYNOPSIS_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "SYNOPSIS_BROKER_VISIBILITY_SECONDS": str(VISIBILITY_SECONDS),
        "SYNOPSIS_WEBHOOK_BACKOFF_SECONDS": "0.2",
        "SYNOPSIS_DEFAULT_MODEL": "fast",
    }
    if database_url:
        env["SYNOPSIS_DATABASE_URL"] = database_url
    if broker_url:
        env["SYNOPSIS_BROKER_URL"] = broker_url
    if bucket:
        prefix = data_dir.name  # a prefix per deployment in the session's one bucket
        env["SYNOPSIS_MEDIA_URL"] = f"s3://{bucket.bucket}/{prefix}"
        env["SYNOPSIS_S3_ENDPOINT_URL"] = bucket.endpoint
        env.update(bucket.env)
    return env


def settings_of(env: dict[str, str]) -> Settings:
    fields = {
        name.removeprefix("SYNOPSIS_").lower(): value
        for name, value in env.items()
        if name.startswith("SYNOPSIS_")
    }
    return Settings(**fields)


class Deployment:
    """An API served in-process and, with a broker, `synopsis worker` processes beside it."""

    def __init__(self, env: dict[str, str], root: Path, bucket: BucketServer | None = None):
        self.env = env
        self.root = root
        self.bucket = bucket
        self.aws = {name: value for name, value in env.items() if name.startswith("AWS_")}
        self.saved = {name: os.environ.get(name) for name in self.aws}
        os.environ.update(self.aws)  # boto3 in this process reads them, as in a worker's
        self.api = InProcessServer(Runtime(settings_of(env))).start()
        self.workers: list[WorkerProcess] = []

    def add_worker(self) -> WorkerProcess:
        log = self.root / f"worker-{len(self.workers)}.log"
        worker = WorkerProcess(self.env, log).start()
        self.workers.append(worker)
        return worker

    def stored_uploads(self) -> list[str]:
        """The stored recordings: the bucket's keys under this deployment's prefix, or the
        files of the media directory."""
        if self.bucket is not None:
            prefix = f"{self.root.name}/"
            return [key for key in self.bucket.object_keys() if key.startswith(prefix)]
        folder = self.root / "uploads"
        return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.exists() else []

    def logs(self) -> str:
        return "\n".join(w.log.read_text()[-3000:] for w in self.workers)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.api.stop()
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module", params=["sqlite-in-process", "postgresql-celery"])
def deployment(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite-in-process":
        running = Deployment(deployment_env(root, None, None), root)
    else:
        database = request.getfixturevalue("postgres").new_database()
        broker = request.getfixturevalue("redis_server").new_database()
        bucket = request.getfixturevalue("bucket_server")
        running = Deployment(deployment_env(root, database, broker, bucket), root, bucket)
        running.add_worker()
    yield running
    running.stop()


@pytest.fixture
def sdk(deployment):
    aai.settings.base_url = deployment.api.url
    aai.settings.api_key = deployment.api.key
    aai.settings.polling_interval = 0.3
    return aai.Transcriber()


def test_sdk_upload_with_speaker_labels(deployment, sdk):
    transcript = sdk.transcribe(
        str(SPEECH / "two_speakers.wav"), config=aai.TranscriptionConfig(speaker_labels=True)
    )
    assert transcript.status == aai.TranscriptStatus.completed, deployment.logs()
    assert {u.speaker for u in transcript.utterances} == {"A", "B"}
    assert transcript.audio_duration == 44
    assert transcript.json_response["language_code"] == "en"


def test_sdk_audio_url_with_a_webhook_that_fires_once(deployment, sdk):
    files = LoopbackServer()
    files.serve("/talk.mp3", (SPEECH / "monologue_us.mp3").read_bytes(), "audio/mpeg")
    receiver = WebhookReceiver([200])
    try:
        config = aai.TranscriptionConfig().set_webhook(receiver.url)
        transcript = sdk.transcribe(files.url("/talk.mp3"), config=config)
        assert transcript.status == aai.TranscriptStatus.completed, deployment.logs()
        assert transcript.words
        receiver.wait(1)
        time.sleep(1.0)  # time enough for a second delivery, were there one
        assert [body for body, _ in receiver.received] == [
            {"transcript_id": transcript.id, "status": "completed"}
        ]
    finally:
        files.close()
        receiver.server.close()


def test_sdk_list_get_delete_and_unknown_ids(deployment, sdk):
    done = sdk.transcribe(str(SPEECH / "monologue_us.wav"))
    assert done.status == aai.TranscriptStatus.completed, deployment.logs()
    listed = sdk.list_transcripts(aai.ListTranscriptParameters(limit=50))
    assert done.id in [item.id for item in listed.transcripts]
    assert aai.Transcript.get_by_id(done.id).text == done.text
    deleted = aai.Transcript.delete_by_id(done.id)
    assert deleted.text == "Deleted by user."
    with pytest.raises(aai.types.TranscriptError):
        aai.Transcript.get_by_id("00000000-0000-0000-0000-000000000000")


def test_uploads_round_trip_through_the_media_store_and_go_with_their_transcript(deployment):
    api = deployment.api
    recording = (SPEECH / "monologue_us.wav").read_bytes()
    upload_url = httpx.post(
        f"{api.url}/v2/upload", content=recording, headers=api.headers()
    ).json()["upload_url"]
    upload_id = upload_url.rsplit("/", 1)[1]
    assert httpx.get(upload_url, headers=api.headers()).content == recording
    assert any(name.endswith(upload_id) for name in deployment.stored_uploads())

    transcript = aai.Transcriber().transcribe(upload_url)
    assert transcript.status == aai.TranscriptStatus.completed, deployment.logs()
    media = httpx.get(f"{api.url}/api/transcripts/{transcript.id}/media", headers=api.headers())
    assert media.content == recording
    aai.Transcript.delete_by_id(transcript.id)
    assert not any(name.endswith(upload_id) for name in deployment.stored_uploads())
    assert httpx.get(upload_url, headers=api.headers()).status_code == 404


def test_sdk_corrupt_upload_ends_in_a_readable_error(deployment, sdk):
    broken = deployment.root / "broken.mp3"
    broken.write_bytes(b"this is not audio " * 200)
    transcript = sdk.transcribe(str(broken))
    assert transcript.status == aai.TranscriptStatus.error
    assert "audio" in transcript.error.lower()


def test_a_summary_job_runs_where_the_transcripts_run(deployment):
    text = "\n".join((MEETINGS / "launch_sync.txt").read_text().splitlines()[:12])
    api = deployment.api
    created = httpx.post(
        f"{api.url}/api/summaries", json={"text": text, "style": "bullets"}, headers=api.headers()
    ).json()
    deadline = time.monotonic() + 300
    while (job := httpx.get(f"{api.url}/api/summaries/{created['id']}", headers=api.headers())
           .json())["status"] not in ("completed", "error"):  # fmt: skip
        assert time.monotonic() < deadline, deployment.logs()
        time.sleep(0.3)
    assert job["status"] == "completed", job
    assert "March 14" in job["result"]["summary"]  # the launch date, agreed at the start


@pytest.fixture
def scaled(postgres, redis_server, tmp_path):
    running = Deployment(
        deployment_env(tmp_path, postgres.new_database(), redis_server.new_database()), tmp_path
    )
    yield running
    running.stop()


def test_two_workers_kill_9_one_mid_job_and_the_other_completes_it_once(scaled):
    first, second = scaled.add_worker(), scaled.add_worker()
    api = scaled.api
    receiver = WebhookReceiver([200])
    uploaded = httpx.post(f"{api.url}/v2/upload", content=long_recording(), headers=api.headers())
    created = httpx.post(
        f"{api.url}/v2/transcript",
        json={"audio_url": uploaded.json()["upload_url"], "webhook_url": receiver.url},
        headers=api.headers(),
    ).json()
    jobs = api.runtime.transcript_jobs
    deadline = time.monotonic() + 120
    while (row := jobs.get(created["id"])).status != "processing" or not row.lease_owner:
        assert time.monotonic() < deadline, scaled.logs()
        time.sleep(0.1)
    holder = next(w for w in (first, second) if f"-{w.pid}-" in row.lease_owner)
    time.sleep(1.0)  # well into the job
    holder.kill()

    deadline = time.monotonic() + 300
    while (row := jobs.get(created["id"])).status not in ("completed", "error"):
        assert time.monotonic() < deadline, scaled.logs()
        time.sleep(0.3)
    assert row.status == "completed", row.error
    assert row.attempts == 2  # the killed attempt and the one that finished
    survivor = first if holder is second else second
    assert survivor.process.poll() is None
    receiver.wait(1)
    time.sleep(2.0)  # a duplicate delivery would arrive by now
    assert [body["status"] for body, _ in receiver.received] == ["completed"]
    receiver.server.close()
