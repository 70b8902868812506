"""Who spoke when: speaker embeddings of short windows, clustered, then mapped onto words.

Windows of 1.5 s every 0.75 s cover the stretches where Whisper heard words; each gets a CAM++
embedding (campplus.py). The count and the speakers come from spectral clustering as 3D-Speaker
does it: cosine affinity with each row pruned to its nearest neighbours, the unnormalised
Laplacian, the count at its largest eigengap within the caller's bounds, k-means on the leading
eigenvectors; speakers with only a few windows are folded into the nearest other, and two
speakers whose centroids are nearly the same voice are merged. A word takes the label most
windows covering its middle agree on, so a speaker change inside one Whisper segment still lands
on the right word. Labels are letters in order of first appearance.

Measured on real voices (benches/diarization.py, docs/benchmarks.md): four single voices (a 1961
broadcast, a reader at full and telephone bandwidth, a woman in a meeting room) stay one speaker;
three real voices spliced into ten turns and a real meeting of two men are found as three and
two, with 100 % and 96 % of speech time on the right person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..errors import InputError
from ..media import SAMPLE_RATE
from ..transcript import Word
from .campplus import FRAME, FRAMES_PER_SECOND, SHIFT, get_campplus, log_fbank

WINDOW = 1.5  # seconds per embedding, as CAM++ was trained and 3D-Speaker diarizes
STEP = 0.75
WINDOW_FRAMES = 1 + (round(WINDOW * SAMPLE_RATE) - FRAME) // SHIFT  # 148 fbank frames
REGION_GAP = 0.6  # pauses shorter than this do not split a speech region
MAX_SPEAKERS = 10
MIN_WINDOWS_TO_SPLIT = 8  # under 6 s of speech, one speaker unless the caller says otherwise
# Spectral clustering as in 3D-Speaker's diarization recipe: each affinity row keeps its
# nearest neighbours, clusters under 4 windows are folded in, centroids at cosine 0.875 or more
# are one speaker. 3D-Speaker keeps 1.2 % of a row (at least 6); on a few minutes that is 6,
# and a two-voice recording whose phrases repeat fell apart into five speakers (each phrase a
# component of its own). 10 % of the row, 6 to 60, held it together and changes nothing on the
# real-voice bench; 60 is 3D-Speaker's 1.2 % of an hour.
NEIGHBOUR_SHARE = 0.10
MIN_NEIGHBOURS = 6
MAX_NEIGHBOURS = 60
MIN_SPEAKER_WINDOWS = 4
SAME_SPEAKER_SIMILARITY = 0.875
MIN_TURN_MS = 400  # a shorter run between two turns of one speaker is taken as noise
_BATCH = 32


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


def embed_windows(
    audio: np.ndarray,
    windows: list[Window],
    progress: Callable[[int, int], None] | None = None,
    threads: int = 1,
) -> np.ndarray:
    """One CAM++ embedding per window; the fbank of the whole recording is computed once."""
    energies = log_fbank(audio)
    padded = np.pad(energies, ((0, WINDOW_FRAMES), (0, 0)), mode="edge")
    encoder = get_campplus()
    out = []
    for index in range(0, len(windows), _BATCH):
        batch = np.stack(
            [
                padded[(first := round(w.start * FRAMES_PER_SECOND)) : first + WINDOW_FRAMES]
                for w in windows[index : index + _BATCH]
            ]
        )
        batch -= batch.mean(axis=1, keepdims=True)
        out.append(encoder.embed(batch, threads))
        if progress:
            progress(min(index + _BATCH, len(windows)), len(windows))
    return np.concatenate(out)


def speaker_bounds(
    speakers_expected: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> tuple[int, int]:
    """The (fewest, most) speakers to look for; an exact count wins over a range."""
    for name, value in (
        ("speakers_expected", speakers_expected),
        ("min_speakers_expected", min_speakers),
        ("max_speakers_expected", max_speakers),
    ):
        if value is not None and value < 1:
            raise InputError(f"{name} must be at least 1")
    if speakers_expected is not None:
        return speakers_expected, speakers_expected
    low, high = min_speakers or 1, max_speakers or max(MAX_SPEAKERS, min_speakers or 1)
    if high < low:
        raise InputError("max_speakers_expected must not be less than min_speakers_expected")
    return low, high


def cluster(
    embeddings: np.ndarray,
    speakers_expected: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> np.ndarray:
    """A speaker index per embedding; the count is given, or estimated within the bounds."""
    count = len(embeddings)
    low, high = speaker_bounds(speakers_expected, min_speakers, max_speakers)
    high = min(high, count)
    low = min(low, high)
    if count < 2 or high <= 1:
        return np.zeros(count, dtype=int)
    if low == high:
        return _spectral(embeddings, low, high)
    if low <= 1 and count < MIN_WINDOWS_TO_SPLIT:
        return np.zeros(count, dtype=int)
    labels = _spectral(embeddings, low, high)
    labels = _fold_small(embeddings, labels, keep=low)
    return _merge_same(embeddings, labels, keep=low)


def _spectral(embeddings: np.ndarray, low: int, high: int) -> np.ndarray:
    """k-means on the Laplacian's leading eigenvectors; k at the largest eigengap, bounded."""
    from scipy.linalg import eigh
    from sklearn.cluster import KMeans

    count = len(embeddings)
    if low >= count:
        return np.arange(count)
    high = min(high, count - 1)
    affinity = embeddings @ embeddings.T
    keep = min(count, max(MIN_NEIGHBOURS, min(MAX_NEIGHBOURS, int(NEIGHBOUR_SHARE * count))))
    weakest = np.argpartition(affinity, count - keep, axis=1)[:, : count - keep]
    np.put_along_axis(affinity, weakest, 0.0, axis=1)
    affinity = (affinity + affinity.T) / 2
    np.fill_diagonal(affinity, 0.0)
    laplacian = np.diag(np.abs(affinity).sum(axis=1)) - affinity
    # the count the data shows (up to MAX_SPEAKERS), then held within the caller's bounds
    top = min(count - 1, max(high, MAX_SPEAKERS))
    values, vectors = eigh(laplacian, subset_by_index=[0, top])
    shown = low + int(np.argmax(np.diff(values[low - 1 : top + 1])))
    k = low if low == high else min(shown, high)
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors[:, :k])
    return np.unique(labels, return_inverse=True)[1]


def _centroids(embeddings: np.ndarray, labels: np.ndarray, speakers: np.ndarray) -> np.ndarray:
    centroids = np.stack([embeddings[labels == s].mean(axis=0) for s in speakers])
    return centroids / (np.linalg.norm(centroids, axis=1, keepdims=True) + 1e-9)


def _fold_small(embeddings: np.ndarray, labels: np.ndarray, keep: int) -> np.ndarray:
    """Windows of speakers with too few windows go to the nearest speaker with enough."""
    speakers, sizes = np.unique(labels, return_counts=True)
    large = speakers[sizes >= MIN_SPEAKER_WINDOWS]
    if len(large) < max(1, keep) or len(large) == len(speakers):
        return labels
    centroids = _centroids(embeddings, labels, large)
    small = ~np.isin(labels, large)
    labels = labels.copy()
    labels[small] = large[np.argmax(embeddings[small] @ centroids.T, axis=1)]
    return np.unique(labels, return_inverse=True)[1]


def _merge_same(embeddings: np.ndarray, labels: np.ndarray, keep: int) -> np.ndarray:
    """Merge the two closest speakers while their centroids are nearly the same voice."""
    labels = labels.copy()
    while True:
        speakers = np.unique(labels)
        if len(speakers) <= max(1, keep):
            break
        centroids = _centroids(embeddings, labels, speakers)
        similarity = np.triu(centroids @ centroids.T, 1)
        first, second = np.unravel_index(np.argmax(similarity), similarity.shape)
        if similarity[first, second] < SAME_SPEAKER_SIMILARITY:
            break
        labels[labels == speakers[second]] = speakers[first]
    return np.unique(labels, return_inverse=True)[1]


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
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> list[Word]:
    """The words, each with a speaker letter; `threads` caps the encoder's BLAS threads.

    `speakers_expected` fixes the count; otherwise it is estimated between `min_speakers` and
    `max_speakers` (the API's `speaker_options`)."""
    speaker_bounds(speakers_expected, min_speakers, max_speakers)  # bad bounds fail before work
    if not words:
        return words
    windows = windows_for(speech_regions(words), len(audio) / SAMPLE_RATE)
    embeddings = embed_windows(audio, windows, progress, threads)
    labels = cluster(embeddings, speakers_expected, min_speakers, max_speakers)
    return label_words(words, windows, labels)
