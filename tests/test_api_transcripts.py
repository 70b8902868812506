"""The transcript API, driven by the official `assemblyai` SDK and plain HTTP against the real
server on loopback: upload, create, poll, list, delete, exports, keys and bad input."""

from __future__ import annotations

import json
import time

import assemblyai as aai
import httpx
import pytest

from .helpers import LoopbackServer
from .server_helpers import ServerProcess
from .speech_helpers import REAL, SPEECH, reference, wer

UPLOAD_LIMIT = 3_000_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process = ServerProcess(
        tmp_path_factory.mktemp("server"), {"SYNOPSIS_UPLOAD_MAX_BYTES": str(UPLOAD_LIMIT)}
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def files():
    """A loopback file server (allow-listed for the test server) with the speech fixtures."""
    loopback = LoopbackServer()
    for name in ("monologue_us.mp3", "two_speakers.mp4"):
        loopback.serve(f"/{name}", (SPEECH / name).read_bytes(), "application/octet-stream")
    yield loopback
    loopback.close()


@pytest.fixture
def sdk(server):
    aai.settings.base_url = server.url
    aai.settings.api_key = server.key
    aai.settings.polling_interval = 0.3
    return aai.Transcriber()


def test_sdk_upload_with_speaker_labels(sdk):
    transcript = sdk.transcribe(
        str(SPEECH / "two_speakers.wav"), config=aai.TranscriptionConfig(speaker_labels=True)
    )
    assert transcript.status == aai.TranscriptStatus.completed, transcript.error
    assert transcript.words and transcript.utterances
    assert {u.speaker for u in transcript.utterances} == {"A", "B"}
    assert all(isinstance(w.start, int) and w.confidence > 0 for w in transcript.words)
    assert transcript.audio_duration == 44
    assert transcript.json_response["speech_model_used"] == "whisper-base"
    assert transcript.json_response["language_code"] == "en"


def test_sdk_speaker_options_bound_the_count_on_a_real_meeting(sdk):
    config = aai.TranscriptionConfig(
        speaker_labels=True, speaker_options=aai.SpeakerOptions(max_speakers_expected=2)
    )
    transcript = sdk.transcribe(str(REAL / "ami_two_men.flac"), config=config)
    assert transcript.status == aai.TranscriptStatus.completed, transcript.error
    assert {u.speaker for u in transcript.utterances} == {"A", "B"}
    assert transcript.json_response["speaker_options"]["max_speakers_expected"] == 2


def test_sdk_audio_url(sdk, files):
    transcript = sdk.transcribe(files.url("/monologue_us.mp3"))
    assert transcript.status == aai.TranscriptStatus.completed, transcript.error
    assert wer(reference("monologue_us"), transcript.text) <= 0.12
    assert transcript.audio_url == files.url("/monologue_us.mp3")
    assert transcript.utterances is None


def test_sdk_corrupt_file_ends_in_error_with_a_readable_message(sdk, server):
    transcript = sdk.transcribe(b"this is not audio, just bytes " * 100)
    assert transcript.status == aai.TranscriptStatus.error
    assert "is not an audio or video file that can be decoded" in transcript.error
    assert str(server.data_dir) not in transcript.error  # no server paths leak


def test_sdk_list_get_and_delete(sdk, server):
    done = sdk.transcribe(str(SPEECH / "monologue_gb.wav"))
    listed = sdk.list_transcripts(aai.ListTranscriptParameters(limit=50))
    assert done.id in [t.id for t in listed.transcripts]
    again = aai.Transcript.get_by_id(done.id)
    assert again.text == done.text
    deleted = aai.Transcript.delete_by_id(done.id)
    assert deleted.text == "Deleted by user."
    after = httpx.get(f"{server.url}/v2/transcript/{done.id}", headers=server.headers()).json()
    assert after["words"] is None and after["audio_url"] == "http://deleted_by_user"


def test_reference_quickstart_runs_with_only_the_base_url_changed(server, files):
    # Step 1 of the hosted API's quickstart, verbatim but for base_url and the audio URL (the
    # public sample is out of reach offline; an allow-listed loopback copy stands in).
    import requests

    base_url = server.url
    headers = {"authorization": server.key}
    audio_url = files.url("/two_speakers.mp4")
    data = {
        "audio_url": audio_url,
        "speech_models": ["universal-3-pro", "universal-2"],
        "language_detection": True,
    }
    response = requests.post(base_url + "/v2/transcript", json=data, headers=headers)
    transcript_id = response.json()["id"]
    polling_endpoint = base_url + "/v2/transcript/" + transcript_id
    while True:
        transcription_result = requests.get(polling_endpoint, headers=headers).json()
        if transcription_result["status"] == "completed":
            break
        elif transcription_result["status"] == "error":
            raise RuntimeError(f"Transcription failed: {transcription_result['error']}")
        else:
            time.sleep(0.3)
    assert "launch plan" in transcription_result["text"]
    assert transcription_result["speech_model_used"] == "whisper-base"
    assert transcription_result["speech_models"] == ["universal-3-pro", "universal-2"]


def create(server, body, key=None) -> httpx.Response:
    return httpx.post(f"{server.url}/v2/transcript", json=body, headers=server.headers(key))


def upload(server, data: bytes, key=None) -> str:
    answer = httpx.post(f"{server.url}/v2/upload", content=data, headers=server.headers(key))
    assert answer.status_code == 200, answer.text
    return answer.json()["upload_url"]


def test_exports_sentences_paragraphs_srt_vtt(server):
    url = upload(server, (SPEECH / "two_speakers.wav").read_bytes())
    created = create(server, {"audio_url": url, "speaker_labels": True}).json()
    assert created["status"] == "queued"
    server.wait_for(created["id"])
    base = f"{server.url}/v2/transcript/{created['id']}"
    sentences = httpx.get(f"{base}/sentences", headers=server.headers()).json()
    assert sentences["id"] == created["id"] and len(sentences["sentences"]) >= 8
    assert all(s["words"] and isinstance(s["start"], int) for s in sentences["sentences"])
    paragraphs = httpx.get(f"{base}/paragraphs", headers=server.headers()).json()
    assert {p["speaker"] for p in paragraphs["paragraphs"]} == {"A", "B"}
    srt = httpx.get(f"{base}/srt", params={"chars_per_caption": 32}, headers=server.headers())
    assert srt.status_code == 200 and srt.text.startswith("1\n00:00:00,")
    vtt = httpx.get(f"{base}/vtt", headers=server.headers())
    assert vtt.text.startswith("WEBVTT")


def test_punctuate_and_format_text_off(server):
    url = upload(server, (SPEECH / "monologue_us.webm").read_bytes())
    created = create(server, {"audio_url": url, "punctuate": False, "format_text": False}).json()
    done = server.wait_for(created["id"])
    assert done["text"] == done["text"].lower()
    assert "." not in done["text"] and "," not in done["text"]
    assert done["punctuate"] is False


def test_keys_isolate_transcripts_and_uploads(server):
    other = server.create_key("other")
    assert other.startswith("syn_") and other != server.key
    url = upload(server, (SPEECH / "monologue_scot.wav").read_bytes())
    mine = create(server, {"audio_url": url}).json()["id"]
    for method in ("get", "delete"):
        answer = httpx.request(
            method, f"{server.url}/v2/transcript/{mine}", headers=server.headers(other)
        )
        assert answer.status_code == 404 and answer.json() == {"error": "Transcript not found"}
    listed = httpx.get(f"{server.url}/v2/transcript", headers=server.headers(other)).json()
    assert mine not in [t["id"] for t in listed["transcripts"]]
    stolen = create(server, {"audio_url": url}, key=other)  # another key's upload
    assert stolen.status_code == 400 and "upload" in stolen.json()["error"]
    # the three header forms of the three SDKs
    for header in (other, f"Bearer {other}", f"Token {other}"):
        assert (
            httpx.get(f"{server.url}/v2/transcript", headers={"authorization": header}).status_code
            == 200
        )
    server.keys("revoke", "other")
    refused = httpx.get(f"{server.url}/v2/transcript", headers=server.headers(other))
    assert refused.status_code == 401
    assert refused.json() == {"error": "Authentication error, API token revoked"}
    listing = server.keys("list")
    assert "other" in listing and "revoked" in listing and other not in listing


def test_missing_and_invalid_keys_are_401(server):
    for headers in ({}, {"authorization": "syn_not_a_real_key"}, {"authorization": "Bearer"}):
        answer = httpx.get(f"{server.url}/v2/transcript", headers=headers)
        assert answer.status_code == 401 and "Authentication error" in answer.json()["error"]
    assert httpx.post(f"{server.url}/v2/upload", content=b"x").status_code == 401


def test_unknown_ids_are_404(server):
    for path in ("/v2/transcript/nope", "/v2/transcript/nope/srt", "/v2/transcript/nope/sentences"):
        answer = httpx.get(server.url + path, headers=server.headers())
        assert answer.status_code == 404 and answer.json() == {"error": "Transcript not found"}


def test_oversized_and_empty_uploads(server):
    big = httpx.post(
        f"{server.url}/v2/upload", content=b"\0" * (UPLOAD_LIMIT + 1), headers=server.headers()
    )
    assert big.status_code == 413 and "limit" in big.json()["error"]

    def chunks():  # no content-length: the limit applies while streaming
        for _ in range(4):
            yield b"\0" * 1_000_000

    streamed = httpx.post(f"{server.url}/v2/upload", content=chunks(), headers=server.headers())
    assert streamed.status_code == 413
    empty = httpx.post(f"{server.url}/v2/upload", content=b"", headers=server.headers())
    assert empty.status_code == 400 and "empty" in empty.json()["error"]
    assert not [p for p in (server.data_dir / "uploads").iterdir() if p.suffix == ".part"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "audio_url: Field required"),
        ({"audio_url": "http://x.test/a.mp3", "speaker_labels": "yes"}, "speaker_labels"),
        ({"audio_url": "http://x.test/a.mp3", "speakers_expected": "2"}, "speakers_expected"),
        (
            {"audio_url": "http://x.test/a.mp3", "speaker_options": {"min_speakers_expected": 0}},
            "min_speakers_expected",
        ),
        (
            {
                "audio_url": "http://x.test/a.mp3",
                "speaker_options": {"min_speakers_expected": 3, "max_speakers_expected": 2},
            },
            "max_speakers_expected must not be less than min_speakers_expected",
        ),
        ({"audio_url": 12}, "audio_url"),
        ({"audio_url": "ftp://x.test/a.mp3"}, "audio_url must be an http or https URL"),
        (
            {"audio_url": "http://x.test/a.mp3", "speech_models": ["whisper-huge"]},
            "unknown speech models whisper-huge",
        ),
        ({"audio_url": "http://x.test/a.mp3", "language_code": "xx"}, "language_code"),
        ({"audio_url": "http://x.test/a.mp3", "summary_type": "poem"}, "summary_type"),
    ],
)
def test_bad_create_bodies_are_400(server, body, message):
    answer = create(server, body)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["error"]


def test_malformed_json_is_400(server):
    answer = httpx.post(
        f"{server.url}/v2/transcript",
        content=b'{"audio_url": ',
        headers={**server.headers(), "content-type": "application/json"},
    )
    assert answer.status_code == 400 and "not valid JSON" in answer.json()["error"]


@pytest.mark.parametrize(
    "url",
    ["http://10.1.2.3/meeting.mp3", "http://169.254.169.254/latest/meta-data", "http://[::1]:9/a"],
)
def test_private_audio_urls_are_refused(server, url):
    created = create(server, {"audio_url": url}).json()
    done = server.wait_for(created["id"], timeout=60)
    assert done["status"] == "error"
    assert "refusing to fetch" in done["error"]


def test_list_pages_and_filters(server):
    ids = []
    for _ in range(3):
        ids.append(create(server, {"audio_url": "http://10.9.9.9/x.mp3"}).json()["id"])
    for transcript_id in ids:
        server.wait_for(transcript_id, timeout=60)
    page = httpx.get(
        f"{server.url}/v2/transcript",
        params={"limit": 2, "status": "error"},
        headers=server.headers(),
    ).json()
    assert [t["id"] for t in page["transcripts"]] == [ids[2], ids[1]]
    assert page["page_details"]["result_count"] == 2
    older = httpx.get(page["page_details"]["prev_url"], headers=server.headers()).json()
    assert older["transcripts"][0]["id"] == ids[0]
    newer = httpx.get(
        f"{server.url}/v2/transcript",
        params={"after_id": ids[0], "limit": 1},
        headers=server.headers(),
    ).json()
    assert [t["id"] for t in newer["transcripts"]] == [ids[1]]
    too_many = httpx.get(
        f"{server.url}/v2/transcript", params={"limit": 500}, headers=server.headers()
    )
    assert too_many.status_code == 400


def test_deprecated_summarization_and_chapters_are_filled(server):
    url = upload(server, (SPEECH / "two_speakers.wav").read_bytes())
    created = create(
        server,
        {
            "audio_url": url,
            "summarization": True,
            "summary_type": "headline",
            "auto_chapters": True,
        },
    ).json()
    done = server.wait_for(created["id"])
    assert done["status"] == "completed", done["error"]
    assert done["summary"] and len(done["summary"].split()) <= 20
    assert len(done["chapters"]) == 1
    chapter = done["chapters"][0]
    assert {"start", "end", "headline", "gist", "summary"} <= set(chapter)
    assert isinstance(chapter["start"], int) and chapter["end"] > chapter["start"]
    assert json.dumps(done)  # the whole object is JSON
