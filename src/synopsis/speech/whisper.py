"""Speech recognition with faster-whisper: words with times, and the spoken language.

`RecognitionOptions.whisper_kwargs()` is the one place that decides how faster-whisper is called;
the benchmark and the tests call faster-whisper directly with the same dictionary, so "ours vs
raw" compares like with like.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, ModelUnavailableError
from ..media import SAMPLE_RATE
from ..transcript import Word

# faster-whisper imports huggingface_hub; a directory never needs it, and a stray lookup must fail
# fast instead of waiting on a network that is not there.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass(frozen=True)
class RecognitionOptions:
    language: str | None = None
    beam_size: int = 5
    keyterms: tuple[str, ...] = ()
    batch_size: int | None = None  # None: sequential decoding

    def whisper_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `WhisperModel.transcribe` / `BatchedInferencePipeline.transcribe`.

        Guards against Whisper's loops on silence and repetition: Silero VAD drops silence before
        decoding; no conditioning on previous text (a repeated line cannot feed itself);
        compression-ratio and log-probability thresholds trigger temperature fallback.
        """
        kwargs: dict[str, Any] = {
            "language": self.language,
            "beam_size": self.beam_size,
            "word_timestamps": True,
            "vad_filter": True,
            "vad_parameters": {"min_silence_duration_ms": 500},
            "condition_on_previous_text": False,
            "compression_ratio_threshold": 2.4,
            "log_prob_threshold": -1.0,
            "no_speech_threshold": 0.6,
        }
        if self.keyterms:
            kwargs["hotwords"] = " ".join(self.keyterms)
        if self.batch_size:
            kwargs["batch_size"] = self.batch_size
        else:
            # skips hallucinated text in long silences; needs word timestamps, sequential only
            kwargs["hallucination_silence_threshold"] = 2.0
        return kwargs


@dataclass(frozen=True)
class Recognition:
    words: list[Word]
    language: str
    language_probability: float
    duration: float


@lru_cache(maxsize=2)
def load_whisper(directory: Path, threads: int, compute_type: str):
    """One WhisperModel per directory and settings, loaded once (~0.6 s)."""
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            str(directory), device="cpu", compute_type=compute_type, cpu_threads=threads
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelUnavailableError(f"cannot load the speech model at {directory}: {exc}") from exc


class SpeechRecognizer:
    """Runs one Whisper model on decoded audio."""

    def __init__(
        self,
        directory: Path,
        name: str,
        *,
        threads: int = 2,
        compute_type: str = "int8",
        english_only: bool = False,
    ) -> None:
        self.directory = directory
        self.name = name
        self.english_only = english_only
        self._threads = threads
        self._compute_type = compute_type

    def model(self):
        return load_whisper(self.directory, self._threads, self._compute_type)

    def recognize(
        self,
        audio: np.ndarray,
        options: RecognitionOptions,
        progress: Callable[[float, float], None] | None = None,
    ) -> Recognition:
        """Transcribe 16 kHz mono audio; `progress(seconds_done, seconds_total)` per segment."""
        if self.english_only:
            if options.language not in (None, "en"):
                raise InputError(
                    f"speech model {self.name} understands English only, "
                    f"not language {options.language!r}"
                )
            options = dataclasses.replace(options, language="en")
        model = self.model()
        kwargs = options.whisper_kwargs()
        if options.batch_size:
            from faster_whisper import BatchedInferencePipeline

            segments, info = BatchedInferencePipeline(model).transcribe(audio, **kwargs)
        else:
            segments, info = model.transcribe(audio, **kwargs)
        total = len(audio) / SAMPLE_RATE
        words: list[Word] = []
        for segment in segments:
            words.extend(_words(segment))
            if progress:
                progress(min(segment.end, total), total)
        if progress:
            progress(total, total)
        return Recognition(
            words=words,
            language=info.language,
            language_probability=round(float(info.language_probability), 4),
            duration=total,
        )


def _words(segment) -> list[Word]:
    """Whisper's words as `Word`s in ms. A piece without a leading space continues the previous
    word (",000" after "$20"), so it is joined to it rather than becoming a word of its own."""
    out: list[Word] = []
    for word in segment.words or ():
        text = word.word.strip()
        if not text:
            continue
        start = round(float(word.start) * 1000)
        end = max(start, round(float(word.end) * 1000))
        confidence = round(float(word.probability), 4)
        if out and not word.word[:1].isspace():
            previous = out[-1]
            out[-1] = Word(
                text=previous.text + text,
                start=previous.start,
                end=max(previous.end, end),
                confidence=min(previous.confidence, confidence),
            )
            continue
        out.append(Word(text=text, start=start, end=end, confidence=confidence))
    return out
