"""One hour of meeting in, a conversational summary out: where the time goes, on 2 cores.

Builds a ~60-minute recording (cached): every real-voice fixture and the 14 AMI excerpts
(~10 minutes of real people), then the planning meeting of tests/fixtures/long_meeting.txt read
line by line by five espeak voices, one per person, until the hour is full. Then runs what
`synopsis summarize recording --style conversational` runs (decode, recognition, diarization,
summary on the default models), timing each stage, with the real-time factor (stage seconds per
audio second). The engine underneath is measured in the same run: faster-whisper called directly
on the first `--raw-seconds` of the same audio, against our recognizer on that same slice.

    python benches/end_to_end.py [--minutes 60] [--raw-seconds 180] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from make_real_speech import ami_excerpts  # noqa: E402
from make_speech import RATE, speak, write_audio  # noqa: E402

from synopsis.media import decode_audio  # noqa: E402
from synopsis.speech import transcribe  # noqa: E402
from synopsis.speech.pipeline import recognition_options, recognizer_for  # noqa: E402
from synopsis.summarize import summarize  # noqa: E402

CACHE = Path.home() / ".cache" / "synopsis" / "bench-end-to-end"
REAL = ROOT / "tests" / "fixtures" / "real"
VOICES = {  # five espeak voices far enough apart to be people
    "Ingrid": ("en-gb+f3", 60),
    "Keiko": ("en-us+f4", 75),
    "Bernard": ("en-us+m3", 35),
    "Aisha": ("en-gb-x-rp+f2", 65),
    "Tomasz": ("en-gb-scotland+m1", 45),
}
PAUSE = np.zeros(int(0.5 * RATE), dtype=np.float32)


def recording(minutes: float) -> Path:
    path = CACHE / f"meeting-{minutes:g}min.flac"
    if path.exists():
        return path
    pieces: list[np.ndarray] = []
    for real in sorted(REAL.glob("*.flac")):
        pieces += [decode_audio(real), PAUSE]
    for excerpt in ami_excerpts():
        pieces += [excerpt.audio, PAUSE]
    lines = (ROOT / "tests" / "fixtures" / "long_meeting.txt").read_text().splitlines()
    seconds = sum(len(p) for p in pieces) / RATE
    started = time.perf_counter()
    for line in lines:
        if seconds >= minutes * 60:
            break
        speaker, _, text = line.partition(": ")
        voice, pitch = VOICES[speaker]
        speech = speak(text, voice, pitch)
        pieces += [speech, PAUSE]
        seconds += (len(speech) + len(PAUSE)) / RATE
        print(f"\rbuilding the recording: {seconds / 60:5.1f} of {minutes:g} min", end="")
    print(f" ({time.perf_counter() - started:.0f} s)")
    CACHE.mkdir(parents=True, exist_ok=True)
    write_audio(path, np.concatenate(pieces), "flac")
    return path


def raw_ratio(path: Path, seconds: float) -> dict[str, float]:
    """Our recognizer vs faster-whisper directly, on the same first `seconds` of audio."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    audio = decode_audio(path)[: int(seconds * RATE)]
    recognizer = recognizer_for()
    options = recognition_options(seconds)
    started = time.perf_counter()
    recognizer.recognize(audio, options)
    ours = time.perf_counter() - started
    model = WhisperModel(
        str(recognizer.directory), device="cpu", compute_type="int8", cpu_threads=2
    )
    engine = BatchedInferencePipeline(model) if options.batch_size else model
    started = time.perf_counter()
    segments, _ = engine.transcribe(audio, **options.whisper_kwargs())
    list(segments)
    raw = time.perf_counter() - started
    return {"slice_seconds": seconds, "ours": ours, "faster_whisper": raw, "ratio": ours / raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--raw-seconds", type=float, default=180)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    path = recording(args.minutes)

    timings: dict[str, float] = {}
    started = time.perf_counter()
    transcript = transcribe(path, speaker_labels=True, timings=timings)
    print(
        f"transcribed: {len(transcript.words)} words, {len(transcript.speakers)} speakers; "
        + ", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in timings.items()),
        flush=True,
    )
    document = transcript.labelled_text()
    summary_started = time.perf_counter()
    result = summarize(document, "conversational")
    print(f"summarized in {time.perf_counter() - summary_started:.0f} s", flush=True)
    finished = time.perf_counter()
    stages = {
        "decode": timings["decode"],
        "recognition": timings["recognize"],
        "diarization": timings["diarize"],
        "summary": finished - summary_started,
    }
    total = finished - started
    audio = transcript.audio_duration
    report = {
        "audio_minutes": audio / 60,
        "words": len(transcript.words),
        "speakers": len(transcript.speakers),
        "total_seconds": total,
        "real_time_factor": total / audio,
        "stages": {
            name: {"seconds": s, "share": s / total, "real_time_factor": s / audio}
            for name, s in stages.items()
        },
        "recognizer_vs_faster_whisper": raw_ratio(path, args.raw_seconds),
        "summary_lines": result.text.count("\n") + 1,
        "summary_calls": {
            "chunks": result.chunks,
            "calls": result.usage.calls,
            "prompt_tokens": result.usage.prompt_tokens,
            "completion_tokens": result.usage.completion_tokens,
            "stage_seconds": result.timings,
        },
    }
    print(
        f"{audio / 60:.1f} min of audio, {len(transcript.words)} words, "
        f"{len(transcript.speakers)} speakers: {total / 60:.1f} min end to end "
        f"(real-time factor {total / audio:.3f})"
    )
    for name, data in report["stages"].items():
        print(
            f"  {name:<12} {data['seconds']:8.1f} s  {data['share']:6.1%}  "
            f"RTF {data['real_time_factor']:.3f}"
        )
    raw = report["recognizer_vs_faster_whisper"]
    print(
        f"  recognizer / faster-whisper on the first {raw['slice_seconds']:.0f} s: "
        f"{raw['ratio']:.2f} ({raw['ours']:.1f} s vs {raw['faster_whisper']:.1f} s)"
    )
    print()
    print(result.text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
