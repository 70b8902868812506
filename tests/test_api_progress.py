"""What the playground needs from the API, over plain HTTP against the real server: live
progress, cancel, the key's history (search, open, delete), the uploaded recording, checks of a
stored summary marked per line, the limits, and a revoked key told apart from a wrong one."""

from __future__ import annotations

import time

import httpx
import pytest

from synopsis.evaluate.text import words

from .helpers import MEETINGS
from .server_helpers import ServerProcess
from .speech_helpers import REAL, SPEECH

CANCELLED = "Cancelled by the caller"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process = ServerProcess(tmp_path_factory.mktemp("progress"), {"SYNOPSIS_WORKERS": "1"}).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def other(server) -> str:
    return server.create_key("other")


def upload(server: ServerProcess, path, key: str | None = None) -> str:
    answer = httpx.post(
        f"{server.url}/v2/upload", content=path.read_bytes(), headers=server.headers(key)
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["upload_url"]


def transcript(server: ServerProcess, body: dict) -> str:
    answer = httpx.post(f"{server.url}/v2/transcript", json=body, headers=server.headers())
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def get(server: ServerProcess, path: str, key: str | None = None) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", headers=server.headers(key), timeout=30)


def summary(server: ServerProcess, body: dict) -> dict:
    answer = httpx.post(f"{server.url}/api/summaries", json=body, headers=server.headers())
    assert answer.status_code == 200, answer.text
    return answer.json()


def finished_summary(server: ServerProcess, job_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = get(server, f"/api/summaries/{job_id}").json()
        if job["status"] not in ("queued", "processing"):
            return job
        time.sleep(0.2)
    raise TimeoutError(job_id)


def test_a_processing_transcript_reports_audio_seconds_then_speakers(server):
    job = transcript(
        server, {"audio_url": upload(server, REAL / "ami_two_men.flac"), "speaker_labels": True}
    )
    seen: list[dict] = []
    while (data := get(server, f"/v2/transcript/{job}").json())["status"] in (
        "queued",
        "processing",
    ):
        if data["progress"] and data["progress"] not in seen:
            seen.append(data["progress"])
        time.sleep(0.1)
    assert data["status"] == "completed", data["error"]
    assert data["progress"] is None  # only a running job has any
    stages = [p["stage"] for p in seen]
    assert "transcribe" in stages and "speakers" in stages
    assert stages.index("transcribe") < stages.index("speakers")
    seconds = [p for p in seen if p["stage"] == "transcribe"]
    assert all(p["total"] == 60 and 0 <= p["done"] <= 60 for p in seconds)


def test_cancel_ends_a_queued_job_at_once_and_a_running_one_at_its_next_step(server, other):
    running = transcript(
        server, {"audio_url": upload(server, REAL / "spliced_three.flac"), "speaker_labels": True}
    )
    waiting = transcript(server, {"audio_url": upload(server, SPEECH / "monologue_us.wav")})
    while get(server, f"/v2/transcript/{running}").json()["status"] != "processing":
        time.sleep(0.1)
    foreign = httpx.post(
        f"{server.url}/api/transcripts/{waiting}/cancel", headers=server.headers(other)
    )
    assert foreign.status_code == 404  # another key cannot even learn it exists

    queued = httpx.post(f"{server.url}/api/transcripts/{waiting}/cancel", headers=server.headers())
    assert queued.status_code == 200
    assert queued.json()["status"] == "error" and queued.json()["error"] == CANCELLED

    asked = time.monotonic()
    httpx.post(f"{server.url}/api/transcripts/{running}/cancel", headers=server.headers())
    while (data := get(server, f"/v2/transcript/{running}").json())["status"] == "processing":
        time.sleep(0.2)
    assert data["status"] == "error" and data["error"] == CANCELLED
    assert time.monotonic() - asked < 30
    # the worker that dropped the job takes the next one
    later = transcript(server, {"audio_url": upload(server, REAL / "single_jfk.flac")})
    assert server.wait_for(later)["status"] == "completed"


def test_a_cancelled_summary_keeps_nothing(server):
    text = (MEETINGS / "launch_sync.txt").read_text()
    job = summary(server, {"text": text, "style": "bullets"})
    cancelled = httpx.post(
        f"{server.url}/api/summaries/{job['id']}/cancel", headers=server.headers()
    )
    assert cancelled.status_code == 200
    assert finished_summary(server, job["id"])["status"] == "cancelled"
    history = get(server, "/api/history").json()
    assert job["id"] not in [s["id"] for s in history["summaries"]]


def test_deleting_a_transcript_stops_its_running_summary(server):
    transcript_id = transcript(server, {"audio_url": upload(server, SPEECH / "monologue_us.wav")})
    assert server.wait_for(transcript_id)["status"] == "completed"
    job = summary(server, {"transcript_id": transcript_id, "style": "bullets"})
    deleted = httpx.delete(f"{server.url}/v2/transcript/{transcript_id}", headers=server.headers())
    assert deleted.status_code == 200
    assert finished_summary(server, job["id"])["status"] == "cancelled"
    assert get(server, f"/api/summaries/{job['id']}").json()["status"] == "cancelled"
    assert job["id"] not in [s["id"] for s in get(server, "/api/history").json()["summaries"]]


def test_history_lists_searches_opens_and_deletes_only_this_keys_work(server, other):
    recording = SPEECH / "two_speakers.wav"
    transcript_id = transcript(
        server, {"audio_url": upload(server, recording), "speaker_labels": True}
    )
    assert server.wait_for(transcript_id)["status"] == "completed"
    of_transcript = summary(server, {"transcript_id": transcript_id, "style": "headline"})
    of_text = summary(
        server, {"text": "Ngozi moved the audit to the ninth of May. " * 3, "style": "headline"}
    )
    for job in (of_transcript, of_text):
        assert finished_summary(server, job["id"])["status"] == "completed"

    history = get(server, "/api/history").json()
    assert transcript_id in [t["id"] for t in history["transcripts"]]
    listed = {s["id"]: s for s in history["summaries"]}
    assert listed[of_transcript["id"]]["transcript_id"] == transcript_id
    assert "Ngozi" in listed[of_text["id"]]["source_preview"]
    entry = next(t for t in history["transcripts"] if t["id"] == transcript_id)
    assert entry["speakers"] == 2 and entry["audio_duration"] == 44

    found = get(server, "/api/history?q=ngozi").json()  # any case; the source counts
    assert [s["id"] for s in found["summaries"]] == [of_text["id"]] and not found["transcripts"]
    assert transcript_id in [
        t["id"] for t in get(server, "/api/history?q=SUPPORT%20team").json()["transcripts"]
    ]
    nothing = get(server, "/api/history?q=100%25_%5C").json()  # LIKE wildcards are literal
    assert nothing == {"transcripts": [], "summaries": []}

    stored = get(server, f"/api/summaries/{of_text['id']}").json()
    assert stored["source"].startswith("Ngozi moved")
    media = get(server, f"/api/transcripts/{transcript_id}/media")
    assert media.status_code == 200 and media.content == recording.read_bytes()

    # another key sees none of it
    assert get(server, "/api/history", other).json() == {"transcripts": [], "summaries": []}
    for path in (f"/api/summaries/{of_text['id']}", f"/api/transcripts/{transcript_id}/media"):
        assert get(server, path, other).status_code == 404
    foreign = httpx.delete(
        f"{server.url}/api/summaries/{of_text['id']}", headers=server.headers(other)
    )
    assert foreign.status_code == 404

    deleted = httpx.delete(f"{server.url}/api/summaries/{of_text['id']}", headers=server.headers())
    assert deleted.status_code == 200
    assert get(server, f"/api/summaries/{of_text['id']}").status_code == 404
    # a deleted transcript takes its summaries and its recording with it
    assert (
        httpx.delete(
            f"{server.url}/v2/transcript/{transcript_id}", headers=server.headers()
        ).status_code
        == 200
    )
    assert get(server, f"/api/summaries/{of_transcript['id']}").status_code == 404
    assert get(server, f"/api/transcripts/{transcript_id}/media").status_code == 404
    left = get(server, "/api/history").json()
    assert of_transcript["id"] not in [s["id"] for s in left["summaries"]]


def test_a_recording_fetched_from_a_url_is_not_kept_so_not_served(server, loopback):
    loopback.serve("/jfk.flac", (REAL / "single_jfk.flac").read_bytes(), "audio/flac")
    fetched = transcript(server, {"audio_url": loopback.url("/jfk.flac")})
    assert server.wait_for(fetched)["status"] == "completed"
    media = get(server, f"/api/transcripts/{fetched}/media")
    assert media.status_code == 404 and "came from a URL" in media.json()["error"]
    unknown = get(server, "/api/transcripts/00000000-0000-0000-0000-000000000000/media")
    assert unknown.status_code == 404 and unknown.json() == {"error": "Transcript not found"}


def test_checks_mark_the_lines_they_doubt(server):
    source = "Dana: We launch on March 14.\nPriya: I will send the invites by Friday."
    summary_text = (
        "Decisions:\n- The launch is on March 14.\n- The budget is 90,000 dollars.\n"
        "Action items:\n- Dana: Send the invites by Friday\n- The team will look into the"
    )
    answer = httpx.post(
        f"{server.url}/api/evaluations",
        json={"source": source, "summary": summary_text},
        headers=server.headers(),
    )
    assert answer.status_code == 200, answer.text
    lines = {flag["line"]: flag for flag in answer.json()["lines"]}
    assert set(lines) == {2, 4, 5}  # the invented budget, the wrong owner, the cut line
    assert any("90,000" in p for p in lines[2]["problems"])
    assert any("Priya" in p for p in lines[4]["problems"])
    assert any("complete sentence" in p for p in lines[5]["problems"])


def test_a_stored_summary_is_checked_against_its_own_source(server, other):
    text = (MEETINGS / "launch_sync.txt").read_text()
    job = finished_summary(server, summary(server, {"text": text, "style": "headline"})["id"])
    answer = httpx.post(
        f"{server.url}/api/evaluations", json={"summary_id": job["id"]}, headers=server.headers()
    )
    assert answer.status_code == 200, answer.text
    evaluation = answer.json()
    assert evaluation["source_words"] == len(words(text))  # the pasted text was the source
    assert evaluation["summary_words"] == len(words(job["result"]["summary"]))
    assert isinstance(evaluation["lines"], list)
    foreign = httpx.post(
        f"{server.url}/api/evaluations",
        json={"summary_id": job["id"]},
        headers=server.headers(other),
    )
    assert foreign.status_code == 404
    both = httpx.post(
        f"{server.url}/api/evaluations",
        json={"summary_id": job["id"], "source": "x"},
        headers=server.headers(),
    )
    assert both.status_code == 400 and "exactly one" in both.json()["error"]


def test_info_gives_the_limits_a_client_is_held_to(server):
    info = get(server, "/api/info").json()
    assert info["limits"]["upload_max_bytes"] == 2 * 1024**3
    assert info["limits"]["schema_max_bytes"] > 0 and info["version"]
    assert httpx.get(f"{server.url}/api/info").status_code == 401


def test_a_revoked_key_is_told_apart_from_a_wrong_one(server):
    key = server.create_key("to-revoke")
    assert get(server, "/api/info", key).status_code == 200
    server.keys("revoke", "to-revoke")
    for path in ("/api/info", "/v2/transcript", "/v1/models"):
        answer = get(server, path, key)
        assert answer.status_code == 401 and "revoked" in answer.text
    wrong = get(server, "/api/info", key[:-2] + "xx")
    assert wrong.status_code == 401 and wrong.json() == {
        "error": "Authentication error, API token invalid"
    }
