"""The summary's language: the caller's, else the source's (detected without a model)."""

import pytest

from synopsis.errors import InputError
from synopsis.summarize.language import detect, resolve
from synopsis.summarize.styles import Source, facts_messages

from .helpers import FIXTURES

QUALITY = FIXTURES / "quality"


@pytest.mark.parametrize(
    ("case", "code"),
    [("produktplanung_de", "de"), ("reunion_fete_du_livre_fr", "fr"), ("sales_call_fleet", "en")],
)
def test_the_source_language_is_detected(case, code):
    assert detect((QUALITY / case / "source.txt").read_text()) == code


def test_short_or_unclear_text_is_english_and_unknown_requests_are_refused():
    assert detect("") == detect("12 34 56") == "en"
    assert resolve("de-CH", "anything").code == "de"
    with pytest.raises(InputError, match="unsupported summary language"):
        resolve("tlh", "text")


def test_prompts_name_the_language_to_write_in():
    english = facts_messages("A: hi", Source("document"))[-1]["content"]
    assert "Write every sentence" not in english  # English from English: prompts unchanged
    german = Source(
        "document", resolve(None, "Wir haben das Budget, und die App ist fertig."), "de"
    )
    assert "in German;" in facts_messages("x", german)[-1]["content"]
    translated = Source("document", resolve("en", ""), "de")
    assert "in English, translating" in facts_messages("x", translated)[-1]["content"]
