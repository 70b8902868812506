"""Durable jobs and webhooks: kill -9 and restart, graceful shutdown, delivery and retries."""

from __future__ import annotations

import http.server
import json
import sqlite3
import threading
import time

import httpx
import numpy as np
import pytest

from synopsis.media import decode_audio

from .helpers import MEETINGS, LoopbackServer
from .server_helpers import ServerProcess
from .speech_helpers import SPEECH, wav_bytes


class WebhookReceiver:
    """Answers each webhook POST with the next status of a script, recording what arrived."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[tuple[dict, dict]] = []
        self.arrived = threading.Event()
        self.server = LoopbackServer()
        self.server.routes["/hook"] = self._handle

    def _handle(self, request: http.server.BaseHTTPRequestHandler) -> None:
        _, _, headers, body = self.server.requests[-1]
        self.received.append((json.loads(body), {k.lower(): v for k, v in headers.items()}))
        status = self.statuses[min(len(self.received), len(self.statuses)) - 1]
        request.send_response(status)
        request.send_header("content-length", "0")
        request.end_headers()
        self.arrived.set()

    @property
    def url(self) -> str:
        return self.server.url("/hook")

    def wait(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)


def long_recording(copies: int = 3) -> bytes:
    """The two-speaker fixture repeated: long enough to kill the server mid-job."""
    return wav_bytes(np.concatenate([decode_audio(SPEECH / "two_speakers.wav")] * copies))


def submit(server: ServerProcess, data: bytes, **options) -> str:
    url = httpx.post(f"{server.url}/v2/upload", content=data, headers=server.headers()).json()
    body = {"audio_url": url["upload_url"], **options}
    created = httpx.post(f"{server.url}/v2/transcript", json=body, headers=server.headers())
    assert created.status_code == 200, created.text
    return created.json()["id"]


def wait_status(server: ServerProcess, transcript_id: str, status: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = httpx.get(
            f"{server.url}/v2/transcript/{transcript_id}", headers=server.headers()
        ).json()
        if answer["status"] == status:
            return answer
        time.sleep(0.05)
    raise TimeoutError(f"{transcript_id} never reached {status}")


def row(server: ServerProcess, job_id: str, table: str = "transcripts") -> dict:
    with sqlite3.connect(server.data_dir / "synopsis.db") as db:
        db.row_factory = sqlite3.Row
        found = db.execute(f"SELECT * FROM {table} WHERE id = ?", (job_id,)).fetchone()
        return dict(found)


@pytest.fixture
def fresh_server(tmp_path):
    servers: list[ServerProcess] = []

    def start(**env: str) -> ServerProcess:
        server = ServerProcess(tmp_path / "data", env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_webhook_gets_the_documented_body_and_auth_header(fresh_server):
    receiver = WebhookReceiver([200])
    server = fresh_server()
    transcript_id = submit(
        server,
        (SPEECH / "monologue_gb.wav").read_bytes(),
        webhook_url=receiver.url,
        webhook_auth_header_name="X-Webhook-Secret",
        webhook_auth_header_value="s3cret",
    )
    receiver.wait(1)
    body, headers = receiver.received[0]
    assert body == {"transcript_id": transcript_id, "status": "completed"}
    assert headers["x-webhook-secret"] == "s3cret"
    done = server.wait_for(transcript_id)
    time.sleep(0.3)
    done = server.wait_for(transcript_id)
    assert done["webhook_status_code"] == 200 and done["webhook_auth"] is True
    assert done["webhook_url"] == receiver.url
    assert "webhook_auth_header_value" not in done  # the secret is never echoed


def test_webhook_retries_server_errors_and_stops_on_4xx(fresh_server):
    retried = WebhookReceiver([500, 503, 200])
    refused = WebhookReceiver([404])
    server = fresh_server()
    data = (SPEECH / "monologue_us.wav").read_bytes()
    first = submit(server, data, webhook_url=retried.url)
    second = submit(server, b"not audio " * 50, webhook_url=refused.url)
    retried.wait(3)
    refused.wait(1)
    time.sleep(1.5)  # time for wrong extra attempts to show up
    assert [body["status"] for body, _ in retried.received] == ["completed"] * 3
    assert [body for body, _ in refused.received] == [{"transcript_id": second, "status": "error"}]
    assert server.wait_for(first)["webhook_status_code"] == 200
    assert server.wait_for(second)["webhook_status_code"] == 404
    assert row(server, first)["webhook_state"] == "delivered"
    assert row(server, second)["webhook_state"] == "failed"


def test_webhook_gives_up_after_the_attempt_limit(fresh_server):
    failing = WebhookReceiver([500])
    server = fresh_server(SYNOPSIS_WEBHOOK_ATTEMPTS="3", SYNOPSIS_WEBHOOK_BACKOFF_SECONDS="0.1")
    transcript_id = submit(server, b"still not audio " * 50, webhook_url=failing.url)
    failing.wait(3)
    time.sleep(1.5)
    assert len(failing.received) == 3
    assert row(server, transcript_id)["webhook_state"] == "failed"


def test_kill_9_mid_job_then_restart_completes_exactly_once(fresh_server):
    receiver = WebhookReceiver([200])
    server = fresh_server()
    transcript_id = submit(server, long_recording(), speaker_labels=True, webhook_url=receiver.url)
    wait_status(server, transcript_id, "processing")
    server.kill()
    assert row(server, transcript_id)["status"] == "processing"

    server.start()  # same data dir, same key; the dead worker's lease lapses in 3 s
    done = server.wait_for(transcript_id)
    assert done["status"] == "completed" and {u["speaker"] for u in done["utterances"]} == {
        "A",
        "B",
    }
    receiver.wait(1)
    time.sleep(2)
    assert len(receiver.received) == 1  # completed once, announced once
    stored = row(server, transcript_id)
    assert stored["attempts"] == 2 and stored["lease_owner"] is None


def test_a_summary_job_survives_kill_9_and_completes_once(fresh_server):
    server = fresh_server()
    text = (MEETINGS / "launch_sync.txt").read_text()
    created = httpx.post(
        f"{server.url}/api/summaries",
        json={"text": text, "style": "bullets"},
        headers=server.headers(),
    ).json()
    deadline = time.monotonic() + 120
    while row(server, created["id"], "summaries")["status"] != "processing":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    server.kill()
    assert row(server, created["id"], "summaries")["status"] == "processing"

    server.start()  # the dead worker's lease lapses in 3 s; the new server takes the job over
    deadline = time.monotonic() + 600
    while (
        job := httpx.get(
            f"{server.url}/api/summaries/{created['id']}", headers=server.headers()
        ).json()
    )["status"] in ("queued", "processing"):
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert job["status"] == "completed", job["error"]
    assert "March 14" in job["result"]["summary"]
    stored = row(server, created["id"], "summaries")
    assert stored["attempts"] == 2 and stored["lease_owner"] is None


def test_graceful_shutdown_requeues_unfinished_work(fresh_server):
    server = fresh_server(SYNOPSIS_JOB_LEASE_SECONDS="600")  # only a requeue can resume it soon
    transcript_id = submit(server, long_recording(4), speaker_labels=True)
    wait_status(server, transcript_id, "processing")
    started = time.monotonic()
    server.stop()  # SIGTERM: the job either finishes within the grace period or goes back
    assert time.monotonic() - started < 60
    state = row(server, transcript_id)
    assert state["status"] in ("queued", "completed")
    server.start()
    assert server.wait_for(transcript_id)["status"] == "completed"
