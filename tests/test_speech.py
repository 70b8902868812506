"""Recognition through our pipeline against faster-whisper called directly, on every container."""

import pytest

from synopsis.errors import InputError, UnknownModelError
from synopsis.media import decode_audio
from synopsis.speech import transcribe
from synopsis.speech.pipeline import recognizer_for
from synopsis.speech.whisper import RecognitionOptions

from .speech_helpers import SPEECH, raw_text, reference, wer

WER_BOUND = 0.12  # espeak voices on Whisper base; measured 0.0–0.08 (docs/benchmarks.md)


@pytest.mark.parametrize(
    "name",
    ["monologue_us.wav", "monologue_us.mp3", "monologue_us.webm", "monologue_us.mp4"],
)
def test_wer_matches_raw_faster_whisper_on_every_container(name):
    truth = reference("monologue_us")
    ours = transcribe(SPEECH / name)
    raw = raw_text(SPEECH / name)
    assert wer(truth, ours.text) <= WER_BOUND
    assert wer(truth, ours.text) <= wer(truth, raw) + 0.005
    assert ours.language_code == "en" and ours.language_confidence > 0.5
    assert ours.audio_duration == pytest.approx(24.7, abs=0.2)


@pytest.mark.parametrize("name", ["monologue_gb", "monologue_scot"])
def test_other_voices(name):
    ours = transcribe(SPEECH / f"{name}.wav")
    assert wer(reference(name), ours.text) <= WER_BOUND
    assert (
        wer(reference(name), ours.text)
        <= wer(reference(name), raw_text(SPEECH / f"{name}.wav")) + 0.005
    )


def test_words_have_ms_times_in_order_and_confidences():
    transcript = transcribe(SPEECH / "monologue_us.wav")
    starts = [word.start for word in transcript.words]
    assert starts == sorted(starts)
    assert all(isinstance(w.start, int) and w.end >= w.start for w in transcript.words)
    assert all(0.0 <= w.confidence <= 1.0 for w in transcript.words)
    assert transcript.words[-1].end <= 24_800
    assert transcript.speaker_labels is False and transcript.utterances is None


def test_bytes_input_and_progress_in_audio_seconds():
    calls = []
    transcript = transcribe(
        (SPEECH / "monologue_us.mp3").read_bytes(),
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert wer(reference("monologue_us"), transcript.text) <= WER_BOUND
    seconds = [(done, total) for stage, done, total in calls if stage == "transcribe"]
    assert seconds[-1] == (24, 24)
    assert [d for d, _ in seconds] == sorted(d for d, _ in seconds)


def test_given_language_and_transcript_api_codes():
    assert transcribe(SPEECH / "monologue_gb.wav", language="en_us").language_code == "en"
    with pytest.raises(InputError, match="unsupported language_code 'xx'"):
        transcribe(SPEECH / "monologue_gb.wav", language="xx")


def test_batched_decoding_gives_the_same_words():
    recognizer = recognizer_for()
    audio = decode_audio(SPEECH / "monologue_us.wav")
    sequential = recognizer.recognize(audio, RecognitionOptions())
    batched = recognizer.recognize(audio, RecognitionOptions(batch_size=8))
    truth = reference("monologue_us")
    text = " ".join(w.text for w in batched.words)
    assert wer(truth, text) <= wer(truth, " ".join(w.text for w in sequential.words)) + 0.05


def test_english_only_model_and_unknown_names():
    tiny = transcribe(SPEECH / "monologue_us.wav", model="fast")
    assert tiny.speech_model == "whisper-tiny.en" and tiny.language_code == "en"
    assert wer(reference("monologue_us"), tiny.text) <= 0.25
    with pytest.raises(InputError, match="English only"):
        transcribe(SPEECH / "monologue_us.wav", model="whisper-tiny.en", language="de")
    with pytest.raises(UnknownModelError, match="unknown speech model 'huge'"):
        transcribe(SPEECH / "monologue_us.wav", model="huge")


def test_keyterms_become_whisper_hotwords():
    options = RecognitionOptions(keyterms=("Leeds", "Priya"))
    assert options.whisper_kwargs()["hotwords"] == "Leeds Priya"
    transcript = transcribe(SPEECH / "monologue_us.wav", keyterms=["Leeds"])
    assert "Leeds" in transcript.text


def test_speakers_expected_must_be_positive():
    with pytest.raises(InputError, match="at least 1"):
        transcribe(SPEECH / "monologue_us.wav", speakers_expected=0)


def test_a_local_ctranslate2_directory_replaces_the_packaged_models(tmp_path):
    from synopsis.config import Settings

    packaged = recognizer_for(model="fast").directory  # any CTranslate2 Whisper directory
    settings = Settings(speech_model_path=packaged, cache_dir=tmp_path)
    recognizer = recognizer_for(settings=settings)
    assert recognizer.name == "local" and recognizer.directory == packaged
    audio = decode_audio(SPEECH / "monologue_us.wav")
    words = recognizer.recognize(audio, RecognitionOptions(language="en")).words
    assert wer(reference("monologue_us"), " ".join(w.text for w in words)) <= 0.25
    broken = Settings(speech_model_path=tmp_path, cache_dir=tmp_path)
    from synopsis.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match="not a CTranslate2 model directory"):
        recognizer_for(settings=broken)
