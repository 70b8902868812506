"""The numpy speaker encoder matches torch's output, and its checkpoint reader runs no code."""

import json
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

from synopsis.speech.voice_encoder import (
    VoiceEncoder,
    get_encoder,
    load_state_dict,
    mel_frames,
    packaged_weights,
)

REFERENCE = Path(__file__).parent / "fixtures" / "voice_encoder_reference.json"


def reference_signal() -> np.ndarray:
    """The input tests/fixtures/make_encoder_reference.py gave torch."""
    t = np.arange(48_000) / 16_000
    chirp = 0.3 * np.sin(2 * np.pi * (150 + 600 * t) * t)
    noise = 0.05 * np.random.default_rng(7).standard_normal(t.size)
    return (chirp + noise).astype(np.float32)


def test_mel_front_end_matches_librosa():
    expected = json.loads(REFERENCE.read_text())
    mel = mel_frames(reference_signal())
    assert mel.shape == (301, 40)
    np.testing.assert_allclose(mel[:2], expected["mel_rows_0_2"], rtol=1e-4, atol=1e-6)
    assert float(mel.sum()) == pytest.approx(expected["mel_sum"], rel=1e-4)


def test_embeddings_match_torch():
    expected = json.loads(REFERENCE.read_text())
    mel = mel_frames(reference_signal())
    windows = np.stack([mel[a:b] for a, b in expected["windows"]])
    ours = get_encoder().embed(windows)
    theirs = np.array(expected["embeddings"])
    cosine = (ours * theirs).sum(axis=1)
    assert np.all(cosine > 0.9999), cosine
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)


def test_state_dict_has_the_network_shapes():
    state = load_state_dict(packaged_weights())
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert state["lstm.weight_hh_l2"].shape == (1024, 256)
    assert state["linear.weight"].shape == (256, 256)


class _Exploit:
    def __reduce__(self):
        return (print, ("pwned",))


def test_checkpoint_reader_refuses_code(tmp_path):
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


def test_non_checkpoint_is_refused(tmp_path):
    path = tmp_path / "not.pt"
    path.write_bytes(pickle.dumps(12345))
    from synopsis.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match="not a legacy torch checkpoint"):
        VoiceEncoder(path)
