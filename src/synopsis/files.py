"""Files and folders that hold users' data are private to the server's user (0600 / 0700),
whatever the umask: uploads, downloads and the database are recordings and transcripts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> BinaryIO:
    """Open `path` for writing as a new 0600 file (truncating an existing one)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)  # an existing file keeps its old mode otherwise
    return os.fdopen(descriptor, "wb")
