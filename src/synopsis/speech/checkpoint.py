"""Read torch checkpoints without torch, and without running any code they contain.

Model weights that ship inside registry packages are torch pickles; unpickling one normally can
call anything. This unpickler builds only ordered dicts, float and integer storages and tensors,
and refuses every other class, so a tampered checkpoint fails instead of running. Both formats
are read: the legacy stream (magic number, header records, then raw storages) and the zip
archive torch has written since 1.6 (`archive/data.pkl` plus one file per storage).
"""

from __future__ import annotations

import pickle
import struct
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..errors import ModelUnavailableError

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64}


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


class _PlainUnpickler(pickle.Unpickler):
    """For the legacy header records, which hold only numbers, strings and dicts."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"checkpoint header refers to {module}.{name}")


def _arrays(state: dict[str, Any]) -> dict[str, np.ndarray]:
    return {name: ref.array() for name, ref in state.items() if isinstance(ref, _TensorRef)}


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a checkpoint holding a state dict (or `{"model_state": state_dict}`)."""
    if zipfile.is_zipfile(path):
        return _arrays(_unwrap(_load_zip(path)))
    storages: dict[str, _Storage] = {}
    with path.open("rb") as handle:
        try:
            magic = _PlainUnpickler(handle).load()
        except (pickle.UnpicklingError, EOFError, ValueError) as error:
            raise ModelUnavailableError(f"{path} is not a torch checkpoint") from error
        if magic != _LEGACY_MAGIC:
            raise ModelUnavailableError(f"{path} is not a torch checkpoint")
        _PlainUnpickler(handle).load()  # protocol version
        _PlainUnpickler(handle).load()  # system info
        checkpoint = _CheckpointUnpickler(handle, storages).load()
        for key in _PlainUnpickler(handle).load():
            storage = storages[key]
            (count,) = struct.unpack("<q", handle.read(8))
            raw = handle.read(count * np.dtype(storage.dtype).itemsize)
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    return _arrays(_unwrap(checkpoint))


def _load_zip(path: Path) -> Any:
    storages: dict[str, _Storage] = {}
    with zipfile.ZipFile(path) as archive:
        pickled = next((n for n in archive.namelist() if n.endswith("/data.pkl")), None)
        if pickled is None:
            raise ModelUnavailableError(f"{path} is not a torch checkpoint")
        prefix = pickled[: -len("data.pkl")]
        with archive.open(pickled) as handle:
            checkpoint = _CheckpointUnpickler(handle, storages).load()
        for key, storage in storages.items():
            storage.data = np.frombuffer(archive.read(f"{prefix}data/{key}"), dtype=storage.dtype)
    return checkpoint


def _unwrap(checkpoint: Any) -> dict[str, Any]:
    if isinstance(checkpoint, dict) and "model_state" in checkpoint:
        checkpoint = checkpoint["model_state"]
    if not isinstance(checkpoint, dict):
        raise ModelUnavailableError("the checkpoint holds no state dict")
    return checkpoint
