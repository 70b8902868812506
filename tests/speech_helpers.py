"""Speech fixtures, word error rate and speaker-time accuracy shared by the speech tests."""

from __future__ import annotations

import io
import itertools
import json
import re
import wave
from functools import lru_cache
from pathlib import Path

import jiwer
import numpy as np

SPEECH = Path(__file__).parent / "fixtures" / "speech"


@lru_cache(maxsize=1)
def manifest() -> dict:
    return json.loads((SPEECH / "speech.json").read_text())


def reference(name: str) -> str:
    return manifest()["monologues"][name]["text"]


def normalise(text: str) -> str:
    """Lower case, no punctuation, hyphens as spaces: WER counts words, not typography."""
    text = re.sub(r"[-–—]", " ", text.lower())
    return " ".join(re.sub(r"[^\w\s']", "", text).split())


def wer(reference_text: str, hypothesis: str) -> float:
    return jiwer.wer(normalise(reference_text), normalise(hypothesis))


def speaker_accuracy(words) -> float:
    """Share of word time whose speaker matches the fixture's turns (best label mapping)."""
    turns = manifest()["conversation"]["turns"]

    def truth(seconds: float) -> str:
        def distance(turn: dict) -> float:
            if turn["start"] <= seconds <= turn["end"]:
                return 0.0
            return min(abs(seconds - turn["start"]), abs(seconds - turn["end"]))

        return min(turns, key=distance)["speaker"]

    labels = sorted({word.speaker for word in words})
    truths = sorted({turn["speaker"] for turn in turns})
    total = sum(word.end - word.start for word in words)
    best = 0.0
    for assignment in itertools.permutations(truths, len(labels)):
        mapping = dict(zip(labels, assignment, strict=True))
        right = sum(
            word.end - word.start
            for word in words
            if mapping[word.speaker] == truth((word.start + word.end) / 2000)
        )
        best = max(best, right / total)
    return best


@lru_cache(maxsize=1)
def raw_whisper():
    """faster-whisper itself, on the same verified model directory and settings as ours."""
    from faster_whisper import WhisperModel

    from synopsis.speech.pipeline import recognizer_for

    recognizer = recognizer_for()
    return WhisperModel(str(recognizer.directory), device="cpu", compute_type="int8", cpu_threads=2)


def raw_text(path) -> str:
    """What faster-whisper called directly hears in the file, with the options we would use for
    its length (batched decoding from a minute on, as ours)."""
    from faster_whisper import BatchedInferencePipeline

    from synopsis.media import decode_audio
    from synopsis.speech.pipeline import recognition_options

    options = recognition_options(duration=len(decode_audio(path)) / 16_000)
    model = raw_whisper()
    engine = BatchedInferencePipeline(model) if options.batch_size else model
    segments, _ = engine.transcribe(str(path), **options.whisper_kwargs())
    return " ".join(segment.text.strip() for segment in segments)


def wav_bytes(samples: np.ndarray, rate: int = 16_000) -> bytes:
    """16-bit mono WAV of float samples in [-1, 1], for uploads made up in tests and benches."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.clip(samples * 32767, -32768, 32767).astype(np.int16).tobytes())
    return buffer.getvalue()


# --- real voices: truth as RTTM, scored with pyannote.metrics ------------------------------------

REAL = Path(__file__).parent / "fixtures" / "real"
COLLAR = 0.5  # pyannote's collar is the whole width: 0.25 s each side of a reference boundary


def read_rttm(path: Path) -> list[tuple[str, float, float]]:
    """(speaker, start, end) in seconds for each SPEAKER line."""
    turns = []
    for line in path.read_text().splitlines():
        fields = line.split()
        start, length = float(fields[3]), float(fields[4])
        turns.append((fields[7], start, start + length))
    return turns


def real_text(name: str) -> str:
    return json.loads((REAL / "texts.json").read_text())[name]


def diarization_scores(
    truth: list[tuple[str, float, float]], words, duration: float
) -> dict[str, float]:
    """DER and its parts over the whole `duration`, with our utterances as the hypothesis.

    `speaker_accuracy` is the share of speech we gave to someone that went to the right person
    (correct / (correct + confusion)): the speaker part alone, apart from what Whisper missed.
    """
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    from synopsis.transcript import utterances_of

    utterances = utterances_of(list(words))
    reference, hypothesis = Annotation(), Annotation()
    for index, (speaker, start, end) in enumerate(truth):
        reference[Segment(start, end), index] = speaker
    for index, utterance in enumerate(utterances):
        hypothesis[Segment(utterance.start / 1000, utterance.end / 1000), index] = utterance.speaker
    metric = DiarizationErrorRate(collar=COLLAR)
    parts = metric(reference, hypothesis, uem=Timeline([Segment(0, duration)]), detailed=True)
    total = parts["total"] or 1.0
    attributed = parts["correct"] + parts["confusion"]
    return {
        "der": parts["diarization error rate"],
        "missed": parts["missed detection"] / total,
        "false_alarm": parts["false alarm"] / total,
        "confusion": parts["confusion"] / total,
        "speaker_accuracy": parts["correct"] / attributed if attributed else 0.0,
        "speakers": len({utterance.speaker for utterance in utterances}),
        "true_speakers": len({speaker for speaker, _, _ in truth}),
    }
