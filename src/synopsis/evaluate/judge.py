"""LLM-as-judge: every prompt it uses, and the chunk-wise verdict.

Three questions: is anything in the summary not supported by the source, are the key points
accurate, is anything critical missing. A long source is never truncated: it is cut into chunks
that fit the judge's context next to the summary, and each chunk answers, as schema-constrained
JSON, which summary sentences it supports or contradicts and which of its own critical facts the
summary misses. A sentence no chunk supports is a hallucination; `missing` is the union; the
summary is accurate when no chunk contradicts it and no hallucination remains.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import ContextLengthError
from ..llm.base import (
    ChatBackend,
    Completion,
    GenerationOptions,
    Message,
    Usage,
    count_prompt_tokens,
)
from ..llm.structured import complete_json
from ..summarize.chunking import chunk_text
from . import text

log = logging.getLogger("synopsis.evaluate")
ProgressCallback = Callable[[str, int, int], None]

MIN_CHUNK_TOKENS = 128
MAX_MISSING = 5
WHY_CHARS = 160
MISSING_CHARS = 200

SYSTEM = (
    "You are a careful fact-checker. You compare a summary with the source it summarizes and "
    "judge only from what the source says, never from outside knowledge."
)
CHUNK_PROMPT = """Here is {part}:
<source>
{chunk}
</source>

Here is the summary, one numbered sentence per line:
{sentences}

Answer about this text only, as JSON:
- "supported": the numbers of the summary sentences this text states or clearly implies.
- "contradicted": the summary sentences this text contradicts (another person, date, number or \
outcome than the text says; a proposal or a request reported as a decision), each as \
{{"sentence": number, "why": "a short reason"}}.
- "missing": the critical facts of this text (decisions, tasks with their owner, key numbers and \
dates) that the summary leaves out, each as one short sentence; [] when nothing critical is \
missing."""
NOT_SUPPORTED = "no part of the source supports it"
NOTE_EMBEDDED = (
    "Judged by the embedded model {model}. A 7B+ upstream model judges far better than the "
    "embedded 1.5B (or 0.5B); configure one with SYNOPSIS_MODELS (any OpenAI-compatible server) "
    "and pass its name as the judge model."
)
NOTE_UPSTREAM = (
    "Judged by {model}. Small judges miss errors and invent them; a 7B+ model judges far better "
    "than the embedded 1.5B."
)


def chunk_schema(count: int) -> dict[str, Any]:
    """The JSON one chunk must answer with, for a summary of `count` sentences."""
    number = {"type": "integer", "minimum": 1, "maximum": max(1, count)}
    return {
        "type": "object",
        "properties": {
            "supported": {"type": "array", "items": number, "maxItems": count},
            "contradicted": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "sentence": number,
                        "why": {"type": "string", "maxLength": WHY_CHARS},
                    },
                    "required": ["sentence", "why"],
                    "additionalProperties": False,
                },
                "maxItems": count,
            },
            "missing": {
                "type": "array",
                "items": {"type": "string", "maxLength": MISSING_CHARS},
                "maxItems": MAX_MISSING,
            },
        },
        "required": ["supported", "contradicted", "missing"],
        "additionalProperties": False,
    }


@dataclass
class Verdict:
    """The judge's answer to the three questions, with who judged."""

    model: str
    hallucinations: list[dict[str, str]] = field(default_factory=list)
    accurate: bool = True
    missing: list[str] = field(default_factory=list)
    note: str = ""
    chunks: int = 0
    usage: Usage = field(default_factory=Usage)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "hallucinations": self.hallucinations,
            "accurate": self.accurate,
            "missing": self.missing,
            "note": self.note,
            "chunks": self.chunks,
            "usage": self.usage.as_dict(),
        }


def summary_sentences(summary: str) -> list[str]:
    """The sentences the judge numbers: every sentence of every content line."""
    return [s for line in text.lines(summary) for s in text.sentences(line.text)]


def _prompt(chunk: str, part: str, numbered: str) -> list[Message]:
    user = CHUNK_PROMPT.format(part=part, chunk=chunk, sentences=numbered)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


class Judge:
    """One judging run against one backend."""

    def __init__(
        self,
        backend: ChatBackend,
        settings: Settings,
        *,
        embedded: bool,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.backend = backend
        self.settings = settings
        self.embedded = embedded  # the note recommends an upstream judge instead
        self.progress = progress or (lambda stage, done, total: None)
        self.usage = Usage()

    def _ask(self, messages: list[Message], schema: dict[str, Any], max_tokens: int) -> Any:
        """Schema-constrained JSON, validated; one retry that shows the model its error."""

        def complete(messages: list[Message], options: GenerationOptions) -> Completion:
            completion = self.backend.complete(messages, options)
            self.usage.add(completion.usage)
            return completion

        return complete_json(
            complete,
            messages,
            schema,
            lambda tokens: GenerationOptions(
                max_tokens=tokens, json_schema=schema, seed=self.settings.llm_seed
            ),
            max_tokens,
            f"judge model {self.backend.name!r}",
        )

    def _chunks(self, source: str, numbered: str, output_tokens: int) -> list[str]:
        overhead = count_prompt_tokens(self.backend, _prompt("", "part 10 of 10", numbered))
        budget = self.backend.context_size - overhead - output_tokens
        if budget < MIN_CHUNK_TOKENS:
            raise ContextLengthError(
                f"judge model {self.backend.name!r} has a context of "
                f"{self.backend.context_size} tokens, too small for the summary and instructions "
                "plus any source; use a judge with a larger context"
            )
        return chunk_text(source, budget, self.backend.count_tokens)

    def run(self, source: str, summary: str) -> Verdict:
        sentences = summary_sentences(summary)
        note = (NOTE_EMBEDDED if self.embedded else NOTE_UPSTREAM).format(model=self.backend.name)
        verdict = Verdict(model=self.backend.name, note=note, usage=self.usage)
        if not sentences:
            return verdict
        numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, 1))
        schema = chunk_schema(len(sentences))
        output_tokens = min(
            self.settings.llm_max_output_tokens, 200 + 16 * len(sentences) + 60 * MAX_MISSING
        )
        chunks = self._chunks(source, numbered, output_tokens)
        verdict.chunks = len(chunks)
        answers: list[Any] = [None] * len(chunks)
        self.progress("judge", 0, len(chunks))

        def ask(i: int) -> None:
            part = (
                "the source" if len(chunks) == 1 else f"part {i + 1} of {len(chunks)} of the source"
            )
            answers[i] = self._ask(_prompt(chunks[i], part, numbered), schema, output_tokens)

        done = 0
        with ThreadPoolExecutor(max_workers=max(1, self.backend.max_concurrency)) as pool:
            for future in [pool.submit(ask, i) for i in range(len(chunks))]:
                future.result()
                done += 1
                self.progress("judge", done, len(chunks))
        return combine(verdict, sentences, answers)


def combine(verdict: Verdict, sentences: list[str], answers: list[dict[str, Any]]) -> Verdict:
    """Chunk answers → one verdict: unsupported everywhere is a hallucination."""
    supported: set[int] = set()
    contradicted: dict[int, list[str]] = {}
    missing: dict[str, str] = {}
    for answer in answers:
        supported.update(answer["supported"])
        for item in answer["contradicted"]:
            contradicted.setdefault(item["sentence"], []).append(item["why"].strip())
        for fact in answer["missing"]:
            if fact.strip():
                missing.setdefault(" ".join(fact.lower().split()), fact.strip())
    for number, sentence in enumerate(sentences, 1):
        if number not in supported:
            why = "; ".join(w for w in contradicted.get(number, []) if w) or NOT_SUPPORTED
            verdict.hallucinations.append({"sentence": sentence, "why": why})
    verdict.missing = list(missing.values())
    verdict.accurate = not contradicted and not verdict.hallucinations
    return verdict
