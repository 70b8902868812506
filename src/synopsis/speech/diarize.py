"""Who spoke when: voice embeddings of short windows, clustered, then mapped onto words.

Windows of 1.6 s every 1.0 s cover the stretches where Whisper heard words; each gets a GE2E
embedding; agglomerative clustering (cosine, average linkage) groups them into speakers. A word
takes the label most windows covering its middle agree on, so a speaker change inside one Whisper
segment still lands on the right word. Labels are letters in order of first appearance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..media import SAMPLE_RATE
from ..transcript import Word
from .voice_encoder import HOP, PARTIAL_FRAMES, get_encoder, mel_frames

WINDOW = PARTIAL_FRAMES * HOP / SAMPLE_RATE  # 1.6 s
STEP = 1.0  # windows overlap by 0.6 s; the encoder is the cost (~4 ms a window)
REGION_GAP = 0.6  # pauses shorter than this do not split a speech region
MAX_SPEAKERS = 8
# Two clusters whose centroids are this similar are one voice (a lone speaker's windows still
# vary); measured on generated voices, where one voice stays above ~0.9 and two voices ~0.6.
SAME_SPEAKER_SIMILARITY = 0.8
MIN_TURN_MS = 400  # a shorter run between two turns of one speaker is taken as noise
_BATCH = 64


@dataclass(frozen=True)
class Window:
    start: float
    end: float

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2


def speech_regions(words: list[Word], gap: float = REGION_GAP) -> list[tuple[float, float]]:
    regions: list[tuple[float, float]] = []
    for word in words:
        start, end = word.start / 1000, word.end / 1000
        if regions and start - regions[-1][1] < gap:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions


def windows_for(regions: list[tuple[float, float]], duration: float) -> list[Window]:
    """Sliding windows over each region; a region shorter than a window gets one, centred."""
    windows: list[Window] = []
    for start, end in regions:
        if end - start <= WINDOW:
            centre = (start + end) / 2
            begin = min(max(0.0, centre - WINDOW / 2), max(0.0, duration - WINDOW))
            windows.append(Window(begin, begin + WINDOW))
            continue
        position = start
        while position + WINDOW < end:
            windows.append(Window(position, position + WINDOW))
            position += STEP
        windows.append(Window(end - WINDOW, end))
    return windows


def _normalise_volume(audio: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    """Raise quiet audio to the level the encoder was trained on (never lower it)."""
    rms = float(np.sqrt(np.mean(audio.astype(np.float64) ** 2)))
    if rms <= 1e-9:
        return audio
    change = target_dbfs - 20 * np.log10(rms)
    return audio * np.float32(10 ** (change / 20)) if change > 0 else audio


def embed_windows(
    audio: np.ndarray,
    windows: list[Window],
    progress: Callable[[int, int], None] | None = None,
    threads: int = 1,
) -> np.ndarray:
    mel = mel_frames(_normalise_volume(audio))
    padded = np.pad(mel, ((0, PARTIAL_FRAMES), (0, 0)))
    frames_per_second = SAMPLE_RATE / HOP
    batch = np.stack(
        [
            padded[(first := round(w.start * frames_per_second)) : first + PARTIAL_FRAMES]
            for w in windows
        ]
    )
    encoder = get_encoder()
    out = []
    for index in range(0, len(batch), _BATCH):
        out.append(encoder.embed(batch[index : index + _BATCH], threads))
        if progress:
            progress(min(index + _BATCH, len(batch)), len(batch))
    return np.concatenate(out)


def cluster(embeddings: np.ndarray, speakers_expected: int | None = None) -> np.ndarray:
    """A cluster index per embedding; the count is given or estimated by silhouette."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    count = len(embeddings)
    if count < 2 or speakers_expected == 1:
        return np.zeros(count, dtype=int)

    def fit(k: int) -> np.ndarray:
        model = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average")
        return model.fit_predict(embeddings)

    if speakers_expected:
        return fit(min(speakers_expected, count))
    two = fit(2)
    if _centroid_similarity(embeddings, two) >= SAME_SPEAKER_SIMILARITY:
        return np.zeros(count, dtype=int)
    best, best_score = two, silhouette_score(embeddings, two, metric="cosine")
    for k in range(3, min(MAX_SPEAKERS, count - 1) + 1):
        labels = fit(k)
        score = silhouette_score(embeddings, labels, metric="cosine")
        if score > best_score:
            best, best_score = labels, score
    return best


def _centroid_similarity(embeddings: np.ndarray, labels: np.ndarray) -> float:
    centroids = [embeddings[labels == k].mean(axis=0) for k in (0, 1)]
    a, b = (c / np.linalg.norm(c) for c in centroids)
    return float(a @ b)


def label_words(words: list[Word], windows: list[Window], labels: np.ndarray) -> list[Word]:
    """Each word gets the majority label of the windows covering its middle (nearest if none)."""
    starts = np.array([w.start for w in windows])
    ends = np.array([w.end for w in windows])
    centres = (starts + ends) / 2
    raw: list[int] = []
    for word in words:
        middle = (word.start + word.end) / 2000
        covering = np.nonzero((starts <= middle) & (ends >= middle))[0]
        if len(covering) == 0:
            raw.append(int(labels[np.argmin(np.abs(centres - middle))]))
            continue
        votes = Counter(int(labels[i]) for i in covering)
        top = max(votes.values())
        tied = [i for i in covering if votes[int(labels[i])] == top]
        raw.append(int(labels[min(tied, key=lambda i: abs(centres[i] - middle))]))
    smoothed = _smooth(words, raw)
    letters: dict[int, str] = {}
    for label in smoothed:
        letters.setdefault(label, _letter(len(letters)))
    return [
        replace(word, speaker=letters[label]) for word, label in zip(words, smoothed, strict=True)
    ]


def _smooth(words: list[Word], labels: list[int]) -> list[int]:
    """Relabel short runs sandwiched between two runs of the same speaker."""
    labels = list(labels)
    runs: list[tuple[int, int]] = []  # [start, end) indices of equal labels
    for index, label in enumerate(labels):
        if runs and labels[runs[-1][0]] == label:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    for position in range(1, len(runs) - 1):
        first, last = runs[position]
        before, after = labels[runs[position - 1][0]], labels[runs[position + 1][0]]
        if before == after and words[last - 1].end - words[first].start < MIN_TURN_MS:
            labels[first:last] = [before] * (last - first)
    return labels


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def diarize(
    audio: np.ndarray,
    words: list[Word],
    speakers_expected: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int = 1,
) -> list[Word]:
    """The words, each with a speaker letter; `threads` caps the encoder's BLAS threads."""
    if not words:
        return words
    windows = windows_for(speech_regions(words), len(audio) / SAMPLE_RATE)
    embeddings = embed_windows(audio, windows, progress, threads)
    return label_words(words, windows, cluster(embeddings, speakers_expected))
