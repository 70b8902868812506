from synopsis.summarize.chunking import split_sentences
from synopsis.summarize.extractive import extract

from .helpers import meeting


def test_extractive_output_is_only_input_sentences_in_order():
    text, _ = meeting("hiring_committee")
    chosen = extract(text, max_sentences=4)
    assert len(chosen) == 4
    positions = [text.index(sentence) for sentence in chosen]
    assert positions == sorted(positions)


def test_extractive_prefers_central_sentences():
    text = (
        "The budget for the new library is two million dollars. "
        "The library budget was approved by the council. "
        "The council approved the new library and its budget. "
        "My cat likes warm windowsills. "
        "The new library opens in spring with the approved budget."
    )
    chosen = extract(text, max_sentences=2)
    assert "My cat likes warm windowsills." not in chosen
    assert set(chosen) <= set(split_sentences(text))


def test_short_input_is_returned_whole():
    assert extract("Only one sentence here.") == ["Only one sentence here."]
