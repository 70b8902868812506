"""Summaries from the real embedded models on fixtures with known facts."""

import json

import jsonschema
import pytest

import synopsis
from synopsis.errors import InputError, SchemaError, UnknownModelError
from synopsis.summarize.chunking import split_sentences

from .helpers import FIXTURES, action_recall, decision_recall, meeting

MEETINGS = ["launch_sync", "hiring_committee", "warehouse_review"]


@pytest.mark.parametrize("name", MEETINGS)
def test_bullets_name_decisions_and_owners(registry, name):
    text, facts = meeting(name)
    summary = synopsis.summarize(text, style="bullets", registry=registry)
    assert summary.model == "qwen2.5-coder-1.5b-instruct"
    assert summary.chunks == 1
    assert summary.text.lstrip().startswith(("Key points", "- ", "**"))
    assert decision_recall(summary.text, facts) == 1.0, summary.text
    assert action_recall(summary.text, facts) >= 2 / 3, summary.text


def test_long_transcript_keeps_start_middle_and_end(registry):
    """~6,000 words; facts near the start, middle and end among many look-alike statements.
    (The ~20,000-word version of the same meeting is `benches/map_reduce.py`'s.)"""
    text = (FIXTURES / "medium_meeting.txt").read_text()
    facts = json.loads((FIXTURES / "long_meeting.facts.json").read_text())
    progress: list[tuple[str, int, int]] = []
    summary = synopsis.summarize(
        text, style="bullets", registry=registry, progress=lambda *event: progress.append(event)
    )
    assert summary.chunks >= 3
    maps = [event for event in progress if event[0] == "map"]
    assert maps[-1][1] == maps[-1][2] >= summary.chunks
    lowered = summary.text.lower()
    missing = [
        where
        for where, alternatives in facts.items()
        if not any(alt in lowered for alt in alternatives)
    ]
    assert missing == [], summary.text
    key_points = summary.text.split("Decisions:")[0].count("\n- ")
    assert 1 <= key_points <= 7


def test_json_style_matches_schema(registry):
    text, _ = meeting("hiring_committee")
    schema = {
        "type": "object",
        "properties": {
            "decisions": {"type": "array", "items": {"type": "string"}},
            "action_items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"owner": {"type": "string"}, "task": {"type": "string"}},
                    "required": ["owner", "task"],
                },
            },
        },
        "required": ["decisions", "action_items"],
    }
    summary = synopsis.summarize(text, style="json", schema=schema, registry=registry)
    jsonschema.validate(summary.data, schema)
    assert json.loads(summary.text) == summary.data
    owners = {item["owner"] for item in summary.data["action_items"]}
    assert owners & {"Hiro", "Lena", "Omar"}


def test_extractive_uses_only_input_sentences():
    text, _ = meeting("launch_sync")
    summary = synopsis.summarize(text, style="extractive")
    assert summary.model == "extractive" and summary.usage.calls == 0
    source_sentences = set(split_sentences(text))
    for line in summary.text.splitlines():
        assert line in source_sentences


def test_headline_is_one_short_line(registry):
    text, _ = meeting("launch_sync")
    summary = synopsis.summarize(text, style="headline", model="fast", registry=registry)
    assert "\n" not in summary.text and 0 < len(summary.text.split()) <= 16


def test_conversational_attributes_speakers(registry):
    text, _ = meeting("warehouse_review")
    summary = synopsis.summarize(text, style="conversational", registry=registry)
    said = summary.text.split("Decisions:")[0]
    assert said.startswith("Who said what:"), summary.text
    assert "- Speaker A:" in said and "- Speaker B:" in said, summary.text


def test_custom_prompt_shapes_output(registry):
    text, _ = meeting("launch_sync")
    prompt = (
        "Format the summary with this exact skeleton:\n"
        "Topic: <one line>\nKey Points:\n- <point>\nAction Items:\n- <owner>: <task>\n"
        "Conclusion: <one sentence>"
    )
    summary = synopsis.summarize(text, style="custom", prompt=prompt, registry=registry)
    for heading in ("Topic", "Key Points", "Action Items", "Conclusion"):
        assert heading.lower() in summary.text.lower(), summary.text


def test_unsupported_terms_are_reported(registry):
    text, _ = meeting("launch_sync")
    summary = synopsis.summarize(text, style="paragraph", model="fast", registry=registry)
    for term in summary.unsupported:
        assert term.text.lower() not in text.lower()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"text": "   "}, InputError),
        ({"text": "x", "style": "limerick"}, InputError),
        ({"text": "x", "style": "custom"}, InputError),
        ({"text": "x", "style": "json"}, SchemaError),
        ({"text": "x", "style": "json", "schema": {"type": "nonsense"}}, SchemaError),
        ({"text": "x", "model": "gpt-7"}, UnknownModelError),
    ],
)
def test_bad_requests_fail_clearly(registry, kwargs, error):
    with pytest.raises(error):
        synopsis.summarize(registry=registry, **kwargs)


def test_a_headline_is_one_clean_line_even_when_the_model_answers_in_json():
    from synopsis.summarize.pipeline import headline_of

    assert headline_of('{\n  "headline": "Klassenfahrt und Sommerfest geplant"\n}') == (
        "Klassenfahrt und Sommerfest geplant"
    )
    assert (
        headline_of('\n"**Launch date set for March 12.**"\nmore') == "Launch date set for March 12"
    )
    assert headline_of("") == ""


def test_a_callers_schema_gets_bounds_that_any_valid_answer_of_it_keeps():
    import jsonschema

    from synopsis.llm.schemas import DEFAULT_MAX_ITEMS, bounded

    schema = {
        "type": "object",
        "properties": {
            "decisions": {"type": "array", "items": {"type": "string"}},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "tags": {"type": "array", "maxItems": 3, "items": {"enum": ["a", "b"]}},
            "notes": {"type": ["string", "null"], "minLength": 500},
        },
    }
    grammar = bounded(schema)
    assert grammar["properties"]["decisions"]["maxItems"] == DEFAULT_MAX_ITEMS
    assert grammar["properties"]["decisions"]["items"]["maxLength"] == 400
    assert "maxLength" not in grammar["properties"]["code"]  # a pattern bounds it already
    assert grammar["properties"]["tags"]["maxItems"] == 3
    assert grammar["properties"]["notes"]["maxLength"] == 500  # never below the minimum
    assert "maxItems" not in schema["properties"]["decisions"]  # the caller's is left alone
    answer = {"decisions": ["Launch on March 12."], "code": "ABC", "tags": ["a"], "notes": None}
    jsonschema.validate(answer, grammar)
    jsonschema.validate(answer, schema)
