"""An LLM pool of two real OpenAI-compatible servers (llama.cpp's) on loopback, behind one model
name of the gateway: both take traffic, and the gateway keeps answering when one is killed,
mid-request included."""

from __future__ import annotations

import threading
import time

import openai
import pytest

from synopsis.config import ModelSpec, Settings
from synopsis.runtime import Runtime

from .server_helpers import InProcessServer, LlamaServer

ASK = [{"role": "user", "content": "Name the capital of France in one word."}]
LONG = [{"role": "user", "content": "Count from one to forty in words, separated by commas."}]


@pytest.fixture
def upstreams(fast, tmp_path):
    servers = [LlamaServer(fast.model_path(), tmp_path / f"llama-{i}.log") for i in range(2)]
    try:
        for server in servers:
            server.wait_ready()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def gateway(upstreams, tmp_path):
    pool = ModelSpec(
        name="pooled",
        backend="openai",
        base_urls=[server.base_url for server in upstreams],
        upstream_model="qwen-fast",
        context=4096,
    )
    settings = Settings(data_dir=tmp_path / "data", models=[pool], upstream_retries=1)
    server = InProcessServer(Runtime(settings)).start()
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=server.key, max_retries=0)
    yield client, server.runtime.registry.backend("pooled")
    server.stop()


def ask(client: openai.OpenAI, messages=ASK, max_tokens: int = 8) -> str:
    answer = client.chat.completions.create(
        model="pooled", messages=messages, max_tokens=max_tokens, temperature=0
    )
    return answer.choices[0].message.content or ""


def test_both_members_serve_and_a_stopped_one_is_failed_over(upstreams, gateway):
    client, pool = gateway
    for _ in range(4):
        assert "paris" in ask(client).lower()
    assert [m.served for m in pool.members] == [2, 2]  # equally idle members take turns

    upstreams[0].stop()
    for _ in range(3):
        assert "paris" in ask(client).lower()
    status = {entry["base_url"]: entry["up"] for entry in pool.status()}
    assert status == {upstreams[0].base_url: False, upstreams[1].base_url: True}

    streamed = client.chat.completions.create(
        model="pooled", messages=ASK, max_tokens=8, temperature=0, stream=True
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in streamed if chunk.choices)
    assert "paris" in text.lower()


def test_a_member_killed_mid_request_is_failed_over_to_the_other(upstreams, gateway):
    client, pool = gateway
    answers: list[str] = []
    errors: list[Exception] = []

    def long_call() -> None:
        try:
            answers.append(ask(client, LONG, max_tokens=200))
        except Exception as exc:  # recorded for the assertion below
            errors.append(exc)

    caller = threading.Thread(target=long_call)
    caller.start()
    deadline = time.monotonic() + 30
    while not any(m.in_flight for m in pool.members):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    busy = next(m for m in pool.members if m.in_flight)
    time.sleep(0.5)  # generating by now
    next(s for s in upstreams if s.base_url == busy.base_url).kill()
    caller.join(180)
    assert not errors, errors
    assert "twenty" in answers[0].lower()
    assert not busy.up
