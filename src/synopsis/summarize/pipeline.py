"""Summarize text of any length: one call when it fits a chunk, map-reduce when it does not.

Map: each chunk becomes faithful notes (decisions, action items with owners and dates, numbers),
concurrently up to the backend's limit. Reduce: notes are merged in groups until they fit one
call, then the final call writes the requested style from them. Every chunk is read by the model;
nothing is dropped to make the input fit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import jsonschema

from ..errors import ContextLengthError, InputError, OutputValidationError, SchemaError
from ..llm.base import ChatBackend, GenerationOptions, Message, Usage, count_prompt_tokens
from ..llm.base import strip_reasoning
from ..llm.registry import ModelRegistry, get_registry
from . import styles
from .chunking import chunk_text, has_speaker_turns
from .extractive import extract
from .grounding import find_unsupported
from .result import Summary

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`; stages are "map", "reduce" and "final"."""

MIN_CHUNK_TOKENS = 256


def validate_request(
    style: str, prompt: str | None, schema: dict[str, Any] | None
) -> styles.StyleRequest:
    """Check the caller's options before any model is loaded."""
    if style not in styles.STYLES:
        raise InputError(f"unknown style {style!r}; choose one of: {', '.join(styles.STYLES)}")
    if style == "custom" and not (prompt and prompt.strip()):
        raise InputError("the custom style needs a prompt with your instructions")
    if style == "json":
        if schema is None:
            raise SchemaError("the json style needs a JSON Schema")
        check_schema(schema)
    elif schema is not None:
        raise InputError("a schema only applies to the json style")
    return styles.StyleRequest(style=style, prompt=prompt, schema=schema)


def check_schema(schema: Any) -> None:
    if not isinstance(schema, dict):
        raise SchemaError("the JSON Schema must be a JSON object")
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise SchemaError(f"invalid JSON Schema: {exc.message}") from exc


def summarize(
    text: str,
    style: str = "bullets",
    *,
    model: str | None = None,
    prompt: str | None = None,
    schema: dict[str, Any] | None = None,
    registry: ModelRegistry | None = None,
    progress: ProgressCallback | None = None,
) -> Summary:
    """Summarize `text` in `style`; see `synopsis.summarize` for the public contract."""
    request = validate_request(style, prompt, schema)
    if not isinstance(text, str) or not text.strip():
        raise InputError("there is no text to summarize: the input is empty")
    text = text.strip()
    started = time.perf_counter()
    if style == "extractive":
        sentences = extract(text)
        return Summary(
            text="\n".join(sentences),
            style=style,
            model="extractive",
            chunks=1,
            usage=Usage(),
            timings={"total": time.perf_counter() - started},
        )
    registry = registry or get_registry()
    backend = registry.backend(model)
    return MapReduce(backend, registry, progress).run(text, request, started)


class MapReduce:
    """One summarization run against one backend."""

    def __init__(
        self, backend: ChatBackend, registry: ModelRegistry, progress: ProgressCallback | None
    ) -> None:
        self.backend = backend
        self.settings = registry.settings
        self.progress = progress or (lambda stage, done, total: None)
        self.usage = Usage()
        self.warnings: list[str] = []

    # -- budgets -----------------------------------------------------------------------------

    def _output_tokens(self, request: styles.StyleRequest) -> int:
        default = self.settings.llm_max_output_tokens
        return min(default, styles.OUTPUT_TOKENS.get(request.style, default))

    def _room(self, request: styles.StyleRequest) -> int:
        """Tokens of input one call can take: context minus instructions and output."""
        overhead = count_prompt_tokens(
            self.backend,
            [
                {"role": "system", "content": ""},
                {"role": "user", "content": styles.instruction_overhead(request)},
            ],
        )
        output = max(self._output_tokens(request), styles.OUTPUT_TOKENS["notes"])
        room = self.backend.context_size - overhead - output
        if room < MIN_CHUNK_TOKENS:
            raise ContextLengthError(
                f"model {self.backend.name!r} has a context of {self.backend.context_size} tokens, "
                f"too small for the instructions plus any text; configure a larger context"
            )
        return room

    # -- calls -------------------------------------------------------------------------------

    def _call(self, messages: list[Message], options: GenerationOptions) -> str:
        completion = self.backend.complete(messages, options)
        self.usage.add(completion.usage)
        if completion.finish_reason == "length":
            self.warnings.append(
                f"a model call stopped at its output limit of {options.max_tokens} tokens"
            )
        return strip_reasoning(completion.text)

    def _fan_out(self, stage: str, jobs: Sequence[list[Message]], max_tokens: int) -> list[str]:
        """Run calls concurrently up to the backend's limit, keeping their order."""
        options = GenerationOptions(max_tokens=max_tokens, seed=self.settings.llm_seed)
        results: list[str] = [""] * len(jobs)
        self.progress(stage, 0, len(jobs))
        with ThreadPoolExecutor(max_workers=self.backend.max_concurrency) as pool:
            futures = {pool.submit(self._call, job, options): i for i, job in enumerate(jobs)}
            try:
                for done, future in enumerate(as_completed(futures), 1):
                    results[futures[future]] = future.result()
                    self.progress(stage, done, len(jobs))
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return results

    # -- stages ------------------------------------------------------------------------------

    def run(self, text: str, request: styles.StyleRequest, started: float) -> Summary:
        count = self.backend.count_tokens
        total_tokens = count(text)
        if total_tokens > self.settings.max_input_tokens:
            raise InputError(
                f"the input has about {total_tokens} tokens, over the limit of "
                f"{self.settings.max_input_tokens} (SYNOPSIS_MAX_INPUT_TOKENS)"
            )
        kind = "conversation transcript" if has_speaker_turns(text) else "document"
        room = self._room(request)
        budget = min(self.settings.chunk_tokens, room)
        timings: dict[str, float] = {}
        if total_tokens <= budget:
            chunks, source, from_notes = [text], text, False
        else:
            chunks = chunk_text(text, budget, count)
            notes = self._fan_out(
                "map",
                [
                    styles.notes_messages(chunk, i, len(chunks), request, kind)
                    for i, chunk in enumerate(chunks, 1)
                ],
                styles.OUTPUT_TOKENS["notes"],
            )
            timings["map"] = time.perf_counter() - started
            source = self._reduce(notes, min(budget * 2, room), kind)
            timings["reduce"] = time.perf_counter() - started - timings["map"]
            from_notes = True
        self.progress("final", 0, 1)
        final_started = time.perf_counter()
        messages = styles.final_messages(source, request, from_notes, kind)
        if request.style == "json":
            output, data = self._final_json(messages, request)
        else:
            output, data = self._call(messages, GenerationOptions(
                max_tokens=self._output_tokens(request), seed=self.settings.llm_seed
            )), None
            if request.style == "headline":
                output = output.splitlines()[0].strip().strip('"“”') if output else output
        self.progress("final", 1, 1)
        timings["final"] = time.perf_counter() - final_started
        timings["total"] = time.perf_counter() - started
        allowed = " ".join(m["content"] for m in messages if m["role"] == "system")
        allowed += " " + styles.FINAL_INSTRUCTIONS[request.style] + " " + (request.prompt or "")
        if request.schema is not None:
            allowed += " " + json.dumps(request.schema)
        return Summary(
            text=output,
            style=request.style,
            model=self.backend.name,
            chunks=len(chunks),
            usage=self.usage,
            timings=timings,
            data=data,
            unsupported=find_unsupported(output, text, allowed),
            warnings=self.warnings,
        )

    def _reduce(self, notes: list[str], budget: int, kind: str) -> str:
        """Merge notes in groups until all of them fit one call."""
        count = self.backend.count_tokens
        level = notes
        round_ = 0
        while count("\n\n".join(level)) > budget:
            round_ += 1
            groups = _pack(level, budget, count)
            if len(groups) == len(level):
                raise InputError(
                    "the notes of this input cannot be merged within the model's context; "
                    "use a model with a larger context"
                )
            merged = self._fan_out(
                f"reduce {round_}",
                [styles.merge_messages(group, kind) for group in groups if len(group) > 1],
                styles.OUTPUT_TOKENS["notes"],
            )
            results = iter(merged)
            level = [next(results) if len(group) > 1 else group[0] for group in groups]
        return "\n\n".join(level)

    def _final_json(
        self, messages: list[Message], request: styles.StyleRequest
    ) -> tuple[str, Any]:
        """Schema-constrained output, validated; one retry that shows the model its error."""
        options = GenerationOptions(
            max_tokens=self._output_tokens(request),
            json_schema=request.schema,
            seed=self.settings.llm_seed,
        )
        problem = ""
        for attempt in range(2):
            output = self._call(messages, options)
            try:
                data = json.loads(output)
                jsonschema.validate(data, request.schema)
                return json.dumps(data, ensure_ascii=False, indent=2), data
            except json.JSONDecodeError as exc:
                problem = f"the output is not valid JSON ({exc.msg})"
            except jsonschema.ValidationError as exc:
                problem = f"the output does not match the schema: {exc.message}"
            if attempt == 0:
                messages = messages + [
                    {"role": "assistant", "content": output},
                    {"role": "user", "content": f"That answer is wrong: {problem}. Reply again "
                     "with only the corrected JSON object."},
                ]
        raise OutputValidationError(f"model {self.backend.name!r} failed the schema twice: {problem}")


def _pack(items: list[str], budget: int, count: Callable[[str], int]) -> list[list[str]]:
    """Consecutive groups of items whose joined size stays within budget."""
    groups: list[list[str]] = []
    size = 0
    for item in items:
        tokens = count(item) + 2
        if groups and size + tokens <= budget:
            groups[-1].append(item)
            size += tokens
        else:
            groups.append([item])
            size = tokens
    return groups
