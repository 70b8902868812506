"""The transcript model and its renderings: API field types, sentences, paragraphs, captions."""

from synopsis.captions import to_srt, to_vtt
from synopsis.transcript import Transcript, Word, utterances_of


def words(spec: str, speaker: str | None = None, start: int = 0, step: int = 300) -> list[Word]:
    out = []
    for index, text in enumerate(spec.split()):
        begin = start + index * step
        out.append(Word(text, begin, begin + step - 50, 0.9, speaker))
    return out


def conversation() -> Transcript:
    first = words("Hello there. How are you today?", "A")
    second = words("Fine thanks. Shall we start?", "B", start=first[-1].end + 400)
    all_words = first + second
    return Transcript(all_words, 4.6, "en", 0.98, "whisper-base", True, utterances_of(all_words))


def test_to_dict_uses_the_transcript_api_types():
    data = conversation().to_dict()
    assert data["text"] == "Hello there. How are you today? Fine thanks. Shall we start?"
    assert isinstance(data["audio_duration"], int) and data["audio_duration"] == 5
    for word in data["words"]:
        assert isinstance(word["start"], int) and isinstance(word["end"], int)
        assert isinstance(word["confidence"], float) and word["speaker"] in ("A", "B")
    assert [u["speaker"] for u in data["utterances"]] == ["A", "B"]
    assert data["utterances"][1]["text"] == "Fine thanks. Shall we start?"
    assert all(u["words"] for u in data["utterances"])
    assert data["language_code"] == "en" and data["speech_model_used"] == "whisper-base"


def test_sentences_break_at_punctuation_and_speaker_changes():
    sentences = conversation().sentences()
    assert [s.text for s in sentences] == [
        "Hello there.",
        "How are you today?",
        "Fine thanks.",
        "Shall we start?",
    ]
    assert sentences[2].start == sentences[2].words[0].start and sentences[2].speaker == "B"


def test_paragraphs_break_on_speaker_and_long_pauses():
    transcript = conversation()
    assert [p.speaker for p in transcript.paragraphs()] == ["A", "B"]
    pause = words("One idea.", start=0) + words("Another idea later.", start=5000)
    plain = Transcript(pause, 6.0)
    assert [p.text for p in plain.paragraphs()] == ["One idea.", "Another idea later."]
    assert plain.labelled_text() == "One idea.\n\nAnother idea later."


def test_labelled_text_names_speakers():
    assert conversation().labelled_text() == (
        "Speaker A: Hello there. How are you today?\nSpeaker B: Fine thanks. Shall we start?"
    )


def test_srt_and_vtt_timing_and_speaker_breaks():
    transcript = conversation()
    srt = to_srt(transcript)
    blocks = srt.strip().split("\n\n")
    assert blocks[0].splitlines() == [
        "1",
        "00:00:00,000 --> 00:00:00,550",
        "Speaker A: Hello there.",
    ]
    assert all(len(block.splitlines()) == 3 for block in blocks)
    assert not any("A:" in b and "Fine" in b for b in blocks)  # never two speakers in one caption
    vtt = to_vtt(transcript)
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:00.550\n<v Speaker A>Hello there.")


def test_captions_respect_the_character_limit_and_hours():
    long = words(" ".join(["word"] * 40), start=3_600_000)
    transcript = Transcript(long, 3612.0)
    lines = [line for line in to_srt(transcript, 20).splitlines() if line.startswith("word")]
    assert lines and all(len(line) <= 20 for line in lines)
    assert "01:00:00,000 -->" in to_srt(transcript, 20)
