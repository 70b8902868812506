"""Who spoke when on real voices: speaker-count accuracy and diarization error rate.

Cases: the real-voice fixtures (tests/fixtures/real: four single voices, a 60 s AMI meeting of two
men, three real voices spliced into ten turns) and all 14 AMI excerpts of pyannote.audio's test
data (30 s each, 1-4 speakers, overlap included; fetched from PyPI on first use).

For each case: the speaker count we find (speakers not given) against the truth; DER with its
parts (missed speech, false alarm, confusion) with a 0.25 s collar each side of every reference
boundary, our utterances as the hypothesis; the same with the true count given; and diarization
seconds as a share of recognition seconds on the same file (the engine underneath). Whisper's
words are computed once per file and cached, so runs compare only the speaker step.

    python benches/diarization.py [--json benches/results/diarization.json]
                                  [--before benches/results/diarization_before.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from make_real_speech import ami_excerpts  # noqa: E402
from tests.speech_helpers import REAL, diarization_scores, read_rttm  # noqa: E402

from synopsis.media import decode_audio  # noqa: E402
from synopsis.speech.diarize import diarize  # noqa: E402
from synopsis.speech.pipeline import recognition_options, recognizer_for  # noqa: E402
from synopsis.transcript import Word  # noqa: E402

CACHE = Path.home() / ".cache" / "synopsis" / "bench-diarization"
SINGLES = ["single_jfk", "single_reader", "single_reader_phone", "single_ami_woman"]
TURNS = ["ami_two_men", "spliced_three"]


def cases() -> list[tuple[str, np.ndarray, list[tuple[str, float, float]] | None]]:
    found: list[tuple[str, np.ndarray, list[tuple[str, float, float]] | None]] = []
    for name in SINGLES:
        found.append((name, decode_audio(REAL / f"{name}.flac"), None))
    for name in TURNS:
        found.append((name, decode_audio(REAL / f"{name}.flac"), read_rttm(REAL / f"{name}.rttm")))
    for excerpt in ami_excerpts():
        truth = [(t.speaker, t.start, t.end) for t in excerpt.turns]
        found.append((f"ami_{excerpt.uri}", excerpt.audio, truth))
    return found


def recognised(name: str, audio: np.ndarray, recognizer) -> tuple[list[Word], float]:
    """Whisper's words for the file and the seconds they took, cached by the audio's hash."""
    digest = hashlib.sha256(audio.tobytes()).hexdigest()[:16]
    path = CACHE / f"{name}-{recognizer.name}-{digest}.json"
    if path.exists():
        data = json.loads(path.read_text())
        return [Word(**word) for word in data["words"]], data["seconds"]
    started = time.perf_counter()
    options = recognition_options(len(audio) / 16_000)
    words = recognizer.recognize(audio, options).words
    seconds = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"words": [asdict(w) for w in words], "seconds": seconds}))
    return words, seconds


def measure() -> list[dict]:
    recognizer = recognizer_for()
    rows = []
    for name, audio, truth in cases():
        words, recognition = recognised(name, audio, recognizer)
        duration = len(audio) / 16_000
        started = time.perf_counter()
        try:
            labelled = diarize(audio, words)
        except Exception as error:  # a crash is a result too: the case counts as wrong
            print(f"{name:<24} failed: {error!r}", flush=True)
            rows.append(
                {
                    "case": name,
                    "audio_seconds": round(duration, 1),
                    "speakers": 0,
                    "true_speakers": len({s for s, _, _ in truth}) if truth else 1,
                    "error": repr(error),
                }
            )
            continue
        seconds = time.perf_counter() - started
        row: dict = {
            "case": name,
            "audio_seconds": round(duration, 1),
            "speakers": len({w.speaker for w in labelled}),
            "true_speakers": len({s for s, _, _ in truth}) if truth else 1,
            "diarize_share_of_recognition": seconds / recognition if recognition else None,
        }
        if truth:
            row.update(
                {
                    k: v
                    for k, v in diarization_scores(truth, labelled, duration).items()
                    if k not in ("speakers", "true_speakers")
                }
            )
            given = diarize(audio, words, speakers_expected=row["true_speakers"])
            row["der_count_given"] = diarization_scores(truth, given, duration)["der"]
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def _line(row: dict) -> str:
    text = f"{row['case']:<24} {row['speakers']}/{row['true_speakers']} speakers"
    if "der" in row:
        text += (
            f"  DER {row['der']:.3f} (missed {row['missed']:.3f}, false alarm "
            f"{row['false_alarm']:.3f}, confusion {row['confusion']:.3f})  speaker accuracy "
            f"{row['speaker_accuracy']:.3f}  DER with count given {row['der_count_given']:.3f}"
        )
    return text


def summary(rows: list[dict]) -> dict:
    scored = [row for row in rows if "der" in row]
    return {
        "count_right": sum(row["speakers"] == row["true_speakers"] for row in rows),
        "cases": len(rows),
        "singles_right": sum(row["speakers"] == 1 for row in rows if row["case"] in SINGLES),
        "mean_der": statistics.mean(row["der"] for row in scored),
        "mean_confusion": statistics.mean(row["confusion"] for row in scored),
        "mean_der_count_given": statistics.mean(row["der_count_given"] for row in scored),
        "mean_speaker_accuracy": statistics.mean(row["speaker_accuracy"] for row in scored),
        "failed": sum("error" in row for row in rows),
        "diarize_share_of_recognition": statistics.median(
            row["diarize_share_of_recognition"] for row in rows if "error" not in row
        ),
    }


def table(rows: list[dict], before: dict[str, dict]) -> str:
    lines = [
        "| case | seconds | speakers found / true | DER | missed | false alarm | confusion "
        "| speaker accuracy | DER, count given |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        old = before.get(row["case"])

        def cell(key: str, digits: str = ".3f", row=row, old=old) -> str:
            if key not in row:
                return "–"
            now = format(row[key], digits)
            return f"{format(old[key], digits)} → {now}" if old and key in old else now

        found = f"{row['speakers']} / {row['true_speakers']}"
        if old:
            found = f"{old['speakers']} → {found}"
        lines.append(
            f"| {row['case']} | {row['audio_seconds']} | {found} | {cell('der')} | "
            f"{cell('missed')} | {cell('false_alarm')} | {cell('confusion')} | "
            f"{cell('speaker_accuracy')} | {cell('der_count_given')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="write the rows and summary here")
    parser.add_argument("--before", type=Path, help="an earlier --json, shown as before → now")
    args = parser.parse_args()
    rows = measure()
    before = {}
    if args.before and args.before.exists():
        before = {row["case"]: row for row in json.loads(args.before.read_text())["rows"]}
    result = {"rows": rows, "summary": summary(rows)}
    print()
    print(table(rows, before))
    print()
    print(json.dumps(result["summary"], indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
