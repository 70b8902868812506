"""Who spoke when: voice embeddings of short windows, clustered, then mapped onto words.

Windows of 1.6 s every 0.5 s cover the stretches where Whisper heard words; each gets a GE2E
embedding. Whether there is more than one voice is decided first, by how far the windows spread
around their mean: one real voice stays tight, a conversation does not. Then the windows are
clustered spectrally on the recording's centred embeddings (subtracting the mean removes what
all windows share, the room and the microphone, and leaves what tells voices apart), the count
chosen by silhouette among splits whose every speaker has enough speech, and each window is
moved to its nearest speaker centroid until none moves (resegmentation). A word takes the label
most windows covering its middle agree on, so a speaker change inside one Whisper segment still
lands on the right word. Labels are letters in order of first appearance.

Measured on real voices (benches/diarization.py, docs/benchmarks.md): four single voices (a 1961
broadcast, a reader at full and telephone bandwidth, a woman in a meeting room) stay one speaker;
three real voices spliced into ten turns come out at 100 % of speech time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..errors import InputError
from ..media import SAMPLE_RATE
from ..transcript import Word
from .voice_encoder import HOP, PARTIAL_FRAMES, get_encoder, mel_frames

WINDOW = PARTIAL_FRAMES * HOP / SAMPLE_RATE  # 1.6 s
STEP = 0.5  # every 0.5 s: turns of a second or two get windows of their own (~4 ms a window)
REGION_GAP = 0.6  # pauses shorter than this do not split a speech region
MAX_SPEAKERS = 8
# One voice when 1 - |mean embedding|^2 is at most this. Measured: one real voice 0.20-0.26
# (four recordings, clean to telephone), meetings of two or more 0.30-0.44 (AMI, spliced turns).
ONE_VOICE_SPREAD = 0.28
# A speaker must hold this share of the windows, or MIN_SPEAKER_WINDOWS of them (30 s of speech)
# in long recordings: smaller clusters are overlap, laughter or one voice's moods.
MIN_SPEAKER_SHARE = 0.15
MIN_SPEAKER_WINDOWS = 60
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


def spread(embeddings: np.ndarray) -> float:
    """1 - |mean|^2 of unit vectors: 0 when all agree, higher the more they scatter."""
    mean = embeddings.mean(axis=0)
    return float(1.0 - mean @ mean)


def cluster(
    embeddings: np.ndarray,
    speakers_expected: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> np.ndarray:
    """A speaker index per embedding; the count is given, or estimated within the bounds."""
    from sklearn.metrics import silhouette_score

    count = len(embeddings)
    low, high = speaker_bounds(speakers_expected, min_speakers, max_speakers)
    high = min(high, count)
    if count < 2 or high <= 1:
        return np.zeros(count, dtype=int)
    spectral = _spectral_embedding(embeddings, high)
    if low == high:
        return _split(embeddings, spectral, low)
    if low <= 1 and spread(embeddings) <= ONE_VOICE_SPREAD:
        return np.zeros(count, dtype=int)
    smallest = max(2, min(MIN_SPEAKER_SHARE * count, MIN_SPEAKER_WINDOWS))
    best, best_score = None, -np.inf
    for k in range(max(2, low), min(high, count - 1) + 1):
        labels = _split(embeddings, spectral, k)
        sizes = np.bincount(labels, minlength=k)
        if k > low and (len(set(labels)) < k or sizes.min() < smallest):
            continue
        score = silhouette_score(embeddings, labels, metric="cosine")
        if score > best_score:
            best, best_score = labels, score
    if best is None:
        return np.zeros(count, dtype=int) if low <= 1 else _split(embeddings, spectral, low)
    return best


def _spectral_embedding(embeddings: np.ndarray, components: int) -> np.ndarray:
    """Spectral coordinates of the windows, from cosine affinity of the centred embeddings."""
    from sklearn.manifold import spectral_embedding

    centred = embeddings - embeddings.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True) + 1e-9
    affinity = (centred @ centred.T + 1.0) / 2.0
    components = min(components, len(embeddings) - 1)
    return spectral_embedding(
        affinity, n_components=max(components, 1), random_state=0, drop_first=False
    )


def _split(embeddings: np.ndarray, spectral: np.ndarray, k: int) -> np.ndarray:
    """k speakers: k-means on the first k spectral coordinates, then resegmentation."""
    from sklearn.cluster import KMeans

    if k >= len(embeddings):
        return np.arange(len(embeddings))
    coordinates = spectral[:, : max(1, min(k, spectral.shape[1]))]
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(coordinates)
    return _resegment(embeddings, labels)


def _resegment(embeddings: np.ndarray, labels: np.ndarray, rounds: int = 10) -> np.ndarray:
    """Move each window to its nearest speaker centroid (cosine) until none moves."""
    for _ in range(rounds):
        speakers = np.unique(labels)
        centroids = np.stack([embeddings[labels == s].mean(axis=0) for s in speakers])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True) + 1e-9
        moved = speakers[np.argmax(embeddings @ centroids.T, axis=1)]
        if np.array_equal(moved, labels):
            break
        labels = moved
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
