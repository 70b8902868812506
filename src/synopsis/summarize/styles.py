"""Prompts for each summary style.

Small local models follow a concrete shape far better than an abstract request, and they are most
faithful with the document first and the instruction last (measured on Qwen2.5 0.5B-3B before
this project began; docs/quality.md has the pipeline's own numbers). The structured styles
(bullets, conversational) and the map step ask for JSON under grammar-constrained decoding and
render Markdown themselves; the prose styles ask for text. Because every prompt for one chunk
starts with the same system message and document, llama.cpp reuses the evaluated prefix across
the calls for that chunk.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..llm.base import Message
from .language import ENGLISH, LANGUAGES, Language

STYLES = ("bullets", "paragraph", "headline", "conversational", "custom", "json", "extractive")
STRUCTURED = ("bullets", "conversational")
FROM_NOTES = (*STRUCTURED, "paragraph")  # styles rendered from checked notes, never free text
WRITTEN_FROM_NOTES = ("custom", "json")  # the model writes them from checked notes

SYSTEM = (
    "You summarize documents and meeting transcripts faithfully. Use only facts stated in the "
    "text you are given. Copy names, numbers, amounts and dates exactly as written. Never invent "
    "a name, owner, date or number, and never describe an open task as done."
)

POINTS = """Write the key points of the {source} above as JSON: a list "key_points" of 3 to 6 \
short sentences, one topic each and at most 25 words each. Each key point states the outcome of \
its topic: what was found, concluded or chosen and why, with its numbers and dates. Do not \
describe the conversation: no key point begins with people's names or says that someone \
discussed or talked about something. Keep names, numbers and dates exactly as written."""

FACTS = """List the decisions and the action items of the {source} above as JSON.

- decisions: only what the participants explicitly agreed on, approved or settled, each as one \
short sentence with its numbers and dates. A decision is not a status update, an opinion, a fact \
someone reported, or a task someone will do.
- action_items: concrete tasks that someone commits to doing afterwards; remarks, opinions and \
updates are not tasks. The owner is the person who will do the task: \
a speaker who says "I will ..." owns the task; a person asked by name to do something owns it. \
Write the owner exactly as the text names them.{label_hint}
- When a date, number or plan is changed later in the {source}, give only the final one.
- due: the deadline exactly as stated, or "" when none is given.
- Write each task in a few words, starting with a verb.
Leave a list empty when the {source} has nothing for it."""

_CONDENSED = """in your own words, in one or two plain sentences of at most 35 words in all, the \
points {who} made: what they reported, proposed, decided or took on, with its numbers and dates. \
Begin with a verb such as {{verbs}}; no semicolons, no filler, and do not quote or copy their \
sentences."""

SPEAKERS = (
    """For each speaker in the {source} above, in order of first appearance, sum up """
    + _CONDENSED.format(who="they")
    + """ Answer as JSON: a list "speakers" of objects with "speaker" (the label exactly as in \
the transcript) and "said"."""
)

SPEAKER = (
    """Above is everything {speaker} said in a {kind}. Sum up """
    + _CONDENSED.format(who="{speaker}")
    + """ Answer as JSON: {{"said": "..."}}."""
)

PART = "This is part {part} of {parts} of a longer {kind}; describe only this part.\n\n"

CONDENSE = """Above is a list of key points from consecutive parts of one long {kind}. Merge \
them into at most {limit} key points that cover the whole list from beginning to end, as JSON: a \
list "key_points". Keep names, numbers and dates exactly as written."""

FINAL = {
    "paragraph": """Summarize the {source} above in one paragraph of 3 to 6 sentences. Say what \
was decided and who will do what by when, if the {source} says so. Write plain prose: no bullets, \
no heading.""",
    "headline": """Write one headline of at most 12 words for the {source} above. Output only \
the headline: no quotes, no label, no trailing period.""",
    "custom": """{prompt}

Use only information from the {source} above.""",
    "json": """Fill in a JSON object that matches the JSON Schema below, using only information \
from the {source} above. Use empty strings or empty lists where the {source} says nothing. Copy \
names, numbers and dates exactly.

JSON Schema:
{schema}""",
}

OUTPUT_TOKENS: dict[str, int] = {
    "points": 400,
    "facts": 700,
    "speakers": 500,
    "speaker": 160,
    "condense": 500,
    "paragraph": 400,
    "headline": 40,
}

_LETTER_LABEL = re.compile(r"(?m)^(\s*)([A-Z])(\s*:)")


def label_speakers(text: str) -> str:
    """Turn bare one-letter labels ("A: …") into "Speaker A: …", which models read as a name."""
    return _LETTER_LABEL.sub(r"\1Speaker \2\3", text)


LANGUAGE_NOTE = """

Write every sentence of your answer in {language}{translating}{keys}."""
JSON_KEYS_NOTE = "; keep JSON keys exactly as given"


@dataclass(frozen=True)
class StyleRequest:
    """What the caller asked for, validated before any prompt is built."""

    style: str
    prompt: str | None = None
    schema: dict[str, Any] | None = None
    language: str | None = None  # the summary's language; None: the source's

    @property
    def structured(self) -> bool:
        return self.style in STRUCTURED

    @property
    def from_notes(self) -> bool:
        return self.style in FROM_NOTES

    @property
    def takes_notes(self) -> bool:
        """Checked notes are taken whatever the input's length: the styles rendered from them,
        and custom and json, which are written from them (see answers.py)."""
        return self.style in FROM_NOTES or self.style in WRITTEN_FROM_NOTES


@dataclass(frozen=True)
class Source:
    """What is summarized ("conversation transcript" or "document") and in which language the
    summary is written; every prompt is built for one `Source`."""

    kind: str
    language: Language = ENGLISH
    source_language: str = "en"

    @property
    def label(self) -> str:
        return "Transcript" if "transcript" in self.kind else "Document"

    def language_note(self, json_answer: bool = True) -> str:
        """Nothing for English from English (the prompts are written in it), else the language
        to write in; JSON keys are mentioned only when the answer is JSON (a headline asked
        "keep JSON keys" comes back as {"headline": …})."""
        if self.language.code == self.source_language == "en":
            return ""
        translating = (
            "" if self.language.code == self.source_language else ", translating from the source"
        )
        keys = JSON_KEYS_NOTE if json_answer else ""
        return LANGUAGE_NOTE.format(language=self.language.name, translating=translating, keys=keys)


def _messages(
    document: str, label: str, instruction: str, source: Source, json_answer: bool = True
) -> list[Message]:
    instruction += source.language_note(json_answer)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f'{label}:\n"""\n{document.strip()}\n"""\n\n{instruction}'},
    ]


def points_messages(text: str, source: Source, part: str = "") -> list[Message]:
    return _messages(text, source.label, part + POINTS.format(source=source.kind), source)


def facts_messages(text: str, source: Source, part: str = "") -> list[Message]:
    hint = ' A label such as "Speaker A" counts as a name.' if "Speaker " in text else ""
    instruction = part + FACTS.format(source=source.kind, label_hint=hint)
    return _messages(text, source.label, instruction, source)


def statements_facts_messages(statements: list[str], source: Source) -> list[Message]:
    """Facts from pre-selected statements of a long input (see candidates.py)."""
    listing = "\n".join(statements)
    selected = f"statements, in order, selected from a long {source.kind}"
    hint = ' A label such as "Speaker A" counts as a name.' if "Speaker " in listing else ""
    return _messages(listing, "Statements", FACTS.format(source=selected, label_hint=hint), source)


def speakers_messages(text: str, source: Source, part: str = "") -> list[Message]:
    instruction = SPEAKERS.format(source=source.kind, verbs=source.language.entry_verbs)
    return _messages(text, source.label, part + instruction, source)


def speaker_messages(speaker: str, spoken: str, source: Source) -> list[Message]:
    """One speaker's turns, to be condensed into a short entry of "who said what"."""
    instruction = SPEAKER.format(
        speaker=speaker, kind=source.kind, verbs=source.language.entry_verbs
    )
    return _messages(spoken, f"What {speaker} said", instruction, source)


def part_note(part: int, parts: int, source: Source) -> str:
    return PART.format(part=part, parts=parts, kind=source.kind) if parts > 1 else ""


def condense_messages(points: list[str], source: Source, limit: int) -> list[Message]:
    listing = "\n".join(f"- {p}" for p in points)
    instruction = CONDENSE.format(kind=source.kind, limit=limit)
    return _messages(listing, "Key points", instruction, source)


def final_messages(
    text: str, request: StyleRequest, from_notes: bool, source: Source
) -> list[Message]:
    """The prose styles' one call, on the source itself or on notes taken from it."""
    what = f"notes on a {source.kind}" if from_notes else source.kind
    schema = json.dumps(request.schema, indent=1) if request.schema is not None else ""
    instruction = FINAL[request.style].format(
        source=what, prompt=request.prompt or "", schema=schema
    )
    if request.prompt and request.style != "custom":
        instruction += f"\n\nAlso follow these instructions: {request.prompt}"
    label = "Notes" if from_notes else source.label
    return _messages(text, label, instruction, source, json_answer=request.style == "json")


def instruction_overhead(request: StyleRequest) -> str:
    """The longest fixed text any call adds around a chunk, for budgeting chunk sizes."""
    candidates = [POINTS, FACTS, SPEAKERS, CONDENSE, FINAL.get(request.style, "")]
    extra = (request.prompt or "") + (
        json.dumps(request.schema, indent=1) if request.schema else ""
    )
    note = LANGUAGE_NOTE.format(
        language="Portuguese", translating=", translating from the source", keys=JSON_KEYS_NOTE
    )
    return SYSTEM + PART + max(candidates, key=len) + extra + note


def prompt_vocabulary(request: StyleRequest) -> str:
    """Words our own prompts could put in a summary, which the grounding check must not flag."""
    return " ".join(
        [
            SYSTEM,
            POINTS,
            FACTS,
            SPEAKERS,
            SPEAKER,
            *FINAL.values(),
            *(
                " ".join(
                    [
                        lang.key_points,
                        lang.decisions,
                        lang.action_items,
                        lang.who_said_what,
                        lang.unassigned,
                        lang.due,
                        lang.entry_verbs,
                    ]
                )
                for lang in LANGUAGES.values()
            ),  # fmt: skip
            request.prompt or "",
            json.dumps(request.schema) if request.schema else "",
        ]
    )
