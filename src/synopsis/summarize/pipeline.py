"""Summarize text of any length.

Each chunk (the whole text, when it fits one) becomes structured notes: key points, decisions and
action items, taken with grammar-constrained JSON calls. Notes of many chunks are merged as data,
so decisions and action items from the start, middle and end all survive; key points are
condensed by the model, in rounds, until they fit. Bullets, conversational and paragraph are
rendered from the checked notes (a paragraph as running prose); headline, custom and json make
one last call on the source, or on the notes of a long one. Map calls run concurrently up to the
backend's limit. Nothing is dropped to make the input fit.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from typing import Any, TypeVar

from ..errors import ContextLengthError, InputError, SchemaError
from ..llm.base import (
    ChatBackend,
    GenerationOptions,
    Message,
    Usage,
    count_prompt_tokens,
    strip_reasoning,
)
from ..llm.registry import ModelRegistry, get_registry
from ..llm.schemas import bounded, check_schema
from ..llm.structured import complete_json
from ..transcript import Transcript
from . import styles
from .answers import checked_data, checked_text, joined, prefilled
from .attribution import (
    claims_unstated_approval,
    drop_superseded,
    states_idea_as_fact,
)
from .candidates import candidate_statements
from .chunking import chunk_text, has_speaker_turns, split_sentences
from .extractive import extract
from .grounding import (
    find_unsupported,
    invented_numbers,
    states_corrected,
)
from .language import detect as detect_language
from .language import resolve as summary_language
from .notes import (
    FACTS_SCHEMA,
    POINTS_SCHEMA,
    SAID_SCHEMA,
    SPEAKERS_SCHEMA,
    Notes,
    SourceChecks,
    finished,
    without_copies,
)
from .result import Summary
from .speakers import entry as speaker_entry
from .speakers import (
    keep_tasks_open,
    needs_condensing,
    own_decisions,
    own_proposals,
    spoken_by,
    trim,
    without_filler,
)

log = logging.getLogger("synopsis.summarize")
T = TypeVar("T")
ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`; stages: "map", "condense N", "final"."""

MIN_CHUNK_TOKENS = 256
FACTS_BATCH_TOKENS = 1500
CONDENSE_GROUP_TOKENS = 600
SPEAKER_TURNS_TOKENS = 1500  # a speaker's turns up to this size are condensed from the source
KEY_POINT_LIMIT = 7
MIN_KEY_POINTS = 3  # fewer usable points than this from a chunk: ask once more, another way
AGAIN_WORDS = 300  # ...when the chunk is long enough to have that many


def validate_request(
    style: str,
    prompt: str | None,
    schema: dict[str, Any] | None,
    language: str | None = None,
) -> styles.StyleRequest:
    """Check the caller's options before any model is loaded."""
    if language is not None:
        summary_language(language, "")  # an unsupported language is refused now
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
    return styles.StyleRequest(style=style, prompt=prompt, schema=schema, language=language)


def summarize(
    text: str | Transcript,
    style: str = "bullets",
    *,
    model: str | None = None,
    prompt: str | None = None,
    schema: dict[str, Any] | None = None,
    registry: ModelRegistry | None = None,
    progress: ProgressCallback | None = None,
    language: str | None = None,
) -> Summary:
    """Summarize `text` in `style`; see `synopsis.summarize` for the public contract.

    `language` (ISO 639-1, e.g. "de") is the summary's language; by default the source's own.
    """
    request = validate_request(style, prompt, schema, language)
    if isinstance(text, Transcript):
        text = text.labelled_text()  # "Speaker A: …" lines when the transcript has speakers
    if not isinstance(text, str) or not text.strip():
        raise InputError("there is no text to summarize: the input is empty")
    started = time.perf_counter()
    if style == "extractive":
        return Summary(
            text="\n".join(extract(text.strip())),
            style=style,
            model="extractive",
            chunks=1,
            usage=Usage(),
            timings={"total": time.perf_counter() - started},
        )
    registry = registry or get_registry()
    backend = registry.backend(model)
    return MapReduce(backend, registry, progress).run(text.strip(), request, started)


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

    def _room(self, request: styles.StyleRequest) -> int:
        """Tokens of input one call can take: context minus instructions and output."""
        overhead = count_prompt_tokens(
            self.backend,
            [
                {"role": "system", "content": ""},
                {"role": "user", "content": styles.instruction_overhead(request)},
            ],
        )
        room = self.backend.context_size - overhead - self._output_tokens(request)
        if room < MIN_CHUNK_TOKENS:
            raise ContextLengthError(
                f"model {self.backend.name!r} has a context of {self.backend.context_size} tokens, "
                f"too small for the instructions plus any text; configure a larger context"
            )
        return room

    def _output_tokens(self, request: styles.StyleRequest) -> int:
        limit = self.settings.llm_max_output_tokens
        return min(
            limit,
            max([styles.OUTPUT_TOKENS.get(request.style, limit), *styles.OUTPUT_TOKENS.values()]),
        )

    # -- calls -------------------------------------------------------------------------------

    def _options(self, max_tokens: int, schema: dict[str, Any] | None = None) -> GenerationOptions:
        return GenerationOptions(
            max_tokens=min(max_tokens, self.settings.llm_max_output_tokens),
            json_schema=schema,
            seed=self.settings.llm_seed,
        )

    def _complete(self, messages: list[Message], options: GenerationOptions) -> Any:
        completion = self.backend.complete(messages, options)
        self.usage.add(completion.usage)
        log.debug(
            "%s: %d prompt + %d completion tokens in %.1f s (%s)",
            self.backend.name,
            completion.usage.prompt_tokens,
            completion.usage.completion_tokens,
            completion.seconds,
            completion.finish_reason,
        )
        log.debug("output: %.2000s", completion.text)
        return completion

    def _text(self, messages: list[Message], max_tokens: int) -> str:
        completion = self._complete(messages, self._options(max_tokens))
        if completion.finish_reason == "length":
            self.warnings.append(f"a model call stopped at its output limit of {max_tokens} tokens")
        return strip_reasoning(completion.text)

    def _data(self, messages: list[Message], schema: dict[str, Any], max_tokens: int) -> Any:
        """Schema-constrained output, validated; one retry that shows the model its error."""
        return complete_json(
            self._complete,
            messages,
            schema,
            lambda tokens: self._options(tokens, schema),
            max_tokens,
            f"model {self.backend.name!r}",
        )

    def _fan_out(self, stage: str, jobs: Sequence[Callable[[], T]]) -> list[T]:
        """Run jobs concurrently up to the backend's limit, keeping their order."""
        results: list[Any] = [None] * len(jobs)
        self.progress(stage, 0, len(jobs))
        with ThreadPoolExecutor(max_workers=self.backend.max_concurrency) as pool:
            futures = {pool.submit(job): i for i, job in enumerate(jobs)}
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
        text = styles.label_speakers(text)
        total_tokens = self.backend.count_tokens(text)
        if total_tokens > self.settings.max_input_tokens:
            raise InputError(
                f"the input has about {total_tokens} tokens, over the limit of "
                f"{self.settings.max_input_tokens} (SYNOPSIS_MAX_INPUT_TOKENS)"
            )
        source = styles.Source(
            "conversation transcript" if has_speaker_turns(text) else "document",
            summary_language(request.language, text),
            detect_language(text),
        )
        room = self._room(request)
        budget = min(self.settings.chunk_tokens, room)
        chunks = (
            [text]
            if total_tokens <= budget
            else chunk_text(text, budget, self.backend.count_tokens)
        )
        timings: dict[str, float] = {}
        checks = SourceChecks(text)
        notes = Notes()
        from_notes = request.takes_notes or len(chunks) > 1
        if from_notes:
            parts = self._fan_out("map", self._map_jobs(text, chunks, request, source, budget))
            timings["map"] = time.perf_counter() - started
            notes = Notes.merge(parts).grounded(text, source.language, checks)
            limit = KEY_POINT_LIMIT if request.takes_notes else None
            notes = self._condense(notes, source, room, limit)
            if request.style == "conversational":
                notes = self._condense_speakers(notes, text, source, len(chunks) > 1, checks)
            notes = notes.with_figures(text, source.language, request.style == "conversational")
            timings["reduce"] = time.perf_counter() - started - timings["map"]
        final_started = time.perf_counter()
        data: Any = None
        if request.from_notes:  # rendered, not asked: "final" is still the last stage shown
            self.progress("final", 0, 1)
            if request.structured:
                output = notes.render(request.style == "conversational", source.language)
            else:
                output = notes.prose(source.language)
            self.progress("final", 1, 1)
        else:
            material = notes.render(language=source.language) if from_notes else text
            self.progress("final", 0, 1)
            if request.style == "json":
                schema = request.schema or {}
                filled, rest = prefilled(schema, notes, source.language)
                data = {}
                if rest is not None:  # what the notes do not fill, the model writes
                    asked = replace(request, schema=rest)
                    messages = styles.final_messages(material, asked, from_notes, source)
                    data = self._data(messages, bounded(rest), self.settings.llm_max_output_tokens)
                data = joined(data, filled, schema)
                data = checked_data(data, schema, notes, checks, source.language)
                output = json.dumps(data, ensure_ascii=False, indent=2)
            else:
                messages = styles.final_messages(material, request, from_notes, source)
                output = self._text(
                    messages,
                    styles.OUTPUT_TOKENS.get(request.style, self.settings.llm_max_output_tokens),
                )
            if request.style == "custom":
                output = checked_text(output, notes, checks, source.language)
            if request.style == "headline":
                output = headline_of(output)
            self.progress("final", 1, 1)
        timings["final"] = time.perf_counter() - final_started
        timings["total"] = time.perf_counter() - started
        return Summary(
            text=output,
            style=request.style,
            model=self.backend.name,
            chunks=len(chunks),
            usage=self.usage,
            timings=timings,
            data=data,
            unsupported=find_unsupported(output, text, styles.prompt_vocabulary(request)),
            language=source.language.code,
            warnings=self.warnings,
        )

    def _map_jobs(
        self,
        text: str,
        chunks: list[str],
        request: styles.StyleRequest,
        source: styles.Source,
        budget: int,
    ) -> list[Callable[[], Notes]]:
        """One job per chunk for its key points (or who said what), plus the facts jobs.

        A single chunk gets its facts from the chunk itself, right after its key points so the
        second call reuses the evaluated prompt. A long input gets them from its candidate
        statements, a far denser text in which small models miss much less.
        """
        if len(chunks) == 1:
            summary_job = self._summary_job(chunks[0], "", request, source)
            facts_job = self._facts_job(styles.facts_messages(chunks[0], source))
            return [lambda: Notes.merge([summary_job(), facts_job()])]
        jobs = [
            self._summary_job(chunk, styles.part_note(i, len(chunks), source), request, source)
            for i, chunk in enumerate(chunks, 1)
        ]
        groups = _pack(
            candidate_statements(text), min(budget, FACTS_BATCH_TOKENS), self.backend.count_tokens
        )
        jobs += [self._facts_job(styles.statements_facts_messages(g, source)) for g in groups]
        return jobs

    def _summary_job(
        self, chunk: str, note: str, request: styles.StyleRequest, source: styles.Source
    ) -> Callable[[], Notes]:
        def job() -> Notes:
            # Who said what needs speakers; a document or an unlabelled monologue gets key points.
            if request.style == "conversational" and has_speaker_turns(chunk):
                by_turns = self._speakers_from_turns(chunk, source) if not note else None
                if by_turns is not None:
                    return by_turns
                speakers = self._data(
                    styles.speakers_messages(chunk, source, note),
                    SPEAKERS_SCHEMA,
                    styles.OUTPUT_TOKENS["speakers"],
                )
                return Notes.from_data(speakers=speakers)
            points = self._data(
                styles.points_messages(chunk, source, note),
                POINTS_SCHEMA,
                styles.OUTPUT_TOKENS["points"],
            )
            notes = Notes.from_data(points=points)
            if len(notes.key_points) < MIN_KEY_POINTS and len(chunk.split()) >= AGAIN_WORDS:
                notes = Notes.merge([notes, self._points_by_halves(chunk, source)])
            return notes

        return job

    def _points_by_halves(self, chunk: str, source: styles.Source) -> Notes:
        """Key points asked again of each half of a chunk that gave too few: a small model that
        loses its way in a whole meeting (one template point, or turns copied) does better on
        half of it. Sentences copied from a transcript word for word are left out."""
        count = self.backend.count_tokens
        halves = chunk_text(chunk, count(chunk) // 2 + MIN_CHUNK_TOKENS // 4, count)[:2]
        found = []
        for i, half in enumerate(halves, 1):
            data = self._data(
                styles.points_messages(half, source, styles.part_note(i, len(halves), source)),
                POINTS_SCHEMA,
                styles.OUTPUT_TOKENS["points"],
            )
            points = Notes.from_data(points=data)
            if has_speaker_turns(half):
                points.key_points = without_copies(points.key_points, half)
            found.append(points)
        return Notes.merge(found)

    def _facts_job(self, messages: list[Message]) -> Callable[[], Notes]:
        def job() -> Notes:
            facts = self._data(messages, FACTS_SCHEMA, styles.OUTPUT_TOKENS["facts"])
            return Notes.from_data(facts=facts)

        return job

    def _condense(self, notes: Notes, source: styles.Source, room: int, limit: int | None) -> Notes:
        """Merge key points in rounds until there are at most `limit` and the notes fit `room`."""
        count = self.backend.count_tokens
        target = limit or KEY_POINT_LIMIT
        round_ = 0
        while (limit is not None and len(notes.key_points) > limit) or count(notes.render()) > room:
            points = notes.key_points
            if len(points) <= target:
                raise InputError(
                    "the decisions and action items of this input alone exceed the model's "
                    "context; use a model with a larger context"
                )
            round_ += 1
            # Small groups, so every stretch of the input keeps its share of the final points.
            groups = _pack(points, min(room, CONDENSE_GROUP_TOKENS), count)
            condensed = self._fan_out(
                f"condense {round_}",
                [self._condense_job(group, source, target) for group in groups],
            )
            merged = [p for group in condensed for p in group]
            if len(merged) >= len(points):  # the model did not shrink the list: stop looping
                merged = merged[: max(target, len(points) - 1)]
                self.warnings.append("key points were cut after condensing did not shorten them")
            notes = Notes(merged, notes.decisions, notes.action_items, notes.said)
        return notes

    def _speaker_entry(self, speaker: str, material: str, source: styles.Source) -> str:
        """One speaker's entry of "who said what", condensed from `material` (filler left out).

        Asking again with the first answer shown was tried: greedy decoding repeats the same
        answer, so what still copies or runs on is cleaned deterministically (`speakers.trim`).
        """
        messages = styles.speaker_messages(speaker, without_filler(material), source)
        data = self._data(messages, SAID_SCHEMA, styles.OUTPUT_TOKENS["speaker"])
        return speaker_entry(speaker, finished(" ".join(str(data["said"]).split())))

    def _speakers_from_turns(self, text: str, source: styles.Source) -> Notes | None:
        """Who said what, one call per speaker on their own turns, when every speaker's turns
        are small enough; None otherwise (then one call covers all speakers of a chunk)."""
        spoken = spoken_by(text)
        count = self.backend.count_tokens
        if not spoken or any(count(turns) > SPEAKER_TURNS_TOKENS for turns in spoken.values()):
            return None
        entries = [
            {"speaker": speaker, "said": self._speaker_entry(speaker, turns, source)}
            for speaker, turns in spoken.items()
        ]
        return Notes.from_data(speakers={"speakers": entries})

    def _condense_speakers(
        self, notes: Notes, text: str, source: styles.Source, ask: bool, checks: SourceChecks
    ) -> Notes:
        """Entries that copy the speaker's turns or run on are asked for again, per speaker, when
        `ask` (they came from chunks of a long input; a short one was already done per speaker).

        The speaker's own turns are condensed when they fit one small call (a long meeting's
        speaker is condensed from their entries instead); every entry is then trimmed to whole
        sentences, first-person copies turned around (`speakers.trim`).
        """
        spoken = spoken_by(text)
        said = {speaker: " ".join(entries) for speaker, entries in notes.said.items()}
        todo = [
            s for s, entry in said.items() if ask and needs_condensing(entry, spoken.get(s, ""))
        ]

        def job(speaker: str) -> Callable[[], str]:
            turns = spoken.get(speaker, "")
            fits = turns and self.backend.count_tokens(turns) <= SPEAKER_TURNS_TOKENS
            material = turns if fits else said[speaker]
            return lambda: self._speaker_entry(speaker, material, source)

        condensed = self._fan_out("condense speakers", [job(s) for s in todo]) if todo else []
        for speaker, entry in zip(todo, condensed, strict=True):
            tidy = Notes.from_data(speakers={"speakers": [{"speaker": speaker, "said": entry}]})
            said[speaker] = " ".join(tidy.said.get(speaker, [])) or said[speaker]
        figures = (checks.numbers, checks.corrected)
        return Notes(
            notes.key_points,
            notes.decisions,
            notes.action_items,
            {
                speaker: [
                    trim(
                        _checked_entry(
                            entry, spoken.get(speaker, ""), speaker, figures, checks.ideas
                        ),
                        speaker,
                    )
                ]
                for speaker, entry in said.items()
            },
        )

    def _condense_job(
        self, points: list[str], source: styles.Source, limit: int
    ) -> Callable[[], list[str]]:
        def job() -> list[str]:
            if len(points) <= limit:
                return points
            data = self._data(
                styles.condense_messages(points, source, limit),
                POINTS_SCHEMA,
                styles.OUTPUT_TOKENS["condense"],
            )
            return Notes.from_data(points=data).key_points[:limit]

        return job


def headline_of(output: str) -> str:
    """The headline in a model's answer: its first line without quotes, label or final period;
    the string inside, when a small model answers {"headline": "…"} anyway."""
    text = output.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            text = next((v for v in data.values() if isinstance(v, str) and v.strip()), "")
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].strip().strip('"“”*#').rstrip(".").strip() if lines else ""


def _checked_entry(
    entry: str,
    turns: str,
    speaker: str,
    source_figures: tuple[set[str], set[str]],
    ideas: list[frozenset[str]],
) -> str:
    """A speaker's entry with their tasks still open, only the proposals they made, a figure
    they corrected later given only as corrected, no number the source never states or
    corrects away (`source_figures`: the source's `source_numbers` and `corrected_numbers`),
    no approval only asked for and no idea nobody took up (`ideas`) told as fact."""
    if not turns:
        return entry
    entry = own_decisions(own_proposals(keep_tasks_open(entry, turns, speaker), turns), turns)
    stated, corrected = source_figures
    kept = [
        s
        for s in drop_superseded(split_sentences(entry))
        if not invented_numbers(s, stated)
        and not states_corrected(s, corrected)
        and not claims_unstated_approval(s, turns)
        and not states_idea_as_fact(s, ideas)
    ]
    return " ".join(kept)


def _pack(items: list[str], budget: int, count: Callable[[str], int]) -> list[list[str]]:
    """Consecutive groups of items whose joined size stays within budget."""
    groups: list[list[str]] = []
    size = 0
    for item in items:
        tokens = count(item) + 4
        if groups and size + tokens <= budget:
            groups[-1].append(item)
            size += tokens
        else:
            groups.append([item])
            size = tokens
    return groups
