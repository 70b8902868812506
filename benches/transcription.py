"""Speech pipeline vs faster-whisper called directly, in one run, on the same files.

1. Overhead: `synopsis.transcribe(path)` vs faster-whisper's own `transcribe(path, **same kwargs)`
   (batched, as ours is at this length) on a generated ~3-minute recording (the speech fixtures
   joined with pauses); runs alternate and the ratio (ours / raw; 1.00 = no overhead) uses the
   median of `--repeats` runs of each.
2. Batched vs sequential decoding on a generated >= 10-minute recording (our recognizer, same
   audio, `batch_size` 8 vs none): seconds, speed-up, and WER of both against the known text.
3. Diarization time as a share of recognition time, on the 10-minute two-voice recording.
4. WER of every speech fixture, ours and raw.

    python benches/transcription.py [--repeats 3] [--minutes 10]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel

import synopsis
from synopsis.media import decode_audio
from synopsis.speech.diarize import diarize
from synopsis.speech.pipeline import recognition_options, recognizer_for
from synopsis.speech.whisper import RecognitionOptions

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "tests/fixtures/speech"

import sys  # noqa: E402  (tests/ is not a package on the path when run as a script)

sys.path.insert(0, str(ROOT))
from tests.speech_helpers import manifest, wav_bytes, wer  # noqa: E402

PAUSE = np.zeros(16_000, dtype=np.float32)


def joined(names: list[str], seconds: float) -> tuple[np.ndarray, str]:
    """Fixtures repeated in order, with 1 s pauses, until `seconds`; and their reference text."""
    texts = {name: manifest()["monologues"][name]["text"] for name in manifest()["monologues"]}
    conversation = " ".join(turn["text"] for turn in manifest()["conversation"]["turns"])
    texts["two_speakers"] = conversation
    pieces, words, total = [], [], 0.0
    while total < seconds:
        for name in names:
            audio = decode_audio(SPEECH / f"{name}.wav")
            pieces += [audio, PAUSE]
            words.append(texts[name])
            total += (len(audio) + len(PAUSE)) / 16_000
            if total >= seconds:
                break
    return np.concatenate(pieces), " ".join(words)


def raw_transcribe(model: WhisperModel, path: Path, kwargs: dict) -> str:
    """faster-whisper directly: batched when the options are (they carry `batch_size`)."""
    engine = BatchedInferencePipeline(model) if "batch_size" in kwargs else model
    segments, _ = engine.transcribe(str(path), **kwargs)
    return " ".join(segment.text.strip() for segment in segments)


def overhead(tmp: Path, repeats: int) -> None:
    audio, truth = joined(["monologue_us", "two_speakers", "monologue_gb", "monologue_scot"], 150)
    path = tmp / "three_minutes.wav"
    path.write_bytes(wav_bytes(audio))
    recognizer = recognizer_for()
    raw = WhisperModel(str(recognizer.directory), device="cpu", compute_type="int8", cpu_threads=2)
    recognizer.model()  # both models loaded before timing
    kwargs = recognition_options(len(audio) / 16_000).whisper_kwargs()
    ours_times, raw_times = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        ours = synopsis.transcribe(path)
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        raw_text = raw_transcribe(raw, path, kwargs)
        raw_times.append(time.perf_counter() - started)
    ours_s, raw_s = statistics.median(ours_times), statistics.median(raw_times)
    minutes = len(audio) / 16_000 / 60
    print(f"\n[overhead] {minutes:.1f} min of audio, median of {repeats}")
    print(f"  synopsis.transcribe  {ours_s:7.2f} s   WER {wer(truth, ours.text):.3f}")
    print(f"  faster-whisper       {raw_s:7.2f} s   WER {wer(truth, raw_text):.3f}")
    print(f"  ratio ours/raw       {ours_s / raw_s:7.3f}")


def batched_and_diarization(tmp: Path, minutes: float) -> None:
    audio, truth = joined(["two_speakers"], minutes * 60)
    recognizer = recognizer_for()
    seconds = len(audio) / 16_000
    print(f"\n[batched vs sequential] {seconds / 60:.1f} min of audio")
    results = {}
    for label, batch in (("sequential", None), ("batched x8", 8)):
        options = RecognitionOptions(beam_size=5, batch_size=batch)
        started = time.perf_counter()
        recognition = recognizer.recognize(audio, options)
        elapsed = time.perf_counter() - started
        results[label] = (elapsed, recognition)
        text = " ".join(word.text for word in recognition.words)
        print(
            f"  {label:<12} {elapsed:7.1f} s  ({seconds / elapsed:5.1f}x real time)  "
            f"WER {wer(truth, text):.3f}"
        )
    speedup = results["sequential"][0] / results["batched x8"][0]
    print(f"  speed-up batched/sequential {speedup:.2f}x")

    started = time.perf_counter()
    labelled = diarize(audio, results["batched x8"][1].words, threads=2)
    diarize_seconds = time.perf_counter() - started
    speakers = sorted({word.speaker for word in labelled})
    print(f"\n[diarization] {len(labelled)} words, speakers {speakers}, 2 BLAS threads")
    for label, (asr_seconds, _) in results.items():
        print(
            f"  diarization {diarize_seconds:.2f} s vs {label} recognition {asr_seconds:.1f} s "
            f"= {100 * diarize_seconds / asr_seconds:.1f} % of ASR time"
        )


def fixture_wer() -> None:
    recognizer = recognizer_for()
    raw = WhisperModel(str(recognizer.directory), device="cpu", compute_type="int8", cpu_threads=2)
    print("\n[WER on the fixtures] ours / raw faster-whisper")
    for name, entry in manifest()["monologues"].items():
        for path in sorted(SPEECH.glob(f"{name}.*")):
            kwargs = recognition_options(30.0).whisper_kwargs()
            ours = wer(entry["text"], synopsis.transcribe(path).text)
            theirs = wer(entry["text"], raw_transcribe(raw, path, kwargs))
            print(f"  {path.name:<22} {ours:.3f} / {theirs:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fixture_wer()
        overhead(Path(tmp), args.repeats)
        batched_and_diarization(Path(tmp), args.minutes)


if __name__ == "__main__":
    main()
