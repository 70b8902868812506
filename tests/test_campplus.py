"""The numpy CAM++ matches torch's output, its fbank matches Kaldi's, and the checkpoint reader
runs no code."""

import json
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from synopsis.errors import ModelUnavailableError
from synopsis.speech.campplus import CamPlusPlus, fbank, get_campplus, packaged_weights
from synopsis.speech.checkpoint import load_state_dict

REFERENCE = Path(__file__).parent / "fixtures" / "campplus_reference.json"


def reference_signal() -> np.ndarray:
    """The input tests/fixtures/make_campplus_reference.py gave torch and kaldi-native-fbank."""
    t = np.arange(48_000) / 16_000
    chirp = 0.3 * np.sin(2 * np.pi * (150 + 600 * t) * t)
    noise = 0.05 * np.random.default_rng(7).standard_normal(t.size)
    return (chirp + noise).astype(np.float32)


def reference_windows() -> np.ndarray:
    expected = json.loads(REFERENCE.read_text())
    wav = reference_signal()
    return np.stack([fbank(wav[a:b]) for a, b in expected["windows"]])


def test_fbank_matches_kaldi():
    expected = json.loads(REFERENCE.read_text())
    features = reference_windows()
    assert features.shape == (3, 148, 80)
    np.testing.assert_allclose(features[0, :2], expected["fbank_rows_0_2"], atol=1e-3)
    assert float(np.abs(features[0]).sum()) == pytest.approx(expected["fbank_abs_sum"], rel=1e-4)


def test_embeddings_match_torch():
    expected = json.loads(REFERENCE.read_text())
    ours = get_campplus().embed(reference_windows())
    cosine = (ours * np.array(expected["embeddings"])).sum(axis=1)
    assert np.all(cosine > 0.9999), cosine
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)


def test_state_dict_has_the_network_shapes():
    state = load_state_dict(packaged_weights())
    assert state["head.conv1.weight"].shape == (32, 1, 3, 3)
    assert state["xvector.tdnn.linear.weight"].shape == (128, 320, 5)
    assert state["xvector.dense.linear.weight"].shape == (192, 1024, 1)


class _Exploit:
    def __reduce__(self):
        return (print, ("pwned",))


def test_legacy_checkpoint_that_runs_code_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    with path.open("wb") as handle:
        pickle.dump(0x1950A86A20F9469CFC6C, handle)
        pickle.dump(1001, handle)
        pickle.dump({}, handle)
        pickle.dump({"model_state": _Exploit()}, handle)
        pickle.dump([], handle)
        handle.write(struct.pack("<q", 0))
    with pytest.raises(pickle.UnpicklingError, match="builtins.print"):
        load_state_dict(path)


def test_zip_checkpoint_that_runs_code_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"x": _Exploit()}))
    with pytest.raises(pickle.UnpicklingError, match="builtins.print"):
        load_state_dict(path)


def test_non_checkpoint_is_refused(tmp_path):
    path = tmp_path / "not.pt"
    path.write_bytes(pickle.dumps(12345))
    with pytest.raises(ModelUnavailableError, match="not a torch checkpoint"):
        CamPlusPlus(path)
