"""Prompts for each summary style.

Small local models follow a concrete skeleton far better than an abstract request, and they are
most faithful when the document comes first and the instruction last (MODELS.md). Every prompt
therefore shows the exact output shape, defines "decision" and "action item" in one line each,
and tells the model to copy names, numbers and dates as written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..llm.base import Message

STYLES = ("bullets", "paragraph", "headline", "conversational", "custom", "json", "extractive")

SYSTEM = (
    "You summarize documents and meeting transcripts faithfully. Use only facts stated in the "
    "text you are given. Copy names, numbers, amounts and dates exactly as written. Never invent "
    "a name, owner, date or number, and never describe an open task as done."
)

DEFINITIONS = (
    "A decision is something the participants agreed on or settled. An action item is a task "
    "that a named person will do; its owner is that person. Write each action item as "
    "'<owner>: <task>' and add '(due <date>)' only when the text gives a date."
)

FACTS_SKELETON = """Key points:
- <one main point per line>
Decisions:
- <each decision, with its numbers and dates>
Action items:
- <owner>: <task> (due <date>)"""

NOTES_INSTRUCTION = f"""This is part {{part}} of {{parts}} of a longer {{kind}}. Write notes on this \
part only; they will be combined with the notes of the other parts.
Use this exact Markdown skeleton and leave out a section that would be empty:

{FACTS_SKELETON}

{DEFINITIONS} Keep every name, number, amount and date. Do not add anything the text does not say."""

CONVERSATION_NOTES_INSTRUCTION = f"""This is part {{part}} of {{parts}} of a longer conversation. \
Write notes on this part only; they will be combined with the notes of the other parts.
Use this exact Markdown skeleton and leave out a section that would be empty:

Who said what:
- <speaker label exactly as in the transcript>: <what they said, proposed or agreed to>
Decisions:
- <each decision, with its numbers and dates>
Action items:
- <owner>: <task> (due <date>)

{DEFINITIONS} Do not add anything the text does not say."""

MERGE_INSTRUCTION = f"""Above are notes taken from consecutive parts of one long {{kind}}. Merge \
them into one set of notes with the same skeleton. Keep every decision and every action item with \
its owner and date, and every number; remove only exact repeats.

{FACTS_SKELETON}"""

FINAL_INSTRUCTIONS: dict[str, str] = {
    "bullets": f"""Summarize the {{source}} above as Markdown bullet points with this exact \
skeleton. Leave out the "Decisions" or "Action items" section when the {{source}} has none.

{FACTS_SKELETON}

Use 3 to 7 key points. {DEFINITIONS}""",
    "paragraph": """Summarize the {source} above in one paragraph of 3 to 6 sentences. Say what \
was decided and who will do what by when, if the {source} says so. Write plain prose: no \
bullets, no heading.""",
    "headline": """Write one headline of at most 12 words for the {source} above. Output only \
the headline: no quotes, no label, no trailing period.""",
    "conversational": f"""Summarize who said what in the {{source}} above. Use this exact \
Markdown skeleton and leave out a section that would be empty:

Who said what:
- <speaker label exactly as in the transcript>: <what they said, proposed or agreed to>
Decisions:
- <each decision, with its numbers and dates>
Action items:
- <owner>: <task> (due <date>)

Write one line per speaker, in order of first appearance. {DEFINITIONS}""",
    "custom": """{prompt}

Use only information from the {source} above.""",
    "json": """Fill in a JSON object that matches the JSON Schema below, using only information \
from the {source} above. Use empty strings or empty lists where the {source} says nothing. \
Copy names, numbers and dates exactly.

JSON Schema:
{schema}""",
}

OUTPUT_TOKENS: dict[str, int] = {
    "notes": 600,
    "bullets": 700,
    "paragraph": 400,
    "headline": 40,
    "conversational": 700,
}


@dataclass(frozen=True)
class StyleRequest:
    """What the caller asked for, validated by the pipeline before any prompt is built."""

    style: str
    prompt: str | None = None
    schema: dict[str, Any] | None = None

    @property
    def conversation_aware(self) -> bool:
        return self.style == "conversational"


def _document(text: str, tag: str) -> str:
    return f"<{tag}>\n{text.strip()}\n</{tag}>\n\n"


def notes_messages(chunk: str, part: int, parts: int, request: StyleRequest, kind: str) -> list[Message]:
    """Map step: faithful notes on one chunk."""
    template = CONVERSATION_NOTES_INSTRUCTION if request.conversation_aware else NOTES_INSTRUCTION
    instruction = template.format(part=part, parts=parts, kind=kind)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": _document(chunk, "part") + instruction},
    ]


def merge_messages(notes: list[str], kind: str) -> list[Message]:
    """Intermediate reduce step: several parts' notes into one set of notes."""
    body = "\n\n".join(f"<notes part=\"{i}\">\n{n.strip()}\n</notes>" for i, n in enumerate(notes, 1))
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": body + "\n\n" + MERGE_INSTRUCTION.format(kind=kind)},
    ]


def final_messages(text: str, request: StyleRequest, from_notes: bool, kind: str) -> list[Message]:
    """The step that writes the answer in the requested style, from the source or from notes."""
    source = f"notes on a {kind}" if from_notes else kind
    tag = "notes" if from_notes else kind.replace(" ", "_")
    schema = json.dumps(request.schema, indent=1) if request.schema is not None else ""
    instruction = FINAL_INSTRUCTIONS[request.style].format(
        source=source, prompt=request.prompt or "", schema=schema
    )
    if request.prompt and request.style != "custom":
        instruction += f"\n\nAlso follow these instructions: {request.prompt}"
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": _document(text, tag) + instruction},
    ]


def instruction_overhead(request: StyleRequest) -> str:
    """The longest fixed text any step adds around a chunk, for budgeting chunk sizes."""
    candidates = [
        NOTES_INSTRUCTION,
        CONVERSATION_NOTES_INSTRUCTION,
        MERGE_INSTRUCTION,
        FINAL_INSTRUCTIONS[request.style],
        request.prompt or "",
        json.dumps(request.schema, indent=1) if request.schema is not None else "",
    ]
    return SYSTEM + max(candidates, key=len) + (request.prompt or "") + candidates[-1]
