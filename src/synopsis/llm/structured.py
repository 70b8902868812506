"""Schema-constrained JSON from any backend, validated, with one retry that shows the model its
error: the summarizer's structured notes and the evaluator's judge both ask this way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema

from ..errors import OutputValidationError
from .base import Completion, GenerationOptions, Message, strip_reasoning

Complete = Callable[[list[Message], GenerationOptions], Completion]


def complete_json(
    complete: Complete,
    messages: list[Message],
    schema: dict[str, Any],
    options: Callable[[int], GenerationOptions],
    max_tokens: int,
    who: str,
) -> Any:
    """The parsed object, or `OutputValidationError` naming `who` after two invalid answers.

    `options(max_tokens)` builds each call's options (callers cap tokens and set the seed); an
    answer cut at the token limit is retried with twice the limit.
    """
    problem = ""
    for attempt in range(2):
        completion = complete(messages, options(max_tokens))
        output = strip_reasoning(completion.text)
        try:
            # strict=False: a raw newline or tab inside a string is harmless, so accept it
            data = json.loads(output, strict=False)
            jsonschema.validate(data, schema)
            return data
        except json.JSONDecodeError as exc:
            problem = f"the output is not valid JSON ({exc.msg})"
            if completion.finish_reason == "length":
                problem += f"; it stopped at the output limit of {max_tokens} tokens"
                max_tokens *= 2
        except jsonschema.ValidationError as exc:
            problem = f"the output does not match the schema: {exc.message}"
        if attempt == 0:
            messages = messages + [
                {"role": "assistant", "content": output},
                {
                    "role": "user",
                    "content": f"That answer is wrong: {problem}. Reply again "
                    "with only the corrected JSON object.",
                },
            ]
    raise OutputValidationError(f"{who} did not produce valid JSON twice: {problem}")
