"""Speaker embeddings with Resemblyzer's GE2E encoder, run in numpy instead of torch.

`resemblyzer` ships its 17 MB `pretrained.pt` in the wheel, but importing it pulls torch with CUDA
(gigabytes). We install it with `--no-deps`, read the checkpoint with a restricted unpickler that
can only build ordered dicts and float tensors, and run the network (40-mel front end, 3-layer
LSTM-256, linear + ReLU, L2 norm) ourselves. Embeddings match torch's to cosine 1.0000.
"""

from __future__ import annotations

import importlib.util
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import scipy.fft
from threadpoolctl import threadpool_limits

from ..errors import ModelUnavailableError

SAMPLE_RATE = 16_000
N_FFT = 400  # 25 ms window
HOP = 160  # 10 ms step
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s of audio per embedding
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64}


# --- checkpoint reading -------------------------------------------------------------------------


@dataclass
class _Storage:
    dtype: type
    numel: int
    data: np.ndarray | None = None


@dataclass
class _TensorRef:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> np.ndarray:
        assert self.storage.data is not None
        itemsize = self.storage.data.itemsize
        return np.lib.stride_tricks.as_strided(
            self.storage.data[self.offset :],
            shape=self.shape,
            strides=tuple(s * itemsize for s in self.stride),
        ).copy()


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = _DTYPES[name]


def _rebuild_tensor(storage: _Storage, offset: int, shape, stride, *_ignored) -> _TensorRef:
    return _TensorRef(storage, offset, tuple(shape), tuple(stride))


class _CheckpointUnpickler(pickle.Unpickler):
    """Builds only what a state dict needs; any other class in the pickle is refused."""

    def __init__(self, handle: BinaryIO, storages: dict[str, _Storage]) -> None:
        super().__init__(handle)
        self._storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"checkpoint refers to {module}.{name}, which is not allowed")

    def persistent_load(self, saved_id: Any) -> Any:
        kind, storage_type, key, _location, numel, *_ = saved_id
        if kind != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {kind!r}")
        return self._storages.setdefault(key, _Storage(storage_type.dtype, numel))


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a torch legacy-format checkpoint (`model_state`), without torch."""
    storages: dict[str, _Storage] = {}
    with path.open("rb") as handle:
        if _PlainUnpickler(handle).load() != _LEGACY_MAGIC:
            raise ModelUnavailableError(f"{path} is not a legacy torch checkpoint")
        _PlainUnpickler(handle).load()  # protocol version
        _PlainUnpickler(handle).load()  # system info
        checkpoint = _CheckpointUnpickler(handle, storages).load()
        keys = _PlainUnpickler(handle).load()
        for key in keys:
            storage = storages[key]
            (count,) = struct.unpack("<q", handle.read(8))
            raw = handle.read(count * np.dtype(storage.dtype).itemsize)
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    state = checkpoint["model_state"]
    return {name: ref.array() for name, ref in state.items() if isinstance(ref, _TensorRef)}


class _PlainUnpickler(pickle.Unpickler):
    """For the header records, which hold only numbers, strings and dicts."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"checkpoint header refers to {module}.{name}")


def packaged_weights() -> Path:
    """`pretrained.pt` inside the installed `resemblyzer` wheel, found without importing it."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "speaker labels need the resemblyzer weights: pip install --no-deps resemblyzer==0.1.4"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise ModelUnavailableError(f"{path} is missing; reinstall resemblyzer (--no-deps)")
    return path


# --- front end ----------------------------------------------------------------------------------


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above (librosa's default)."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / (200.0 / 3)
    log_region = hz >= 1000.0
    return np.where(
        log_region, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27), linear
    )


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    return np.where(
        mel >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27) * (mel - 15.0)), mel * 200.0 / 3
    )


@lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """(40, 201) triangular filters, Slaney-normalised, as `librosa.filters.mel` builds them."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    mel_points = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    widths = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2:] - mel_points[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_frames(wav: np.ndarray, block: int = 2048) -> np.ndarray:
    """(frames, 40) power mel spectrogram: centred frames, zero padding, periodic Hann window.

    Computed in blocks of frames with float32 FFTs: the whole-signal version spent ten times as
    long moving complex128 arrays through memory as computing them.
    """
    padded = np.pad(wav.astype(np.float32), N_FFT // 2)
    count = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(count, N_FFT), strides=(padded.strides[0] * HOP, padded.strides[0])
    )
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    filters = mel_filterbank().T
    mel = np.empty((count, N_MELS), dtype=np.float32)
    for first in range(0, count, block):
        spectrum = scipy.fft.rfft(frames[first : first + block] * window, axis=1)
        power = spectrum.real**2 + spectrum.imag**2
        mel[first : first + block] = power @ filters
    return mel


# --- network ------------------------------------------------------------------------------------


class VoiceEncoder:
    """256-d, L2-normalised voice embeddings of 1.6 s mel windows."""

    def __init__(self, weights: Path | None = None) -> None:
        state = load_state_dict(weights or packaged_weights())
        # torch stores the gates as i, f, g, o; reorder to i, f, o, g so that one sigmoid call
        # covers the three sigmoid gates and one tanh call the fourth
        order = np.concatenate([np.arange(0, 512), np.arange(768, 1024), np.arange(512, 768)])
        self._layers = []
        for layer in range(3):
            w_ih = state[f"lstm.weight_ih_l{layer}"][order]
            w_hh = state[f"lstm.weight_hh_l{layer}"][order]
            bias = (state[f"lstm.bias_ih_l{layer}"] + state[f"lstm.bias_hh_l{layer}"])[order]
            self._layers.append((w_ih.T.copy(), w_hh.T.copy(), bias.astype(np.float32)))
        self._linear_w = state["linear.weight"].T.copy()
        self._linear_b = state["linear.bias"]

    def embed(self, mels: np.ndarray, threads: int = 1) -> np.ndarray:
        """(batch, frames, 40) mel windows → (batch, 256) embeddings.

        Time-major and in place: each step touches contiguous memory and allocates nothing.
        BLAS threads are capped explicitly: left unlimited, OpenBLAS made the same call take
        7–33 s instead of half a second, at random (MODELS.md); capped at the speech threads
        (2 here) it ran 1.4–2x faster than on one thread, with no stalls in our runs.
        """
        with threadpool_limits(limits=threads):
            sequence = np.ascontiguousarray(mels.transpose(1, 0, 2), dtype=np.float32)
            steps, batch, _ = sequence.shape
            hidden = np.zeros((batch, 256), dtype=np.float32)
            for w_ih, w_hh, bias in self._layers:
                inputs = (sequence.reshape(steps * batch, -1) @ w_ih).reshape(steps, batch, -1)
                inputs += bias
                hidden = np.zeros((batch, 256), dtype=np.float32)
                cell = np.zeros_like(hidden)
                product = np.empty_like(hidden)
                gates = np.empty((batch, 1024), dtype=np.float32)
                outputs = np.empty((steps, batch, 256), dtype=np.float32)
                sigmoid, candidate = gates[:, :768], gates[:, 768:]
                in_gate, forget, out_gate = sigmoid[:, :256], sigmoid[:, 256:512], sigmoid[:, 512:]
                for step in range(steps):
                    np.matmul(hidden, w_hh, out=gates)
                    gates += inputs[step]
                    sigmoid *= 0.5  # sigmoid(x) = (1 + tanh(x / 2)) / 2
                    np.tanh(sigmoid, out=sigmoid)
                    sigmoid += 1.0
                    sigmoid *= 0.5
                    np.tanh(candidate, out=candidate)
                    cell *= forget
                    np.multiply(in_gate, candidate, out=product)
                    cell += product
                    np.tanh(cell, out=hidden)
                    hidden *= out_gate
                    outputs[step] = hidden
                sequence = outputs
            raw = np.maximum(hidden @ self._linear_w + self._linear_b, 0.0)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norms, 1e-9)


@lru_cache(maxsize=1)
def get_encoder() -> VoiceEncoder:
    """The packaged encoder, loaded once per process (about 0.1 s)."""
    return VoiceEncoder()
