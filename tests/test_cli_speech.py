"""`synopsis transcribe` and `synopsis summarize RECORDING` as a user runs them."""

import json
import random

import pytest

from .speech_helpers import SPEECH, reference, wer
from .test_cli import assert_clean_failure, run


def test_transcribe_json_has_the_transcript_api_fields():
    result = run("transcribe", str(SPEECH / "two_speakers.wav"), "--speakers", "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert {"text", "words", "utterances", "language_code", "audio_duration", "confidence"} <= set(
        data
    )
    assert isinstance(data["audio_duration"], int) and data["language_code"] == "en"
    assert all(isinstance(w["start"], int) and isinstance(w["end"], int) for w in data["words"])
    assert {u["speaker"] for u in data["utterances"]} == {"A", "B"}
    assert all(u["words"] and "confidence" in u for u in data["utterances"])


def test_transcribe_text_srt_and_vtt(tmp_path):
    text = run("transcribe", str(SPEECH / "monologue_us.webm"))
    assert text.returncode == 0, text.stderr.decode()
    assert wer(reference("monologue_us"), text.stdout.decode()) <= 0.12
    srt_file = tmp_path / "out.srt"
    srt = run("transcribe", str(SPEECH / "monologue_us.mp4"), "-f", "srt", "-o", str(srt_file))
    assert srt.returncode == 0 and srt.stdout == b""
    first = srt_file.read_text().split("\n\n")[0].splitlines()
    assert first[0] == "1" and first[1].startswith("00:00:0") and " --> " in first[1]
    vtt = run(
        "transcribe", str(SPEECH / "two_speakers.mp4"), "--speakers-expected", "2", "-f", "vtt"
    )
    assert vtt.stdout.decode().startswith("WEBVTT")
    assert "<v Speaker A>" in vtt.stdout.decode() and "<v Speaker B>" in vtt.stdout.decode()


def test_transcribe_errors_are_one_line(tmp_path):
    assert_clean_failure(run("transcribe", str(SPEECH / "video_only.mp4")), "no audio stream")
    (tmp_path / "empty.mp3").write_bytes(b"")
    assert_clean_failure(run("transcribe", str(tmp_path / "empty.mp3")), "is empty (0 bytes)")
    assert_clean_failure(run("transcribe", str(tmp_path / "nope.wav")), "no such file")
    (tmp_path / "notes.wav").write_text("not audio at all\n" * 50)
    assert_clean_failure(
        run("transcribe", str(tmp_path / "notes.wav")), "not an audio or video file"
    )
    assert_clean_failure(
        run("transcribe", str(SPEECH / "monologue_us.wav"), "--language", "klingon"),
        "unsupported language_code",
    )


def test_summarize_refuses_binary_that_is_not_media(tmp_path):
    (tmp_path / "blob").write_bytes(random.Random(5).randbytes(5000) + b"\x00")
    assert_clean_failure(run("summarize", str(tmp_path / "blob")), "neither text nor an audio")
    assert_clean_failure(
        run("summarize", str(SPEECH / "video_only.mp4"), "--style", "headline"), "no audio stream"
    )


@pytest.mark.slow
def test_summarize_video_conversationally_names_what_each_speaker_said():
    result = run("summarize", str(SPEECH / "two_speakers.mp4"), "--style", "conversational")
    assert result.returncode == 0, result.stderr.decode()
    summary = result.stdout.decode()
    who_said_what = summary.split("\n\n")[0].splitlines()
    lines = {line.split(":", 1)[0].strip("- *"): line for line in who_said_what if ":" in line}
    assert "Speaker A" in lines and "Speaker B" in lines, summary
    said_by_a = lines["Speaker A"].lower()
    said_by_b = lines["Speaker B"].lower()
    assert any(term in said_by_a for term in ("launch date", "march 12", "budget", "finance")), (
        summary
    )
    assert any(
        term in said_by_b for term in ("crash", "release note", "tuesday", "support team")
    ), summary
    assert "march 12" in summary.lower() and "friday" in summary.lower()
    actions = summary.split("Action items:", 1)[-1].splitlines()
    release = [line for line in actions if "release" in line.lower()]
    budget = [line for line in actions if "finance" in line.lower() or "budget" in line.lower()]
    assert release and release[0].startswith("- Speaker B"), summary  # "I will send the notes"
    assert budget and budget[0].startswith("- Speaker A"), summary  # "I will ask finance"


def test_media_urls_are_fetched_through_the_guard(loopback):
    loopback.serve("/talk.webm", (SPEECH / "monologue_us.webm").read_bytes(), "video/webm")
    loopback.serve("/download", (SPEECH / "monologue_us.mp3").read_bytes(), "audio/mpeg")
    allowed = {"SYNOPSIS_FETCH_ALLOWLIST": "127.0.0.1"}
    text = run("transcribe", loopback.url("/talk.webm"), env=allowed)
    assert text.returncode == 0, text.stderr.decode()
    assert wer(reference("monologue_us"), text.stdout.decode()) <= 0.12
    # no media extension: summarize recognises the binary download as a recording
    summary = run("summarize", loopback.url("/download"), "--style", "extractive", env=allowed)
    assert summary.returncode == 0, summary.stderr.decode()
    assert "warehouse" in summary.stdout.decode().lower()
    refused = run("transcribe", loopback.url("/talk.webm"))  # loopback not allow-listed
    assert_clean_failure(refused, "refusing to fetch")
