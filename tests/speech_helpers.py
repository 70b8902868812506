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


def wav_bytes(samples: np.ndarray, rate: int = 16_000) -> bytes:
    """16-bit mono WAV of float samples in [-1, 1], for uploads made up in tests and benches."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.clip(samples * 32767, -32768, 32767).astype(np.int16).tobytes())
    return buffer.getvalue()
