"""The app built in-process from a runtime: API logic tested without a subprocess, and two apps
in one process that share nothing (no process-wide settings, registry or store behind them)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from synopsis.api.app import create_app
from synopsis.config import Settings
from synopsis.runtime import Runtime
from synopsis.store.keys import create_key

from .speech_helpers import REAL


def app_for(data_dir: Path, **settings) -> tuple[TestClient, dict[str, str]]:
    runtime = Runtime(Settings(data_dir=data_dir, default_model="fast", **settings))
    _, key = create_key(runtime.sessions, "test")
    return TestClient(create_app(runtime)), {"authorization": key}


@pytest.fixture
def two_apps(tmp_path):
    first, first_key = app_for(tmp_path / "one")
    second, second_key = app_for(tmp_path / "two", upload_max_bytes=1000)
    with first, second:  # lifespans: each starts its own worker pool
        yield (first, first_key), (second, second_key)


def test_two_apps_in_one_process_share_no_settings_store_or_keys(two_apps):
    (first, first_key), (second, second_key) = two_apps
    recording = (REAL / "single_jfk.flac").read_bytes()
    uploaded = first.post("/v2/upload", content=recording, headers=first_key)
    assert uploaded.status_code == 200
    # the second app's own limit and its own keys
    refused = second.post("/v2/upload", content=recording, headers=second_key)
    assert refused.status_code == 413
    assert second.get("/v2/transcript", headers=first_key).status_code == 401
    assert second.get("/api/info", headers=second_key).json()["limits"]["upload_max_bytes"] == 1000

    created = first.post(
        "/v2/transcript", json={"audio_url": uploaded.json()["upload_url"]}, headers=first_key
    ).json()
    deadline = time.monotonic() + 120
    while (job := first.get(f"/v2/transcript/{created['id']}", headers=first_key).json())[
        "status"
    ] not in ("completed", "error"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert job["status"] == "completed", job["error"]
    assert "country" in job["text"].lower()  # "ask not what your country can do for you"
    listed = second.get("/v2/transcript", headers=second_key).json()["transcripts"]
    assert listed == []


def test_errors_keep_each_surfaces_shape_in_process(tmp_path):
    client, key = app_for(tmp_path)
    with client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/v2/transcript/nope", headers=key).json() == {
            "error": "Transcript not found"
        }
        chat = client.post("/v1/chat/completions", json={"model": "fast"}, headers=key)
        assert chat.status_code == 400 and chat.json()["error"]["type"] == "invalid_request_error"
        read = client.post("/v1/read?summarize=true", json={"text": "x"}, headers=key)
        assert read.json()["err_code"] == "INVALID_QUERY_PARAMETER"
        unknown = client.post("/api/summaries", json={"text": "x", "model": "gpt-9"}, headers=key)
        assert unknown.status_code == 400 and "unknown model" in unknown.json()["error"]


def test_an_unreachable_broker_is_a_503_and_the_job_ends_instead_of_waiting(tmp_path):
    from .server_helpers import free_port

    client, key = app_for(
        tmp_path, broker_url=f"redis://127.0.0.1:{free_port()}/0", fetch_allowlist="127.0.0.1"
    )
    with client:
        answer = client.post(
            "/v2/transcript", json={"audio_url": "http://127.0.0.1:9/talk.mp3"}, headers=key
        )
        assert answer.status_code == 503
        assert answer.json() == {
            "error": "the job queue is unavailable; the job was not run, try again later"
        }
        listed = client.get("/v2/transcript", headers=key).json()["transcripts"]
        assert [item["status"] for item in listed] == ["error"]

        summary = client.post("/api/summaries", json={"text": "Short text."}, headers=key)
        assert summary.status_code == 503
