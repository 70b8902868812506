from synopsis.summarize.chunking import chunk_text, has_speaker_turns, split_sentences

from .helpers import meeting


def words(text: str) -> int:
    return len(text.split())


def test_speaker_turns_are_detected():
    text, _ = meeting("launch_sync")
    assert has_speaker_turns(text)
    assert not has_speaker_turns("One paragraph.\n\nAnother paragraph: with a colon.")


def test_chunks_respect_budget_and_keep_every_word():
    text, _ = meeting("launch_sync")
    chunks = chunk_text(text, budget=60, count=words)
    assert len(chunks) > 3
    assert all(words(chunk) <= 60 for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


def test_chunks_break_on_speaker_turns():
    text, _ = meeting("launch_sync")
    turns = [line for line in text.splitlines() if line.strip()]
    for chunk in chunk_text(text, budget=80, count=words):
        lines = chunk.splitlines()
        assert all(line in turns for line in lines), "a speaker turn was cut in half"


def test_chunks_are_balanced_not_greedy():
    paragraphs = "\n\n".join(f"Paragraph {i} has exactly six words." for i in range(21))
    chunks = chunk_text(paragraphs, budget=100, count=words)
    sizes = [words(c) for c in chunks]
    assert len(chunks) == 2
    assert max(sizes) - min(sizes) <= 6


def test_oversized_sentence_is_split_between_words():
    text = " ".join(f"w{i}" for i in range(500)) + "."
    chunks = chunk_text(text, budget=100, count=words)
    assert all(words(c) <= 100 for c in chunks)
    assert " ".join(chunks).split() == text.split()


def test_sentences_keep_original_text():
    text = 'Dr. Roe arrived. "Is it done?" she asked. Yes! It costs $4.50 now.'
    sentences = split_sentences(text)
    assert all(s in text for s in sentences)
    assert sentences[-1] == "It costs $4.50 now."


def test_a_german_day_number_ends_no_sentence():
    assert split_sentences("Wir starten am 10. Juni. Der Rest folgt. He paid 10. Then left.") == [
        "Wir starten am 10. Juni.",
        "Der Rest folgt.",
        "He paid 10.",
        "Then left.",
    ]
