"""The `synopsis` command as a user runs it: a real subprocess, real models."""

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from .helpers import MEETINGS, decision_recall, meeting


def run(
    *args: str, stdin: bytes | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "synopsis", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=900,
    )


def assert_clean_failure(result: subprocess.CompletedProcess, message: str) -> None:
    stderr = result.stderr.decode()
    assert result.returncode != 0
    assert message in stderr, stderr
    assert "Traceback" not in stderr
    assert result.stdout == b""


def test_summarize_meeting_bullets():
    result = run("summarize", str(MEETINGS / "launch_sync.txt"), "--style", "bullets")
    assert result.returncode == 0, result.stderr.decode()
    _, facts = meeting("launch_sync")
    assert decision_recall(result.stdout.decode(), facts) == 1.0


def test_json_format_from_stdin_with_schema(tmp_path):
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "people": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["title", "people"],
    }
    (tmp_path / "s.json").write_text(json.dumps(schema))
    text, _ = meeting("hiring_committee")
    result = run(
        "summarize",
        "-",
        "--style",
        "json",
        "--schema",
        str(tmp_path / "s.json"),
        "--model",
        "fast",
        "--format",
        "json",
        stdin=text.encode(),
    )
    assert result.returncode == 0, result.stderr.decode()
    payload = json.loads(result.stdout)
    assert {"summary", "style", "model", "chunks", "usage"} <= payload.keys()
    assert payload["model"] == "qwen2.5-coder-0.5b-instruct" and payload["style"] == "json"
    jsonschema.validate(json.loads(payload["summary"]), schema)


def test_extractive_to_file(tmp_path):
    out = tmp_path / "summary.txt"
    result = run(
        "summarize", str(MEETINGS / "hiring_committee.txt"), "--style", "extractive", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr.decode()
    text, _ = meeting("hiring_committee")
    assert all(line in text for line in out.read_text().splitlines())


def test_summarize_text_from_url(loopback):
    text, _ = meeting("launch_sync")
    loopback.serve("/meeting.txt", text.encode(), "text/plain; charset=utf-8")
    result = run(
        "summarize",
        loopback.url("/meeting.txt"),
        "--style",
        "extractive",
        env={"SYNOPSIS_FETCH_ALLOWLIST": "127.0.0.1"},
    )
    assert result.returncode == 0, result.stderr.decode()
    assert "March 14" in result.stdout.decode()


@pytest.mark.parametrize(
    "setup, args, message",
    [
        (lambda d: (d / "empty.txt").write_text("  \n"), ["empty.txt"], "empty"),
        (lambda d: None, ["missing.txt"], "no such file"),
        (
            lambda d: (d / "blob.bin").write_bytes(b"\x00\x01\x02" * 100),
            ["blob.bin"],
            "neither text nor an audio or video file",
        ),
        (
            lambda d: (d / "latin.txt").write_bytes("caf\xe9".encode("latin-1")),
            ["latin.txt"],
            "not UTF-8",
        ),
        (lambda d: (d / "dir").mkdir(), ["dir"], "directory"),
        (
            lambda d: (d / "s.json").write_text("{not json"),
            [str(MEETINGS / "launch_sync.txt"), "--style", "json", "--schema", "s.json"],
            "not valid JSON",
        ),
        (
            lambda d: (d / "s.json").write_text('{"type": 12}'),
            [str(MEETINGS / "launch_sync.txt"), "--style", "json", "--schema", "s.json"],
            "invalid JSON Schema",
        ),
        (lambda d: None, [str(MEETINGS / "launch_sync.txt"), "--model", "gpt-7"], "unknown model"),
        (
            lambda d: None,
            [str(MEETINGS / "launch_sync.txt"), "--style", "limerick"],
            "unknown style",
        ),
        (
            lambda d: None,
            [str(MEETINGS / "launch_sync.txt"), "--style", "custom"],
            "needs a prompt",
        ),
        (lambda d: None, ["http://127.0.0.1:9/meeting.txt"], "could not reach"),
        (lambda d: None, ["http://10.255.255.1/meeting.txt"], "private"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, monkeypatch, setup, args, message):
    monkeypatch.chdir(tmp_path)
    setup(tmp_path)
    result = run("summarize", *args, env={"SYNOPSIS_FETCH_ALLOWLIST": "127.0.0.1"})
    assert_clean_failure(result, message)


def test_models_and_config():
    models = run("models")
    assert models.returncode == 0
    assert "qwen2.5-coder-1.5b-instruct (default)" in models.stdout.decode()
    assert "fast" in models.stdout.decode()
    assert "whisper-base (default)" in models.stdout.decode()
    assert "universal-3-pro" in models.stdout.decode()
    spec = [
        {
            "name": "remote",
            "backend": "openai",
            "base_url": "http://127.0.0.1:9/v1",
            "api_key": "sk-secret",
        }
    ]
    config = run(
        "config", env={"SYNOPSIS_MODELS": json.dumps(spec), "SYNOPSIS_CHUNK_TOKENS": "1234"}
    )
    assert config.returncode == 0
    settings = json.loads(config.stdout)
    assert settings["chunk_tokens"] == 1234
    assert "sk-secret" not in config.stdout.decode()
    assert settings["models"][0]["api_key"] == "**********"
    masked = run("config", env={"SYNOPSIS_DATABASE_URL": "postgresql://app:pw123@db/synopsis"})
    assert "pw123" not in masked.stdout.decode()
    assert json.loads(masked.stdout)["database_url"] == "postgresql://app:***@db/synopsis"
