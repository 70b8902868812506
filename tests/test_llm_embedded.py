import json
import threading

import jsonschema
import pytest

from synopsis.config import ModelSpec, Settings
from synopsis.errors import ContextLengthError, UnknownModelError
from synopsis.llm import GenerationOptions, ModelRegistry, strip_reasoning

ASK = [{"role": "user", "content": "Name the capital of France in one word."}]


def test_completion_reports_model_and_usage(fast):
    completion = fast.complete(ASK, GenerationOptions(max_tokens=8))
    assert "paris" in completion.text.lower()
    assert completion.model == "qwen2.5-coder-0.5b-instruct"
    assert completion.usage.prompt_tokens > 5
    assert 0 < completion.usage.completion_tokens <= 8


def test_stream_matches_completion(fast):
    options = GenerationOptions(max_tokens=24)
    whole = fast.complete(ASK, options).text
    deltas = list(fast.stream(ASK, options))
    assert "".join(d.text for d in deltas) == whole
    assert deltas[-1].finish_reason in ("stop", "length")
    assert deltas[-1].usage.completion_tokens > 0


def test_json_schema_is_enforced_by_grammar(fast):
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "population_millions": {"type": "number"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["city", "population_millions", "tags"],
    }
    messages = [{"role": "user", "content": "Describe Paris as JSON."}]
    completion = fast.complete(messages, GenerationOptions(max_tokens=120, json_schema=schema))
    jsonschema.validate(json.loads(completion.text), schema)


def test_token_count_uses_the_model_tokenizer(fast):
    assert fast.count_tokens("hello world") == 2
    assert fast.count_tokens("") == 0


def test_prompt_over_context_is_an_error_not_a_truncation():
    spec = ModelSpec.model_validate(
        {
            **ModelRegistry(Settings()).resolve("fast").model_dump(),
            "name": "tiny-ctx",
            "aliases": [],
            "context": 256,
        }
    )
    backend = ModelRegistry(Settings(models=[spec])).backend("tiny-ctx")
    long_prompt = [{"role": "user", "content": "word " * 400}]
    with pytest.raises(ContextLengthError, match="context"):
        backend.complete(long_prompt, GenerationOptions(max_tokens=8))


def test_parallel_instances_serve_concurrent_calls():
    registry = ModelRegistry(Settings(llm_parallel=2))
    backend = registry.backend("fast")
    results: list[str] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            results.append(backend.complete(ASK, GenerationOptions(max_tokens=8)).text)
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 4 and all("paris" in r.lower() for r in results)
    assert backend._created == 2


def test_aliases_resolve_and_unknown_names_fail(registry):
    assert registry.resolve("fast").name == "qwen2.5-coder-0.5b-instruct"
    assert registry.resolve("DEFAULT").name == "qwen2.5-coder-1.5b-instruct"
    assert registry.resolve(None).name == "qwen2.5-coder-1.5b-instruct"
    with pytest.raises(UnknownModelError, match="available models"):
        registry.resolve("gpt-7")


def test_reasoning_blocks_are_stripped():
    assert strip_reasoning("<think>hmm, the user wants</think>\nThe answer.") == "The answer."
    assert strip_reasoning("<think>never closed") == ""
