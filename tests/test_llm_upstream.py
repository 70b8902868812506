"""The OpenAI-compatible backend against a real llama.cpp server on loopback."""

import json

import jsonschema
import pytest

import synopsis
from synopsis.config import ModelSpec, Settings
from synopsis.errors import BackendError
from synopsis.llm import GenerationOptions, ModelRegistry

from .helpers import meeting
from .server_helpers import LlamaServer

ASK = [{"role": "user", "content": "Name the capital of France in one word."}]


@pytest.fixture(scope="module")
def llama_server(fast, tmp_path_factory):
    """`python -m llama_cpp.server` serving the 0.5B model on 127.0.0.1."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    try:
        server = LlamaServer(fast.model_path(), log).wait_ready()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server.base_url
    server.stop()


def upstream_registry(base_url: str, **extra) -> ModelRegistry:
    spec = ModelSpec(
        name="upstream-fast",
        backend="openai",
        base_url=base_url,
        upstream_model="qwen-fast",
        api_key="sk-test",
        context=4096,
        **extra,
    )
    return ModelRegistry(Settings(models=[spec], upstream_retries=2))


def test_completion_through_upstream(llama_server):
    backend = upstream_registry(llama_server).backend("upstream-fast")
    completion = backend.complete(ASK, GenerationOptions(max_tokens=8))
    assert "paris" in completion.text.lower()
    assert completion.model == "upstream-fast"
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0


def test_stream_through_upstream(llama_server):
    backend = upstream_registry(llama_server).backend("upstream-fast")
    deltas = list(backend.stream(ASK, GenerationOptions(max_tokens=8)))
    assert "paris" in "".join(d.text for d in deltas).lower()
    assert deltas[-1].finish_reason in ("stop", "length")


def test_json_schema_through_upstream(llama_server):
    schema = {
        "type": "object",
        "properties": {"capital": {"type": "string"}},
        "required": ["capital"],
    }
    backend = upstream_registry(llama_server).backend("upstream-fast")
    completion = backend.complete(ASK, GenerationOptions(max_tokens=40, json_schema=schema))
    jsonschema.validate(json.loads(completion.text), schema)


def test_summarize_runs_on_upstream(llama_server):
    text, _ = meeting("launch_sync")
    summary = synopsis.summarize(
        text, style="headline", model="upstream-fast", registry=upstream_registry(llama_server)
    )
    assert summary.model == "upstream-fast" and summary.text


def test_retries_server_errors_then_succeeds(loopback):
    answers = iter([503, 429, 200])

    def handler(request):
        status = next(answers)
        body = json.dumps(
            {
                "choices": [
                    {"message": {"role": "assistant", "content": "Paris"}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 9, "completion_tokens": 1},
            }
        ).encode()
        request.send_response(status)
        request.send_header("content-type", "application/json")
        request.send_header("retry-after", "0")
        request.send_header("content-length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    loopback.routes["/v1/chat/completions"] = handler
    backend = upstream_registry(loopback.url("/v1")).backend("upstream-fast")
    assert backend.complete(ASK, GenerationOptions(max_tokens=4)).text == "Paris"
    assert len(loopback.requests) == 3
    headers = {k.lower(): v for k, v in loopback.requests[0][2].items()}
    assert headers["authorization"] == "Bearer sk-test"


def test_client_errors_are_not_retried(loopback):
    loopback.serve(
        "/v1/chat/completions",
        json.dumps({"error": {"message": "bad model"}}).encode(),
        "application/json",
        status=404,
    )
    backend = upstream_registry(loopback.url("/v1")).backend("upstream-fast")
    with pytest.raises(BackendError, match="404: bad model"):
        backend.complete(ASK, GenerationOptions(max_tokens=4))
    assert len(loopback.requests) == 1


def test_unreachable_upstream_is_a_clear_error():
    backend = upstream_registry("http://127.0.0.1:9/v1").backend("upstream-fast")
    with pytest.raises(BackendError, match="unreachable"):
        backend.complete(ASK, GenerationOptions(max_tokens=4))
