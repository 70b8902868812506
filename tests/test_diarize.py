"""Who spoke when, on generated voices with known turn times."""

import numpy as np
import pytest

from synopsis.errors import InputError
from synopsis.media import decode_audio
from synopsis.speech import transcribe
from synopsis.speech.diarize import (
    WINDOW,
    _letter,
    _smooth,
    cluster,
    speech_regions,
    windows_for,
)
from synopsis.transcript import Word

from .speech_helpers import SPEECH, speaker_accuracy


@pytest.mark.parametrize("name", ["two_speakers.wav", "two_speakers.mp4"])
def test_two_voices_are_found_and_time_is_attributed(name):
    transcript = transcribe(SPEECH / name, speaker_labels=True)
    assert transcript.speakers == ["A", "B"]
    assert speaker_accuracy(transcript.words) >= 0.9
    assert [u.speaker for u in transcript.utterances][:4] == ["A", "B", "A", "B"]


def test_given_speaker_count_is_honoured():
    transcript = transcribe(SPEECH / "two_speakers.wav", speakers_expected=2)
    assert transcript.speaker_labels and transcript.speakers == ["A", "B"]
    assert speaker_accuracy(transcript.words) >= 0.9
    one = transcribe(SPEECH / "two_speakers.wav", speakers_expected=1)
    assert one.speakers == ["A"] and len(one.utterances) == 1


@pytest.mark.parametrize("name", ["monologue_us.wav", "monologue_gb.wav", "monologue_scot.wav"])
def test_one_voice_is_one_speaker(name):
    transcript = transcribe(SPEECH / name, speaker_labels=True)
    assert transcript.speakers == ["A"]
    assert len(transcript.utterances) == 1


def test_regions_merge_short_pauses_and_windows_cover_them():
    words = [Word("a", 0, 500, 1.0), Word("b", 800, 1200, 1.0), Word("c", 3000, 3300, 1.0)]
    assert speech_regions(words) == [(0.0, 1.2), (3.0, 3.3)]
    windows = windows_for([(0.0, 4.0), (10.0, 10.3)], duration=12.0)
    assert windows[0].start == 0.0 and windows[-2].end == 4.0
    assert all(w.end - w.start == pytest.approx(WINDOW) for w in windows)
    assert windows[-1].centre == pytest.approx(10.15)  # a short region gets one centred window


def test_short_flips_between_one_speakers_turns_are_smoothed():
    words = [Word(str(i), i * 300, i * 300 + 250, 1.0) for i in range(7)]
    assert _smooth(words, [0, 0, 0, 1, 0, 0, 0]) == [0] * 7
    assert _smooth(words, [0, 0, 1, 1, 1, 0, 0]) == [0, 0, 1, 1, 1, 0, 0]  # 0.85 s is a turn


def test_clustering_separates_distinct_embeddings():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=256), rng.normal(size=256)
    points = np.stack(
        [a + 0.1 * rng.normal(size=256) for _ in range(10)]
        + [b + 0.1 * rng.normal(size=256) for _ in range(6)]
    )
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    labels = cluster(points)
    assert len(set(labels[:10])) == 1 and len(set(labels[10:])) == 1 and labels[0] != labels[10]
    same = np.stack([a + 0.05 * rng.normal(size=256) for _ in range(12)])
    assert set(cluster(same / np.linalg.norm(same, axis=1, keepdims=True))) == {0}


def _groups(sizes: list[int], seed: int = 0) -> np.ndarray:
    """Unit vectors around well-separated random centres, one group per size."""
    rng = np.random.default_rng(seed)
    points = []
    for size in sizes:
        centre = rng.normal(size=192)
        points += [centre + 0.3 * rng.normal(size=192) for _ in range(size)]
    points = np.stack(points)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_the_count_follows_the_data_within_the_callers_bounds():
    three = _groups([12, 10, 8])
    assert len(set(cluster(three))) == 3
    assert len(set(cluster(three, max_speakers=2))) == 2
    assert len(set(cluster(three, min_speakers=4))) == 4
    assert len(set(cluster(three, speakers_expected=5))) == 5
    assert len(set(cluster(three[:6]))) == 1  # too little speech to split without a bound
    assert len(set(cluster(three[:9], min_speakers=2))) == 2


def test_bounds_that_cannot_hold_are_refused():
    with pytest.raises(InputError, match="must not be less"):
        cluster(_groups([5, 5]), min_speakers=3, max_speakers=2)
    with pytest.raises(InputError, match="at least 1"):
        cluster(_groups([5, 5]), speakers_expected=0)


def test_speaker_letters_continue_past_z():
    assert [_letter(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_no_words_means_no_speakers():
    audio = decode_audio(SPEECH / "monologue_us.wav")
    from synopsis.speech.diarize import diarize

    assert diarize(audio, []) == []
