"""Custom and JSON answers made to agree with the checked notes.

Asked for a custom format or a JSON object, a small model writes its own decisions and action
items, and over the quality suite that is where every invented decision and wrong owner of
those two styles came from: "Oskar booked the lab" for a task still open, a rejected proposal
under "Decisions", a task credited to the person who asked for it. So both styles are written
from the checked notes, and then the parts of the answer that hold key points, decisions or
action items are the checked ones:
- custom text: the lines under a heading that names one of them ("Action items:",
  "**Nächste Schritte**", "Key points") are replaced by the notes' own;
- JSON: a field whose name says it holds decisions, action items or key points (`decisions`,
  `action_items`, `tasks`, `key_points`, ...) is filled from the notes, each item shaped to the
  field's schema (an object's owner, task and due fields found by name), and kept only when it
  still validates against the caller's schema; the model is asked only for the other fields.
Every other sentence of the answer (a topic, a conclusion, a free-form field) passes the checks
key points pass (`SourceChecks`), tells no approval only asked for as given and no open task as
done.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema

from .attribution import claims_unstated_approval
from .chunking import split_sentences
from .language import Language
from .notes import ActionItem, Notes, SourceChecks, restates_task, tells_task_as_done

# What a heading or a JSON field name says it holds, in the languages summaries are written in.
_ROLES: dict[str, re.Pattern[str]] = {
    "decisions": re.compile(
        r"decisi|decided|agreement|agreed|resolution|entscheid|beschl|vereinbar|décision|décid"
        r"|decisõ|besluit",
        re.IGNORECASE,
    ),
    "action_items": re.compile(
        r"action|tasks|to ?dos?\b|next ?steps?|follow ?ups?|assignments|aufgaben|nächste"
        r"|schritte|tâche|prochaines|étapes|tarea|azioni|actiepunt|tarefa",
        re.IGNORECASE,
    ),
    "key_points": re.compile(
        r"key ?points?|main ?points?|highlights|takeaways|kernpunkt|points? clés|puntos clave"
        r"|punti chiave",
        re.IGNORECASE,
    ),
}
_REPLACED = ("decisions", "action_items", "key_points")
_ALL = frozenset(_REPLACED)
# Object fields of one action item, by name.
_OWNER = re.compile(
    r"\b(?:owner|assignee|who|person|responsible|assigned|verantwortlich|responsable)", re.I
)
_DUE = re.compile(r"\b(?:due|deadline|date|when|by|until|bis|frist|échéance|fecha|scadenza)", re.I)
_TASK = re.compile(
    r"\b(?:task|action|item|what|description|text|title|todo|aufgabe|tâche|summary)", re.I
)

_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?[*_]*(?P<title>[^\W\d_][^:*_#]{0,60}?)[*_]*\s*(?::|：)\s*[*_]*\s*"
    r"(?P<rest>.*)$"
)
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*[*_]{2}(?P<title>[^*_]{1,60})[*_]{2}\s*$")
_BULLET = re.compile(r"^(?P<marker>\s*(?:[-*•]|\d+[.)])\s+)")
MAX_HEADING_WORDS = 6


def role_of(name: str) -> str | None:
    """Which part of the notes a heading or field name asks for; None for anything else. A
    name of two roles ("Decisions and next steps") counts as the first it names."""
    text = name.replace("_", " ").replace("-", " ")
    found = [(m.start(), role) for role, rule in _ROLES.items() if (m := rule.search(text))]
    return min(found)[1] if found else None


def _heading(line: str, names: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(title, text after it) when `line` is a heading: "Action items:", "**Tasks:** …",
    "## Decisions" or a bold line of its own; None for a sentence, a list item or a line that
    opens with a person's name ("Grace: update the forms", `names` lower-cased)."""
    for rule in (_MARKDOWN_HEADING, _BOLD_LINE):
        if match := rule.match(line):
            return match.group("title").strip(" *_:"), ""
    if _BULLET.match(line):
        return None
    match = _HEADING.match(line)
    if not match or len(match.group("title").split()) > MAX_HEADING_WORDS:
        return None
    title = match.group("title").strip()
    if title.lower() in names or title.split()[0].lower() in names:
        return None
    return title, match.group("rest").strip()


def _items(
    role: str, notes: Notes, language: Language, sections: frozenset[str | None] = _ALL
) -> list[str]:
    """The notes' entries for a section; key points take in the decisions and tasks that have
    no section of their own in the answer (`sections`), so none is lost to the format."""
    if role == "decisions":
        return notes.decisions
    if role == "action_items":
        return [item.render(language) for item in notes.action_items]
    points = list(notes.key_points)
    if "decisions" not in sections:
        points += [d if d.rstrip()[-1:] in ".!?" else d.rstrip() + "." for d in notes.decisions]
    if "action_items" not in sections:
        points += [item.sentence(language) for item in notes.action_items]
    return points


def checked_text(answer: str, notes: Notes, checks: SourceChecks, language: Language) -> str:
    """A custom answer with its decision and action-item sections replaced by the notes' and
    every other sentence checked (see the module docstring)."""
    lines = answer.strip().splitlines()
    names = _names(notes, checks)
    headings = [_heading(line, names) for line in lines]
    sections = frozenset(role_of(h[0]) for h in headings if h)
    replaced = bool(sections & set(_REPLACED))
    keep = _sentence_check(checks, notes, replaced)
    out: list[str | None] = []
    index = 0
    while index < len(lines):
        line, heading = lines[index], headings[index]
        role = role_of(heading[0]) if heading else None
        if heading is None or role not in _REPLACED:
            out.append(_checked_line(line, heading, keep))
            index += 1
            continue
        index += 1
        marker = ""
        while index < len(lines) and not headings[index]:
            if bullet := _BULLET.match(lines[index]):
                marker = marker or bullet.group("marker").lstrip()
            elif not lines[index].strip() and _ends_section(lines, index):
                break
            index += 1
        title = line[: len(line) - len(heading[1])] if heading[1] else line
        entries = _items(role, notes, language, sections) or [_NONE.get(language.code, "None.")]
        out.append(title.rstrip())
        out.extend(f"{_numbered(marker or '- ', n)}{entry}" for n, entry in enumerate(entries, 1))
    return "\n".join(line for line in out if line is not None).strip()


def _names(notes: Notes, checks: SourceChecks) -> frozenset[str]:
    """People's names, lower-cased, so "Grace: update the forms" is not taken for a heading."""
    names = {label.lower() for label in checks.spoken}
    names |= {item.owner.lower() for item in notes.action_items if item.owner}
    return frozenset(names | {name.split()[0] for name in names if name.split()})


_NONE = {"en": "None.", "de": "Keine.", "fr": "Aucune.", "es": "Ninguna.", "it": "Nessuna."}


def _ends_section(lines: list[str], index: int) -> bool:
    """A blank line ends a section when what follows is prose, not more of its list."""
    following = next((line for line in lines[index + 1 :] if line.strip()), "")
    return not _BULLET.match(following)


def _numbered(marker: str, number: int) -> str:
    return re.sub(r"\d+", str(number), marker, count=1) if marker[:1].isdigit() else marker


def _sentence_check(checks: SourceChecks, notes: Notes, replaced: bool) -> Callable[[str], bool]:
    """Sentences the model wrote itself pass the key points' checks, tell no approval only
    asked for and no open task as done, and, when the answer lists the action items
    (`replaced`), do not restate one."""

    def keep(sentence: str) -> bool:
        return (
            checks.supports(sentence)
            and not claims_unstated_approval(sentence, checks.source)
            and not tells_task_as_done(sentence, notes.action_items)
            and not (replaced and restates_task(sentence, notes.action_items))
        )

    return keep


def _checked_line(
    line: str, heading: tuple[str, str] | None, keep: Callable[[str], bool]
) -> str | None:
    """The line with only the sentences `keep` accepts; None when a sentence-bearing line
    loses them all. Headings and blank lines stay."""
    if not line.strip():
        return line
    prefix, body = ("", line)
    if heading and heading[1]:
        prefix, body = line[: len(line) - len(heading[1])], heading[1]
    elif heading:
        return line
    elif bullet := _BULLET.match(line):
        prefix, body = bullet.group("marker"), line[bullet.end() :]
    sentences = split_sentences(body) or [body]
    kept = [s for s in sentences if keep(s.strip(" *_"))]
    if not kept:
        return None
    return prefix + " ".join(kept) if len(kept) < len(sentences) else line


# -- JSON ------------------------------------------------------------------------------------


def prefilled(
    schema: dict[str, Any], notes: Notes, language: Language
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The top-level fields the notes fill (see `checked_data`), and the schema of what is left
    for the model to write: None when nothing is, so no call is made. A model asked for fields
    that are then replaced spends most of its time on words nobody reads."""
    properties = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(properties, dict):
        return {}, schema
    filled: dict[str, Any] = {}
    for key, spec in properties.items():
        role = role_of(key)
        if role is None or not isinstance(spec, dict) or spec.get("type") != "array":
            continue
        value = _bounded_fill(role, spec, notes, language)
        if value is not None:
            filled[key] = value
    left = {k: v for k, v in properties.items() if k not in filled}
    if not left:
        return filled, None
    rest = {**schema, "properties": left}
    if "required" in schema:
        rest["required"] = [k for k in schema["required"] if k not in filled]
    return filled, rest


def joined(data: Any, filled: dict[str, Any], schema: dict[str, Any]) -> Any:
    """The model's object and the prefilled fields, in the order the schema lists them."""
    if not filled:
        return data
    merged = {**(data if isinstance(data, dict) else {}), **filled}
    order = list(schema.get("properties") or {})
    return {
        **{k: merged[k] for k in order if k in merged},
        **{k: v for k, v in merged.items() if k not in order},
    }


def _bounded_fill(
    role: str, spec: dict[str, Any], notes: Notes, language: Language
) -> list[Any] | None:
    """`_filled` cut to the field's maxItems, or None when it does not validate."""
    value = _filled(role, spec, notes, language)
    if value is not None and isinstance(spec.get("maxItems"), int):
        value = value[: spec["maxItems"]]  # the caller's limit: the first ones
    return value if value is not None and _valid(value, spec) else None


def checked_data(
    data: Any, schema: dict[str, Any], notes: Notes, checks: SourceChecks, language: Language
) -> Any:
    """The model's JSON with fields named for decisions, action items or key points filled
    from the notes and every other string checked, each change kept only when the result
    still matches `schema`."""
    keep = _sentence_check(checks, notes, replaced=False)
    return _checked_value(data, schema, None, notes, keep, language)


def _checked_value(
    value: Any,
    schema: dict[str, Any],
    role: str | None,
    notes: Notes,
    keep: Callable[[str], bool],
    language: Language,
) -> Any:
    if role is not None and schema.get("type") == "array":
        filled = _bounded_fill(role, schema, notes, language)
        if filled is not None:
            return filled
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        return {
            key: _checked_value(
                item, properties.get(key) or {}, role_of(key), notes, keep, language
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        items_schema = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        checked = [_checked_value(v, items_schema, None, notes, keep, language) for v in value]
        kept = [v for v in checked if v is not None and v != ""]
        return kept if _valid(kept, schema) else value
    if isinstance(value, str):
        sentences = split_sentences(value) or [value]
        kept = [s for s in sentences if keep(s)]
        text = " ".join(kept) if len(kept) < len(sentences) else value
        return text if _valid(text, schema) else value
    return value


def _valid(value: Any, schema: dict[str, Any]) -> bool:
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError:
        return False
    return True


def _filled(role: str, schema: dict[str, Any], notes: Notes, language: Language) -> Any:
    """The notes' entries for `role` in the shape `schema` asks for; None when it asks for a
    shape they do not fit (a number, an object of unknown fields)."""
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    if role == "action_items":
        return _shaped_items(notes.action_items, items, language)
    texts = notes.decisions if role == "decisions" else notes.key_points
    return _shaped_texts(texts, items)


def _shaped_texts(texts: list[str], items: dict[str, Any]) -> list[Any] | None:
    if items.get("type", "string") == "string":
        return list(texts)
    if items.get("type") == "object":
        field = _field(items, _TASK) or _only_string_field(items)
        if field is None or set(items.get("required") or []) - {field}:
            return None
        return [{field: text} for text in texts]
    return None


def _shaped_items(
    actions: list[ActionItem], items: dict[str, Any], language: Language
) -> list[Any] | None:
    if items.get("type", "string") == "string":
        return [item.render(language) for item in actions]
    if items.get("type") != "object":
        return None
    owner = _field(items, _OWNER)
    due = _field(items, _DUE, {owner})
    task = _field(items, _TASK, {owner, due}) or _only_string_field(items, {owner, due})
    if task is None or set(items.get("required") or []) - {owner, task, due}:
        return None
    shaped = []
    for item in actions:
        text = item.task.rstrip(".")
        if not owner and item.owner:
            text = f"{item.owner}: {text}"
        if not due:
            text += item.due_note(language)
        entry = {task: text}
        if owner:
            entry[owner] = item.owner
        if due:
            entry[due] = item.due
        shaped.append(entry)
    return shaped


def _field(
    items: dict[str, Any], rule: re.Pattern[str], taken: set[str | None] | None = None
) -> str | None:
    """The first string property of an object schema, not `taken`, whose name matches
    `rule`."""
    for name, spec in (items.get("properties") or {}).items():
        if name in (taken or set()) or not isinstance(spec, dict):
            continue
        if spec.get("type", "string") == "string" and rule.search(name.replace("_", " ")):
            return name
    return None


def _only_string_field(items: dict[str, Any], taken: set[str | None] | None = None) -> str | None:
    names = [
        name
        for name, spec in (items.get("properties") or {}).items()
        if name not in (taken or set()) and isinstance(spec, dict) and spec.get("type") == "string"
    ]
    return names[0] if len(names) == 1 else None
