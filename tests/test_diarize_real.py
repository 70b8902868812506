"""Who spoke when on real human voices: recordings from registry packages (real/sources.json).

The espeak fixtures (test_diarize.py) check the mechanics; these check what users meet: one
person stays one speaker however old or narrow the recording, people taking turns are told
apart, and labelling speakers never costs words against faster-whisper called directly.
"""

import pytest

from synopsis.errors import InputError
from synopsis.speech import transcribe

from .speech_helpers import REAL, diarization_scores, raw_text, read_rttm, real_text, wer

SINGLE_VOICES = ["single_jfk", "single_reader", "single_reader_phone", "single_ami_woman"]


@pytest.mark.parametrize("name", SINGLE_VOICES)
def test_one_real_voice_is_one_speaker(name):
    transcript = transcribe(REAL / f"{name}.flac", speaker_labels=True)
    assert transcript.speakers == ["A"]
    assert len(transcript.utterances) == 1


@pytest.mark.parametrize("name", ["single_jfk", "single_reader", "single_reader_phone"])
def test_speaker_labels_cost_no_words_against_raw_faster_whisper(name):
    path = REAL / f"{name}.flac"
    ours = transcribe(path, speaker_labels=True)
    assert wer(real_text(name), ours.text) <= wer(real_text(name), raw_text(path)) + 0.005


def test_three_real_voices_spliced_into_turns_are_told_apart():
    path = REAL / "spliced_three.flac"
    transcript = transcribe(path, speaker_labels=True)
    scores = diarization_scores(
        read_rttm(REAL / "spliced_three.rttm"), transcript.words, transcript.audio_duration
    )
    assert len(transcript.speakers) == 3
    assert scores["speaker_accuracy"] >= 0.92
    assert wer(raw_text(path), transcript.text) <= 0.005  # the words faster-whisper hears


@pytest.mark.parametrize(
    "bounds",
    [{}, {"speakers_expected": 2}, {"max_speakers": 3}, {"min_speakers": 2, "max_speakers": 2}],
)
def test_a_real_meeting_of_two_men_is_two_speakers(bounds):
    path = REAL / "ami_two_men.flac"
    transcript = transcribe(path, speaker_labels=True, **bounds)
    scores = diarization_scores(
        read_rttm(REAL / "ami_two_men.rttm"), transcript.words, transcript.audio_duration
    )
    assert transcript.speakers == ["A", "B"]
    assert scores["speaker_accuracy"] >= 0.85
    if not bounds:
        assert wer(raw_text(path), transcript.text) <= 0.005


def test_a_range_that_is_empty_or_below_one_is_refused_before_any_work():
    with pytest.raises(InputError, match="max_speakers_expected"):
        transcribe(REAL / "single_jfk.flac", min_speakers=3, max_speakers=2)
    with pytest.raises(InputError, match="at least 1"):
        transcribe(REAL / "single_jfk.flac", max_speakers=0)
