"""The language a summary is written in: the caller's choice, else the source's own.

A German meeting summarized under English headings, with English decisions beside German key
points, reads as a machine's output. So the language is decided once per run: `language` when
the caller gives one, else the source's language, told from its most common short words (a
handful of languages a reader is likely to meet; anything else is written in English unless
asked). The headings Synopsis renders come from here, in that language, and every prompt names
the language to write in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in English, for prompts ("Write in German.")
    key_points: str
    decisions: str
    action_items: str
    who_said_what: str
    unassigned: str
    due: str  # "(due Friday)"
    colon: str = ":"  # French puts a space before it
    # How a "who said what" entry may begin, in this language (the prompt's examples).
    entry_verbs: str = "Reported, Proposed, Agreed or Will"
    # A proposal that was turned down, as a decision: who, whose proposal, and the reason given.
    rejected: str = "{who} turned down the proposal by {by}: {why}"
    # A suggestion a document turns down ("Someone suggested that we add a stop …; let's not").
    dropped: str = "The suggestion to {what} was turned down"
    # A choice confirmed in a few words ("Okay, week of the 21st then").
    confirmed: str = "{who} confirmed: {what}"
    # A proposal put off for later ("Not now. Put it on the list for next quarter"); "" where
    # the idea cannot be told in this language's grammar from the English cues.
    put_off: str = ""

    def heading(self, title: str) -> str:
        return f"{title}{self.colon}"


LANGUAGES: dict[str, Language] = {
    "en": Language(
        "en", "English", "Key points", "Decisions", "Action items", "Who said what",
        "Unassigned", "due", put_off="{who} put off {by}'s idea {what}: {why}",
    ),
    "de": Language(
        "de", "German", "Kernpunkte", "Entscheidungen", "Aufgaben", "Wer hat was gesagt",
        "Nicht zugewiesen", "bis", ":", "Berichtete, Schlug vor, Stimmte zu oder Wird",
        "{who} lehnte den Vorschlag von {by} ab: {why}",
        dropped="Der Vorschlag „{what}“ wurde abgelehnt",
        confirmed="{who} bestätigte: {what}",
    ),
    "fr": Language(
        "fr", "French", "Points clés", "Décisions", "Actions", "Qui a dit quoi",
        "Non attribué", "échéance", " :", "A signalé, A proposé, A accepté ou Va",
        "{who} a rejeté la proposition de {by} : {why}",
        dropped="La suggestion « {what} » a été écartée",
        confirmed="{who} a confirmé : {what}",
    ),
    "es": Language(
        "es", "Spanish", "Puntos clave", "Decisiones", "Tareas", "Quién dijo qué",
        "Sin asignar", "fecha límite", ":", "Informó, Propuso, Aceptó o Va a",
        "{who} rechazó la propuesta de {by}: {why}",
    ),
    "it": Language(
        "it", "Italian", "Punti chiave", "Decisioni", "Azioni", "Chi ha detto cosa",
        "Non assegnato", "scadenza", ":", "Ha riferito, Ha proposto, Ha accettato o Farà",
        "{who} ha respinto la proposta di {by}: {why}",
    ),
    "nl": Language(
        "nl", "Dutch", "Belangrijkste punten", "Besluiten", "Actiepunten", "Wie zei wat",
        "Niet toegewezen", "uiterlijk", ":", "Meldde, Stelde voor, Ging akkoord of Gaat",
        "{who} wees het voorstel van {by} af: {why}",
    ),
    "pt": Language(
        "pt", "Portuguese", "Pontos principais", "Decisões", "Tarefas", "Quem disse o quê",
        "Sem responsável", "prazo", ":", "Relatou, Propôs, Concordou ou Vai",
        "{who} rejeitou a proposta de {by}: {why}",
    ),
}  # fmt: skip

ENGLISH = LANGUAGES["en"]

# Short words that are frequent in one language and rare in the others.
_MARKERS: dict[str, frozenset[str]] = {
    "en": frozenset("the and is are was we you that this of to it with for have will not".split()),
    "de": frozenset("der die das und ist nicht ich wir sie mit auf für ein eine auch dass".split()),
    "fr": frozenset("le la les et est une des pas nous vous que qui pour dans avec sur".split()),
    "es": frozenset("el los las y es una por que para con del como pero muy está esto".split()),
    "it": frozenset("il gli e è una per che non sono della con anche questo molto".split()),
    "nl": frozenset("de het een en is niet ik we zijn van op voor met dat ook wel".split()),
    "pt": frozenset("o os as e é uma não que para com do da em mas muito isso".split()),
}
_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE_WORDS = 3000


def detect(text: str) -> str:
    """The source's language code by its most frequent marker words; English when unclear."""
    words = [w.lower() for w in _WORD.findall(text[: _SAMPLE_WORDS * 8])][:_SAMPLE_WORDS]
    if not words:
        return DEFAULT
    scores = {code: sum(w in markers for w in words) for code, markers in _MARKERS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= max(3, 0.05 * len(words)) else DEFAULT


def resolve(requested: str | None, text: str) -> Language:
    """The caller's language (ISO 639-1, or a tag like "de-CH"), else the source's."""
    if requested is None or not requested.strip():
        return LANGUAGES[detect(text)]
    code = requested.strip().lower().replace("_", "-").split("-", 1)[0]
    if code not in LANGUAGES:
        raise InputError(
            f"unsupported summary language {requested!r}; choose one of: {', '.join(LANGUAGES)}"
        )
    return LANGUAGES[code]
