"""The LLM gateway, the Deepgram-compatible endpoints and the native summary API, driven by the
official `openai`, `assemblyai` and `deepgram-sdk` clients against the real server on loopback,
with the embedded 0.5B model answering."""

from __future__ import annotations

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import assemblyai as aai
import httpx
import pytest
from openai import BadRequestError, OpenAI

from .helpers import LoopbackServer, meeting
from .server_helpers import ServerProcess
from .speech_helpers import SPEECH

HI = [{"role": "user", "content": "Say hello in five words or fewer."}]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process = ServerProcess(tmp_path_factory.mktemp("llm-server")).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client(server):
    return OpenAI(base_url=f"{server.url}/v1", api_key=server.key, max_retries=0)


@pytest.fixture(scope="module")
def files():
    loopback = LoopbackServer()
    text, _ = meeting("launch_sync")
    loopback.serve("/meeting.txt", text.encode(), "text/plain; charset=utf-8")
    loopback.serve("/two_speakers.mp4", (SPEECH / "two_speakers.mp4").read_bytes(), "video/mp4")
    yield loopback
    loopback.close()


# --- OpenAI-compatible gateway ----------------------------------------------------------------


def test_openai_plain_completion(client):
    answer = client.chat.completions.create(model="fast", messages=HI, max_tokens=20)
    assert answer.choices[0].message.role == "assistant"
    assert answer.choices[0].message.content.strip()
    assert answer.model == "qwen2.5-coder-0.5b-instruct"
    assert answer.usage.prompt_tokens > 0 and answer.usage.completion_tokens > 0
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens
    assert answer.id.startswith("chatcmpl-") and answer.object == "chat.completion"


def test_openai_streaming_with_usage(client):
    stream = client.chat.completions.create(
        model="fast",
        messages=HI,
        max_tokens=20,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] in ("stop", "length")
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_openai_json_schema_is_constrained(client):
    schema = {
        "type": "object",
        "properties": {"date": {"type": "string"}, "budget": {"type": "integer"}},
        "required": ["date", "budget"],
        "additionalProperties": False,
    }
    text, _ = meeting("launch_sync")
    answer = client.chat.completions.create(
        model="fast",
        messages=[
            {"role": "system", "content": "Extract facts as JSON."},
            {
                "role": "user",
                "content": f"{text}\n\nWhat is the new launch date and the ad budget?",
            },
        ],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "facts", "schema": schema, "strict": True},
        },
        max_tokens=100,
        temperature=0,
    )
    data = json.loads(answer.choices[0].message.content)
    assert set(data) == {"date", "budget"} and isinstance(data["budget"], int)


def test_unknown_model_names_reach_the_default_model(client):
    answer = client.chat.completions.create(model="claude-sonnet-4-6", messages=HI, max_tokens=10)
    # the test server's configured default (SYNOPSIS_DEFAULT_MODEL=fast), reported as such
    assert answer.model == "qwen2.5-coder-0.5b-instruct"


def test_over_long_prompts_are_context_length_exceeded(client):
    huge = "word " * 40_000
    with pytest.raises(BadRequestError) as raised:
        client.chat.completions.create(
            model="fast", messages=[{"role": "user", "content": huge}], max_tokens=10
        )
    assert raised.value.code == "context_length_exceeded"
    with pytest.raises(BadRequestError) as streamed:
        client.chat.completions.create(
            model="fast", messages=[{"role": "user", "content": huge}], stream=True
        )
    assert streamed.value.code == "context_length_exceeded"


def test_eight_concurrent_requests_all_succeed(client):
    def ask(index: int) -> str:
        prompt = [{"role": "user", "content": f"What is {index} plus {index}? Answer briefly."}]
        answer = client.chat.completions.create(model="fast", messages=prompt, max_tokens=12)
        return answer.choices[0].message.content

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert len(answers) == 8 and all(a.strip() for a in answers)


def test_bad_chat_requests_use_openai_error_shape(server):
    url = f"{server.url}/v1/chat/completions"
    cases = [
        ({"model": "fast"}, "messages"),
        ({"model": "fast", "messages": [{"role": "user", "content": "hi"}], "n": 3}, "n"),
        ({"model": "fast", "messages": [{"role": "wizard", "content": "hi"}]}, "role"),
        ({"model": "fast", "messages": HI, "temperature": "hot"}, "temperature"),
    ]
    for body, field in cases:
        answer = httpx.post(url, json=body, headers=server.headers())
        assert answer.status_code == 400, answer.text
        error = answer.json()["error"]
        assert error["type"] == "invalid_request_error" and field in error["message"]
    unauthorised = httpx.post(url, json={"model": "fast", "messages": HI})
    assert unauthorised.status_code == 401 and "message" in unauthorised.json()["error"]


def test_models_are_listed(client):
    ids = [model.id for model in client.models.list()]
    assert "qwen2.5-coder-1.5b-instruct" in ids and "qwen2.5-coder-0.5b-instruct" in ids


def test_assemblyai_llm_gateway_plain_and_streaming(server):
    aai.settings.api_key = server.key
    aai.settings.llm_gateway_base_url = server.url
    gateway = aai.LLMGateway()
    answer = gateway.chat.completions.create(model="fast", messages=HI, max_tokens=20)
    assert answer.choices[0].message.content.strip() and answer.request_id
    pieces = [
        chunk.choices[0].delta.content or ""
        for chunk in gateway.chat.completions.create(
            model="fast", messages=HI, max_tokens=20, stream=True
        )
        if chunk.choices
    ]
    assert "".join(pieces).strip()


def test_reference_llm_gateway_curl_and_python(server):
    # the hosted docs' Step 2, with only the host changed
    import requests

    headers = {"authorization": server.key}
    llm_gateway_data = {
        "model": "claude-sonnet-4-6",
        "messages": [
            {
                "role": "user",
                "content": "Provide a brief summary of the transcript in bullet "
                "point format.\n\nTranscript: Dana: We move the launch to March 14. Priya: I will "
                "send the invites by Friday.",
            }
        ],
        "max_tokens": 200,
    }
    response = requests.post(
        f"{server.url}/v1/chat/completions", headers=headers, json=llm_gateway_data
    )
    result = response.json()["choices"][0]["message"]["content"]
    assert "March 14" in result or "invites" in result.lower()


# --- Deepgram-compatible endpoints ------------------------------------------------------------


def deepgram_client(server):
    from deepgram import DeepgramClient
    from deepgram.environment import DeepgramClientEnvironment

    environment = DeepgramClientEnvironment(
        base=server.url,
        production=f"ws://127.0.0.1:{server.port}",
        agent=f"ws://127.0.0.1:{server.port}",
        agent_rest=server.url,
    )
    return DeepgramClient(api_key=server.key, environment=environment)


def test_deepgram_sdk_summarizes_text(server):
    text, facts = meeting("launch_sync")
    response = deepgram_client(server).read.v1.text.analyze(
        request={"text": text}, summarize=True, language="en"
    )
    summary = response.results.summary.text
    assert "March 14" in summary
    assert response.metadata.request_id
    info = response.metadata.summary_info  # the SDK keeps undeclared fields as plain dicts
    assert info["input_tokens"] > 300 and info["output_tokens"] > 0


def test_deepgram_url_input_and_short_text(server, files):
    url = f"{server.url}/v1/read?summarize=true&language=en"
    headers = {"Authorization": f"Token {server.key}"}
    by_url = httpx.post(url, json={"url": files.url("/meeting.txt")}, headers=headers, timeout=300)
    assert by_url.status_code == 200, by_url.text
    assert "March 14" in by_url.json()["results"]["summary"]["text"]
    short = "Dana moved the launch to March 14."
    echoed = httpx.post(url, json={"text": short}, headers=headers).json()
    assert echoed["results"]["summary"]["text"] == short  # under 50 words: unchanged


def test_deepgram_errors_are_exactly_the_documented_bodies(server):
    headers = {"Authorization": f"Token {server.key}"}
    body = {"text": "Some text to summarize."}
    missing = httpx.post(f"{server.url}/v1/read?summarize=true", json=body, headers=headers)
    assert missing.status_code == 400
    assert missing.json()["err_code"] == "INVALID_QUERY_PARAMETER"
    assert missing.json()["err_msg"] == (
        "Failed to deserialize query parameters: missing field `language`"
    )
    assert missing.json()["request_id"]
    spanish = httpx.post(
        f"{server.url}/v1/read?summarize=true&language=es", json=body, headers=headers
    )
    assert spanish.status_code == 400 and spanish.json()["err_code"] == "INVALID_QUERY_PARAMETER"
    assert spanish.json()["err_msg"] == (
        "Request specified unsupported language: es. Only English is supported."
    )


def test_deepgram_token_limit(tmp_path):
    small = ServerProcess(tmp_path / "limited", {"SYNOPSIS_READ_MAX_INPUT_TOKENS": "2000"}).start()
    try:
        answer = httpx.post(
            f"{small.url}/v1/read?summarize=true&language=en",
            json={"text": "word " * 5000},
            headers={"Authorization": f"Token {small.key}"},
        )
    finally:
        small.stop()
    assert answer.status_code == 400
    assert answer.json()["err_code"] == "TOKEN_LIMIT_EXCEEDED"
    assert answer.json()["err_msg"] == (
        "Text input for summarization currently supports up to 2K tokens. Please revise your "
        "text input to fit within the defined token limit. For more information, please visit "
        "our API documentation."
    )


def curl(*args: str) -> dict:
    """The documentation's curl command, run as written (bar the host)."""
    result = subprocess.run(["curl", "-s", *args], capture_output=True, timeout=600, check=True)
    return json.loads(result.stdout)


def test_reference_curl_examples(server, files):
    # Deepgram: "Basic Text Request" and "Basic URL Request"
    for body in ({"text": meeting("hiring_committee")[0]}, {"url": files.url("/meeting.txt")}):
        data = curl(
            "-X",
            "POST",
            "-H",
            f"Authorization: Token {server.key}",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps(body),
            f"{server.url}/v1/read?summarize=true&language=en",
        )
        assert data["metadata"]["language"] == "en" and data["results"]["summary"]["text"]
    # the transcript API's "Step 2: Generate summary with LLM Gateway"
    data = curl(
        f"{server.url}/v1/chat/completions",
        "--header",
        f"Authorization: {server.key}",
        "--header",
        "Content-Type: application/json",
        "--data",
        json.dumps(
            {
                "model": "claude-sonnet-4-6",
                "messages": [
                    {
                        "role": "user",
                        "content": "Provide a brief summary of the "
                        "transcript.\n\nTranscript: We agreed to ship on Friday.",
                    }
                ],
                "max_tokens": 1000,
            }
        ),
    )
    assert data["choices"][0]["message"]["content"]


def test_deepgram_listen_transcribes_and_summarizes(server, files):
    raw = httpx.post(
        f"{server.url}/v1/listen?summarize=v2&diarize=true",
        content=(SPEECH / "two_speakers.wav").read_bytes(),
        headers={"Authorization": f"Token {server.key}", "Content-Type": "audio/wav"},
        timeout=300,
    )
    assert raw.status_code == 200, raw.text
    data = raw.json()
    alternative = data["results"]["channels"][0]["alternatives"][0]
    assert "launch plan" in alternative["transcript"]
    assert {w["speaker"] for w in alternative["words"]} == {0, 1}
    assert isinstance(alternative["words"][0]["start"], float)
    assert data["results"]["summary"]["result"] == "success"
    assert data["results"]["summary"]["short"]
    by_url = httpx.post(
        f"{server.url}/v1/listen",
        json={"url": files.url("/two_speakers.mp4")},
        headers={"Authorization": f"Token {server.key}"},
        timeout=300,
    ).json()
    assert "summary" not in by_url["results"]
    assert by_url["metadata"]["duration"] == pytest.approx(44.3, abs=0.3)


# --- native summaries -------------------------------------------------------------------------


def poll(server, job_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    seen = set()
    while time.monotonic() < deadline:
        job = httpx.get(f"{server.url}/api/summaries/{job_id}", headers=server.headers()).json()
        seen.add(job["progress"]["stage"])
        if job["status"] in ("completed", "error"):
            job["stages_seen"] = seen
            return job
        time.sleep(0.2)
    raise TimeoutError(job_id)


def test_native_summary_of_text_with_progress(server):
    text, _ = meeting("launch_sync")
    created = httpx.post(
        f"{server.url}/api/summaries",
        json={"text": text, "style": "headline", "model": "fast"},
        headers=server.headers(),
    ).json()
    assert created["status"] in ("queued", "processing")
    job = poll(server, created["id"])
    assert job["status"] == "completed", job["error"]
    assert job["result"]["style"] == "headline" and job["result"]["summary"]
    assert job["result"]["model"] == "qwen2.5-coder-0.5b-instruct"


def test_native_summary_of_an_upload_and_errors(server):
    upload = httpx.post(
        f"{server.url}/v2/upload",
        content=(SPEECH / "monologue_us.wav").read_bytes(),
        headers=server.headers(),
    ).json()["upload_url"]
    created = httpx.post(
        f"{server.url}/api/summaries",
        json={"upload_url": upload, "style": "paragraph", "model": "fast"},
        headers=server.headers(),
    ).json()
    job = poll(server, created["id"])
    assert job["status"] == "completed", job["error"]
    assert "transcribe" in job["stages_seen"] or "final" in job["stages_seen"]
    assert "warehouse" in job["result"]["summary"].lower()
    for body, message in (
        ({"text": "x", "transcript_id": "y"}, "exactly one"),
        ({"text": "hello", "style": "sonnet"}, "style"),
        ({"text": "hello", "model": "gpt-9"}, "unknown model"),
        ({"transcript_id": "nope"}, "Transcript not found"),
    ):
        answer = httpx.post(f"{server.url}/api/summaries", json=body, headers=server.headers())
        assert answer.status_code in (400, 404) and message in answer.json()["error"], answer.text
    missing = httpx.get(f"{server.url}/api/summaries/nope", headers=server.headers())
    assert missing.status_code == 404
